PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);
INSERT INTO schema_version VALUES(1,1796594555483791);
INSERT INTO schema_version VALUES(2,1796594555484695);
INSERT INTO schema_version VALUES(3,1796594555485123);
INSERT INTO schema_version VALUES(4,1796594555485329);
INSERT INTO schema_version VALUES(5,1796594555485722);
INSERT INTO schema_version VALUES(6,1796594555487970);
INSERT INTO schema_version VALUES(7,1796594555488380);
INSERT INTO schema_version VALUES(8,1796594555489011);
INSERT INTO schema_version VALUES(9,1796594555489268);
INSERT INTO schema_version VALUES(10,1796594555489391);
INSERT INTO schema_version VALUES(11,1796594555489406);
INSERT INTO schema_version VALUES(12,1796594555489414);
INSERT INTO schema_version VALUES(13,1796594555489636);
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
INSERT INTO workspaces VALUES('acme','ООО Ромашка','Europe/Moscow','18:00',600,'0111110','["2026-11-04"]','[]',10,'RUB','100','2000','1000',1796594555671628,1796594555494017,1796594555494017);
CREATE TABLE managers (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id        TEXT NOT NULL,
	position  INTEGER NOT NULL,
	name      TEXT NOT NULL,
	team      TEXT NOT NULL,
	PRIMARY KEY (workspace, id)
) STRICT;
INSERT INTO managers VALUES('acme','anna',0,'Анна Петрова','north');
INSERT INTO managers VALUES('acme','boris',1,'Борис Смирнов','south');
INSERT INTO managers VALUES('acme','vera',2,'Вера Ким','south');
CREATE TABLE manager_crm_ids (
	workspace TEXT NOT NULL,
	crm_id    TEXT NOT NULL,
	manager   TEXT NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (workspace, crm_id),
	FOREIGN KEY (workspace, manager) REFERENCES managers (workspace, id) ON DELETE CASCADE
) STRICT;
INSERT INTO manager_crm_ids VALUES('acme','101','anna',0);
INSERT INTO manager_crm_ids VALUES('acme','102','boris',0);
INSERT INTO manager_crm_ids VALUES('acme','103','boris',1);
INSERT INTO manager_crm_ids VALUES('acme','104','vera',0);
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
INSERT INTO absences VALUES('acme','vera',0,'2026-11-19','2026-11-20','vacation');
CREATE TABLE regulation_versions (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	effective TEXT NOT NULL,
	rules     TEXT NOT NULL, -- JSON array of domain.Rule
	PRIMARY KEY (workspace, effective)
) STRICT;
INSERT INTO regulation_versions VALUES('acme','2026-11-01','[{"indicator":"calls_held","op":"at_least","target":"3","pass":1,"fail":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"won_amount","op":"at_least","target":"100000","pass":2,"fail":0,"managers":["anna"]}]');
INSERT INTO regulation_versions VALUES('acme','2026-11-16','[{"indicator":"calls_held","op":"at_least","target":"4","pass":1,"fail":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"won_amount","op":"at_least","target":"100000","pass":2,"fail":0,"managers":["anna"]}]');
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
INSERT INTO companies VALUES('acme','csv','c1','ООО Альфа','101','102',1794808800000000,NULL,NULL);
INSERT INTO companies VALUES('acme','csv','c2','ИП Бета','101','',1794762000000000,NULL,NULL);
INSERT INTO companies VALUES('acme','csv','c3','ЗАО "Гамма"','104','',1794812400000000,NULL,1794816000000000);
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
INSERT INTO deals VALUES('acme','csv','d1','Поставка','101','150000.5','won',1793602800000000,1794819600000000,NULL,NULL);
INSERT INTO deals VALUES('acme','csv','d2','Монтаж','101','20000','open',1793689200000000,NULL,NULL,NULL);
INSERT INTO deals VALUES('acme','csv','d3','Сервис','102','5000','lost',1793862000000000,1794823200000000,NULL,NULL);
INSERT INTO deals VALUES('acme','csv','d4','Аудит','102','70000','open',1793775600000000,1794294000000000,NULL,NULL);
INSERT INTO deals VALUES('acme','csv','d5','Консалтинг','103','10000','won',1793948400000000,1794898800000000,NULL,NULL);
INSERT INTO deals VALUES('acme','csv','d6','Лицензии','104','30000','open',1794207600000000,NULL,NULL,1794895200000000);
INSERT INTO deals VALUES('acme','csv','d7','Обучение','104','8000','open',1794211200000000,NULL,NULL,1794819600000000);
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
INSERT INTO tasks VALUES('acme','csv','t1','','101','d2',1794992400000000,1794294000000000,NULL,NULL,NULL);
INSERT INTO tasks VALUES('acme','csv','t2','','101','',1794819600000000,1794466800000000,1794841500000000,NULL,NULL);
INSERT INTO tasks VALUES('acme','csv','t3','','102','d5',1794553200000000,1794380400000000,NULL,NULL,NULL);
INSERT INTO tasks VALUES('acme','csv','t4','','103','',1794841200000000,1794808800000000,NULL,NULL,NULL);
INSERT INTO tasks VALUES('acme','csv','t5','','104','',1794726000000000,1794294000000000,1794837600000000,NULL,NULL);
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
INSERT INTO activities VALUES('acme','csv','a1','call','101',1794812400000000,1794812700000000,120,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a2','call','101',1794816000000000,1794816060000000,60,'held','d2',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a3','call','101',1794646800000000,1794647400000000,30,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a4','call','101',1794841199000000,1794841800000000,45,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a5','call','101',1794830400000000,1794841801000000,50,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a6','call','101',1794834000000000,1794834000000000,5,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a7','meeting','101',1794826800000000,1794828600000000,3600,'held','d1',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','a8','call','101',1794582000000000,1794582060000000,40,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','b1','call','102',1794810600000000,1794810660000000,200,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','b2','call','103',1794814200000000,1794814260000000,0,'missed','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','b3','call','102',1794484800000000,1794808800000000,90,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','b4','call','102',1794819600000000,1794819660000000,300,'held','',NULL,1794837600000000);
INSERT INTO activities VALUES('acme','csv','v1','call','104',1794812400000000,1794812400000000,100,'held','',NULL,NULL);
INSERT INTO activities VALUES('acme','csv','x1','call','999',1794812400000000,1794812400000000,100,'held','',NULL,NULL);
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
INSERT INTO day_sheets VALUES('acme','2026-11-02',1,'final','2026-11-01',1793631600000000,1796594555671628,0,1796594555724867,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-03',1,'final','2026-11-01',1793718000000000,1796594555671628,0,1796594555728811,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-05',1,'final','2026-11-01',1793890800000000,1796594555671628,0,1796594555731594,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-06',1,'final','2026-11-01',1793977200000000,1796594555671628,0,1796594555734223,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-09',1,'final','2026-11-01',1794236400000000,1796594555671628,0,1796594555736174,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-10',1,'final','2026-11-01',1794322800000000,1796594555671628,0,1796594555737988,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-11',1,'final','2026-11-01',1794409200000000,1796594555671628,0,1796594555739977,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-12',1,'final','2026-11-01',1794495600000000,1796594555671628,0,1796594555741784,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-13',1,'final','2026-11-01',1794582000000000,1796594555671628,0,1796594555743457,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-16',1,'final','2026-11-16',1794841200000000,1796594555671628,0,1796594555745584,'cli','','["999"]');
INSERT INTO day_sheets VALUES('acme','2026-11-17',1,'final','2026-11-16',1794927600000000,1796594555671628,0,1796594555747598,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-18',1,'final','2026-11-16',1795014000000000,1796594555671628,0,1796594555749957,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-19',1,'final','2026-11-16',1795100400000000,1796594555671628,0,1796594555752230,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-20',1,'final','2026-11-16',1795186800000000,1796594555671628,0,1796594555754727,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-23',1,'final','2026-11-16',1795446000000000,1796594555671628,0,1796594555757326,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-24',1,'final','2026-11-16',1795532400000000,1796594555671628,0,1796594555759591,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-25',1,'final','2026-11-16',1795618800000000,1796594555671628,0,1796594555765611,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-26',1,'final','2026-11-16',1795705200000000,1796594555671628,0,1796594555768137,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-27',1,'final','2026-11-16',1795791600000000,1796594555671628,0,1796594555769971,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-30',1,'final','2026-11-16',1796050800000000,1796594555671628,0,1796594555772492,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-12-01',1,'final','2026-11-16',1796137200000000,1796594555671628,0,1796594555774633,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-12-02',1,'final','2026-11-16',1796223600000000,1796594555671628,0,1796594555776467,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-12-03',1,'final','2026-11-16',1796310000000000,1796594555671628,0,1796594555778407,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-12-04',1,'final','2026-11-16',1796396400000000,1796594555671628,0,1796594555780596,'cli','','[]');
INSERT INTO day_sheets VALUES('acme','2026-11-18',2,'final','2026-11-16',1795014000000000,1796594555671628,0,1796594555897112,'head','проверка','[]');
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
INSERT INTO sheet_lines VALUES('acme','2026-11-02',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-02',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-02',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-03',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-03',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-03',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-05',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-05',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-05',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-06',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-06',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-06',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-09',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-09',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-09',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-10',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-10',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-10',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-11',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-11',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-11',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-12',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-12',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-12',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-13',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-13',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-13',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-16',1,0,'anna',0,'{"companies_added":1,"meetings_held":1,"calls_held":4,"deals_won":1,"deals_lost":0,"deals_in_progress":1,"won_amount":"150000.50","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":true,"points":1},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":true,"points":2}]',2);
INSERT INTO sheet_lines VALUES('acme','2026-11-16',1,1,'boris',0,'{"companies_added":1,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":1,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":1,"late_entries":1}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-16',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-17',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":1}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-17',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":1,"deals_lost":0,"deals_in_progress":1,"won_amount":"10000.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-17',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-19',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-19',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-19',1,2,'vera',1,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-20',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-20',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-20',1,2,'vera',1,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-23',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-23',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-23',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-24',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-24',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-24',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-25',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-25',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-25',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-26',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-26',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-26',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-27',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-27',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-27',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-30',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-30',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-30',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-12-01',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-12-01',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-12-01',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-12-02',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-12-02',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-12-02',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-12-03',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-12-03',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-12-03',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-12-04',1,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-12-04',1,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-12-04',1,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',2,0,'anna',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]',-3);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',2,1,'boris',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]',-6);
INSERT INTO sheet_lines VALUES('acme','2026-11-18',2,2,'vera',0,'{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}','[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]',0);
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
INSERT INTO adjustments VALUES(1,'acme','boris','2026-11-17',3,'звонки с личного телефона','head',1796594555826148);
CREATE TABLE audit (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	workspace TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	at        INTEGER NOT NULL
) STRICT;
INSERT INTO audit VALUES(1,'acme','head','apply','workspace acme created; manager anna added; manager boris added; manager vera added; regulation 2026-11-01 added; regulation 2026-11-16 added',1796594555494017);
INSERT INTO audit VALUES(2,'acme','cli','import','companies 3, deals 0, tasks 0, activities 0: 3 written, 0 unchanged',1796594555538350);
INSERT INTO audit VALUES(3,'acme','cli','import','companies 0, deals 7, tasks 0, activities 0: 7 written, 0 unchanged',1796594555583257);
INSERT INTO audit VALUES(4,'acme','cli','import','companies 0, deals 0, tasks 5, activities 0: 5 written, 0 unchanged',1796594555626909);
INSERT INTO audit VALUES(5,'acme','cli','import','companies 0, deals 0, tasks 0, activities 14: 14 written, 0 unchanged',1796594555671628);
INSERT INTO audit VALUES(6,'acme','cli','finalize','2026-11-02 version 1',1796594555724867);
INSERT INTO audit VALUES(7,'acme','cli','finalize','2026-11-03 version 1',1796594555728811);
INSERT INTO audit VALUES(8,'acme','cli','finalize','2026-11-05 version 1',1796594555731594);
INSERT INTO audit VALUES(9,'acme','cli','finalize','2026-11-06 version 1',1796594555734223);
INSERT INTO audit VALUES(10,'acme','cli','finalize','2026-11-09 version 1',1796594555736174);
INSERT INTO audit VALUES(11,'acme','cli','finalize','2026-11-10 version 1',1796594555737988);
INSERT INTO audit VALUES(12,'acme','cli','finalize','2026-11-11 version 1',1796594555739977);
INSERT INTO audit VALUES(13,'acme','cli','finalize','2026-11-12 version 1',1796594555741784);
INSERT INTO audit VALUES(14,'acme','cli','finalize','2026-11-13 version 1',1796594555743457);
INSERT INTO audit VALUES(15,'acme','cli','finalize','2026-11-16 version 1',1796594555745584);
INSERT INTO audit VALUES(16,'acme','cli','finalize','2026-11-17 version 1',1796594555747598);
INSERT INTO audit VALUES(17,'acme','cli','finalize','2026-11-18 version 1',1796594555749957);
INSERT INTO audit VALUES(18,'acme','cli','finalize','2026-11-19 version 1',1796594555752230);
INSERT INTO audit VALUES(19,'acme','cli','finalize','2026-11-20 version 1',1796594555754727);
INSERT INTO audit VALUES(20,'acme','cli','finalize','2026-11-23 version 1',1796594555757326);
INSERT INTO audit VALUES(21,'acme','cli','finalize','2026-11-24 version 1',1796594555759591);
INSERT INTO audit VALUES(22,'acme','cli','finalize','2026-11-25 version 1',1796594555765611);
INSERT INTO audit VALUES(23,'acme','cli','finalize','2026-11-26 version 1',1796594555768137);
INSERT INTO audit VALUES(24,'acme','cli','finalize','2026-11-27 version 1',1796594555769971);
INSERT INTO audit VALUES(25,'acme','cli','finalize','2026-11-30 version 1',1796594555772492);
INSERT INTO audit VALUES(26,'acme','cli','finalize','2026-12-01 version 1',1796594555774633);
INSERT INTO audit VALUES(27,'acme','cli','finalize','2026-12-02 version 1',1796594555776467);
INSERT INTO audit VALUES(28,'acme','cli','finalize','2026-12-03 version 1',1796594555778407);
INSERT INTO audit VALUES(29,'acme','cli','finalize','2026-12-04 version 1',1796594555780596);
INSERT INTO audit VALUES(30,'acme','head','adjust','adjustment 1: manager boris, 2026-11-17, +3 points: звонки с личного телефона',1796594555826148);
INSERT INTO audit VALUES(31,'acme','head','recompute','2026-11-18 version 2: проверка',1796594555897112);
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,      -- PHC string; empty for a token-only viewer
	role          TEXT NOT NULL CHECK (role IN ('admin', 'head', 'manager', 'viewer')),
	workspace     TEXT REFERENCES workspaces (id) ON DELETE CASCADE,  -- NULL only for admin
	manager       TEXT NOT NULL DEFAULT '',  -- manager id of a manager user
	lang          TEXT NOT NULL DEFAULT '',  -- ru, en or '' (from the browser)
	created_at    INTEGER NOT NULL,
	CHECK ((role = 'admin') = (workspace IS NULL)),
	CHECK ((role = 'manager') = (manager <> ''))
) STRICT;
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE api_tokens (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE crm_connections (
	workspace          TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	kind               TEXT NOT NULL CHECK (kind IN ('amocrm', 'bitrix24')),
	base_url           TEXT NOT NULL,
	token_file         TEXT NOT NULL,  -- '' for a Bitrix24 inbound webhook
	sync_every_seconds INTEGER NOT NULL
, application_token_file TEXT NOT NULL DEFAULT '', oauth_client_id TEXT NOT NULL DEFAULT '', oauth_client_secret_file TEXT NOT NULL DEFAULT '', oauth_redirect_uri TEXT NOT NULL DEFAULT '') STRICT;
CREATE TABLE sync_cursors (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source    TEXT NOT NULL,
	kind      TEXT NOT NULL,
	since     INTEGER NOT NULL,
	synced_at INTEGER NOT NULL,
	PRIMARY KEY (workspace, source, kind)
) STRICT;
CREATE TABLE contacts (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role      TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person    TEXT NOT NULL,  -- the manager id, or the head's name
	position  INTEGER NOT NULL,
	telegram  TEXT NOT NULL,  -- '' when none
	email     TEXT NOT NULL,  -- '' when none
	lang      TEXT NOT NULL CHECK (lang IN ('ru', 'en')),
	notify    INTEGER NOT NULL CHECK (notify IN (0, 1)),
	PRIMARY KEY (workspace, role, person)
) STRICT;
CREATE TABLE notification_webhooks (
	workspace TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	url       TEXT NOT NULL
) STRICT;
CREATE TABLE crm_tokens (
	workspace  TEXT PRIMARY KEY REFERENCES crm_connections (workspace) ON DELETE CASCADE,
	sealed     BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE webhook_secrets (
	workspace   TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	secret_hash TEXT NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE TABLE webhook_changes (
	id          INTEGER PRIMARY KEY,
	workspace   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('company', 'deal', 'task', 'activity')),
	external_id TEXT NOT NULL,
	deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
	at          INTEGER,          -- when the CRM says it happened; NULL if it does not say
	received_at INTEGER NOT NULL
) STRICT;
CREATE TABLE telegram_link_codes (
	code_hash  TEXT PRIMARY KEY,
	workspace  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role       TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person     TEXT NOT NULL,     -- the manager id, or the head's name
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER            -- NULL until used
) STRICT;
CREATE TABLE telegram_chats (
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	role      TEXT NOT NULL CHECK (role IN ('manager', 'head')),
	person    TEXT NOT NULL,
	chat_id   TEXT NOT NULL,
	linked_at INTEGER NOT NULL,
	PRIMARY KEY (workspace, role, person)
) STRICT;
CREATE TABLE telegram_offsets (
	bot         TEXT PRIMARY KEY,  -- the bot's numeric id (the token's public part)
	next_update INTEGER NOT NULL
) STRICT;
CREATE TABLE failed_deliveries (
	id        INTEGER PRIMARY KEY,
	job_key   TEXT NOT NULL UNIQUE,
	workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	recipient TEXT NOT NULL,
	channel   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	error     TEXT NOT NULL,
	attempts  INTEGER NOT NULL,
	failed_at INTEGER NOT NULL
) STRICT;
CREATE TABLE notification_rhythms (
	workspace     TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	reminders     TEXT,  -- JSON array of minutes before the deadline, e.g. [60,15]; [] turns reminders off
	statements_at TEXT   -- local HH:MM
		CHECK (statements_at GLOB '[0-2][0-9]:[0-5][0-9]')
) STRICT;
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL
) STRICT;
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('audit',31);
INSERT INTO sqlite_sequence VALUES('adjustments',1);
CREATE INDEX manager_crm_ids_manager ON manager_crm_ids (workspace, manager);
CREATE INDEX companies_created ON companies (workspace, created_at);
CREATE TRIGGER day_sheets_no_update BEFORE UPDATE ON day_sheets
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER day_sheets_no_delete BEFORE DELETE ON day_sheets
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER sheet_lines_no_update BEFORE UPDATE ON sheet_lines
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE TRIGGER sheet_lines_no_delete BEFORE DELETE ON sheet_lines
BEGIN SELECT RAISE(ABORT, 'final sheets are immutable'); END;
CREATE INDEX adjustments_day ON adjustments (workspace, day, id);
CREATE INDEX audit_workspace ON audit (workspace, id);
CREATE INDEX activities_happened ON activities
	(workspace, happened_at, responsible, kind, outcome, duration_seconds, entered_at, deleted_at);
CREATE INDEX tasks_open ON tasks
	(workspace, created_at, completed_at, deleted_at, responsible, deal_id, deadline) WHERE completed_at IS NULL;
CREATE INDEX deals_open ON deals
	(workspace, created_at, status, deleted_at, responsible, amount, closed_at) WHERE status NOT IN ('won', 'lost');
CREATE INDEX deals_closed ON deals
	(workspace, closed_at, status, created_at, deleted_at, responsible, amount);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX webhook_changes_workspace ON webhook_changes (workspace, id);
CREATE INDEX telegram_link_codes_person ON telegram_link_codes (workspace, role, person);
CREATE INDEX telegram_chats_chat ON telegram_chats (chat_id);
CREATE INDEX failed_deliveries_workspace ON failed_deliveries (workspace, failed_at);
CREATE INDEX tasks_completed_soon ON tasks
	(workspace, completed_at, created_at, deleted_at, responsible, deal_id, deadline)
	WHERE completed_at - created_at <= 172800000000;
CREATE INDEX tasks_completed_late ON tasks
	(workspace, completed_at, created_at, deleted_at, responsible, deal_id, deadline)
	WHERE completed_at - created_at > 172800000000;
CREATE INDEX activities_entered_late ON activities
	(workspace, entered_at, happened_at, responsible, kind, outcome, duration_seconds, deleted_at)
	WHERE entered_at - happened_at > 600000000;
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
COMMIT;
