-- Per-person notification settings: each manager's contact and the heads
-- who receive digests and statements, and a workspace's webhook channel.
-- Channel secrets (bot token, SMTP password) are not stored: they belong to
-- the serving process's configuration.

CREATE TABLE contacts (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role      TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person    TEXT NOT NULL,  -- the manager id, or the head's name
	position  INTEGER NOT NULL,
	telegram  TEXT NOT NULL,  -- '' when none
	email     TEXT NOT NULL,  -- '' when none
	lang      TEXT NOT NULL CHECK (lang IN ('ru', 'en')),
	notify    INTEGER NOT NULL CHECK (notify IN (0, 1)),
	PRIMARY KEY (workspace, role, person)
) STRICT;

CREATE TABLE notification_webhooks (
	workspace TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	url       TEXT NOT NULL
) STRICT;
