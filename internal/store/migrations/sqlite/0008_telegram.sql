-- Telegram linking and failed deliveries.
--
-- A person (a manager, or a head by the name the workspace YAML gives) links
-- their Telegram chat by sending the bot a one-time code. Codes are stored
-- as the hex SHA-256 of the code, expire, and are used once. The linked chat
-- is used when the workspace YAML names no chat for the person. The bot's
-- getUpdates offset is kept per bot so that a restarted poller neither
-- repeats nor skips updates. A delivery that finally failed is kept for the
-- heads to see; its error text never holds a secret.

CREATE TABLE telegram_link_codes (
	code_hash  TEXT PRIMARY KEY,
	workspace  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role       TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person     TEXT NOT NULL,     -- the manager id, or the head's name
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER            -- NULL until used
) STRICT;

CREATE INDEX telegram_link_codes_person ON telegram_link_codes (workspace, role, person);

CREATE TABLE telegram_chats (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role      TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person    TEXT NOT NULL,
	chat_id   TEXT NOT NULL,
	linked_at INTEGER NOT NULL,
	PRIMARY KEY (workspace, role, person)
) STRICT;

CREATE INDEX telegram_chats_chat ON telegram_chats (chat_id);

CREATE TABLE telegram_offsets (
	bot         TEXT PRIMARY KEY,  -- the bot's numeric id (the token's public part)
	next_update INTEGER NOT NULL
) STRICT;

CREATE TABLE failed_deliveries (
	id        INTEGER PRIMARY KEY,
	job_key   TEXT NOT NULL UNIQUE,
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	recipient TEXT NOT NULL,
	channel   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	error     TEXT NOT NULL,
	attempts  INTEGER NOT NULL,
	failed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX failed_deliveries_workspace ON failed_deliveries (workspace, failed_at);
