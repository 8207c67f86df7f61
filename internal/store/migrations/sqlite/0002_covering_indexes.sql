-- Covering indexes for day sheets. A day sheet reads, per working day, the
-- day's activities (aggregated per responsible user), the open tasks and
-- the open or just-closed deals. With these indexes each range is read from
-- the index alone, in key order, instead of one primary-key lookup per row
-- (measured by internal/bench: the lookups were most of a finalization).
-- The key columns are those of 0001; the rest are what the sheet reads.
-- Tables are WITHOUT ROWID, so every index entry also carries source and
-- external_id.

DROP INDEX activities_happened;
CREATE INDEX activities_happened ON activities
	(workspace, happened_at, responsible, kind, outcome, duration_seconds, entered_at, deleted_at);
DROP INDEX activities_entered;
CREATE INDEX activities_entered ON activities
	(workspace, entered_at, happened_at, responsible, kind, outcome, duration_seconds, deleted_at);

DROP INDEX tasks_open;
CREATE INDEX tasks_open ON tasks
	(workspace, created_at, completed_at, deleted_at, responsible, deal_id, deadline) WHERE completed_at IS NULL;
DROP INDEX tasks_completed;
CREATE INDEX tasks_completed ON tasks
	(workspace, completed_at, created_at, deleted_at, responsible, deal_id, deadline);

DROP INDEX deals_open;
CREATE INDEX deals_open ON deals
	(workspace, created_at, status, deleted_at, responsible, amount, closed_at) WHERE status NOT IN ('won', 'lost');
DROP INDEX deals_closed;
CREATE INDEX deals_closed ON deals
	(workspace, closed_at, status, created_at, deleted_at, responsible, amount);
