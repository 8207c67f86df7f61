package amocrm

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// webhookKey matches the id fields of an amoCRM webhook body:
// leads[status][0][id], tasks[add][3][id], leads[note][0][note][id]…
var webhookKey = regexp.MustCompile(`^(leads|companies|tasks|contacts)\[([a-z_]+)\]\[(\d+)\](\[note\])?\[id\]$`)

// ParseWebhook reads an amoCRM webhook body (application/x-www-form-urlencoded)
// and returns the records to re-fetch, each once, in a stable order. Notes on
// leads, contacts and companies become activities (FetchByIDs keeps only
// calls). Contacts become contacts (crm.KindPerson), except that amoCRM
// reports companies under contacts[…] as well, with [type]=company: those
// are companies. amoCRM signs nothing: the caller authenticates the call by
// the secret in its URL.
//
// A body that is not form-encoded, or carries an id that is not a positive
// integer, or names no record at all, is a domain EINVALID error.
func ParseWebhook(body []byte) ([]crm.Change, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "amocrm webhook: body is not form-encoded")
	}
	seen := map[crm.Change]bool{}
	var out []crm.Change
	recognized := false
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasSuffix(k, "[id]") {
			continue // cheap test first: most fields are not ids
		}
		m := webhookKey.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		recognized = true
		entity, action, note := m[1], m[2], m[4] != ""
		id := form.Get(k)
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return nil, domain.Errorf(domain.EINVALID, "amocrm webhook: %s is not an id", k)
		}
		var ch crm.Change
		switch {
		case note || action == "note":
			if !note || entity == "tasks" {
				// The note's own id is under [note][id]; notes on tasks are
				// comments, never calls.
				continue
			}
			ch = crm.Change{Kind: crm.KindActivity, ID: NoteActivityID(entity, id)}
		case entity == "leads":
			ch = crm.Change{Kind: crm.KindDeal, ID: id}
		case entity == "companies":
			ch = crm.Change{Kind: crm.KindCompany, ID: id}
		case entity == "tasks":
			ch = crm.Change{Kind: crm.KindTask, ID: id}
		case entity == "contacts":
			ch = crm.Change{Kind: crm.KindPerson, ID: id}
			if form.Get(k[:len(k)-len("[id]")]+"[type]") == "company" {
				ch.Kind = crm.KindCompany
			}
		default:
			continue
		}
		// A delete is re-fetched too: amoCRM lists deleted leads, and for the
		// other kinds the caller marks the record deleted.
		ch.Deleted = action == "delete"
		if ch.Deleted {
			prefix := k[:len(k)-len("[id]")]
			if ts, err := strconv.ParseInt(form.Get(prefix+"[last_modified]"), 10, 64); err == nil && ts > 0 {
				ch.At = time.Unix(ts, 0).UTC()
			}
		}
		if !seen[ch] {
			seen[ch] = true
			out = append(out, ch)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	if !recognized {
		return nil, domain.Errorf(domain.EINVALID, "amocrm webhook: no record id in the body")
	}
	return out, nil
}
