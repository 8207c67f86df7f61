-- Schema of reglament on PostgreSQL. Times are Unix microseconds (UTC) in
-- BIGINT columns, NULL for "none"; dates are TEXT YYYY-MM-DD; decimals are
-- TEXT so that no amount ever passes through a float.

CREATE TABLE workspaces (
	id                 TEXT PRIMARY KEY,
	name               TEXT NOT NULL,
	timezone           TEXT NOT NULL,
	deadline           TEXT NOT NULL,    -- local HH:MM
	grace_seconds      INTEGER NOT NULL,
	working_weekdays   TEXT NOT NULL,    -- 7 characters from Sunday, 1 = working
	holidays           TEXT NOT NULL,    -- JSON array of dates
	extra_working_days TEXT NOT NULL,    -- JSON array of dates
	min_call_seconds   INTEGER NOT NULL,
	currency           TEXT NOT NULL,
	point_value        TEXT NOT NULL,
	bonus_cap          TEXT,
	fine_cap           TEXT,
	watermark          BIGINT,           -- CRM data known complete up to here
	created_at         BIGINT NOT NULL,
	updated_at         BIGINT NOT NULL
);

CREATE TABLE managers (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id        TEXT NOT NULL,
	position  INTEGER NOT NULL,
	name      TEXT NOT NULL,
	team      TEXT NOT NULL,
	PRIMARY KEY (workspace, id)
);

-- A CRM user id maps to at most one manager of a workspace.
CREATE TABLE manager_crm_ids (
	workspace TEXT NOT NULL,
	crm_id    TEXT NOT NULL,
	manager   TEXT NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (workspace, crm_id),
	FOREIGN KEY (workspace, manager) REFERENCES managers (workspace, id) ON DELETE CASCADE
);
CREATE INDEX manager_crm_ids_manager ON manager_crm_ids (workspace, manager);

CREATE TABLE absences (
	workspace TEXT NOT NULL,
	manager   TEXT NOT NULL,
	position  INTEGER NOT NULL,
	from_day  TEXT NOT NULL,
	to_day    TEXT NOT NULL,
	reason    TEXT NOT NULL,
	PRIMARY KEY (workspace, manager, position),
	FOREIGN KEY (workspace, manager) REFERENCES managers (workspace, id) ON DELETE CASCADE
);

CREATE TABLE regulation_versions (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	effective TEXT NOT NULL,
	rules     TEXT NOT NULL, -- JSON array of domain.Rule
	PRIMARY KEY (workspace, effective)
);

-- Records: one table per kind, keyed by where they come from.

CREATE TABLE companies (
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	external_id TEXT COLLATE "C" NOT NULL,
	name        TEXT NOT NULL,
	responsible TEXT NOT NULL,
	created_by  TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT,
	deleted_at  BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);
CREATE INDEX companies_created ON companies (workspace, created_at);

CREATE TABLE deals (
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	external_id TEXT COLLATE "C" NOT NULL,
	title       TEXT NOT NULL,
	responsible TEXT NOT NULL,
	amount      TEXT NOT NULL,
	status      TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	closed_at   BIGINT,
	updated_at  BIGINT,
	deleted_at  BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);
CREATE INDEX deals_open ON deals (workspace, created_at) WHERE status NOT IN ('won', 'lost');
CREATE INDEX deals_closed ON deals (workspace, closed_at);

CREATE TABLE tasks (
	workspace    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source       TEXT NOT NULL,
	external_id  TEXT COLLATE "C" NOT NULL,
	title        TEXT NOT NULL,
	responsible  TEXT NOT NULL,
	deal_id      TEXT NOT NULL,
	deadline     BIGINT,
	created_at   BIGINT NOT NULL,
	completed_at BIGINT,
	updated_at   BIGINT,
	deleted_at   BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);
CREATE INDEX tasks_open ON tasks (workspace, created_at) WHERE completed_at IS NULL;
CREATE INDEX tasks_completed ON tasks (workspace, completed_at);

CREATE TABLE activities (
	workspace        TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source           TEXT NOT NULL,
	external_id      TEXT COLLATE "C" NOT NULL,
	kind             TEXT NOT NULL,
	responsible      TEXT NOT NULL,
	happened_at      BIGINT NOT NULL,
	entered_at       BIGINT NOT NULL,
	duration_seconds INTEGER NOT NULL,
	outcome          TEXT NOT NULL,
	deal_id          TEXT NOT NULL,
	updated_at       BIGINT,
	deleted_at       BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);
CREATE INDEX activities_happened ON activities (workspace, happened_at);
CREATE INDEX activities_entered ON activities (workspace, entered_at);

-- Day sheets are a ledger: every version is inserted once and never changed.
-- Manager ids are plain text: a sheet outlives the manager it scored.

CREATE TABLE day_sheets (
	workspace          TEXT NOT NULL REFERENCES workspaces (id),
	day                TEXT COLLATE "C" NOT NULL,
	version            INTEGER NOT NULL CHECK (version >= 1),
	status             TEXT NOT NULL,
	regulation_version TEXT,             -- NULL when no regulation was in force
	cutoff             BIGINT NOT NULL,
	watermark          BIGINT,
	stale              BOOLEAN NOT NULL,
	computed_at        BIGINT,
	requested_by       TEXT NOT NULL,
	reason             TEXT NOT NULL,
	unknown_users      TEXT NOT NULL,    -- JSON array of CRM user ids
	PRIMARY KEY (workspace, day, version)
);

CREATE TABLE sheet_lines (
	workspace  TEXT NOT NULL,
	day        TEXT COLLATE "C" NOT NULL,
	version    INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	manager    TEXT NOT NULL,
	absent     BOOLEAN NOT NULL,
	indicators TEXT NOT NULL, -- JSON of domain.Values
	rules      TEXT NOT NULL, -- JSON array of domain.RuleOutcome
	points     INTEGER NOT NULL,
	PRIMARY KEY (workspace, day, version, position),
	FOREIGN KEY (workspace, day, version) REFERENCES day_sheets (workspace, day, version)
);

CREATE FUNCTION refuse_sheet_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'final sheets are immutable' USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER day_sheets_immutable BEFORE UPDATE OR DELETE ON day_sheets
	FOR EACH ROW EXECUTE FUNCTION refuse_sheet_change();
CREATE TRIGGER day_sheets_no_truncate BEFORE TRUNCATE ON day_sheets
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_sheet_change();
CREATE TRIGGER sheet_lines_immutable BEFORE UPDATE OR DELETE ON sheet_lines
	FOR EACH ROW EXECUTE FUNCTION refuse_sheet_change();
CREATE TRIGGER sheet_lines_no_truncate BEFORE TRUNCATE ON sheet_lines
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_sheet_change();

CREATE TABLE adjustments (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace  TEXT NOT NULL REFERENCES workspaces (id),
	manager    TEXT NOT NULL,
	day        TEXT COLLATE "C" NOT NULL,
	points     INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	author     TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX adjustments_day ON adjustments (workspace, day, id);

CREATE TABLE audit (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	at        BIGINT NOT NULL
);
CREATE INDEX audit_workspace ON audit (workspace, id);
