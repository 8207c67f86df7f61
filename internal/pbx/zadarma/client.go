// Package zadarma is the Zadarma cloud PBX connector, on the crm.Client
// skeleton: it reads the PBX call statistics (GET /v1/statistics/pbx/,
// version 2) incoming and outgoing apart, a month at most a request and
// 1000 rows a page, and lists the PBX's internal numbers. Every request
// carries Authorization: key:signature as the official client
// (zadarma/user-api-v1, lib/Client.php) computes it; the statistics are
// paced under their own limit and the X-RateLimit-* headers are obeyed.
// docs/telephony.md says what was confirmed and what the fake in
// zadarmatest enforces.
package zadarma

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/pbx"
)

// Source is the RecordMeta.Source of every call from Zadarma.
const Source = domain.PBXZadarma

// DefaultBaseURL is Zadarma's API.
const DefaultBaseURL = "https://api.zadarma.com"

// The API's methods: paths, as they are signed.
const (
	MethodStatistics = "/v1/statistics/pbx/"
	MethodInternal   = "/v1/pbx/internal/"
	MethodTimezone   = "/v1/info/timezone/"
)

// Limits the client keeps within. Zadarma's pages name none the connector
// could confirm; third-party integrations report 100 requests a minute in
// all and 3 a minute of statistics, so the client stays under both.
const (
	PerMinute      = 100
	StatsPerMinute = 3
	// PageSize is the most rows a statistics page holds (limit).
	PageSize = 1000
)

// TimeLayout is how the API writes times (start, end, callstart): the
// account's time zone, to the second.
const TimeLayout = "2006-01-02 15:04:05"

// Config configures a Client. Key and Secret (the API key pair of the
// account's personal area) are required.
type Config struct {
	BaseURL     string // default DefaultBaseURL
	Key, Secret string
	// Location is the account's time zone, in which the API writes times;
	// nil asks the API (info/timezone) once.
	Location *time.Location
	// OnPage, if set, is called after every answered request with the
	// rows it carried.
	OnPage func(ctx context.Context, records int)

	HTTPClient *http.Client                               // default: 30 s timeout
	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default crm.Sleep
	Backoff    crm.Backoff
	PageSize   int // default and maximum PageSize
}

// Client is a Zadarma PBX client. It is safe for concurrent use; one
// Client per account should exist so that its limiters see every request.
type Client struct {
	api   *crm.Client
	cfg   Config
	base  string
	stats *crm.Limiter // the statistics' own limit, besides the general one
	pause crm.Pause

	mu  sync.Mutex
	loc *time.Location
}

var _ pbx.Client = (*Client)(nil)

// NewClient returns a client for cfg. It panics on an unparsable BaseURL,
// which configuration validation must have rejected; the URL is not
// printed.
func NewClient(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		panic("zadarma: invalid base URL")
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
	if cfg.PageSize <= 0 || cfg.PageSize > PageSize {
		cfg.PageSize = PageSize
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), loc: cfg.Location,
		// Evenly spaced: a bucket of one refilled at r a minute lets 1 + r
		// requests into any minute.
		stats: crm.NewLimiter(float64(StatsPerMinute-1)/60, 1, cfg.Now, cfg.Sleep),
		pause: crm.Pause{Now: cfg.Now, Sleep: cfg.Sleep}}
	c.api = crm.NewClient(wire{c}, crm.Options{
		CRM:        Source,
		OnPage:     cfg.OnPage,
		HTTPClient: cfg.HTTPClient,
		Now:        cfg.Now,
		Sleep:      cfg.Sleep,
		Backoff:    cfg.Backoff,
		Rate:       float64(PerMinute*4/5) / 60,
		Burst:      PerMinute / 10,
	})
	return c
}

// Requests returns how many HTTP requests the client has sent, retries
// included.
func (c *Client) Requests() int64 { return c.api.Requests() }

// Query writes params as PHP's http_build_query does after ksort: sorted
// by key, values escaped as urlencode does (letters, digits and -_. kept,
// a space as +, every other byte %XX). The signature is over this text.
func Query(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range params[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(escape(k) + "=" + escape(v))
		}
	}
	return b.String()
}

// escape is PHP's urlencode.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '-', ch == '_', ch == '.':
			b.WriteByte(ch)
		case ch == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&15])
		}
	}
	return b.String()
}

// Sign returns the signature of a call of method (its path, e.g.
// /v1/statistics/pbx/) with the sorted query text query, as the official
// client computes it: base64 of the hex HMAC-SHA1, keyed by the secret, of
// method + query + hex(md5(query)).
func Sign(method, query, secret string) string {
	sum := md5.Sum([]byte(query))
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(method + query + hex.EncodeToString(sum[:])))
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
}

