-- The HTTP Basic credentials a CRM's webhooks carry when the CRM signs
-- nothing but lets the receiver choose a user and password (Pipedrive's
-- webhooks v2): reglament generates them with the webhook URL, shows them
-- once, and keeps them sealed (internal/secret, like crm_tokens) to check
-- every call. Rotating the URL rotates them.

CREATE TABLE webhook_credentials (
	workspace  TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	sealed     BYTEA NOT NULL,
	created_at BIGINT NOT NULL
);
