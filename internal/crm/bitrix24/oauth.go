package bitrix24

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"reglament/internal/crm"
)

// tokenAnswer is the OAuth server's answer to a grant.
type tokenAnswer struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"`
	ClientEndpoint string `json:"client_endpoint"`
	Error          string `json:"error"`
}

// tokenRequest sends a grant to the OAuth server (GET with the grant in the
// query, as Bitrix24 documents it) and returns the answer, which must carry
// an access token. Errors carry the OAuth error code, never the secrets.
func (c *Client) tokenRequest(ctx context.Context, method string, q url.Values) (tokenAnswer, error) {
	target := c.cfg.TokenURL
	if strings.Contains(target, "?") {
		target += "&" + q.Encode()
	} else {
		target += "?" + q.Encode()
	}
	var t tokenAnswer
	_, err := c.caller.Do(ctx, method, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	}, func(resp *http.Response, body []byte) error {
		t = tokenAnswer{}
		e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			e.Message = "server error"
			return &crm.Retryable{Err: e}
		}
		if json.Unmarshal(body, &t) != nil || t.AccessToken == "" {
			e.Code, e.Message = t.Error, "no access token in the answer"
			return e
		}
		return nil
	})
	return t, err
}

// Exchange trades an authorization code (valid 30 seconds, once) for the
// token pair of the application whose ClientID and ClientSecret the client
// was configured with, and makes the client use it. The caller stores the
// pair; OnRefresh is not called.
func (c *Client) Exchange(ctx context.Context, code string) (crm.Token, error) {
	if code == "" || c.cfg.ClientID == "" || c.cfg.ClientSecret == "" {
		return crm.Token{}, fmt.Errorf("bitrix24: exchange code: the code, client id and client secret are all required")
	}
	t, err := c.tokenRequest(ctx, "oauth authorization_code", url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"code":          {code},
	})
	if err != nil {
		return crm.Token{}, fmt.Errorf("bitrix24: exchange code: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = crm.Token{}.Renewed(t.AccessToken, t.RefreshToken, t.ExpiresIn, c.cfg.Now())
	return c.token, nil
}

// refreshDue returns the current access token and whether it is due for
// a refresh this client can make (it has an OAuth application).
func (c *Client) refreshDue() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.AccessToken, c.cfg.ClientID != "" && c.token.DueForRefresh(c.cfg.Now())
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
