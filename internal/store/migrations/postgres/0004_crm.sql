-- A workspace's CRM connection and the incremental sync cursors.
-- The token is not stored here: token_file names the file holding it
-- (encryption of stored tokens at rest comes with OAuth).

CREATE TABLE crm_connections (
	workspace          TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	kind               TEXT NOT NULL CHECK (kind IN ('amocrm', 'bitrix24')),
	base_url           TEXT NOT NULL,
	token_file         TEXT NOT NULL,  -- '' for a Bitrix24 inbound webhook
	sync_every_seconds INTEGER NOT NULL
);

-- One cursor per (workspace, source, kind): every change the CRM made
-- before since has been stored. It is written in the transaction that
-- stores the batch it was fetched with.
CREATE TABLE sync_cursors (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source    TEXT NOT NULL,
	kind      TEXT NOT NULL,
	since     BIGINT NOT NULL,
	synced_at BIGINT NOT NULL,
	PRIMARY KEY (workspace, source, kind)
);
