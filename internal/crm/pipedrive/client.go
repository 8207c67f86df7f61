// Package pipedrive is the Pipedrive connector, on the crm.Client
// skeleton: it fetches organizations (companies), deals, activities (calls
// and meetings by the account's activity types; the other types are tasks)
// through the API v2 lists filtered by updated_since and paged by cursor,
// deleted deals through the status=deleted listing, deal moves from the
// changelog of the deals whose stage changed, and names deals' pipelines
// and stages from the catalogue (/v1/pipelines, /v1/stages). It keeps
// within the burst limit per 2 seconds, waits out a window the
// x-ratelimit-remaining header says is spent, and backs off on 429 and on
// the HTML 403 Pipedrive answers after repeated 429s. It authenticates by
// an API token (x-api-token) or OAuth (Bearer, refreshed).
// docs/crm-pipedrive.md documents the mapping.
package pipedrive

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"reglament/internal/crm"
)

// Source is the RecordMeta.Source of every record from Pipedrive.
const Source = "pipedrive"

// DefaultBaseURL is Pipedrive's API for API-token requests; an OAuth
// token answers with the company's own api_domain, which is the BaseURL
// to use with it.
const (
	DefaultBaseURL  = "https://api.pipedrive.com"
	DefaultTokenURL = "https://oauth.pipedrive.com/oauth/token"
)

// BurstPerTwoSeconds is the lowest plan's limit of requests per 2 seconds
// per API token (Essential/Lite: 20; OAuth tokens get four times more).
const BurstPerTwoSeconds = 20

// Config configures a Client. Either APIToken (a user's API token) or
// Token (an OAuth access token, with the OAuth fields for refreshing it)
// is required.
type Config struct {
	BaseURL     string // default DefaultBaseURL; for OAuth, the token's api_domain
	TokenURL    string // the OAuth token endpoint; default DefaultTokenURL
	APIToken    string
	RedirectURI string // sent with the code exchange
	// ClientConfig holds the OAuth token (Token; an API token goes in
	// APIToken instead), the application, the callbacks and the plumbing
	// (HTTPClient default: 30 s timeout; Overlap default 2 minutes).
	crm.ClientConfig

	// PerTwoSeconds is the requests the client sends in any 2 seconds at
	// most; default 16 (BurstPerTwoSeconds less a margin).
	PerTwoSeconds int
	// PageSize is the v2 lists' limit; default and maximum 500.
	PageSize int
	// CallTypes and MeetingTypes name activity types (key_string) kept as
	// calls and meetings besides those /v1/activityTypes says are (the
	// built-in call and meeting, and types with their icons).
	CallTypes, MeetingTypes []string
}

// Client is a Pipedrive client. It is safe for concurrent use; one Client
// per account should exist so that its limiter sees every request.
type Client struct {
	api  *crm.Client
	cfg  Config
	base string

	cat crm.Cache[*catalogue]

	mu    sync.Mutex
	pause time.Time // no request before: the server said the window is spent
}

// NewClient returns a client for cfg. It panics on an unparsable BaseURL,
// which configuration validation must have rejected; the URL is not
// printed.
func NewClient(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	for _, s := range []string{cfg.BaseURL, cfg.TokenURL} {
		if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
			panic("pipedrive: invalid base or token URL")
		}
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
	if cfg.PageSize <= 0 || cfg.PageSize > 500 {
		cfg.PageSize = 500
	}
	per := cfg.PerTwoSeconds
	if per <= 0 {
		per = BurstPerTwoSeconds * 4 / 5
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), cat: crm.Cache[*catalogue]{MaxAge: CatalogueMaxAge}}
	// A bucket of burst b refilled at r a second lets b + 2r requests
	// into any 2 seconds.
	burst := max(1, per/4)
	c.api = crm.NewClient(wire{c}, cfg.Options(Source, float64(per-burst)/2, burst))
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
		return crm.Token{}, fmt.Errorf("pipedrive: exchange code: the code, client id, client secret and redirect URI are all required")
	}
	return c.api.Exchange(ctx, code, url.Values{"redirect_uri": {c.cfg.RedirectURI}})
}

