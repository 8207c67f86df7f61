-- Pay settings versioned by effective date (issue 13): the currency, the
-- point value, the caps and the pay mode of a workspace apply from a day
-- on, like the regulation, so that a change never rewrites a statement
-- already issued. A statement uses the version in force on its period's
-- last day. effective is YYYY-MM-DD, or '' for the version from the start
-- (the earliest date: it also covers every day before a dated first
-- version). The workspaces' own columns keep the newest version.
--
-- And the most points a manager's adjustments of one day may add up to,
-- either way (0: the default, 20).

CREATE TABLE pay_versions (
	workspace      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	effective      TEXT NOT NULL CHECK (effective = '' OR effective ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
	currency       TEXT NOT NULL,
	point_value    TEXT NOT NULL,
	bonus_cap      TEXT,
	fine_cap       TEXT,
	pay_mode       TEXT NOT NULL,
	pay_base_month TEXT NOT NULL,
	pay_base_week  TEXT NOT NULL,
	PRIMARY KEY (workspace, effective)
);

-- Every workspace's settings so far become its version from the start:
-- every statement keeps its figures.
INSERT INTO pay_versions (workspace, effective, currency, point_value, bonus_cap, fine_cap, pay_mode, pay_base_month, pay_base_week)
	SELECT id, '', currency, point_value, bonus_cap, fine_cap, pay_mode, pay_base_month, pay_base_week FROM workspaces;

ALTER TABLE workspaces ADD COLUMN adjustment_limit INTEGER NOT NULL DEFAULT 0 CHECK (adjustment_limit >= 0);
