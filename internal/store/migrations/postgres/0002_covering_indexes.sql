-- Covering indexes for day sheets. A day sheet reads, per working day, the
-- day's activities (aggregated per responsible user), the open tasks and
-- the open or just-closed deals. With these indexes each range can be read
-- by an index-only scan instead of one heap fetch per row (measured by
-- internal/bench). The key columns are those of 0001; INCLUDE carries what
-- the sheet reads.

DROP INDEX activities_happened;
CREATE INDEX activities_happened ON activities (workspace, happened_at)
	INCLUDE (responsible, kind, outcome, duration_seconds, entered_at, deleted_at);
DROP INDEX activities_entered;
CREATE INDEX activities_entered ON activities (workspace, entered_at)
	INCLUDE (happened_at, responsible, kind, outcome, duration_seconds, deleted_at);

DROP INDEX tasks_open;
CREATE INDEX tasks_open ON tasks (workspace, created_at)
	INCLUDE (source, completed_at, deleted_at, responsible, deal_id, deadline) WHERE completed_at IS NULL;
DROP INDEX tasks_completed;
CREATE INDEX tasks_completed ON tasks (workspace, completed_at)
	INCLUDE (source, created_at, deleted_at, responsible, deal_id, deadline);

DROP INDEX deals_open;
CREATE INDEX deals_open ON deals (workspace, created_at)
	INCLUDE (source, external_id, status, deleted_at, responsible, amount, closed_at) WHERE status NOT IN ('won', 'lost');
DROP INDEX deals_closed;
CREATE INDEX deals_closed ON deals (workspace, closed_at)
	INCLUDE (source, external_id, status, created_at, deleted_at, responsible, amount);
