-- The company's own regulation (DESIGN.md sections 10 and 11): where a deal
-- is (its pipeline and stage, the CRM's ids and names), the deal moves,
-- the catalogue of pipelines and stages a sync fetches, a call's
-- direction, a regulation version's own indicators and how a workspace
-- pays.

ALTER TABLE deals ADD COLUMN pipeline_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN pipeline TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN stage_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN stage TEXT NOT NULL DEFAULT '';

ALTER TABLE activities ADD COLUMN direction TEXT NOT NULL DEFAULT ''; -- 'in', 'out' or '' (unknown)

-- A deal changed stage. It happens and is entered at moved_at. An empty
-- from_pipeline_id (and from_pipeline) means the move stayed in the
-- pipeline. Names are those the CRM gave when the move was stored; reads
-- resolve them through pipeline_catalogue.
CREATE TABLE deal_moves (
	workspace        TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source           TEXT NOT NULL,
	external_id      TEXT NOT NULL,
	deal_id          TEXT NOT NULL,
	responsible      TEXT NOT NULL,
	moved_at         INTEGER NOT NULL,
	pipeline_id      TEXT NOT NULL,
	pipeline         TEXT NOT NULL,
	stage_id         TEXT NOT NULL,
	stage            TEXT NOT NULL,
	from_pipeline_id TEXT NOT NULL,
	from_pipeline    TEXT NOT NULL,
	from_stage_id    TEXT NOT NULL,
	from_stage       TEXT NOT NULL,
	updated_at       INTEGER,
	deleted_at       INTEGER,
	PRIMARY KEY (workspace, source, external_id)
) STRICT, WITHOUT ROWID;
-- The moves made in a window (deal_moves flow indicators).
CREATE INDEX deal_moves_moved ON deal_moves (workspace, moved_at);
-- Every move of given deals, to say where a deal was at a moment, and a
-- deal's latest move by a cutoff (its latest touch).
CREATE INDEX deal_moves_deal ON deal_moves (workspace, source, deal_id, moved_at, deleted_at);

-- A deal's latest touch by a cutoff (deals_idle): its latest activity and
-- latest completed task, read backwards from the cutoff per deal in
-- progress. Only records on a deal are indexed.
CREATE INDEX activities_deal ON activities (workspace, source, deal_id, happened_at, entered_at, deleted_at)
	WHERE deal_id <> '';
CREATE INDEX tasks_deal ON tasks (workspace, source, deal_id, completed_at, deleted_at)
	WHERE deal_id <> '';

-- The pipelines and stages of a CRM account as the latest sync fetched
-- them: a pipeline's row has stage_id '', a stage's the id of its stage.
-- A stage is keyed by its pipeline too: amoCRM's won and lost statuses
-- (142, 143) repeat in every pipeline.
CREATE TABLE pipeline_catalogue (
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	pipeline_id TEXT NOT NULL,
	stage_id    TEXT NOT NULL,
	position    INTEGER NOT NULL,
	name        TEXT NOT NULL,
	PRIMARY KEY (workspace, source, pipeline_id, stage_id)
) STRICT, WITHOUT ROWID;

-- A regulation version's own indicators: JSON array of domain.IndicatorDef.
ALTER TABLE regulation_versions ADD COLUMN indicators TEXT NOT NULL DEFAULT '[]';

-- How points become money (domain.Pay): '' or 'points', or 'bonus' with
-- the base bonus of a month and of a week (decimal text).
ALTER TABLE workspaces ADD COLUMN pay_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN pay_base_month TEXT NOT NULL DEFAULT '0';
ALTER TABLE workspaces ADD COLUMN pay_base_week TEXT NOT NULL DEFAULT '0';
