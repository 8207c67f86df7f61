-- HubSpot and Pipedrive join amoCRM and Bitrix24 as CRMs a workspace can
-- connect to (issue 17).
--
-- SQLite cannot alter a CHECK: crm_connections is built again under the
-- new CHECK and its rows copied over. crm_tokens references it with ON
-- DELETE CASCADE, and dropping the old table would delete the sealed
-- tokens with it (foreign keys are on, and cannot be turned off inside the
-- migration's transaction): the tokens are set aside first and put back
-- into a crm_tokens built as 0006 built it.

CREATE TABLE crm_tokens_0018 (
	workspace  TEXT PRIMARY KEY,
	sealed     BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO crm_tokens_0018 (workspace, sealed, updated_at) SELECT workspace, sealed, updated_at FROM crm_tokens;
DROP TABLE crm_tokens;

CREATE TABLE crm_connections_0018 (
	workspace                TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	kind                     TEXT NOT NULL CHECK (kind IN ('amocrm', 'bitrix24', 'hubspot', 'pipedrive')),
	base_url                 TEXT NOT NULL,
	token_file               TEXT NOT NULL,  -- '' for a Bitrix24 inbound webhook or an OAuth connection
	sync_every_seconds       INTEGER NOT NULL,
	application_token_file   TEXT NOT NULL DEFAULT '',
	oauth_client_id          TEXT NOT NULL DEFAULT '',  -- '' without OAuth
	oauth_client_secret_file TEXT NOT NULL DEFAULT '',
	oauth_redirect_uri       TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO crm_connections_0018 (workspace, kind, base_url, token_file, sync_every_seconds, application_token_file,
		oauth_client_id, oauth_client_secret_file, oauth_redirect_uri)
	SELECT workspace, kind, base_url, token_file, sync_every_seconds, application_token_file,
		oauth_client_id, oauth_client_secret_file, oauth_redirect_uri FROM crm_connections;
DROP TABLE crm_connections;
ALTER TABLE crm_connections_0018 RENAME TO crm_connections;

CREATE TABLE crm_tokens (
	workspace  TEXT PRIMARY KEY REFERENCES crm_connections (workspace) ON DELETE CASCADE,
	sealed     BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO crm_tokens (workspace, sealed, updated_at) SELECT workspace, sealed, updated_at FROM crm_tokens_0018;
DROP TABLE crm_tokens_0018;
