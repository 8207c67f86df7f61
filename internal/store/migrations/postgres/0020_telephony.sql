-- Calls the CRM never saw (DESIGN.md section 12, issue 16): contacts
-- (persons) with their phones, phones on companies and on CRM calls, the
-- calls a telephone exchange logged, the normalized phones of contacts and
-- companies for lookup, the managers' PBX ids and the workspace's phone
-- settings. Like the other record tables since 0011, the new ones keep no
-- foreign key to workspaces.

-- Phones are kept as the CRM holds them: a JSON array of strings, '' for
-- none.
ALTER TABLE companies ADD COLUMN phones TEXT NOT NULL DEFAULT '';
-- The other party of a CRM call, as the CRM holds it ('' unknown).
ALTER TABLE activities ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- A contact person of the CRM (domain.Person). It is entered at created_at.
CREATE TABLE persons (
	workspace   TEXT NOT NULL,
	source      TEXT NOT NULL,
	external_id TEXT COLLATE "C" NOT NULL,
	name        TEXT NOT NULL,
	responsible TEXT NOT NULL,
	company_id  TEXT NOT NULL,
	phones      TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT,
	deleted_at  BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);

-- A call the telephone exchange logged (domain.PBXCall). It happens and is
-- entered at started_at. talk_seconds 0: not answered.
CREATE TABLE pbx_calls (
	workspace    TEXT NOT NULL,
	source       TEXT NOT NULL,
	external_id  TEXT COLLATE "C" NOT NULL,
	pbx_user     TEXT NOT NULL,
	started_at   BIGINT NOT NULL,
	talk_seconds INTEGER NOT NULL,
	direction    TEXT NOT NULL,
	phone        TEXT NOT NULL,
	updated_at   BIGINT,
	deleted_at   BIGINT,
	PRIMARY KEY (workspace, source, external_id)
);
-- The calls of a window (the telephone bases), and of a user's period.
CREATE INDEX pbx_calls_started ON pbx_calls (workspace, started_at);

-- The phones of contacts and companies, normalized with the workspace's
-- phone_country (domain.NormalizePhone), to find who holds a number. Kept
-- by every upsert of contacts or companies; built again when the
-- workspace's phone_country changes.
CREATE TABLE record_phones (
	workspace   TEXT NOT NULL,
	phone       TEXT COLLATE "C" NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('contact', 'company')),
	source      TEXT NOT NULL,
	external_id TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (workspace, phone, kind, source, external_id)
);
CREATE INDEX record_phones_record ON record_phones (workspace, kind, source, external_id);

-- A PBX user id (extension) maps to at most one manager of a workspace.
CREATE TABLE manager_pbx_ids (
	workspace TEXT NOT NULL,
	pbx_id    TEXT NOT NULL,
	manager   TEXT NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (workspace, pbx_id),
	FOREIGN KEY (workspace, manager) REFERENCES managers (workspace, id) ON DELETE CASCADE
);
CREATE INDEX manager_pbx_ids_manager ON manager_pbx_ids (workspace, manager);

-- The country code put in front of 10-digit numbers ('' = 7), and the
-- numbers unknown_numbers ignores (JSON array, as written).
ALTER TABLE workspaces ADD COLUMN phone_country TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN ignore_phones TEXT NOT NULL DEFAULT '[]';
