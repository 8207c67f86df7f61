package bitrix24

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"reglament/internal/crm"
)

// Grant sends the grant to the OAuth server (GET with the grant in the
// query, as Bitrix24 documents it). Its answer is judged apart from the
// REST methods': the OAuth server speaks plain OAuth, so only a server
// error or 429 is retried; any other answer without an access token fails
// with the OAuth error code.
func (w wire) Grant(grant url.Values) crm.Request {
	target := w.c.cfg.TokenURL
	if strings.Contains(target, "?") {
		target += "&" + grant.Encode()
	} else {
		target += "?" + grant.Encode()
	}
	method := "oauth " + grant.Get("grant_type")
	return crm.Request{Method: method,
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		},
		Judge: func(resp *http.Response, body []byte) error {
			if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
				return &crm.Retryable{Err: &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode, Message: "server error"}}
			}
			return nil
		}}
}

// RESTEndpoint returns the REST endpoint OAuth calls go to for a portal URL
// (https://acme.bitrix24.ru → https://acme.bitrix24.ru/rest/); a URL that
// already ends in /rest is kept.
func RESTEndpoint(portal string) string {
	p := strings.TrimRight(portal, "/")
	if strings.HasSuffix(p, "/rest") {
		return p + "/"
	}
	return p + "/rest/"
}

// skip decodes any JSON value into nothing: counting list items without
// copying them.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// countRecords returns how many records a result carries: the items of a
// list, of tasks.task.list's {"tasks": […]}, or of every page of a batch
// ({"result": {"p00": […], …}}).
func countRecords(raw json.RawMessage) int {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch raw[0] {
	case '[':
		var items []skip
		if json.Unmarshal(raw, &items) != nil {
			return 0
		}
		return len(items)
	case '{':
		var obj struct {
			Tasks  json.RawMessage            `json:"tasks"`
			Result map[string]json.RawMessage `json:"result"`
		}
		if json.Unmarshal(raw, &obj) != nil {
			return 0
		}
		n := countRecords(obj.Tasks)
		for _, r := range obj.Result {
			n += countRecords(r)
		}
		return n
	}
	return 0
}
