package pipedrive

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"strings"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// VerifyWebhook checks the HTTP Basic credentials of a webhook request
// (its Authorization header): Pipedrive's webhooks v2 are not signed, and
// carry the http_auth_user and http_auth_password set when the webhook
// was created, which reglament generates. The comparison takes the same
// time whatever differs. A request that fails is a domain EUNAUTHORIZED
// error naming no secret.
func VerifyWebhook(user, password, authorization string) error {
	if user == "" || password == "" {
		return domain.Errorf(domain.EUNAUTHORIZED, "pipedrive webhook: no credentials are configured")
	}
	encoded, ok := strings.CutPrefix(authorization, "Basic ")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	gotUser, gotPassword, found := strings.Cut(string(raw), ":")
	if !ok || err != nil || !found {
		return domain.Errorf(domain.EUNAUTHORIZED, "pipedrive webhook: no basic credentials")
	}
	same := func(a, b string) int {
		ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
		return subtle.ConstantTimeCompare(ha[:], hb[:])
	}
	if same(gotUser, user)&same(gotPassword, password) != 1 {
		return domain.Errorf(domain.EUNAUTHORIZED, "pipedrive webhook: the credentials do not match")
	}
	return nil
}

// webhook is a webhooks v2 body: meta says what happened to which entity.
type webhook struct {
	Meta struct {
		Action    string `json:"action"` // create, change, delete
		Entity    string `json:"entity"` // deal, activity, organization…
		EntityID  crm.ID `json:"entity_id"`
		Timestamp string `json:"timestamp"`
		Version   string `json:"version"`
	} `json:"meta"`
	Data struct {
		Type    string `json:"type"` // an activity's type
		StageID crm.ID `json:"stage_id"`
	} `json:"data"`
	// Previous holds what the change replaced: in webhooks v2 the changed
	// fields only.
	Previous struct {
		Type    string `json:"type"`
		StageID crm.ID `json:"stage_id"`
	} `json:"previous"`
}

// ParseWebhook turns a verified webhooks v2 body into the changes it
// announces: a deal (and, when previous names another stage_id, its
// moves, which FetchDealMoves reads from its changelog), an organization, a
// person (a contact), or an activity, which may be a task or a call or
// meeting (its type decides, and a change of type makes it both: both
// kinds are re-fetched). A deletion is
// a deleted change at the event's time. Other entities announce nothing.
// A body that is not a v2 webhook is EINVALID.
func ParseWebhook(body []byte) ([]crm.Change, error) {
	var w webhook
	if err := json.Unmarshal(body, &w); err != nil || w.Meta.Entity == "" || w.Meta.EntityID == "" {
		return nil, domain.Errorf(domain.EINVALID, "pipedrive webhook: not a webhooks v2 body")
	}
	if !strings.HasPrefix(w.Meta.Version, "2") {
		return nil, domain.Errorf(domain.EINVALID, "pipedrive webhook: version %q, want 2.0", w.Meta.Version)
	}
	deleted := w.Meta.Action == "delete" || w.Meta.Action == "deleted"
	at := parseTime(w.Meta.Timestamp)
	id := string(w.Meta.EntityID)
	switch w.Meta.Entity {
	case "deal":
		out := []crm.Change{{Kind: crm.KindDeal, ID: id, Deleted: deleted, At: at}}
		// A change of stage: the deal's moves are re-fetched too
		// (FetchDealMoves reads its changelog).
		if !deleted && w.Previous.StageID != "" && w.Previous.StageID != w.Data.StageID {
			out = append(out, crm.Change{Kind: crm.KindDealMove, ID: id})
		}
		return out, nil
	case "organization":
		return []crm.Change{{Kind: crm.KindCompany, ID: id, Deleted: deleted, At: at}}, nil
	case "person":
		return []crm.Change{{Kind: crm.KindPerson, ID: id, Deleted: deleted, At: at}}, nil
	case "activity":
		// The type's kind needs the catalogue: both kinds are announced,
		// and FetchByIDs returns the activity as what it is.
		return []crm.Change{{Kind: crm.KindTask, ID: id, Deleted: deleted, At: at},
			{Kind: crm.KindActivity, ID: id, Deleted: deleted, At: at}}, nil
	}
	return nil, nil
}
