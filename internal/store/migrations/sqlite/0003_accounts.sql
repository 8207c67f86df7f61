-- Accounts of the web application: users with a role, their sessions and
-- their API tokens. Secrets are never stored: a password is kept as its
-- argon2id hash, a session or API token as the hex SHA-256 of the token.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,      -- PHC string; empty for a token-only viewer
	role          TEXT NOT NULL CHECK (role IN ('admin', 'head', 'manager', 'viewer')),
	workspace     TEXT REFERENCES workspaces (id) ON DELETE CASCADE,  -- NULL only for admin
	manager       TEXT NOT NULL DEFAULT '',  -- manager id of a manager user
	lang          TEXT NOT NULL DEFAULT '',  -- ru, en or '' (from the browser)
	created_at    INTEGER NOT NULL,
	CHECK ((role = 'admin') = (workspace IS NULL)),
	CHECK ((role = 'manager') = (manager <> ''))
) STRICT;

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);
