-- A workspace's own notification rhythm (the notifications section of its
-- YAML): when reminders go out before the deadline and when the weekly and
-- monthly statements are sent. A workspace without a row, or with a NULL
-- column, follows the serving process's default rhythm (reminders 60 and 15
-- minutes before the deadline, statements at 09:00).

CREATE TABLE notification_rhythms (
	workspace     TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	reminders     TEXT,  -- JSON array of minutes before the deadline, e.g. [60,15]; [] turns reminders off
	statements_at TEXT   -- local HH:MM
		CHECK (statements_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
