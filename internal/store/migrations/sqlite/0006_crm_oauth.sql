-- OAuth for the CRM connection: the application (its client secret stays
-- in the file client_secret_file names), the Bitrix24 outbound-event token
-- file, and the OAuth token pair. The pair is stored sealed (AES-256-GCM)
-- by the caller with the operator's secret key: this table only ever holds
-- ciphertext. Its rows go with the connection.

ALTER TABLE crm_connections ADD COLUMN application_token_file TEXT NOT NULL DEFAULT '';
ALTER TABLE crm_connections ADD COLUMN oauth_client_id TEXT NOT NULL DEFAULT '';  -- '' without OAuth
ALTER TABLE crm_connections ADD COLUMN oauth_client_secret_file TEXT NOT NULL DEFAULT '';
ALTER TABLE crm_connections ADD COLUMN oauth_redirect_uri TEXT NOT NULL DEFAULT '';

CREATE TABLE crm_tokens (
	workspace  TEXT PRIMARY KEY REFERENCES crm_connections (workspace) ON DELETE CASCADE,
	sealed     BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
