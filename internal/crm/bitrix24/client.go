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
	BaseURL  string
	TokenURL string // default DefaultTokenURL
	// ClientConfig holds the token (an expired_token refreshes an OAuth
	// one), the application, the callbacks (OnPage: a batch is one
	// request) and the plumbing (HTTPClient default: 60 s timeout; Overlap
	// default 2 minutes).
	crm.ClientConfig

	// Burst and DrainPerSecond shape the client's own bucket, kept inside
	// the portal's (50 and 2/s; Enterprise 250 and 5/s). Defaults 40 and 2.
	Burst          int
	DrainPerSecond float64
	// BatchSize is how many pages one batch request chains; default 50.
	BatchSize int
}

// Client is a Bitrix24 REST client: the wire format of Bitrix24 on the
// shared crm.Client, which paces, retries and refreshes. It is safe for
// concurrent use; one Client per portal should exist so that its limiter
// sees every request.
type Client struct {
	api   *crm.Client
	cfg   Config
	base  string
	batch int

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
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/") + "/", batch: cfg.BatchSize}
	if c.batch <= 0 || c.batch > MaxBatch {
		c.batch = MaxBatch
	}
	c.api = crm.NewClient(wire{c}, cfg.Options(Source, drain, burst))
	return c
}

// Requests returns how many HTTP requests the client has sent, retries and
// token refreshes included; a batch is one.
func (c *Client) Requests() int64 { return c.api.Requests() }

// Exchange trades an authorization code (valid 30 seconds, once) for the
// token pair of the application whose ClientID and ClientSecret the client
// was configured with, and makes the client use it. The caller stores the
// pair; OnRefresh is not called.
func (c *Client) Exchange(ctx context.Context, code string) (crm.Token, error) {
	return c.api.Exchange(ctx, code, nil)
}

// response is the envelope of every REST answer.
type response struct {
	Result           json.RawMessage `json:"result"`
	Next             crm.Int         `json:"next"`
	Total            crm.Int         `json:"total"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// call runs one REST method with form-encoded params, the OAuth token in
// its auth parameter (an inbound webhook URL needs none).
func (c *Client) call(ctx context.Context, method string, params url.Values) (*response, error) {
	target := c.base + method + ".json"
	body, err := c.api.Call(ctx, method, func(ctx context.Context, token string) (*http.Request, error) {
		form := url.Values{}
		for k, v := range params {
			form[k] = v
		}
		if token != "" {
			form.Set("auth", token)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	var r response
	if err := json.Unmarshal(body, &r); err != nil { // Judge accepted it: it decodes
		return nil, &crm.Error{CRM: Source, Method: method, Status: http.StatusOK, Message: "decode: " + err.Error()}
	}
	return &r, nil
}

// wire is Bitrix24's crm.Wire.
type wire struct{ c *Client }

// Expired: Bitrix24 answers an expired OAuth token with 401 expired_token.
func (wire) Expired(e *crm.Error) bool { return e.Code == "expired_token" }

// Records counts the items of a result: a list, tasks.task.list's
// {"tasks": […]}, or every page of a batch.
func (wire) Records(body []byte) int {
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(body, &r) != nil {
		return 0
	}
	return countRecords(r.Result)
}

// Judge classifies an answer. Bitrix24 reports errors as
// {"error": CODE, "error_description": …} with an HTTP status that matters:
// 503 QUERY_LIMIT_EXCEEDED (the leaky bucket), 429 OPERATION_TIME_LIMIT
// (method time budget), 401 expired_token.
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	retry := func(msg string) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: crm.ParseRetryAfter(resp.Header.Get("Retry-After"), w.c.api.Now())}
	}
	var r struct {
		Error string `json:"error"`
	}
	b := bytes.TrimSpace(body)
	isJSON := len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &r) == nil
	if isJSON {
		e.Code = r.Error
	}
	s := resp.StatusCode
	switch {
	case isJSON && s < 300 && r.Error == "":
		return nil
	case r.Error == "OPERATION_TIME_LIMIT" || s == http.StatusTooManyRequests:
		// The method spent its 480 s of execution in 10 minutes: it stays
		// blocked for a while, so short retries are wasted.
		err := retry("operation time limit").(*crm.Retryable)
		err.RetryAfter = max(err.RetryAfter, time.Minute)
		return err
	case r.Error == "QUERY_LIMIT_EXCEEDED" || r.Error == "OVERLOAD_LIMIT" || s == http.StatusServiceUnavailable:
		return retry("limit exceeded")
	case s >= 500:
		return retry("server error")
	case !isJSON && s < 300:
		return retry("malformed or truncated JSON body")
	case !isJSON:
		return retry("non-JSON error page")
	default:
		// Codes only: a description may quote the request.
		e.Message = "request refused"
		return e
	}
}
