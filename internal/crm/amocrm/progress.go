package amocrm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"reglament/internal/crm"
)

// tokenAnswer is the answer of POST /oauth2/access_token.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
}

// tokenRequest posts an OAuth grant to /oauth2/access_token and returns the
// answer, which must carry an access token. Errors name the grant, never
// the secrets sent or received.
func (c *Client) tokenRequest(ctx context.Context, grant map[string]string) (tokenAnswer, error) {
	payload, err := json.Marshal(grant)
	if err != nil {
		return tokenAnswer{}, err
	}
	u := *c.base
	u.Path += "/oauth2/access_token"
	const method = "POST /oauth2/access_token"
	body, err := c.caller.Do(ctx, method, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}, c.judge(method))
	if err != nil {
		return tokenAnswer{}, err
	}
	var t tokenAnswer
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return tokenAnswer{}, &crm.Error{CRM: Source, Method: method, Status: http.StatusOK, Message: "no access token in the answer"}
	}
	return t, nil
}

// Exchange trades an authorization code (single use, short-lived) for the
// token pair of the integration whose ClientID, ClientSecret and
// RedirectURI the client was configured with, and makes the client use it.
// The caller stores the pair; OnRefresh is not called.
func (c *Client) Exchange(ctx context.Context, code string) (crm.Token, error) {
	if code == "" || c.cfg.ClientID == "" || c.cfg.ClientSecret == "" || c.cfg.RedirectURI == "" {
		return crm.Token{}, fmt.Errorf("amocrm: exchange code: the code, client id, client secret and redirect URI are all required")
	}
	t, err := c.tokenRequest(ctx, map[string]string{
		"client_id":     c.cfg.ClientID,
		"client_secret": c.cfg.ClientSecret,
		"grant_type":    "authorization_code",
		"code":          code,
		"redirect_uri":  c.cfg.RedirectURI,
	})
	if err != nil {
		return crm.Token{}, fmt.Errorf("amocrm: exchange code: %w", err)
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

// skip decodes any JSON value into nothing: counting list items without
// copying them.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// countRecords returns how many records a list page carries under
// _embedded; 0 for an empty (204) or unexpected body.
func countRecords(body []byte) int {
	if len(body) == 0 {
		return 0
	}
	var p struct {
		Embedded map[string][]skip `json:"_embedded"`
	}
	if json.Unmarshal(body, &p) != nil {
		return 0
	}
	n := 0
	for _, items := range p.Embedded {
		n += len(items)
	}
	return n
}
