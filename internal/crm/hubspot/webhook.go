package hubspot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// MaxWebhookAge is how old a webhook request may be: HubSpot says to
// refuse a X-HubSpot-Request-Timestamp more than 5 minutes old (a replay).
const MaxWebhookAge = 5 * time.Minute

// uriDecoder decodes the characters HubSpot decodes in the request URI
// before signing it.
var uriDecoder = strings.NewReplacer("%3A", ":", "%2F", "/", "%3F", "?", "%40", "@", "%21", "!", "%24", "$",
	"%27", "'", "%28", "(", "%29", ")", "%2A", "*", "%2C", ",", "%3B", ";")

// VerifyWebhook checks a webhook request's X-HubSpot-Signature-v3: the
// base64 HMAC-SHA256, keyed by the app's client secret, of the method, the
// full URI HubSpot called (scheme, host, path, query), the body and the
// X-HubSpot-Request-Timestamp (Unix milliseconds), which must be at most
// MaxWebhookAge before now (and not more than that after it). A request
// that fails is a domain EUNAUTHORIZED error naming no secret.
func VerifyWebhook(clientSecret, method, uri string, body []byte, timestamp, signature string, now time.Time) error {
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "hubspot webhook: no request timestamp")
	}
	if age := now.Sub(time.UnixMilli(ms)); age > MaxWebhookAge || age < -MaxWebhookAge {
		return domain.Errorf(domain.EUNAUTHORIZED, "hubspot webhook: the request is %s old, more than %s", age.Round(time.Second), MaxWebhookAge)
	}
	want, _ := base64.StdEncoding.DecodeString(SignWebhook(clientSecret, method, uri, body, timestamp))
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || !hmac.Equal(got, want) {
		return domain.Errorf(domain.EUNAUTHORIZED, "hubspot webhook: the signature does not match")
	}
	return nil
}

// SignWebhook returns the X-HubSpot-Signature-v3 of a request, as HubSpot
// computes it: for fakes and tests.
func SignWebhook(clientSecret, method, uri string, body []byte, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(method + uriDecoder.Replace(uri)))
	mac.Write(body)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// event is an entry of a webhook body.
type event struct {
	ObjectID         crm.ID  `json:"objectId"`
	SubscriptionType string  `json:"subscriptionType"`
	OccurredAt       crm.Int `json:"occurredAt"`
	PropertyName     string  `json:"propertyName"` // of a propertyChange
}

// ParseWebhook reads a webhook body (a JSON array of events) and returns
// the records to re-fetch, each once, in a stable order. Deals, companies
// and contacts only: calls, meetings and tasks are polled. A deletion
// (deal.deletion, company.deletion, contact.deletion; a contact's
// privacyDeletion comes with a contact.deletion too) is marked Deleted at
// occurredAt; every other event (creation, propertyChange,
// associationChange, restore, merge) re-fetches the object; a deal's
// change of dealstage or pipeline also re-fetches its moves
// (crm.KindDealMove, the deal's id), which FetchDealMoves reads from its
// history. Events of other objects announce nothing: the call is answered
// and not retried. A body that is not such an array or carries an object
// id that is not a positive integer is a domain EINVALID error.
func ParseWebhook(body []byte) ([]crm.Change, error) {
	var events []event
	if err := json.Unmarshal(body, &events); err != nil {
		return nil, domain.Errorf(domain.EINVALID, "hubspot webhook: the body is not a JSON array of events")
	}
	var out []crm.Change
	seen := map[crm.Change]bool{}
	for _, e := range events {
		object, action, _ := strings.Cut(e.SubscriptionType, ".")
		var kind crm.Kind
		switch object {
		case "deal":
			kind = crm.KindDeal
		case "company":
			kind = crm.KindCompany
		case "contact":
			if action == "privacyDeletion" {
				continue // a contact.deletion comes with it
			}
			kind = crm.KindPerson
		default:
			continue
		}
		if n, err := strconv.ParseInt(string(e.ObjectID), 10, 64); err != nil || n <= 0 {
			return nil, domain.Errorf(domain.EINVALID, "hubspot webhook: objectId %q is not an id", e.ObjectID)
		}
		ch := crm.Change{Kind: kind, ID: string(e.ObjectID), Deleted: action == "deletion"}
		if ch.Deleted && e.OccurredAt > 0 {
			ch.At = time.UnixMilli(int64(e.OccurredAt)).UTC()
		}
		add := func(ch crm.Change) {
			if !seen[ch] {
				seen[ch] = true
				out = append(out, ch)
			}
		}
		add(ch)
		if kind == crm.KindDeal && action == "propertyChange" && (e.PropertyName == "dealstage" || e.PropertyName == "pipeline") {
			add(crm.Change{Kind: crm.KindDealMove, ID: ch.ID})
		}
	}
	slices.SortStableFunc(out, func(a, b crm.Change) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return out, nil
}
