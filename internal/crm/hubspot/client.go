// Package hubspot is the HubSpot CRM v3 connector, on the crm.Client
// skeleton: it fetches companies, deals, tasks, calls and meetings
// incrementally by modification time through the search endpoints, their
// archived (deleted) objects through the archived listings, the deals of
// tasks and activities through the associations API, and names deals'
// pipelines and stages from the pipeline catalogue. It keeps within both
// of HubSpot's limits: the burst limit per 10 seconds and the search
// endpoints' own per second. docs/crm-hubspot.md documents the mapping
// and what is not done yet (deal moves, webhooks, FetchByIDs).
package hubspot

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

// Source is the RecordMeta.Source of every record from HubSpot.
const Source = "hubspot"

// DefaultBaseURL is HubSpot's API.
const DefaultBaseURL = "https://api.hubapi.com"

// The limits the client keeps within: the burst limit of the Free and
// Starter tiers (the lowest; 190 for Professional and Enterprise, 110 per
// installing account for public apps) and the search endpoints' limit.
const (
	BurstPerTenSeconds = 100
	SearchPerSecond    = 4
)

// Config configures a Client. Token is required (a private app's token or
// an OAuth access token); the OAuth fields only for refreshing.
type Config struct {
	BaseURL     string // default DefaultBaseURL
	RedirectURI string // sent with the code exchange
	// ClientConfig holds the token (a private app's, or OAuth's, which a
	// 401 refreshes), the application, the callbacks and the plumbing
	// (HTTPClient default: 30 s timeout; Overlap default 5 minutes, since
	// HubSpot says newly changed records can lag in search).
	crm.ClientConfig

	// PerTenSeconds is the requests the client sends in any 10 seconds at
	// most; default and maximum 90 (BurstPerTenSeconds less a margin).
	PerTenSeconds int
}

// Client is a HubSpot CRM v3 client. It is safe for concurrent use; one
// Client per account should exist so that its limiters see every request.
type Client struct {
	api      *crm.Client
	cfg      Config
	base     string
	searches *crm.Limiter // the search endpoints' own limit, besides the burst one

	cat crm.Cache[*catalogue]
}

// NewClient returns a client for cfg. It panics on an unparsable BaseURL,
// which configuration validation must have rejected.
func NewClient(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		panic("hubspot: invalid base URL")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = crm.Sleep
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = 5 * time.Minute
	}
	per := cfg.PerTenSeconds
	if per <= 0 || per > 90 {
		per = 90
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), cat: crm.Cache[*catalogue]{MaxAge: CatalogueMaxAge},
		// Evenly spaced under 4 a second: no one-second window sees a fifth.
		searches: crm.NewLimiter(SearchPerSecond*0.85, 1, cfg.Now, cfg.Sleep)}
	// A bucket of burst b refilled at r a second lets b + 10r requests
	// into any 10 seconds.
	burst := per / 10
	c.api = crm.NewClient(wire{c}, cfg.Options(Source, float64(per-burst)/10, burst))
	return c
}

// Requests returns how many HTTP requests the client has sent, retries and
// token refreshes included.
func (c *Client) Requests() int64 { return c.api.Requests() }

// Exchange trades an authorization code for the token pair of the app
// whose ClientID, ClientSecret and RedirectURI the client was configured
// with, and makes the client use it. The caller stores the pair.
func (c *Client) Exchange(ctx context.Context, code string) (crm.Token, error) {
	if code == "" || c.cfg.ClientID == "" || c.cfg.ClientSecret == "" || c.cfg.RedirectURI == "" {
		return crm.Token{}, fmt.Errorf("hubspot: exchange code: the code, client id, client secret and redirect URI are all required")
	}
	return c.api.Exchange(ctx, code, url.Values{"redirect_uri": {c.cfg.RedirectURI}})
}

// get calls GET path?query.
func (c *Client) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	return c.api.Call(ctx, "GET "+path, func(ctx context.Context, token string) (*http.Request, error) {
		return c.request(ctx, http.MethodGet, target, nil, token)
	})
}

// post calls POST path with a JSON body, waiting for limits too.
func (c *Client) post(ctx context.Context, path string, body any, limits ...*crm.Limiter) ([]byte, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return c.api.Call(ctx, "POST "+path, func(ctx context.Context, token string) (*http.Request, error) {
		return c.request(ctx, http.MethodPost, c.base+path, payload, token)
	}, limits...)
}

func (c *Client) request(ctx context.Context, method, target string, payload []byte, token string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// wire is HubSpot's crm.Wire.
type wire struct{ c *Client }

// problem is HubSpot's error body.
type problem struct {
	Status     string `json:"status"`
	Category   string `json:"category"`
	ErrorType  string `json:"errorType"`
	PolicyName string `json:"policyName"`
}

// Judge classifies an answer. A 429 is retried, unless it is the daily
// limit (policyName DAILY), which waiting minutes does not cure; 5xx,
// timeouts and undecodable bodies are retried; anything else fails with
// HubSpot's category, never its message (it may quote the request).
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	retry := func(msg string) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: crm.ParseRetryAfter(resp.Header.Get("Retry-After"), w.c.api.Now())}
	}
	var p problem
	isJSON := json.Unmarshal(body, &p) == nil
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		if !isJSON {
			return retry("malformed or truncated JSON body")
		}
		return nil
	case s == http.StatusTooManyRequests && p.PolicyName == "DAILY":
		e.Code, e.Message = p.PolicyName, "daily request limit reached"
		return e
	case s == http.StatusTooManyRequests:
		e.Code = p.PolicyName
		return retry("rate limit exceeded")
	case s >= 500 || s == http.StatusRequestTimeout:
		return retry("server error")
	case !isJSON:
		e.Message = "non-JSON error page"
		return e
	default:
		e.Code, e.Message = p.Category, "request refused"
		return e
	}
}

// Expired: HubSpot answers an expired access token with 401
// (EXPIRED_AUTHENTICATION).
func (wire) Expired(e *crm.Error) bool { return e.Status == http.StatusUnauthorized }

// Records counts an answer's results.
func (wire) Records(body []byte) int {
	var r struct {
		Results []skip `json:"results"`
	}
	if json.Unmarshal(body, &r) != nil {
		return 0
	}
	return len(r.Results)
}

// skip decodes any JSON value into nothing.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// Grant posts the grant form to /oauth/v1/token. Only a server error or
// 429 is retried; any other answer without an access token fails.
func (w wire) Grant(grant url.Values) crm.Request {
	if grant.Get("grant_type") == "refresh_token" {
		grant.Set("redirect_uri", w.c.cfg.RedirectURI)
		if w.c.cfg.RedirectURI == "" {
			grant.Del("redirect_uri")
		}
	}
	body := grant.Encode()
	target := w.c.base + "/oauth/v1/token"
	const method = "POST /oauth/v1/token"
	return crm.Request{Method: method,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req, nil
		},
		Judge: func(resp *http.Response, _ []byte) error {
			if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
				return &crm.Retryable{Err: &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode, Message: "server error"}}
			}
			return nil
		}}
}

func decodeError(method string, err error) error {
	return &crm.Error{CRM: Source, Method: method, Status: http.StatusOK, Message: "decode: " + err.Error()}
}
