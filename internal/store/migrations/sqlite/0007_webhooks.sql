-- Inbound CRM webhooks. A workspace has one secret webhook URL
-- (/hooks/{workspace}/{secret}); only the hex SHA-256 of its secret is
-- stored, as for API tokens, so a leaked database opens no URL.

CREATE TABLE webhook_secrets (
	workspace   TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	secret_hash TEXT NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;

-- The changes webhooks reported and no re-fetch has stored yet. A webhook
-- is answered once its changes are here; the re-fetch deletes them in the
-- transaction that stores the records it fetched.
CREATE TABLE webhook_changes (
	id          INTEGER PRIMARY KEY,
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('company', 'deal', 'task', 'activity')),
	external_id TEXT NOT NULL,
	deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
	at          INTEGER,          -- when the CRM says it happened; NULL if it does not say
	received_at INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_changes_workspace ON webhook_changes (workspace, id);
