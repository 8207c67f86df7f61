-- Webhooks queue contact changes too (issue 16): amoCRM's contacts[…],
-- Bitrix24's ONCRMCONTACT…, HubSpot's contact.* and Pipedrive's person
-- events re-fetch the contact by id, so a contact entered after the
-- cutoff's sync reaches the phone index within seconds.
-- webhook_changes.kind takes 'contact'.
--
-- SQLite cannot alter a CHECK: the table is built again under the new
-- CHECK and its rows (ids included, so the order of pending changes is
-- kept) copied over, as 0016 did. Nothing references webhook_changes.

CREATE TABLE webhook_changes_0025 (
	id          INTEGER PRIMARY KEY,
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('company', 'contact', 'deal', 'task', 'activity', 'deal_move')),
	external_id TEXT NOT NULL,
	deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
	at          INTEGER,          -- when the CRM says it happened; NULL if it does not say
	received_at INTEGER NOT NULL
) STRICT;

INSERT INTO webhook_changes_0025 (id, workspace, kind, external_id, deleted, at, received_at)
	SELECT id, workspace, kind, external_id, deleted, at, received_at FROM webhook_changes ORDER BY id;

DROP TABLE webhook_changes;
ALTER TABLE webhook_changes_0025 RENAME TO webhook_changes;
CREATE INDEX webhook_changes_workspace ON webhook_changes (workspace, id);
