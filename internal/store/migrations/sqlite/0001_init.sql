-- Schema of reglament on SQLite. Times are Unix microseconds (UTC) in
-- INTEGER columns, NULL for "none"; dates are TEXT YYYY-MM-DD; decimals are
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
	watermark          INTEGER,          -- CRM data known complete up to here
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE managers (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id        TEXT NOT NULL,
	position  INTEGER NOT NULL,
	name      TEXT NOT NULL,
	team      TEXT NOT NULL,
	PRIMARY KEY (workspace, id)
) STRICT;

-- A CRM user id maps to at most one manager of a workspace.
CREATE TABLE manager_crm_ids (
	workspace TEXT NOT NULL,
	crm_id    TEXT NOT NULL,
	manager   TEXT NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (workspace, crm_id),
	FOREIGN KEY (workspace, manager) REFERENCES managers (workspace, id) ON DELETE CASCADE
) STRICT;
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
) STRICT;

CREATE TABLE regulation_versions (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	effective TEXT NOT NULL,
	rules     TEXT NOT NULL, -- JSON array of domain.Rule
	PRIMARY KEY (workspace, effective)
) STRICT;

-- Records: one table per kind, keyed by where they come from.

CREATE TABLE companies (
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	external_id TEXT NOT NULL,
	name        TEXT NOT NULL,
	responsible TEXT NOT NULL,
	created_by  TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER,
	deleted_at  INTEGER,
	PRIMARY KEY (workspace, source, external_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX companies_created ON companies (workspace, created_at);

CREATE TABLE deals (
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	external_id TEXT NOT NULL,
	title       TEXT NOT NULL,
	responsible TEXT NOT NULL,
	amount      TEXT NOT NULL,
	status      TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	closed_at   INTEGER,
	updated_at  INTEGER,
	deleted_at  INTEGER,
	PRIMARY KEY (workspace, source, external_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX deals_open ON deals (workspace, created_at) WHERE status NOT IN ('won', 'lost');
CREATE INDEX deals_closed ON deals (workspace, closed_at);

CREATE TABLE tasks (
	workspace    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source       TEXT NOT NULL,
	external_id  TEXT NOT NULL,
	title        TEXT NOT NULL,
	responsible  TEXT NOT NULL,
	deal_id      TEXT NOT NULL,
	deadline     INTEGER,
	created_at   INTEGER NOT NULL,
	completed_at INTEGER,
	updated_at   INTEGER,
	deleted_at   INTEGER,
	PRIMARY KEY (workspace, source, external_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tasks_open ON tasks (workspace, created_at) WHERE completed_at IS NULL;
CREATE INDEX tasks_completed ON tasks (workspace, completed_at);

CREATE TABLE activities (
	workspace        TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source           TEXT NOT NULL,
	external_id      TEXT NOT NULL,
	kind             TEXT NOT NULL,
	responsible      TEXT NOT NULL,
	happened_at      INTEGER NOT NULL,
	entered_at       INTEGER NOT NULL,
	duration_seconds INTEGER NOT NULL,
	outcome          TEXT NOT NULL,
	deal_id          TEXT NOT NULL,
	updated_at       INTEGER,
	deleted_at       INTEGER,
	PRIMARY KEY (workspace, source, external_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX activities_happened ON activities (workspace, happened_at);
CREATE INDEX activities_entered ON activities (workspace, entered_at);

-- Day sheets are a ledger: every version is inserted once and never changed.
-- Manager ids are plain text: a sheet outlives the manager it scored.

CREATE TABLE day_sheets (
	workspace          TEXT NOT NULL REFERENCES workspaces (id),
	day                TEXT NOT NULL,
	version            INTEGER NOT NULL CHECK (version >= 1),
	status             TEXT NOT NULL,
	regulation_version TEXT,             -- NULL when no regulation was in force
	cutoff             INTEGER NOT NULL,
	watermark          INTEGER,
	stale              INTEGER NOT NULL,
	computed_at        INTEGER,
	requested_by       TEXT NOT NULL,
	reason             TEXT NOT NULL,
	unknown_users      TEXT NOT NULL,    -- JSON array of CRM user ids
	PRIMARY KEY (workspace, day, version)
) STRICT;

CREATE TABLE sheet_lines (
	workspace  TEXT NOT NULL,
	day        TEXT NOT NULL,
	version    INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	manager    TEXT NOT NULL,
	absent     INTEGER NOT NULL,
	indicators TEXT NOT NULL, -- JSON of domain.Values
	rules      TEXT NOT NULL, -- JSON array of domain.RuleOutcome
	points     INTEGER NOT NULL,
	PRIMARY KEY (workspace, day, version, position),
	FOREIGN KEY (workspace, day, version) REFERENCES day_sheets (workspace, day, version)
) STRICT;

CREATE TRIGGER day_sheets_no_update BEFORE UPDATE ON day_sheets
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER day_sheets_no_delete BEFORE DELETE ON day_sheets
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER sheet_lines_no_update BEFORE UPDATE ON sheet_lines
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER sheet_lines_no_delete BEFORE DELETE ON sheet_lines
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;

CREATE TABLE adjustments (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	workspace  TEXT NOT NULL REFERENCES workspaces (id),
	manager    TEXT NOT NULL,
	day        TEXT NOT NULL,
	points     INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	author     TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX adjustments_day ON adjustments (workspace, day, id);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	workspace TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	at        INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_workspace ON audit (workspace, id);
