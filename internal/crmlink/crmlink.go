// Package crmlink turns a record behind a number into the address of its
// page in the workspace's CRM, for the pages, the reminders and the bot.
package crmlink

import (
	"net/url"
	"strings"

	"reglament/internal/domain"
)

// Record returns the address of the record behind e in the workspace's
// CRM, or "" when there is none to give: the workspace has no CRM
// connection, the record came from elsewhere (a CSV import, the demo, or
// another CRM than the one connected now), the connection's URL is not
// http(s), or the CRM has no page for that kind of record.
//
// Only the scheme and host of the connection's base URL are used: a
// Bitrix24 inbound webhook URL carries its secret in the path, and a link
// shown on a page must never leak it.
func Record(conn *domain.CRMConnection, e domain.Evidence) string {
	if conn == nil || e.Source != conn.Kind || e.ExternalID == "" {
		return ""
	}
	origin, ok := crmOrigin(conn.BaseURL)
	if !ok {
		return ""
	}
	switch conn.Kind {
	case domain.CRMAmoCRM:
		return amoCRMLink(origin, e)
	case domain.CRMBitrix24:
		return bitrix24Link(origin, e)
	case domain.CRMPipedrive:
		return pipedriveLink(origin, e)
	}
	// HubSpot: a record's page is app.hubspot.com/contacts/{hub id}/record/
	// {object type}/{id}, and the connection does not hold the account's
	// hub id (its base URL is the API's, api.hubapi.com): no link.
	return ""
}

// crmOrigin returns scheme://host of an http(s) base URL.
func crmOrigin(base string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + u.Host, true
}

// numeric reports whether id is a non-empty run of ASCII digits, the form of
// every CRM id that goes into a link's path.
func numeric(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// amoCRMLink follows docs/crm-amocrm.md: companies and leads have a detail
// page by id. Tasks have no page of their own in amoCRM (a task opens as a
// card over the task list), so a task, and a meeting derived from one
// (ExternalID "task:<id>"), links to the task list. A call is a note whose
// id is only unique within its entity and does not name the entity's record,
// so it gets no link.
func amoCRMLink(origin string, e domain.Evidence) string {
	switch e.Kind {
	case "company":
		if numeric(e.ExternalID) {
			return origin + "/companies/detail/" + e.ExternalID
		}
	case "deal":
		if numeric(e.ExternalID) {
			return origin + "/leads/detail/" + e.ExternalID
		}
	case "task":
		// No per-task page exists in amoCRM: the list is the closest.
		return origin + "/todo/list/"
	case "activity":
		if id, ok := strings.CutPrefix(e.ExternalID, "task:"); ok && numeric(id) {
			return origin + "/todo/list/"
		}
	}
	return ""
}

// bitrix24Link follows docs/crm-bitrix24.md: deals and companies have
// detail pages by id; a task's page lives under its responsible user. A CRM
// activity has no page of its own (it opens inside the timeline of the
// record it belongs to, which the evidence does not name), so it gets no
// link.
func bitrix24Link(origin string, e domain.Evidence) string {
	if !numeric(e.ExternalID) {
		return ""
	}
	switch e.Kind {
	case "company":
		return origin + "/crm/company/details/" + e.ExternalID + "/"
	case "deal":
		return origin + "/crm/deal/details/" + e.ExternalID + "/"
	case "task":
		if numeric(e.CRMUser) {
			return origin + "/company/personal/user/" + e.CRMUser + "/tasks/task/view/" + e.ExternalID + "/"
		}
	}
	return ""
}

// pipedriveLink follows docs/crm-pipedrive.md: deals, organizations and
// persons have pages at the company's own address
// (https://{company}.pipedrive.com/deal/{id}), which is the base URL of an
// OAuth connection (its api_domain) or of an API token connection set to
// the company's domain. The shared API host api.pipedrive.com has no
// pages, and an activity (task, call, meeting) no page of its own: no link.
func pipedriveLink(origin string, e domain.Evidence) string {
	host := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
	if host == "api.pipedrive.com" || !numeric(e.ExternalID) {
		return ""
	}
	switch e.Kind {
	case "deal":
		return origin + "/deal/" + e.ExternalID
	case "company":
		return origin + "/organization/" + e.ExternalID
	case domain.KindPerson:
		return origin + "/person/" + e.ExternalID
	}
	return ""
}

// NewContact returns the address of the form that creates a contact in
// the workspace's CRM, for a number the telephone exchange saw that no
// contact has (DESIGN.md section 12), or "" when the workspace's CRM has
// none to give. amoCRM's is /contacts/add/, Bitrix24's the detail page of
// contact 0 (a new one). Neither is documented to take the number, so the
// page shows the number beside the link to copy.
func NewContact(conn *domain.CRMConnection) string {
	if conn == nil {
		return ""
	}
	origin, ok := crmOrigin(conn.BaseURL)
	if !ok {
		return ""
	}
	switch conn.Kind {
	case domain.CRMAmoCRM:
		return origin + "/contacts/add/"
	case domain.CRMBitrix24:
		return origin + "/crm/contact/details/0/"
	}
	return ""
}
