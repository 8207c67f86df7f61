-- Where each deal's moves took it, kept with the deal (DESIGN.md section
-- 10): its latest move (the greatest moved_at, then external_id), where
-- that move went, and whether any of its moves was deleted. A day sheet
-- takes a deal's place at a moment t from these alone when t is at or
-- after moved_at and no move was deleted: the place after its last move.
-- Otherwise it reads the deal's moves. The store keeps them with every
-- upsert of deals or moves (refreshDealMoves).

ALTER TABLE deals ADD COLUMN moved_at INTEGER;
ALTER TABLE deals ADD COLUMN moved_pipeline_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN moved_pipeline TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN moved_stage_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN moved_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN moves_deleted INTEGER NOT NULL DEFAULT 0;

-- The deals stored with moves before this migration.
UPDATE deals SET
	moved_at = (SELECT m.moved_at FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moved_pipeline_id = (SELECT m.pipeline_id FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moved_pipeline = (SELECT m.pipeline FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moved_stage_id = (SELECT m.stage_id FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moved_stage = (SELECT m.stage FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moves_deleted = CASE WHEN EXISTS (SELECT 1 FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source
		AND m.deal_id = deals.external_id AND m.deleted_at IS NOT NULL) THEN 1 ELSE 0 END
WHERE EXISTS (SELECT 1 FROM deal_moves m INDEXED BY deal_moves_deal WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id);

-- The latest instant an activity on each deal happened and a task of it
-- was completed, whatever became of them: bounds above the deal's latest
-- touches (deals_idle), so that a day sheet reads a deal's activities and
-- tasks for its latest touch only when they may fall after an idle_days
-- bound. The store keeps them with every upsert of deals, activities or
-- tasks (refreshDealTouches).
ALTER TABLE deals ADD COLUMN acted_max INTEGER;
ALTER TABLE deals ADD COLUMN done_max INTEGER;
UPDATE deals SET
	acted_max = (SELECT MAX(a.happened_at) FROM activities a INDEXED BY activities_deal WHERE a.workspace = deals.workspace AND a.source = deals.source
		AND a.deal_id = deals.external_id AND a.deal_id <> ''),
	done_max = (SELECT MAX(k.completed_at) FROM tasks k INDEXED BY tasks_deal WHERE k.workspace = deals.workspace AND k.source = deals.source
		AND k.deal_id = deals.external_id AND k.deal_id <> '');

-- A call's direction joins the covering index of a day's activities: own
-- indicators of calls by direction are columns of the activity tally,
-- which reads this index alone.
DROP INDEX activities_happened;
CREATE INDEX activities_happened ON activities
	(workspace, happened_at, responsible, kind, outcome, duration_seconds, entered_at, deleted_at, direction);

-- A day sheet with own indicators reads the open deals as rows, where
-- they are and what they keep above, from the index of open deals alone.
DROP INDEX deals_open;
CREATE INDEX deals_open ON deals
	(workspace, created_at, status, deleted_at, responsible, amount, closed_at, pipeline_id, pipeline, stage_id, stage,
	moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted, acted_max, done_max)
	WHERE status NOT IN ('won', 'lost');
