-- The guided setup in the browser (issue 15).
--
-- setup_links: the one-time link `reglament serve` prints on an empty
-- database; the page behind it creates the first admin. Only the hex
-- SHA-256 of the link's token is kept, with when it expires and when it
-- was used (a used link opens nothing again).
CREATE TABLE setup_links (
	token_hash TEXT PRIMARY KEY,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT,
	used_by    TEXT NOT NULL DEFAULT ''
);

-- oauth_states: the state parameter of a CRM authorization started from
-- the setup page, bound to the session that started it (the hash of its
-- token) and the workspace it connects. Used once; a replayed callback
-- finds it used.
CREATE TABLE oauth_states (
	state_hash   TEXT PRIMARY KEY,
	session_hash TEXT NOT NULL,
	user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	workspace    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL,
	used_at      BIGINT
);

-- crm_client_secrets: the client secret of an OAuth application entered
-- on the setup page, sealed (AES-256-GCM, by the caller, bound to the
-- workspace and the client id): a connection whose oauth section names no
-- client_secret_file reads its secret here.
CREATE TABLE crm_client_secrets (
	workspace  TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	client_id  TEXT NOT NULL,
	sealed     BYTEA NOT NULL,
	updated_at BIGINT NOT NULL
);

-- setup_syncs: how the first sync started from the setup page stands,
-- for the page that reloads itself while it runs.
CREATE TABLE setup_syncs (
	workspace   TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
	kind        TEXT NOT NULL DEFAULT '',   -- the kind of record being fetched
	records     BIGINT NOT NULL DEFAULT 0, -- records fetched so far
	error       TEXT NOT NULL DEFAULT '',   -- what the head is told when it failed
	started_at  BIGINT NOT NULL,
	updated_at  BIGINT NOT NULL
);
