// Package bitrix24 is the Bitrix24 REST connector: it fetches companies,
// deals, tasks and call and meeting activities incrementally by modification
// time and maps them to domain records. It pages by id (start=-1, ID
// ascending, ">ID" the last seen: the fast export the documentation
// recommends) and chains up to 50 pages in one batch request, paces requests
// under the portal's leaky bucket, and refreshes an OAuth token on
// expired_token. It knows nothing of storage. docs/crm-bitrix24.md documents
// the mapping and its approximations.
package bitrix24

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"reglament/internal/crm"
)

// Source is the RecordMeta.Source of every record from Bitrix24.
const Source = "bitrix24"

// PageSize is Bitrix24's fixed page size.
const PageSize = 50

// MaxBatch is the most commands one batch request may carry.
const MaxBatch = 50

// DefaultTokenURL is Bitrix24's OAuth server.
const DefaultTokenURL = "https://oauth.bitrix.info/oauth/token/"

// Config configures a Client. BaseURL is an inbound webhook URL
// (https://portal/rest/1/secret/), which needs no Token, or the portal's REST
// endpoint (https://portal/rest/) with an OAuth Token.
type Config struct {
	BaseURL      string
	Token        string
	RefreshToken string
	ClientID     string
	ClientSecret string
	TokenURL     string // default DefaultTokenURL
	// Expiry is when Token expires (zero: unknown). A token this close to
	// expiring is refreshed before it is used, not after an expired_token.
	Expiry time.Time
	// OnRefresh receives every refreshed token pair to persist it.
	OnRefresh crm.TokenFunc
	// OnPage, if set, is called after every answered request (a batch is
	// one) with the number of records it carried, for progress reports. It
	// must be quick.
	OnPage func(ctx context.Context, records int)

	HTTPClient *http.Client                               // default: 60 s timeout
	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default crm.Sleep
	Backoff    crm.Backoff

	// Burst and DrainPerSecond shape the client's own bucket, kept inside
	// the portal's (50 and 2/s; Enterprise 250 and 5/s). Defaults 40 and 2.
	Burst          int
	DrainPerSecond float64
	// Overlap is re-read before a cursor; default 2 minutes.
	Overlap time.Duration
	// BatchSize is how many pages one batch request chains; default 50.
	BatchSize int
}

// Client is a Bitrix24 REST client. It is safe for concurrent use; one
// Client per portal should exist so that its limiter sees every request.
type Client struct {
	cfg     Config
	base    string
	caller  *crm.Caller
	mu      sync.Mutex
	token   crm.Token
	overlap time.Duration
	batch   int

	// memo guards what one sync's fetches share: the catalogue of funnels
	// and stages, and the responsible user of each deal of the latest deal
	// fetch (for the moves, which do not say it).
	memo        sync.Mutex
	cat         *catalogue
	responsible map[string]string
}

// NewClient returns a client for cfg. It panics on an unparsable BaseURL,
// which configuration validation must have rejected.
func NewClient(cfg Config) *Client {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		// Not %q of the URL: an inbound webhook URL is a secret.
		panic("bitrix24: invalid base URL")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = crm.Sleep
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	burst, drain := cfg.Burst, cfg.DrainPerSecond
	if burst <= 0 {
		burst = 40
	}
	if drain <= 0 {
		drain = 2
	}
	c := &Client{
		cfg:     cfg,
		base:    strings.TrimRight(cfg.BaseURL, "/") + "/",
		token:   crm.Token{AccessToken: cfg.Token, RefreshToken: cfg.RefreshToken, Expiry: cfg.Expiry},
		overlap: cfg.Overlap,
		batch:   cfg.BatchSize,
		caller: &crm.Caller{
			CRM:     Source,
			HTTP:    cfg.HTTPClient,
			Limiter: crm.NewLimiter(drain, burst, cfg.Now, cfg.Sleep),
			Backoff: cfg.Backoff.WithDefaults(),
			Now:     cfg.Now,
			Sleep:   cfg.Sleep,
		},
	}
	if c.overlap <= 0 {
		c.overlap = 2 * time.Minute
	}
	if c.batch <= 0 || c.batch > MaxBatch {
		c.batch = MaxBatch
	}
	return c
}

