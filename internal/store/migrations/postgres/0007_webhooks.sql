-- Inbound CRM webhooks. A workspace has one secret webhook URL
-- (/hooks/{workspace}/{secret}); only the hex SHA-256 of its secret is
-- stored, as for API tokens, so a leaked database opens no URL.

CREATE TABLE webhook_secrets (
	workspace   TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	secret_hash TEXT NOT NULL,
	created_at  BIGINT NOT NULL
);

-- The changes webhooks reported and no re-fetch has stored yet. A webhook
-- is answered once its changes are here; the re-fetch deletes them in the
-- transaction that stores the records it fetched.
CREATE TABLE webhook_changes (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('company', 'deal', 'task', 'activity')),
	external_id TEXT NOT NULL,
	deleted     BOOLEAN NOT NULL,
	at          BIGINT,           -- when the CRM says it happened; NULL if it does not say
	received_at BIGINT NOT NULL
);

CREATE INDEX webhook_changes_workspace ON webhook_changes (workspace, id);
