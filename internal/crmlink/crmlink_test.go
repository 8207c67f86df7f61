package crmlink

import (
	"testing"

	"reglament/internal/domain"
)

func TestRecord(t *testing.T) {
	amo := &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru"}
	b24 := &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru/rest/1/s3cr3t/"}
	pd := &domain.CRMConnection{Kind: domain.CRMPipedrive, BaseURL: "https://acme.pipedrive.com"}
	pdAPI := &domain.CRMConnection{Kind: domain.CRMPipedrive, BaseURL: "https://api.pipedrive.com"}
	hs := &domain.CRMConnection{Kind: domain.CRMHubSpot, BaseURL: "https://api.hubapi.com"}
	ev := func(source, kind, id string) domain.Evidence {
		return domain.Evidence{Source: source, Kind: kind, ExternalID: id, CRMUser: "17"}
	}
	for _, tt := range []struct {
		name string
		conn *domain.CRMConnection
		e    domain.Evidence
		want string
	}{
		{"amo lead", amo, ev("amocrm", "deal", "4711"), "https://acme.amocrm.ru/leads/detail/4711"},
		{"amo company", amo, ev("amocrm", "company", "12"), "https://acme.amocrm.ru/companies/detail/12"},
		{"amo task: no per-task page", amo, ev("amocrm", "task", "99"), "https://acme.amocrm.ru/todo/list/"},
		{"amo meeting from a task", amo, ev("amocrm", "activity", "task:99"), "https://acme.amocrm.ru/todo/list/"},
		{"amo call note", amo, ev("amocrm", "activity", "note:leads:5"), ""},
		{"amo base URL with a path", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.kommo.com/some/path?x=1"},
			ev("amocrm", "deal", "1"), "https://acme.kommo.com/leads/detail/1"},
		{"amo non-numeric id", amo, ev("amocrm", "deal", "1/../../x"), ""},
		{"bitrix24 deal, webhook secret dropped", b24, ev("bitrix24", "deal", "8"), "https://acme.bitrix24.ru/crm/deal/details/8/"},
		{"bitrix24 company", b24, ev("bitrix24", "company", "3"), "https://acme.bitrix24.ru/crm/company/details/3/"},
		{"bitrix24 task under its responsible user", b24, ev("bitrix24", "task", "250"), "https://acme.bitrix24.ru/company/personal/user/17/tasks/task/view/250/"},
		{"bitrix24 task without a user", b24, domain.Evidence{Source: "bitrix24", Kind: "task", ExternalID: "250"}, ""},
		{"bitrix24 activity", b24, ev("bitrix24", "activity", "77"), ""},
		{"csv record", amo, ev("csv", "deal", "4711"), ""},
		{"demo record", b24, ev("demo", "deal", "8"), ""},
		{"record of another CRM", amo, ev("bitrix24", "deal", "8"), ""},
		{"no connection", nil, ev("amocrm", "deal", "4711"), ""},
		{"javascript base URL", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "javascript:alert(1)"}, ev("amocrm", "deal", "1"), ""},
		{"ftp base URL", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "ftp://acme.amocrm.ru"}, ev("amocrm", "deal", "1"), ""},
		{"base URL without host", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https:///leads"}, ev("amocrm", "deal", "1"), ""},
		{"pipedrive deal", pd, ev("pipedrive", "deal", "42"), "https://acme.pipedrive.com/deal/42"},
		{"pipedrive organization", pd, ev("pipedrive", "company", "7"), "https://acme.pipedrive.com/organization/7"},
		{"pipedrive person", pd, ev("pipedrive", "contact", "3"), "https://acme.pipedrive.com/person/3"},
		{"pipedrive activity: no page", pd, ev("pipedrive", "activity", "9"), ""},
		{"pipedrive task: no page", pd, ev("pipedrive", "task", "9"), ""},
		{"pipedrive on the shared API host: no company address", pdAPI, ev("pipedrive", "deal", "42"), ""},
		{"pipedrive non-numeric id", pd, ev("pipedrive", "deal", "4/../x"), ""},
		{"hubspot: no hub id, no link", hs, ev("hubspot", "deal", "512"), ""},
		{"http base URL", &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "http://crm.local:8080/"}, ev("bitrix24", "deal", "1"), "http://crm.local:8080/crm/deal/details/1/"},
	} {
		if got := Record(tt.conn, tt.e); got != tt.want {
			t.Errorf("%s: Record = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNewContact(t *testing.T) {
	for _, c := range []struct {
		conn *domain.CRMConnection
		want string
	}{
		{nil, ""},
		{&domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru/api/v4"}, "https://acme.amocrm.ru/contacts/add/"},
		{&domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru/rest/1/s3cret/"}, "https://acme.bitrix24.ru/crm/contact/details/0/"},
		{&domain.CRMConnection{Kind: "hubspot", BaseURL: "https://api.hubapi.com"}, ""},
		{&domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "ftp://acme"}, ""},
	} {
		if got := NewContact(c.conn); got != c.want {
			t.Errorf("NewContact(%+v) = %q, want %q", c.conn, got, c.want)
		}
	}
}
