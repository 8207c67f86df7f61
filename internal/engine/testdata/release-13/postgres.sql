--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: refuse_sheet_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refuse_sheet_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	RAISE EXCEPTION 'final sheets are immutable' USING ERRCODE = 'integrity_constraint_violation';
END
$$;


--
-- Name: sheet_lines_need_their_sheet(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.sheet_lines_need_their_sheet() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF EXISTS (
		SELECT 1 FROM (SELECT DISTINCT workspace, day, version FROM new_lines) l
		WHERE NOT EXISTS (
			SELECT 1 FROM day_sheets s WHERE s.workspace = l.workspace AND s.day = l.day AND s.version = l.version)
	) THEN
		RAISE EXCEPTION 'a sheet line needs its sheet' USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NULL;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: absences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.absences (
    workspace text NOT NULL,
    manager text NOT NULL,
    "position" integer NOT NULL,
    from_day text NOT NULL,
    to_day text NOT NULL,
    reason text NOT NULL
);


--
-- Name: activities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activities (
    workspace text NOT NULL,
    source text NOT NULL,
    external_id text NOT NULL COLLATE pg_catalog."C",
    kind text NOT NULL,
    responsible text NOT NULL,
    happened_at bigint NOT NULL,
    entered_at bigint NOT NULL,
    duration_seconds integer NOT NULL,
    outcome text NOT NULL,
    deal_id text NOT NULL,
    updated_at bigint,
    deleted_at bigint
);


--
-- Name: adjustments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.adjustments (
    id bigint NOT NULL,
    workspace text NOT NULL,
    manager text NOT NULL,
    day text NOT NULL COLLATE pg_catalog."C",
    points integer NOT NULL,
    reason text NOT NULL,
    author text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: adjustments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.adjustments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.adjustments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    token_hash text NOT NULL,
    user_id bigint NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit (
    id bigint NOT NULL,
    workspace text NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    detail text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: companies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.companies (
    workspace text NOT NULL,
    source text NOT NULL,
    external_id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL,
    responsible text NOT NULL,
    created_by text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint,
    deleted_at bigint
);


--
-- Name: contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contacts (
    workspace text NOT NULL,
    role text NOT NULL,
    person text NOT NULL,
    "position" integer NOT NULL,
    telegram text NOT NULL,
    email text NOT NULL,
    lang text NOT NULL,
    notify integer NOT NULL,
    CONSTRAINT contacts_lang_check CHECK ((lang = ANY (ARRAY['ru'::text, 'en'::text]))),
    CONSTRAINT contacts_notify_check CHECK ((notify = ANY (ARRAY[0, 1]))),
    CONSTRAINT contacts_role_check CHECK ((role = ANY (ARRAY['manager'::text, 'head'::text])))
);


--
-- Name: crm_connections; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crm_connections (
    workspace text NOT NULL,
    kind text NOT NULL,
    base_url text NOT NULL,
    token_file text NOT NULL,
    sync_every_seconds integer NOT NULL,
    application_token_file text DEFAULT ''::text NOT NULL,
    oauth_client_id text DEFAULT ''::text NOT NULL,
    oauth_client_secret_file text DEFAULT ''::text NOT NULL,
    oauth_redirect_uri text DEFAULT ''::text NOT NULL,
    CONSTRAINT crm_connections_kind_check CHECK ((kind = ANY (ARRAY['amocrm'::text, 'bitrix24'::text])))
);


--
-- Name: crm_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crm_tokens (
    workspace text NOT NULL,
    sealed bytea NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: day_sheets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.day_sheets (
    workspace text NOT NULL,
    day text NOT NULL COLLATE pg_catalog."C",
    version integer NOT NULL,
    status text NOT NULL,
    regulation_version text,
    cutoff bigint NOT NULL,
    watermark bigint,
    stale boolean NOT NULL,
    computed_at bigint,
    requested_by text NOT NULL,
    reason text NOT NULL,
    unknown_users text NOT NULL,
    CONSTRAINT day_sheets_version_check CHECK ((version >= 1))
);


--
-- Name: deals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deals (
    workspace text NOT NULL,
    source text NOT NULL,
    external_id text NOT NULL COLLATE pg_catalog."C",
    title text NOT NULL,
    responsible text NOT NULL,
    amount text NOT NULL,
    status text NOT NULL,
    created_at bigint NOT NULL,
    closed_at bigint,
    updated_at bigint,
    deleted_at bigint
);


--
-- Name: failed_deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.failed_deliveries (
    id bigint NOT NULL,
    job_key text NOT NULL,
    workspace text NOT NULL,
    recipient text NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    failed_at bigint NOT NULL
);


--
-- Name: failed_deliveries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.failed_deliveries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.failed_deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: login_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_failures (
    key text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: manager_crm_ids; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.manager_crm_ids (
    workspace text NOT NULL,
    crm_id text NOT NULL,
    manager text NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: managers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.managers (
    workspace text NOT NULL,
    id text NOT NULL,
    "position" integer NOT NULL,
    name text NOT NULL,
    team text NOT NULL
);


--
-- Name: notification_rhythms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notification_rhythms (
    workspace text NOT NULL,
    reminders text,
    statements_at text,
    CONSTRAINT notification_rhythms_statements_at_check CHECK ((statements_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'::text))
);


--
-- Name: notification_webhooks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notification_webhooks (
    workspace text NOT NULL,
    url text NOT NULL
);


--
-- Name: regulation_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.regulation_versions (
    workspace text NOT NULL,
    effective text NOT NULL,
    rules text NOT NULL
);


--
-- Name: schema_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_version (
    version integer NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    token_hash text NOT NULL,
    user_id bigint NOT NULL,
    csrf text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: sheet_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sheet_lines (
    workspace text NOT NULL,
    day text NOT NULL COLLATE pg_catalog."C",
    version integer NOT NULL,
    "position" integer NOT NULL,
    manager text NOT NULL,
    absent boolean NOT NULL,
    indicators text NOT NULL,
    rules text NOT NULL,
    points integer NOT NULL
);


--
-- Name: sync_cursors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sync_cursors (
    workspace text NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    since bigint NOT NULL,
    synced_at bigint NOT NULL
);


--
-- Name: tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tasks (
    workspace text NOT NULL,
    source text NOT NULL,
    external_id text NOT NULL COLLATE pg_catalog."C",
    title text NOT NULL,
    responsible text NOT NULL,
    deal_id text NOT NULL,
    deadline bigint,
    created_at bigint NOT NULL,
    completed_at bigint,
    updated_at bigint,
    deleted_at bigint
);


--
-- Name: telegram_chats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.telegram_chats (
    workspace text NOT NULL,
    role text NOT NULL,
    person text NOT NULL,
    chat_id text NOT NULL,
    linked_at bigint NOT NULL,
    CONSTRAINT telegram_chats_role_check CHECK ((role = ANY (ARRAY['manager'::text, 'head'::text])))
);


--
-- Name: telegram_link_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.telegram_link_codes (
    code_hash text NOT NULL,
    workspace text NOT NULL,
    role text NOT NULL,
    person text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at bigint,
    CONSTRAINT telegram_link_codes_role_check CHECK ((role = ANY (ARRAY['manager'::text, 'head'::text])))
);


--
-- Name: telegram_offsets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.telegram_offsets (
    bot text NOT NULL,
    next_update bigint NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL,
    workspace text,
    manager text DEFAULT ''::text NOT NULL,
    lang text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT users_check CHECK (((role = 'admin'::text) = (workspace IS NULL))),
    CONSTRAINT users_check1 CHECK (((role = 'manager'::text) = (manager <> ''::text))),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'head'::text, 'manager'::text, 'viewer'::text])))
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: webhook_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_changes (
    id bigint NOT NULL,
    workspace text NOT NULL,
    kind text NOT NULL,
    external_id text NOT NULL,
    deleted boolean NOT NULL,
    at bigint,
    received_at bigint NOT NULL,
    CONSTRAINT webhook_changes_kind_check CHECK ((kind = ANY (ARRAY['company'::text, 'deal'::text, 'task'::text, 'activity'::text])))
);


--
-- Name: webhook_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.webhook_changes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.webhook_changes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: webhook_secrets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_secrets (
    workspace text NOT NULL,
    secret_hash text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: workspaces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workspaces (
    id text NOT NULL,
    name text NOT NULL,
    timezone text NOT NULL,
    deadline text NOT NULL,
    grace_seconds integer NOT NULL,
    working_weekdays text NOT NULL,
    holidays text NOT NULL,
    extra_working_days text NOT NULL,
    min_call_seconds integer NOT NULL,
    currency text NOT NULL,
    point_value text NOT NULL,
    bonus_cap text,
    fine_cap text,
    watermark bigint,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Data for Name: absences; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.absences VALUES ('acme', 'vera', 0, '2026-11-19', '2026-11-20', 'vacation');


--
-- Data for Name: activities; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.activities VALUES ('acme', 'csv', 'a1', 'call', '101', 1794812400000000, 1794812700000000, 120, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a2', 'call', '101', 1794816000000000, 1794816060000000, 60, 'held', 'd2', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a3', 'call', '101', 1794646800000000, 1794647400000000, 30, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a4', 'call', '101', 1794841199000000, 1794841800000000, 45, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a5', 'call', '101', 1794830400000000, 1794841801000000, 50, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a6', 'call', '101', 1794834000000000, 1794834000000000, 5, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a7', 'meeting', '101', 1794826800000000, 1794828600000000, 3600, 'held', 'd1', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'a8', 'call', '101', 1794582000000000, 1794582060000000, 40, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'b1', 'call', '102', 1794810600000000, 1794810660000000, 200, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'b2', 'call', '103', 1794814200000000, 1794814260000000, 0, 'missed', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'b3', 'call', '102', 1794484800000000, 1794808800000000, 90, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'b4', 'call', '102', 1794819600000000, 1794819660000000, 300, 'held', '', NULL, 1794837600000000);
INSERT INTO public.activities VALUES ('acme', 'csv', 'v1', 'call', '104', 1794812400000000, 1794812400000000, 100, 'held', '', NULL, NULL);
INSERT INTO public.activities VALUES ('acme', 'csv', 'x1', 'call', '999', 1794812400000000, 1794812400000000, 100, 'held', '', NULL, NULL);


--
-- Data for Name: adjustments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.adjustments OVERRIDING SYSTEM VALUE VALUES (1, 'acme', 'boris', '2026-11-17', 3, 'звонки с личного телефона', 'head', 1796594564602739);


--
-- Data for Name: api_tokens; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (1, 'acme', 'head', 'apply', 'workspace acme created; manager anna added; manager boris added; manager vera added; regulation 2026-11-01 added; regulation 2026-11-16 added', 1796594563874672);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (2, 'acme', 'cli', 'import', 'companies 3, deals 0, tasks 0, activities 0: 3 written, 0 unchanged', 1796594563961739);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (3, 'acme', 'cli', 'import', 'companies 0, deals 7, tasks 0, activities 0: 7 written, 0 unchanged', 1796594564042340);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (4, 'acme', 'cli', 'import', 'companies 0, deals 0, tasks 5, activities 0: 5 written, 0 unchanged', 1796594564131435);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (5, 'acme', 'cli', 'import', 'companies 0, deals 0, tasks 0, activities 14: 14 written, 0 unchanged', 1796594564217561);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (6, 'acme', 'cli', 'finalize', '2026-11-02 version 1', 1796594564347634);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (7, 'acme', 'cli', 'finalize', '2026-11-03 version 1', 1796594564375254);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (8, 'acme', 'cli', 'finalize', '2026-11-05 version 1', 1796594564392218);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (9, 'acme', 'cli', 'finalize', '2026-11-06 version 1', 1796594564400800);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (10, 'acme', 'cli', 'finalize', '2026-11-09 version 1', 1796594564407649);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (11, 'acme', 'cli', 'finalize', '2026-11-10 version 1', 1796594564416311);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (12, 'acme', 'cli', 'finalize', '2026-11-11 version 1', 1796594564422620);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (13, 'acme', 'cli', 'finalize', '2026-11-12 version 1', 1796594564429608);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (14, 'acme', 'cli', 'finalize', '2026-11-13 version 1', 1796594564436839);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (15, 'acme', 'cli', 'finalize', '2026-11-16 version 1', 1796594564443426);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (16, 'acme', 'cli', 'finalize', '2026-11-17 version 1', 1796594564451434);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (17, 'acme', 'cli', 'finalize', '2026-11-18 version 1', 1796594564457727);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (18, 'acme', 'cli', 'finalize', '2026-11-19 version 1', 1796594564463320);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (19, 'acme', 'cli', 'finalize', '2026-11-20 version 1', 1796594564468283);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (20, 'acme', 'cli', 'finalize', '2026-11-23 version 1', 1796594564473548);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (21, 'acme', 'cli', 'finalize', '2026-11-24 version 1', 1796594564478605);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (22, 'acme', 'cli', 'finalize', '2026-11-25 version 1', 1796594564483600);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (23, 'acme', 'cli', 'finalize', '2026-11-26 version 1', 1796594564487564);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (24, 'acme', 'cli', 'finalize', '2026-11-27 version 1', 1796594564493003);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (25, 'acme', 'cli', 'finalize', '2026-11-30 version 1', 1796594564497674);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (26, 'acme', 'cli', 'finalize', '2026-12-01 version 1', 1796594564503067);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (27, 'acme', 'cli', 'finalize', '2026-12-02 version 1', 1796594564507801);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (28, 'acme', 'cli', 'finalize', '2026-12-03 version 1', 1796594564512831);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (29, 'acme', 'cli', 'finalize', '2026-12-04 version 1', 1796594564517945);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (30, 'acme', 'head', 'adjust', 'adjustment 1: manager boris, 2026-11-17, +3 points: звонки с личного телефона', 1796594564602739);
INSERT INTO public.audit OVERRIDING SYSTEM VALUE VALUES (31, 'acme', 'head', 'recompute', '2026-11-18 version 2: проверка', 1796594564721536);


--
-- Data for Name: companies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.companies VALUES ('acme', 'csv', 'c1', 'ООО Альфа', '101', '102', 1794808800000000, NULL, NULL);
INSERT INTO public.companies VALUES ('acme', 'csv', 'c2', 'ИП Бета', '101', '', 1794762000000000, NULL, NULL);
INSERT INTO public.companies VALUES ('acme', 'csv', 'c3', 'ЗАО "Гамма"', '104', '', 1794812400000000, NULL, 1794816000000000);


--
-- Data for Name: contacts; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: crm_connections; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: crm_tokens; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: day_sheets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.day_sheets VALUES ('acme', '2026-11-02', 1, 'final', '2026-11-01', 1793631600000000, 1796594564217561, false, 1796594564347634, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-03', 1, 'final', '2026-11-01', 1793718000000000, 1796594564217561, false, 1796594564375254, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-05', 1, 'final', '2026-11-01', 1793890800000000, 1796594564217561, false, 1796594564392218, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-06', 1, 'final', '2026-11-01', 1793977200000000, 1796594564217561, false, 1796594564400800, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-09', 1, 'final', '2026-11-01', 1794236400000000, 1796594564217561, false, 1796594564407649, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-10', 1, 'final', '2026-11-01', 1794322800000000, 1796594564217561, false, 1796594564416311, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-11', 1, 'final', '2026-11-01', 1794409200000000, 1796594564217561, false, 1796594564422620, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-12', 1, 'final', '2026-11-01', 1794495600000000, 1796594564217561, false, 1796594564429608, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-13', 1, 'final', '2026-11-01', 1794582000000000, 1796594564217561, false, 1796594564436839, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-16', 1, 'final', '2026-11-16', 1794841200000000, 1796594564217561, false, 1796594564443426, 'cli', '', '["999"]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-17', 1, 'final', '2026-11-16', 1794927600000000, 1796594564217561, false, 1796594564451434, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-18', 1, 'final', '2026-11-16', 1795014000000000, 1796594564217561, false, 1796594564457727, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-19', 1, 'final', '2026-11-16', 1795100400000000, 1796594564217561, false, 1796594564463320, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-20', 1, 'final', '2026-11-16', 1795186800000000, 1796594564217561, false, 1796594564468283, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-23', 1, 'final', '2026-11-16', 1795446000000000, 1796594564217561, false, 1796594564473548, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-24', 1, 'final', '2026-11-16', 1795532400000000, 1796594564217561, false, 1796594564478605, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-25', 1, 'final', '2026-11-16', 1795618800000000, 1796594564217561, false, 1796594564483600, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-26', 1, 'final', '2026-11-16', 1795705200000000, 1796594564217561, false, 1796594564487564, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-27', 1, 'final', '2026-11-16', 1795791600000000, 1796594564217561, false, 1796594564493003, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-30', 1, 'final', '2026-11-16', 1796050800000000, 1796594564217561, false, 1796594564497674, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-12-01', 1, 'final', '2026-11-16', 1796137200000000, 1796594564217561, false, 1796594564503067, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-12-02', 1, 'final', '2026-11-16', 1796223600000000, 1796594564217561, false, 1796594564507801, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-12-03', 1, 'final', '2026-11-16', 1796310000000000, 1796594564217561, false, 1796594564512831, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-12-04', 1, 'final', '2026-11-16', 1796396400000000, 1796594564217561, false, 1796594564517945, 'cli', '', '[]');
INSERT INTO public.day_sheets VALUES ('acme', '2026-11-18', 2, 'final', '2026-11-16', 1795014000000000, 1796594564217561, false, 1796594564721536, 'head', 'проверка', '[]');


--
-- Data for Name: deals; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.deals VALUES ('acme', 'csv', 'd1', 'Поставка', '101', '150000.5', 'won', 1793602800000000, 1794819600000000, NULL, NULL);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd2', 'Монтаж', '101', '20000', 'open', 1793689200000000, NULL, NULL, NULL);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd3', 'Сервис', '102', '5000', 'lost', 1793862000000000, 1794823200000000, NULL, NULL);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd4', 'Аудит', '102', '70000', 'open', 1793775600000000, 1794294000000000, NULL, NULL);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd5', 'Консалтинг', '103', '10000', 'won', 1793948400000000, 1794898800000000, NULL, NULL);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd6', 'Лицензии', '104', '30000', 'open', 1794207600000000, NULL, NULL, 1794895200000000);
INSERT INTO public.deals VALUES ('acme', 'csv', 'd7', 'Обучение', '104', '8000', 'open', 1794211200000000, NULL, NULL, 1794819600000000);


--
-- Data for Name: failed_deliveries; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: login_failures; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: manager_crm_ids; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.manager_crm_ids VALUES ('acme', '101', 'anna', 0);
INSERT INTO public.manager_crm_ids VALUES ('acme', '102', 'boris', 0);
INSERT INTO public.manager_crm_ids VALUES ('acme', '103', 'boris', 1);
INSERT INTO public.manager_crm_ids VALUES ('acme', '104', 'vera', 0);


--
-- Data for Name: managers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.managers VALUES ('acme', 'anna', 0, 'Анна Петрова', 'north');
INSERT INTO public.managers VALUES ('acme', 'boris', 1, 'Борис Смирнов', 'south');
INSERT INTO public.managers VALUES ('acme', 'vera', 2, 'Вера Ким', 'south');


--
-- Data for Name: notification_rhythms; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: notification_webhooks; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: regulation_versions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.regulation_versions VALUES ('acme', '2026-11-01', '[{"indicator":"calls_held","op":"at_least","target":"3","pass":1,"fail":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"won_amount","op":"at_least","target":"100000","pass":2,"fail":0,"managers":["anna"]}]');
INSERT INTO public.regulation_versions VALUES ('acme', '2026-11-16', '[{"indicator":"calls_held","op":"at_least","target":"4","pass":1,"fail":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","pass":1,"fail":-2},{"indicator":"won_amount","op":"at_least","target":"100000","pass":2,"fail":0,"managers":["anna"]}]');


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (1, 1796594563782179);
INSERT INTO public.schema_version VALUES (2, 1796594563792002);
INSERT INTO public.schema_version VALUES (3, 1796594563807952);
INSERT INTO public.schema_version VALUES (4, 1796594563814400);
INSERT INTO public.schema_version VALUES (5, 1796594563823021);
INSERT INTO public.schema_version VALUES (6, 1796594563829017);
INSERT INTO public.schema_version VALUES (7, 1796594563837645);
INSERT INTO public.schema_version VALUES (8, 1796594563852135);
INSERT INTO public.schema_version VALUES (9, 1796594563857163);
INSERT INTO public.schema_version VALUES (10, 1796594563861076);
INSERT INTO public.schema_version VALUES (11, 1796594563862439);
INSERT INTO public.schema_version VALUES (12, 1796594563863381);
INSERT INTO public.schema_version VALUES (13, 1796594563868250);


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: sheet_lines; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-02', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-02', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-02', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-03', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-03', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-03', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-05', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-05', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-05', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-06', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-06', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-06', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-09', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-09', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-09', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-11', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-11', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-11', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-13', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-13', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-13', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-17', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":1}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-17', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":1,"deals_lost":0,"deals_in_progress":1,"won_amount":"10000.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-17', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-19', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-19', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-19', 1, 2, 'vera', true, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-23', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-23', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-10', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-10', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":3,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-10', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-12', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-12', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":3,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-12', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":2,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"3","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-16', 1, 0, 'anna', false, '{"companies_added":1,"meetings_held":1,"calls_held":4,"deals_won":1,"deals_lost":0,"deals_in_progress":1,"won_amount":"150000.50","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":true,"points":1},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":true,"points":2}]', 2);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-16', 1, 1, 'boris', false, '{"companies_added":1,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":1,"deals_in_progress":2,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":1,"late_entries":1}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-16', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":1,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-20', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-20', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-20', 1, 2, 'vera', true, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-23', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-25', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-25', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-25', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-27', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-27', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-27', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-01', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-01', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-01', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-03', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-03', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-03', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-24', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-24', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-24', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-26', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-26', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-26', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-30', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-30', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-30', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-02', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-02', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-02', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-04', 1, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-04', 1, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-12-04', 1, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 2, 0, 'anna', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"won_amount","op":"at_least","target":"100000","passed":false,"points":0}]', -3);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 2, 1, 'boris', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":1,"won_amount":"0.00","overdue_tasks":2,"deals_without_tasks":1,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":false,"points":-2},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":false,"points":-2}]', -6);
INSERT INTO public.sheet_lines VALUES ('acme', '2026-11-18', 2, 2, 'vera', false, '{"companies_added":0,"meetings_held":0,"calls_held":0,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}', '[{"indicator":"calls_held","op":"at_least","target":"4","passed":false,"points":-2},{"indicator":"overdue_tasks","op":"at_most","target":"0","passed":true,"points":1},{"indicator":"deals_without_tasks","op":"at_most","target":"0","passed":true,"points":1}]', 0);


--
-- Data for Name: sync_cursors; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES ('acme', 'csv', 't1', '', '101', 'd2', 1794992400000000, 1794294000000000, NULL, NULL, NULL);
INSERT INTO public.tasks VALUES ('acme', 'csv', 't2', '', '101', '', 1794819600000000, 1794466800000000, 1794841500000000, NULL, NULL);
INSERT INTO public.tasks VALUES ('acme', 'csv', 't3', '', '102', 'd5', 1794553200000000, 1794380400000000, NULL, NULL, NULL);
INSERT INTO public.tasks VALUES ('acme', 'csv', 't4', '', '103', '', 1794841200000000, 1794808800000000, NULL, NULL, NULL);
INSERT INTO public.tasks VALUES ('acme', 'csv', 't5', '', '104', '', 1794726000000000, 1794294000000000, 1794837600000000, NULL, NULL);


--
-- Data for Name: telegram_chats; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: telegram_link_codes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: telegram_offsets; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: webhook_changes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: webhook_secrets; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: workspaces; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workspaces VALUES ('acme', 'ООО Ромашка', 'Europe/Moscow', '18:00', 600, '0111110', '["2026-11-04"]', '[]', 10, 'RUB', '100', '2000', '1000', 1796594564217561, 1796594563874672, 1796594563874672);


--
-- Name: adjustments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.adjustments_id_seq', 1, true);


--
-- Name: audit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_id_seq', 31, true);


--
-- Name: failed_deliveries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.failed_deliveries_id_seq', 1, false);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 1, false);


--
-- Name: webhook_changes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.webhook_changes_id_seq', 1, false);


--
-- Name: absences absences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.absences
    ADD CONSTRAINT absences_pkey PRIMARY KEY (workspace, manager, "position");


--
-- Name: activities activities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activities
    ADD CONSTRAINT activities_pkey PRIMARY KEY (workspace, source, external_id);


--
-- Name: adjustments adjustments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adjustments
    ADD CONSTRAINT adjustments_pkey PRIMARY KEY (id);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (token_hash);


--
-- Name: audit audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit
    ADD CONSTRAINT audit_pkey PRIMARY KEY (id);


--
-- Name: companies companies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.companies
    ADD CONSTRAINT companies_pkey PRIMARY KEY (workspace, source, external_id);


--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (workspace, role, person);


--
-- Name: crm_connections crm_connections_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crm_connections
    ADD CONSTRAINT crm_connections_pkey PRIMARY KEY (workspace);


--
-- Name: crm_tokens crm_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crm_tokens
    ADD CONSTRAINT crm_tokens_pkey PRIMARY KEY (workspace);


--
-- Name: day_sheets day_sheets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.day_sheets
    ADD CONSTRAINT day_sheets_pkey PRIMARY KEY (workspace, day, version);


--
-- Name: deals deals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_pkey PRIMARY KEY (workspace, source, external_id);


--
-- Name: failed_deliveries failed_deliveries_job_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.failed_deliveries
    ADD CONSTRAINT failed_deliveries_job_key_key UNIQUE (job_key);


--
-- Name: failed_deliveries failed_deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.failed_deliveries
    ADD CONSTRAINT failed_deliveries_pkey PRIMARY KEY (id);


--
-- Name: manager_crm_ids manager_crm_ids_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.manager_crm_ids
    ADD CONSTRAINT manager_crm_ids_pkey PRIMARY KEY (workspace, crm_id);


--
-- Name: managers managers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.managers
    ADD CONSTRAINT managers_pkey PRIMARY KEY (workspace, id);


--
-- Name: notification_rhythms notification_rhythms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_rhythms
    ADD CONSTRAINT notification_rhythms_pkey PRIMARY KEY (workspace);


--
-- Name: notification_webhooks notification_webhooks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_webhooks
    ADD CONSTRAINT notification_webhooks_pkey PRIMARY KEY (workspace);


--
-- Name: regulation_versions regulation_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.regulation_versions
    ADD CONSTRAINT regulation_versions_pkey PRIMARY KEY (workspace, effective);


--
-- Name: schema_version schema_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_version
    ADD CONSTRAINT schema_version_pkey PRIMARY KEY (version);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash);


--
-- Name: sheet_lines sheet_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sheet_lines
    ADD CONSTRAINT sheet_lines_pkey PRIMARY KEY (workspace, day, version, "position");


--
-- Name: sync_cursors sync_cursors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_cursors
    ADD CONSTRAINT sync_cursors_pkey PRIMARY KEY (workspace, source, kind);


--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (workspace, source, external_id);


--
-- Name: telegram_chats telegram_chats_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_chats
    ADD CONSTRAINT telegram_chats_pkey PRIMARY KEY (workspace, role, person);


--
-- Name: telegram_link_codes telegram_link_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_link_codes
    ADD CONSTRAINT telegram_link_codes_pkey PRIMARY KEY (code_hash);


--
-- Name: telegram_offsets telegram_offsets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_offsets
    ADD CONSTRAINT telegram_offsets_pkey PRIMARY KEY (bot);


--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: webhook_changes webhook_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_changes
    ADD CONSTRAINT webhook_changes_pkey PRIMARY KEY (id);


--
-- Name: webhook_secrets webhook_secrets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_secrets
    ADD CONSTRAINT webhook_secrets_pkey PRIMARY KEY (workspace);


--
-- Name: workspaces workspaces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workspaces
    ADD CONSTRAINT workspaces_pkey PRIMARY KEY (id);


--
-- Name: activities_entered_late; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activities_entered_late ON public.activities USING btree (workspace, entered_at) INCLUDE (happened_at, responsible, kind, outcome, duration_seconds, deleted_at) WHERE ((entered_at - happened_at) > 600000000);


--
-- Name: activities_happened; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activities_happened ON public.activities USING btree (workspace, happened_at) INCLUDE (responsible, kind, outcome, duration_seconds, entered_at, deleted_at);


--
-- Name: adjustments_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adjustments_day ON public.adjustments USING btree (workspace, day, id);


--
-- Name: api_tokens_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_tokens_user ON public.api_tokens USING btree (user_id);


--
-- Name: audit_workspace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_workspace ON public.audit USING btree (workspace, id);


--
-- Name: companies_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX companies_created ON public.companies USING btree (workspace, created_at);


--
-- Name: deals_closed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_closed ON public.deals USING btree (workspace, closed_at) INCLUDE (source, external_id, status, created_at, deleted_at, responsible, amount);


--
-- Name: deals_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_open ON public.deals USING btree (workspace, created_at) INCLUDE (source, external_id, status, deleted_at, responsible, amount, closed_at) WHERE (status <> ALL (ARRAY['won'::text, 'lost'::text]));


--
-- Name: failed_deliveries_workspace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX failed_deliveries_workspace ON public.failed_deliveries USING btree (workspace, failed_at);


--
-- Name: login_failures_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_failures_at ON public.login_failures USING btree (at);


--
-- Name: login_failures_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_failures_key ON public.login_failures USING btree (key, at);


--
-- Name: manager_crm_ids_manager; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX manager_crm_ids_manager ON public.manager_crm_ids USING btree (workspace, manager);


--
-- Name: sessions_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_user ON public.sessions USING btree (user_id);


--
-- Name: tasks_completed_late; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_completed_late ON public.tasks USING btree (workspace, completed_at) INCLUDE (source, created_at, deleted_at, responsible, deal_id, deadline) WHERE ((completed_at - created_at) > '172800000000'::bigint);


--
-- Name: tasks_completed_soon; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_completed_soon ON public.tasks USING btree (workspace, completed_at) INCLUDE (source, created_at, deleted_at, responsible, deal_id, deadline) WHERE ((completed_at - created_at) <= '172800000000'::bigint);


--
-- Name: tasks_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_open ON public.tasks USING btree (workspace, created_at) INCLUDE (source, completed_at, deleted_at, responsible, deal_id, deadline) WHERE (completed_at IS NULL);


--
-- Name: telegram_chats_chat; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX telegram_chats_chat ON public.telegram_chats USING btree (chat_id);


--
-- Name: telegram_link_codes_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX telegram_link_codes_person ON public.telegram_link_codes USING btree (workspace, role, person);


--
-- Name: webhook_changes_workspace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_changes_workspace ON public.webhook_changes USING btree (workspace, id);


--
-- Name: day_sheets day_sheets_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER day_sheets_immutable BEFORE DELETE OR UPDATE ON public.day_sheets FOR EACH ROW EXECUTE FUNCTION public.refuse_sheet_change();


--
-- Name: day_sheets day_sheets_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER day_sheets_no_truncate BEFORE TRUNCATE ON public.day_sheets FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_sheet_change();


--
-- Name: sheet_lines sheet_lines_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sheet_lines_immutable BEFORE DELETE OR UPDATE ON public.sheet_lines FOR EACH ROW EXECUTE FUNCTION public.refuse_sheet_change();


--
-- Name: sheet_lines sheet_lines_need_their_sheet; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sheet_lines_need_their_sheet AFTER INSERT ON public.sheet_lines REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION public.sheet_lines_need_their_sheet();


--
-- Name: sheet_lines sheet_lines_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sheet_lines_no_truncate BEFORE TRUNCATE ON public.sheet_lines FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_sheet_change();


--
-- Name: absences absences_workspace_manager_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.absences
    ADD CONSTRAINT absences_workspace_manager_fkey FOREIGN KEY (workspace, manager) REFERENCES public.managers(workspace, id) ON DELETE CASCADE;


--
-- Name: adjustments adjustments_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adjustments
    ADD CONSTRAINT adjustments_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id);


--
-- Name: api_tokens api_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: contacts contacts_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: crm_connections crm_connections_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crm_connections
    ADD CONSTRAINT crm_connections_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: crm_tokens crm_tokens_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crm_tokens
    ADD CONSTRAINT crm_tokens_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.crm_connections(workspace) ON DELETE CASCADE;


--
-- Name: day_sheets day_sheets_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.day_sheets
    ADD CONSTRAINT day_sheets_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id);


--
-- Name: failed_deliveries failed_deliveries_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.failed_deliveries
    ADD CONSTRAINT failed_deliveries_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: manager_crm_ids manager_crm_ids_workspace_manager_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.manager_crm_ids
    ADD CONSTRAINT manager_crm_ids_workspace_manager_fkey FOREIGN KEY (workspace, manager) REFERENCES public.managers(workspace, id) ON DELETE CASCADE;


--
-- Name: managers managers_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.managers
    ADD CONSTRAINT managers_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: notification_rhythms notification_rhythms_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_rhythms
    ADD CONSTRAINT notification_rhythms_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: notification_webhooks notification_webhooks_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_webhooks
    ADD CONSTRAINT notification_webhooks_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: regulation_versions regulation_versions_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.regulation_versions
    ADD CONSTRAINT regulation_versions_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: sync_cursors sync_cursors_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_cursors
    ADD CONSTRAINT sync_cursors_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: telegram_chats telegram_chats_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_chats
    ADD CONSTRAINT telegram_chats_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: telegram_link_codes telegram_link_codes_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_link_codes
    ADD CONSTRAINT telegram_link_codes_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: users users_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: webhook_changes webhook_changes_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_changes
    ADD CONSTRAINT webhook_changes_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- Name: webhook_secrets webhook_secrets_workspace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_secrets
    ADD CONSTRAINT webhook_secrets_workspace_fkey FOREIGN KEY (workspace) REFERENCES public.workspaces(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