// Requests returns how many HTTP requests the client has sent, retries and
// token refreshes included; a batch is one.
func (c *Client) Requests() int64 { return c.caller.Requests.Load() }

// response is the envelope of every REST answer.
type response struct {
	Result           json.RawMessage `json:"result"`
	Next             crm.Int         `json:"next"`
	Total            crm.Int         `json:"total"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// call runs one REST method with form-encoded params. On expired_token it
// refreshes the OAuth token once and tries again.
func (c *Client) call(ctx context.Context, method string, params url.Values) (*response, error) {
	target := c.base + method + ".json"
	if used, due := c.refreshDue(); due {
		if err := c.refresh(ctx, used); err != nil {
			return nil, err
		}
	}
	for refreshed := false; ; refreshed = true {
		c.mu.Lock()
		used := c.token.AccessToken
		c.mu.Unlock()
		form := url.Values{}
		for k, v := range params {
			form[k] = v
		}
		if used != "" {
			form.Set("auth", used)
		}
		body := form.Encode()
		var out *response
		_, err := c.caller.Do(ctx, method, func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			return req, nil
		}, func(resp *http.Response, b []byte) error {
			r, err := c.judge(method, resp, b)
			out = r
			return err
		})
		var e *crm.Error
		if err != nil && errors.As(err, &e) && e.Code == "expired_token" && !refreshed && c.canRefresh() {
			if err := c.refresh(ctx, used); err != nil {
				return nil, err
			}
			continue
		}
		if err == nil && c.cfg.OnPage != nil {
			c.cfg.OnPage(ctx, countRecords(out.Result))
		}
		return out, err
	}
}

// judge classifies an answer. Bitrix24 reports errors as
// {"error": CODE, "error_description": …} with an HTTP status that matters:
// 503 QUERY_LIMIT_EXCEEDED (the leaky bucket), 429 OPERATION_TIME_LIMIT
// (method time budget), 401 expired_token.
func (c *Client) judge(method string, resp *http.Response, body []byte) (*response, error) {
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	retry := func(msg string) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: crm.ParseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())}
	}
	var r response
	b := bytes.TrimSpace(body)
	isJSON := len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &r) == nil
	if isJSON {
		e.Code = r.Error
	}
	s := resp.StatusCode
	switch {
	case isJSON && s < 300 && r.Error == "":
		return &r, nil
	case r.Error == "OPERATION_TIME_LIMIT" || s == http.StatusTooManyRequests:
		// The method spent its 480 s of execution in 10 minutes: it stays
		// blocked for a while, so short retries are wasted.
		err := retry("operation time limit").(*crm.Retryable)
		err.RetryAfter = max(err.RetryAfter, time.Minute)
		return nil, err
	case r.Error == "QUERY_LIMIT_EXCEEDED" || r.Error == "OVERLOAD_LIMIT" || s == http.StatusServiceUnavailable:
		return nil, retry("limit exceeded")
	case s >= 500:
		return nil, retry("server error")
	case !isJSON && s < 300:
		return nil, retry("malformed or truncated JSON body")
	case !isJSON:
		return nil, retry("non-JSON error page")
	default:
		// Codes only: a description may quote the request.
		e.Message = "request refused"
		return nil, e
	}
}

func (c *Client) canRefresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.RefreshToken != "" && c.cfg.ClientID != ""
}

// refresh exchanges the refresh token for a new pair at the OAuth server,
// unless another call already did since used was read.
func (c *Client) refresh(ctx context.Context, used string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token.AccessToken != used {
		return nil
	}
	t, err := c.tokenRequest(ctx, "oauth refresh_token", url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"refresh_token": {c.token.RefreshToken},
	})
	if err != nil {
		return err
	}
	nt := c.token.Renewed(t.AccessToken, t.RefreshToken, t.ExpiresIn, c.cfg.Now())
	c.token = nt
	if c.cfg.OnRefresh != nil {
		if err := c.cfg.OnRefresh(ctx, nt); err != nil {
			return fmt.Errorf("bitrix24: persist refreshed token: %w", err)
		}
	}
	return nil
}
