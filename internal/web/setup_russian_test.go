package web

import "net/url"

// setupRussianReqs are the guided setup's pages and refusals, for
// TestRussianPages (in Russian and in English).
var setupRussianReqs = []russianReq{
	{"head", "GET", "/w/acme/setup", nil},
	{"head", "GET", "/w/acme/setup/company", nil},
	{"head", "GET", "/w/acme/setup/crm", nil},
	{"head", "GET", "/w/acme/setup/people", nil},
	{"head", "GET", "/w/acme/setup/invite", nil},
	{"admin", "GET", "/setup/company", nil},
	{"anonymous", "GET", "/setup?token=nope", nil},
	{"head", "POST", "/w/acme/setup/company", url.Values{"name": {""}, "timezone": {"Europe/Moscow"}, "deadline": {"18:00"}, "grace": {"10"}, "currency": {"RUB"}}},
	{"head", "POST", "/w/acme/setup/company", url.Values{"name": {"Акме"}, "timezone": {"Europe/Moscow"}, "deadline": {"25:00"}, "grace": {"10"}, "currency": {"RUB"}, "day_mon": {"on"}}},
	{"head", "POST", "/w/acme/setup/company", url.Values{"name": {"Акме"}, "timezone": {"Europe/Moscow"}, "deadline": {"18:00"}, "grace": {"10"}, "currency": {"RUB"}, "day_mon": {"on"}, "holidays": {"31.12.2026"}}},
	{"head", "POST", "/w/acme/setup/crm", url.Values{"action": {"amocrm"}}},
	{"head", "POST", "/w/acme/setup/people", url.Values{"rows": {"1"}, "crm_0": {"77"}, "m_0": {"on"}, "name_0": {""}}},
	{"head", "POST", "/w/acme/setup/invite", url.Values{"action": {"login"}, "manager": {"anna"}, "email": {"кто-то"}}},
	{"head", "POST", "/w/acme/setup/invite", url.Values{"action": {"telegram"}, "manager": {"anna"}}},
	{"head", "GET", "/setup/oauth/amocrm?state=forged&code=x", nil},
}
