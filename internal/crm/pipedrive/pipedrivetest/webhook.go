package pipedrivetest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// WebhookBody returns a webhooks v2 body as Pipedrive sends it: meta says
// which entity (deal, activity, organization, person…) had which action
// (create, change, delete) at when; data is the entity as it is now (null
// after a deletion) and previous what changed (the whole entity before a
// deletion).
func WebhookBody(action, entity string, id int64, at time.Time, data map[string]any) []byte {
	meta := map[string]any{
		"action": action, "entity": entity, "entity_id": strconv.FormatInt(id, 10), "id": "e8f3a2b1-0000-4000-8000-000000000001",
		"company_id": 11, "user_id": 1, "is_bulk_edit": false, "timestamp": at.UTC().Format(time.RFC3339),
		"type": "general", "version": "2.0", "correlation_id": "c1", "change_source": "app",
	}
	if data != nil {
		data["id"] = id
	}
	var previous any
	if action == "delete" {
		previous, data = map[string]any{"id": id}, nil
	}
	b, _ := json.Marshal(map[string]any{"meta": meta, "data": data, "previous": previous})
	return b
}

// WebhookRequest returns the POST Pipedrive sends to uri with body: JSON,
// and the http_auth_user and http_auth_password the webhook was created
// with as HTTP Basic auth (none when both are empty). Pipedrive signs
// nothing.
func WebhookRequest(uri, user, password string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, uri, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Pipedrive Webhooks")
	if user != "" || password != "" {
		req.SetBasicAuth(user, password)
	}
	return req, nil
}
