// Package amocrm is the amoCRM / Kommo API v4 connector: it fetches
// companies, leads (deals), tasks and call notes incrementally by
// modification time, and deal moves from the events feed, and maps them to
// domain records, naming pipelines and stages from the pipeline catalogue.
// It keeps within the CRM's rate limit and refreshes the OAuth token when a
// call answers 401. It knows nothing of storage: the caller stores the
// records, then the returned cursor. docs/crm-amocrm.md documents the
// mapping and its approximations.
package amocrm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm"
)

// Source is the RecordMeta.Source of every record from amoCRM.
const Source = "amocrm"

// MaxRequestsPerSecond is amoCRM's limit per integration.
const MaxRequestsPerSecond = 7

// Config configures a Client. BaseURL and Token are required; the OAuth
// fields only for refreshing (a long-lived token needs none of them).
type Config struct {
	BaseURL     string // https://acme.amocrm.ru or https://acme.kommo.com
	RedirectURI string
	// ClientConfig holds the token (OAuth or long-lived; a 401 refreshes
	// an OAuth one), the application, the callbacks and the plumbing
	// (HTTPClient default: 30 s timeout; Overlap default 2 minutes).
	crm.ClientConfig

	// RequestsPerSecond paces requests; default 6, capped at 6.65 (7 less a
	// margin). Requests are spaced evenly (a bucket of one), so no one-second
	// window sees more than 7.
	RequestsPerSecond float64
	// PageSize is the limit of list calls; default and maximum 250 (100
	// for the events feed, which allows no more).
	PageSize int
}

// Client is an amoCRM API v4 client: the wire format of amoCRM on the
// shared crm.Client, which paces, retries and refreshes. It is safe for
// concurrent use, but one Client per account should exist so that its
// limiter sees every request.
type Client struct {
	api      *crm.Client
	base     *url.URL
	cfg      Config
	cat      crm.Cache[*crm.Catalogue] // the last pipeline catalogue read
	pageSize int
}

// NewClient returns a client for cfg. It panics on an unparsable BaseURL,
// which configuration validation must have rejected.
func NewClient(cfg Config) *Client {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		panic(fmt.Sprintf("amocrm: invalid base URL %q", cfg.BaseURL))
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	rps := cfg.RequestsPerSecond
	if rps <= 0 {
		rps = 6
	}
	c := &Client{base: base, cfg: cfg, pageSize: cfg.PageSize, cat: crm.Cache[*crm.Catalogue]{MaxAge: CatalogueMaxAge}}
	if c.pageSize <= 0 || c.pageSize > 250 {
		c.pageSize = 250
	}
	// Evenly spaced (a bucket of one) at exactly 7/s, rounding can fit an
	// eighth request in a one-second window: keep a 5 % margin.
	c.api = crm.NewClient(wire{c}, cfg.Options(Source, min(rps, MaxRequestsPerSecond*0.95), 1))
	return c
}

// Requests returns how many HTTP requests the client has sent, retries and
// token refreshes included.
func (c *Client) Requests() int64 { return c.api.Requests() }

// Exchange trades an authorization code (single use, short-lived) for the
// token pair of the integration whose ClientID, ClientSecret and
// RedirectURI the client was configured with, and makes the client use it.
// The caller stores the pair; OnRefresh is not called.
func (c *Client) Exchange(ctx context.Context, code string) (crm.Token, error) {
	if code == "" || c.cfg.ClientID == "" || c.cfg.ClientSecret == "" || c.cfg.RedirectURI == "" {
		return crm.Token{}, fmt.Errorf("amocrm: exchange code: the code, client id, client secret and redirect URI are all required")
	}
	return c.api.Exchange(ctx, code, url.Values{"redirect_uri": {c.cfg.RedirectURI}})
}

// get calls GET path?query and returns the body, or nil for 204 (an empty
// list).
func (c *Client) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	target := u.String()
	return c.api.Call(ctx, "GET "+path, func(ctx context.Context, token string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/hal+json, application/json")
		return req, nil
	})
}

// wire is amoCRM's crm.Wire.
type wire struct{ c *Client }

// Expired: amoCRM answers an expired or revoked token with 401.
func (wire) Expired(e *crm.Error) bool { return e.Status == http.StatusUnauthorized }

// Records counts the items of a list page's _embedded.
func (wire) Records(body []byte) int { return countRecords(body) }

// Grant posts the grant as JSON to /oauth2/access_token, with the
// integration's redirect URI, which amoCRM wants on every grant.
func (w wire) Grant(grant url.Values) crm.Request {
	payload := map[string]string{"redirect_uri": w.c.cfg.RedirectURI}
	for k := range grant {
		payload[k] = grant.Get(k)
	}
	body, _ := json.Marshal(payload) // a map of strings always marshals
	u := *w.c.base
	u.Path += "/oauth2/access_token"
	const method = "POST /oauth2/access_token"
	return crm.Request{Method: method, Judge: func(resp *http.Response, b []byte) error { return w.Judge(method, resp, b) },
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			return req, nil
		}}
}

// Judge classifies an API answer: 2xx JSON is accepted (204 with an empty
// body too), limits, 5xx, HTML block pages and undecodable bodies are
// retried, anything else fails.
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	retry := func(msg string) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: crm.ParseRetryAfter(resp.Header.Get("Retry-After"), w.c.api.Now())}
	}
	html := isHTML(resp, body)
	switch s := resp.StatusCode; {
	case s == http.StatusNoContent:
		return nil
	case s >= 200 && s < 300:
		if html || !json.Valid(body) {
			return retry("malformed or truncated JSON body")
		}
		return nil
	case s == http.StatusTooManyRequests:
		return retry("rate limit exceeded")
	case s == http.StatusForbidden && html:
		// The nginx page amoCRM serves to a client blocked for exceeding
		// the limit: waiting is the only cure, and a short wait only
		// prolongs the block.
		err := retry("blocked (HTML error page)").(*crm.Retryable)
		err.RetryAfter = max(err.RetryAfter, time.Minute)
		return err
	case s >= 500 || s == http.StatusRequestTimeout:
		return retry("server error")
	case s == http.StatusUnauthorized:
		e.Message = "unauthorized"
		return e
	default:
		e.Message = problemTitle(body)
		return e
	}
}

func isHTML(resp *http.Response, body []byte) bool {
	if strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		return true
	}
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == '<'
}

// problemTitle returns the title and detail of an application/problem+json
// body, or a generic text.
func problemTitle(body []byte) string {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &p) != nil || p.Title == "" {
		return "request failed"
	}
	if p.Detail != "" {
		return p.Title + ": " + p.Detail
	}
	return p.Title
}