// get calls GET method with params (format=json added, as the official
// client adds it before signing), waiting for limits too.
func (c *Client) get(ctx context.Context, method string, params url.Values, limits ...*crm.Limiter) ([]byte, error) {
	if params == nil {
		params = url.Values{}
	}
	params.Set("format", "json")
	query := Query(params)
	auth := c.cfg.Key + ":" + Sign(method, query, c.cfg.Secret)
	target := c.base + method + "?" + query
	return c.api.Call(ctx, method, func(ctx context.Context, _ string) (*http.Request, error) {
		if err := c.pause.Wait(ctx); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", auth)
		return req, nil
	}, limits...)
}

// wire is Zadarma's crm.Wire.
type wire struct{ c *Client }

// answer is the envelope of every answer.
type answer struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Judge classifies an answer, after noting its X-RateLimit-* headers (a
// spent window holds the next request back). 429 and 5xx are tried
// again, 429 after the server's Retry-After or X-RateLimit-Reset; 401 and
// 403 mean the key or signature was refused; an answer whose status is
// "error" fails. The server's message is not quoted: it may echo the
// request.
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	w.c.pause.Note(resp.Header)
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	now := w.c.cfg.Now()
	retry := func(msg string, after time.Duration) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: after}
	}
	var a answer
	isJSON := json.Unmarshal(body, &a) == nil
	switch s := resp.StatusCode; {
	case s == http.StatusOK && !isJSON:
		return retry("malformed or truncated JSON body", 0)
	case s == http.StatusOK && a.Status == "success":
		return nil
	case s == http.StatusOK:
		e.Message = "request refused"
		return e
	case s == http.StatusTooManyRequests:
		after := crm.ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		if after == 0 {
			after = crm.ParseRetryAfter(resp.Header.Get("X-RateLimit-Reset"), now)
		}
		return retry("rate limit exceeded", after)
	case s >= 500 || s == http.StatusRequestTimeout:
		return retry("server error", 0)
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.Message = "the key or the signature was refused: check the key and the secret"
		return e
	default:
		e.Message = "request refused"
		return e
	}
}

// Expired: Zadarma's keys do not expire.
func (wire) Expired(*crm.Error) bool { return false }

// Grant is never sent: Zadarma's API has no OAuth.
func (wire) Grant(url.Values) crm.Request {
	return crm.Request{Method: "grant", New: func(context.Context) (*http.Request, error) {
		return nil, errors.New("zadarma: no OAuth")
	}}
}

// Records counts the rows of a statistics page.
func (wire) Records(body []byte) int {
	var p struct {
		Stats []json.RawMessage `json:"stats"`
	}
	if json.Unmarshal(body, &p) != nil {
		return 0
	}
	return len(p.Stats)
}

// Zone returns the account's time zone as the client knows it: the
// configured Location, or the one the API gave (info/timezone) once a
// read needed it; nil before that. A caller keeps it to configure the
// next client of the account with, sparing it the request.
func (c *Client) Zone() *time.Location {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loc
}

// location returns the account's time zone, asking the API the first time
// when the configuration gives none: the offset of its clock from UTC
// (datetime less unixtime), to the minute.
func (c *Client) location(ctx context.Context) (*time.Location, error) {
	c.mu.Lock()
	loc := c.loc
	c.mu.Unlock()
	if loc != nil {
		return loc, nil
	}
	body, err := c.get(crm.WithoutProgress(ctx), MethodTimezone, nil)
	if err != nil {
		return nil, fmt.Errorf("zadarma: time zone: %w", err)
	}
	var tz struct {
		Unixtime crm.Int `json:"unixtime"`
		Datetime string  `json:"datetime"`
		Timezone string  `json:"timezone"`
	}
	if err := json.Unmarshal(body, &tz); err != nil {
		return nil, &crm.Error{CRM: Source, Method: MethodTimezone, Status: 200, Message: "decode: " + err.Error()}
	}
	local, err := time.Parse(TimeLayout, tz.Datetime)
	if err != nil || tz.Unixtime <= 0 {
		return nil, &crm.Error{CRM: Source, Method: MethodTimezone, Status: 200, Message: "no datetime and unixtime in the answer"}
	}
	offset := local.Sub(time.Unix(int64(tz.Unixtime), 0)).Round(time.Minute)
	name := tz.Timezone
	if name == "" {
		name = fmt.Sprintf("UTC%+d", int(offset.Hours()))
	}
	loc = time.FixedZone(name, int(offset.Seconds()))
	c.mu.Lock()
	c.loc = loc
	c.mu.Unlock()
	return loc, nil
}
