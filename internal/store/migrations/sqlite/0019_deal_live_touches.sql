-- The latest touches of each deal that nothing took back (DESIGN.md
-- section 10, deals_idle): the latest instant one of its activities not
-- deleted happened (acted_live), the latest instant one of those happened
-- or was entered (acted_live_seen), and the two latest instants its
-- tasks not deleted were completed (done_live, done_live_prev: a day
-- finalized in the evening sees tasks completed after its cutoff). At a
-- cutoff at or after acted_live_seen every such activity had happened and
-- been entered, so the deal's latest touch then is acted_live or later;
-- at a cutoff at or after done_live, done_live or later, and after
-- done_live_prev, that or later. With 0017's bounds above (acted_max,
-- done_max), a day sheet puts most deals in their idle level without
-- reading their activities and tasks. The store keeps them with every
-- upsert of deals, activities or tasks (refreshDealTouches), for the
-- deals an activity or task left too.

ALTER TABLE deals ADD COLUMN acted_live INTEGER;
ALTER TABLE deals ADD COLUMN acted_live_seen INTEGER;
ALTER TABLE deals ADD COLUMN done_live INTEGER;
ALTER TABLE deals ADD COLUMN done_live_prev INTEGER;
UPDATE deals SET
	acted_live = (SELECT MAX(a.happened_at) FROM activities a INDEXED BY activities_deal WHERE a.workspace = deals.workspace
		AND a.source = deals.source AND a.deal_id = deals.external_id AND a.deal_id <> '' AND a.deleted_at IS NULL),
	acted_live_seen = (SELECT MAX(MAX(a.happened_at, a.entered_at)) FROM activities a INDEXED BY activities_deal WHERE a.workspace = deals.workspace
		AND a.source = deals.source AND a.deal_id = deals.external_id AND a.deal_id <> '' AND a.deleted_at IS NULL),
	done_live = (SELECT MAX(k.completed_at) FROM tasks k INDEXED BY tasks_deal WHERE k.workspace = deals.workspace
		AND k.source = deals.source AND k.deal_id = deals.external_id AND k.deal_id <> '' AND k.deleted_at IS NULL),
	done_live_prev = (SELECT k.completed_at FROM tasks k INDEXED BY tasks_deal WHERE k.workspace = deals.workspace
		AND k.source = deals.source AND k.deal_id = deals.external_id AND k.deal_id <> '' AND k.deleted_at IS NULL
		AND k.completed_at IS NOT NULL ORDER BY k.completed_at DESC LIMIT 1 OFFSET 1)
WHERE acted_max IS NOT NULL OR done_max IS NOT NULL;

-- The groups of deals in progress a day sheet counts read them from the
-- index of open deals alone.
DROP INDEX deals_open;
CREATE INDEX deals_open ON deals
	(workspace, created_at, status, deleted_at, responsible, amount, closed_at, pipeline_id, pipeline, stage_id, stage,
	moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted, acted_max, done_max,
	acted_live, acted_live_seen, done_live, done_live_prev)
	WHERE status NOT IN ('won', 'lost');

-- A day sheet reads the moves made in its window (deal_moves) from their
-- index alone.
DROP INDEX deal_moves_moved;
CREATE INDEX deal_moves_moved ON deal_moves
	(workspace, moved_at, deal_id, responsible, pipeline_id, pipeline, stage_id, stage,
	from_pipeline_id, from_pipeline, from_stage_id, from_stage, updated_at, deleted_at);

-- Whether a task is open on a deal a day sheet reads as a row, from the
-- index of tasks by deal alone.
DROP INDEX tasks_deal;
CREATE INDEX tasks_deal ON tasks (workspace, source, deal_id, completed_at, deleted_at, created_at)
	WHERE deal_id <> '';

-- The deals closed after a window's start, which a day sheet with own
-- indicators reads in the same query, are read from their index alone.
DROP INDEX deals_closed;
CREATE INDEX deals_closed ON deals
	(workspace, closed_at, status, created_at, deleted_at, responsible, amount, pipeline_id, pipeline, stage_id, stage,
	moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted, acted_max, done_max,
	acted_live, acted_live_seen, done_live, done_live_prev);
