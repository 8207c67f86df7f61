// Package mango is the Mango Office virtual PBX (VPBX API) connector, on
// the crm.Client skeleton: it reads the call history in two steps
// (stats/request answers a key, stats/result the calls as semicolon text
// once the report is ready, polled with back-off) window by window, and
// lists the employees' extensions (config/users/request). Every request is
// a form POST of vpbx_api_key, json and sign = hex(sha256(key + json +
// salt)). docs/telephony.md says what was confirmed and what the fake in
// mangotest enforces.
package mango

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/pbx"
)

// Source is the RecordMeta.Source of every call from Mango Office.
const Source = domain.PBXMango

// DefaultBaseURL is the VPBX API.
const DefaultBaseURL = "https://app.mango-office.ru/vpbx"

// The API's methods, appended to the base URL.
const (
	MethodStatsRequest = "/stats/request"
	MethodStatsResult  = "/stats/result"
	MethodUsers        = "/config/users/request"
)

// Fields are the columns stats/request asks for, in the order each line
// of stats/result gives them.
var Fields = []string{"start", "finish", "answer", "from_extension", "from_number", "to_extension", "to_number", "disconnect_reason", "entry_id"}

// Defaults of the client.
const (
	// PerMinute is the pace of requests: Mango Office publishes no limit
	// the connector could find, so it stays at one a second.
	PerMinute = 60
	// DefaultWindow is the span of call start times one report covers.
	DefaultWindow = 7 * 24 * time.Hour
	// MaxPolls bounds the stats/result polls of one report.
	MaxPolls = 12
)

// Config configures a Client. Key (vpbx_api_key) and Salt (the signing
// salt) are required.
type Config struct {
	BaseURL   string // default DefaultBaseURL
	Key, Salt string
	// OnPage, if set, is called after every answered request with the
	// calls it carried.
	OnPage func(ctx context.Context, records int)

	HTTPClient *http.Client                               // default: 30 s timeout
	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default crm.Sleep
	Backoff    crm.Backoff

	// PerMinute paces requests; default and maximum PerMinute.
	PerMinute int
	// Window is the span of call start times one report covers; default
	// DefaultWindow.
	Window time.Duration
	// PollDelay is the first wait for a report; each further poll waits
	// twice as long, up to 30 s. Default 1 s.
	PollDelay time.Duration
}

// Client is a Mango Office VPBX client. It is safe for concurrent use.
type Client struct {
	api  *crm.Client
	cfg  Config
	base string
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
		panic("mango: invalid base URL")
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
	if cfg.PerMinute <= 0 || cfg.PerMinute > PerMinute {
		cfg.PerMinute = PerMinute
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.PollDelay <= 0 {
		cfg.PollDelay = time.Second
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}
	// Evenly spaced (a bucket of one): no minute sees more than PerMinute.
	c.api = crm.NewClient(wire{c}, crm.Options{
		CRM:        Source,
		OnPage:     cfg.OnPage,
		HTTPClient: cfg.HTTPClient,
		Now:        cfg.Now,
		Sleep:      cfg.Sleep,
		Backoff:    cfg.Backoff,
		Rate:       float64(cfg.PerMinute-1) / 60,
		Burst:      1,
	})
	return c
}

// Requests returns how many HTTP requests the client has sent, retries
// included.
func (c *Client) Requests() int64 { return c.api.Requests() }

// Sign returns the signature of a request's json: hex(sha256(key + json +
// salt)).
func Sign(key, json, salt string) string {
	sum := sha256.Sum256([]byte(key + json + salt))
	return hex.EncodeToString(sum[:])
}

// call posts payload, marshalled to JSON, to method as the signed form
// every VPBX request is.
func (c *Client) call(ctx context.Context, method string, payload any) ([]byte, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	form := url.Values{"vpbx_api_key": {c.cfg.Key}, "sign": {Sign(c.cfg.Key, string(body), c.cfg.Salt)}, "json": {string(body)}}.Encode()
	target := c.base + method
	return c.api.Call(ctx, method, func(ctx context.Context, _ string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	})
}

// wire is Mango Office's crm.Wire.
type wire struct{ c *Client }

// answer is the JSON the API answers with besides the report: result is
// its code (1000: done), key the report's.
type answer struct {
	Result  crm.Int `json:"result"`
	Message string  `json:"message"`
	Key     string  `json:"key"`
}

// resultOK is the result code of a request done.
const resultOK = 1000

// errNotReady is the judge's verdict on stats/result's 204: the report is
// not ready yet; the client polls again after a wait of its own.
var errNotReady = errors.New("mango: report not ready")

// Judge classifies an answer. stats/result answers 204 while the report
// is being made (errNotReady) and then the report as text, whose every
// line must hold every field asked for (a line cut short is a truncated
// body, tried again); other methods answer JSON. 429 and 5xx are tried
// again; 401 and 403 mean the key or the signature was refused; a JSON
// result code other than 1000 fails with that code. The body is never
// quoted: it may echo the request.
func (w wire) Judge(method string, resp *http.Response, body []byte) error {
	e := &crm.Error{CRM: Source, Method: method, Status: resp.StatusCode}
	retry := func(msg string) error {
		e.Message = msg
		return &crm.Retryable{Err: e, RetryAfter: crm.ParseRetryAfter(resp.Header.Get("Retry-After"), w.c.cfg.Now())}
	}
	var a answer
	isJSON := json.Unmarshal(body, &a) == nil
	switch s := resp.StatusCode; {
	case s == http.StatusNoContent && method == MethodStatsResult:
		return errNotReady
	case s == http.StatusOK && method == MethodStatsResult && !isJSON:
		if _, err := parseReport(body); err != nil {
			return retry(err.Error())
		}
		return nil
	case s == http.StatusOK && !isJSON:
		return retry("malformed or truncated JSON body")
	case s == http.StatusOK && a.Result != 0 && a.Result != resultOK:
		e.Code, e.Message = fmt.Sprint(a.Result), "request refused"
		return e
	case s == http.StatusOK:
		return nil
	case s == http.StatusTooManyRequests:
		return retry("rate limit exceeded")
	case s >= 500 || s == http.StatusRequestTimeout:
		return retry("server error")
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		if isJSON && a.Result != 0 {
			e.Code = fmt.Sprint(a.Result)
		}
		e.Message = "the key or the signature was refused: check the vpbx_api_key and the salt"
		return e
	default:
		if isJSON && a.Result != 0 {
			e.Code = fmt.Sprint(a.Result)
		}
		e.Message = "request refused"
		return e
	}
}

// Expired: the VPBX API has no expiring tokens.
func (wire) Expired(*crm.Error) bool { return false }

// Grant is never sent: the VPBX API has no OAuth.
func (wire) Grant(url.Values) crm.Request {
	return crm.Request{Method: "grant", New: func(context.Context) (*http.Request, error) {
		return nil, errors.New("mango: no OAuth")
	}}
}

// Records counts the lines of a report and the users of a user list.
func (wire) Records(body []byte) int {
	var u struct {
		Users []json.RawMessage `json:"users"`
	}
	if json.Unmarshal(body, &u) == nil {
		return len(u.Users)
	}
	lines, _ := parseReport(body)
	return len(lines)
}