// get calls GET path?query, with the API token or the OAuth access token.
func (c *Client) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	return c.api.Call(ctx, "GET "+path, func(ctx context.Context, token string) (*http.Request, error) {
		if err := c.waitPause(ctx); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		if c.cfg.APIToken != "" {
			req.Header.Set("x-api-token", c.cfg.APIToken)
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
}

// waitPause waits until the window the server said was spent has passed.
func (c *Client) waitPause(ctx context.Context) error {
	c.mu.Lock()
	d := c.pause.Sub(c.cfg.Now())
	c.mu.Unlock()
	if d > 0 {
		return c.cfg.Sleep(ctx, d)
	}
	return nil
}

// notePause reads the rate-limit headers of an answer: a window with no
// request left holds the next request for x-ratelimit-reset seconds.
func (c *Client) notePause(h http.Header) {
	if h.Get("x-ratelimit-remaining") != "0" {
		return
	}
	reset, err := strconv.ParseFloat(h.Get("x-ratelimit-reset"), 64)
	if err != nil || reset <= 0 || reset > 60 {
		reset = 2
	}
	c.mu.Lock()
	c.pause = c.cfg.Now().Add(time.Duration(reset * float64(time.Second)))
	c.mu.Unlock()
}

// wire is Pipedrive's crm.Wire.
type wire struct{ c *Client }

// envelope is every Pipedrive answer: success, data, additional_data; an
// error answer has success false, error and error_info or code.
type envelope struct {
	Success   *bool  `json:"success"`
	Error     string `json:"error"`
	ErrorCode string `json:"errorCode"`
	Code      string `json:"code"`
}

// CodeBlocked is the Code of the error of an HTML 403, Pipedrive's block of
// a client that kept going past 429s: a rate limit, which the command line
// says as one (exit 75) when it outlasts every retry.
const CodeBlocked = "RATE_LIMIT_BLOCK"

// BlockWait is how long the client waits after the HTML 403 that Pipedrive
// answers once a client kept going past 429s: only waiting cures it.
const BlockWait = time.Minute

// Judge classifies an answer. 429 is retried after Retry-After or
// x-ratelimit-reset; an HTML 403 (the block after repeated 429s) after at
// least BlockWait; 5xx, timeouts and undecodable bodies are retried;
// anything else fails with Pipedrive's error code, never its message (it
// may quote the request).
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	w.c.notePause(resp.Header)
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	now := w.c.api.Now()
	retry := func(msg string, after time.Duration) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: after}
	}
	var p envelope
	isJSON := json.Unmarshal(body, &p) == nil
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		if !isJSON {
			return retry("malformed or truncated JSON body", 0)
		}
		if p.Success != nil && !*p.Success {
			e.Message = "request refused"
			return e
		}
		return nil
	case s == http.StatusTooManyRequests:
		after := crm.ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		if after <= 0 {
			if reset, err := strconv.ParseFloat(resp.Header.Get("x-ratelimit-reset"), 64); err == nil && reset > 0 && reset <= 60 {
				after = time.Duration(reset * float64(time.Second))
			}
		}
		return retry("rate limit exceeded", after)
	case s == http.StatusForbidden && !isJSON:
		e.Code = CodeBlocked
		return retry("blocked after repeated rate-limit answers (HTML 403)", BlockWait)
	case s >= 500 || s == http.StatusRequestTimeout:
		return retry("server error", 0)
	case !isJSON:
		e.Message = "non-JSON error page"
		return e
	default:
		e.Code, e.Message = firstNonEmpty(p.ErrorCode, p.Code), "request refused"
		return e
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Expired: Pipedrive answers an expired access token with 401.
func (w wire) Expired(e *crm.Error) bool {
	return e.Status == http.StatusUnauthorized && w.c.cfg.APIToken == ""
}

// Records counts an answer's data items.
func (wire) Records(body []byte) int {
	var r struct {
		Data []skip `json:"data"`
	}
	if json.Unmarshal(body, &r) != nil {
		return 0
	}
	return len(r.Data)
}

// skip decodes any JSON value into nothing.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// Grant posts the grant form to the token endpoint with the application's
// credentials in HTTP Basic auth, as Pipedrive's OAuth server asks. Only a
// server error or 429 is retried; any other answer without an access
// token fails.
func (w wire) Grant(grant url.Values) crm.Request {
	id, secret := grant.Get("client_id"), grant.Get("client_secret")
	grant.Del("client_id")
	grant.Del("client_secret")
	body := grant.Encode()
	target := w.c.cfg.TokenURL
	const method = "POST /oauth/token"
	return crm.Request{Method: method,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))
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
