package bitrix24

import (
	"crypto/subtle"
	"net/url"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// eventKinds maps the event name prefixes reglament binds to record kinds.
var eventKinds = []struct {
	prefix string
	kind   crm.Kind
}{
	{"ONCRMCOMPANY", crm.KindCompany},
	{"ONCRMCONTACT", crm.KindPerson},
	{"ONCRMDEAL", crm.KindDeal},
	{"ONCRMACTIVITY", crm.KindActivity},
	{"ONTASK", crm.KindTask},
}

// ParseEvent reads a Bitrix24 event call (application/x-www-form-urlencoded:
// event=ONCRMDEALUPDATE&data[FIELDS][ID]=…&ts=…&auth[application_token]=…)
// and returns the record to re-fetch, or, for a …DELETE event, to mark
// deleted at At: Bitrix24 lists no deleted records, so this is the only way
// a deletion arrives.
//
// The application token is compared with applicationToken in constant time
// before anything else is trusted; a mismatch (or no configured token) is a
// domain EFORBIDDEN error, a body that cannot be read an EINVALID one.
func ParseEvent(body []byte, applicationToken string) (crm.Change, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return crm.Change{}, domain.Errorf(domain.EINVALID, "bitrix24 event: body is not form-encoded")
	}
	got := form.Get("auth[application_token]")
	if applicationToken == "" || subtle.ConstantTimeCompare([]byte(got), []byte(applicationToken)) != 1 {
		return crm.Change{}, domain.Errorf(domain.EFORBIDDEN, "bitrix24 event: wrong application token")
	}
	event := strings.ToUpper(form.Get("event"))
	var ch crm.Change
	for _, k := range eventKinds {
		if rest, ok := strings.CutPrefix(event, k.prefix); ok && (rest == "ADD" || rest == "UPDATE" || rest == "DELETE") {
			ch.Kind, ch.Deleted = k.kind, rest == "DELETE"
		}
	}
	if ch.Kind == "" {
		return crm.Change{}, domain.Errorf(domain.EINVALID, "bitrix24 event: unsupported event %q", event)
	}
	// CRM events carry data[FIELDS][ID]; task events data[FIELDS_AFTER][ID],
	// or data[FIELDS_BEFORE][ID] for a deletion.
	for _, k := range []string{"data[FIELDS][ID]", "data[FIELDS_AFTER][ID]", "data[FIELDS_BEFORE][ID]"} {
		if v := form.Get(k); v != "" {
			ch.ID = v
			break
		}
	}
	if n, err := strconv.ParseInt(ch.ID, 10, 64); err != nil || n <= 0 {
		return crm.Change{}, domain.Errorf(domain.EINVALID, "bitrix24 event: no record id")
	}
	if ts, err := strconv.ParseInt(form.Get("ts"), 10, 64); err == nil && ts > 0 {
		ch.At = time.Unix(ts, 0).UTC()
	}
	return ch, nil
}
