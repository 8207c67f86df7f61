package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"reglament/internal/domain"
)

// Wire is what the shared Client needs to know of one CRM's wire format.
// A connector implements it next to its typed payloads; everything else
// about sending a request (pacing, retries, the token and its refresh,
// progress, the cursor) is the Client's.
type Wire interface {
	// Judge classifies the answer to an API call named method: nil accepts
	// it, a *Retryable tries again after a backoff, any other error fails
	// the call. A body that does not decode (truncated JSON) is retryable.
	Judge(method string, resp *http.Response, body []byte) error
	// Expired reports whether a failed call says the access token expired:
	// the Client then refreshes it, once, and tries the call again.
	Expired(err *Error) bool
	// Grant is the request of an OAuth grant. grant holds grant_type, the
	// code or refresh token, client_id and client_secret; the answer the
	// judge accepts must be the OAuth token JSON (access_token,
	// refresh_token, expires_in).
	Grant(grant url.Values) Request
	// Records counts the records an accepted answer carries, for progress
	// reports: the items a page lists, before any dedupe.
	Records(body []byte) int
}

// Request is an HTTP call as the Client sends it: the name that errors
// give it, the request built afresh for every try, and the judge of its
// answer.
type Request struct {
	Method string
	New    func(ctx context.Context) (*http.Request, error)
	Judge  Judge
}

// Options configures a Client. The zero value of a field is its default.
type Options struct {
	CRM   string // the connector's Source, named in errors
	Token Token  // the access token (and refresh token, expiry) to start with
	// ClientID and ClientSecret are the OAuth application's; without a
	// ClientID the token is never refreshed (a long-lived token, an
	// inbound webhook).
	ClientID, ClientSecret string
	// OnRefresh receives every refreshed token pair, to persist it.
	OnRefresh TokenFunc
	// OnPage, if set, is called after every answered API call with the
	// number of records it carried (Wire.Records). It must be quick.
	OnPage func(ctx context.Context, records int)

	HTTPClient *http.Client                               // default: a 30 s timeout
	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default Sleep
	Backoff    Backoff
	// Rate and Burst shape the client's token bucket (NewLimiter): the CRM's
	// limit less a margin. Default 1 a second, a bucket of one.
	Rate  float64
	Burst int
	// Overlap is re-read before a cursor to absorb clock skew and
	// replication lag; default 2 minutes.
	Overlap time.Duration
}

// Client is the skeleton every connector stands on: it sends a
// connector's API calls under the rate limiter with retries and backoff,
// keeps the OAuth token pair and refreshes it (ahead of its expiry, and
// once when a call says it expired), reports progress, and keeps the
// incremental cursor (Fetch). It is safe for concurrent use; one Client
// per CRM account should exist so that its limiter sees every request.
type Client struct {
	wire     Wire
	opts     Options
	limiter  *Limiter
	backoff  Backoff
	requests atomic.Int64 // sent, retries and grants included

	mu    sync.Mutex // held through a refresh, so one refresh serves all
	token Token
}

// NewClient returns a client sending wire's calls as opts says.
func NewClient(wire Wire, opts Options) *Client {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = Sleep
	}
	if opts.Overlap <= 0 {
		opts.Overlap = 2 * time.Minute
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Rate <= 0 {
		opts.Rate = 1
	}
	return &Client{
		wire:    wire,
		opts:    opts,
		token:   opts.Token,
		limiter: NewLimiter(opts.Rate, opts.Burst, opts.Now, opts.Sleep),
		backoff: opts.Backoff.WithDefaults(),
	}
}

// Now returns the client's time.
func (c *Client) Now() time.Time { return c.opts.Now() }

// Requests returns how many HTTP requests the client has sent, retries and
// token grants included.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Call sends the API call method. newRequest builds its request (afresh for
// every try) carrying token where the CRM wants it; token is "" when there
// is none (an inbound webhook URL holds its secret itself). The wire judges
// the answer; the accepted body is returned. Every try waits for limits
// too, after the client's own limiter: an endpoint with a stricter limit
// of its own (HubSpot's search) passes it here.
func (c *Client) Call(ctx context.Context, method string, newRequest func(ctx context.Context, token string) (*http.Request, error), limits ...*Limiter) ([]byte, error) {
	if used, due := c.refreshDue(); due {
		if err := c.refresh(ctx, used); err != nil {
			return nil, err
		}
	}
	judge := func(resp *http.Response, body []byte) error { return c.wire.Judge(method, resp, body) }
	for refreshed := false; ; refreshed = true {
		used := c.accessToken()
		body, err := c.send(ctx, method, func(ctx context.Context) (*http.Request, error) {
			for _, l := range limits {
				if err := l.Wait(ctx); err != nil {
					return nil, err
				}
			}
			return newRequest(ctx, used)
		}, judge)
		var e *Error
		if err != nil && errors.As(err, &e) && c.wire.Expired(e) && !refreshed && c.canRefresh() {
			if err := c.refresh(ctx, used); err != nil {
				return nil, err
			}
			continue
		}
		if err == nil && c.opts.OnPage != nil {
			n := 0
			if ctx.Value(progressKey{}) == nil {
				n = c.wire.Records(body)
			}
			c.opts.OnPage(ctx, n)
		}
		return body, err
	}
}

// progressKey marks a context whose calls report no records to OnPage.
type progressKey struct{}

// WithoutProgress returns a context whose calls count no records for
// progress reports: what they read (a catalogue of pipelines, users) is
// not a record of the kind being fetched.
func WithoutProgress(ctx context.Context) context.Context {
	return context.WithValue(ctx, progressKey{}, true)
}

// Exchange trades an authorization code (single use, short-lived) for the
// token pair of the OAuth application the client was configured with, and
// makes the client use it. The caller stores the pair; OnRefresh is not
// called. extra holds what else the CRM's grant needs (redirect_uri).
func (c *Client) Exchange(ctx context.Context, code string, extra url.Values) (Token, error) {
	if code == "" || c.opts.ClientID == "" || c.opts.ClientSecret == "" {
		return Token{}, fmt.Errorf("%s: exchange code: the code, client id and client secret are all required", c.opts.CRM)
	}
	grant := url.Values{"grant_type": {"authorization_code"}, "code": {code}}
	for k, v := range extra {
		grant[k] = v
	}
	t, err := c.grant(ctx, grant)
	if err != nil {
		return Token{}, fmt.Errorf("%s: exchange code: %w", c.opts.CRM, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = Token{}.Renewed(t.AccessToken, t.RefreshToken, t.ExpiresIn, c.opts.Now())
	tok := c.token
	tok.APIDomain = t.APIDomain
	return tok, nil
}

// tokenAnswer is the OAuth token JSON every CRM answers a grant with.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	APIDomain    string `json:"api_domain"` // Pipedrive's company API address
	Error        string `json:"error"`
}

// grant sends an OAuth grant with the application's credentials and
// returns the answer, which must carry an access token. Errors name the
// grant and carry the OAuth error code, never the secrets sent or received.
func (c *Client) grant(ctx context.Context, grant url.Values) (tokenAnswer, error) {
	grant.Set("client_id", c.opts.ClientID)
	grant.Set("client_secret", c.opts.ClientSecret)
	r := c.wire.Grant(grant)
	status := 0
	body, err := c.send(ctx, r.Method, r.New, func(resp *http.Response, body []byte) error {
		status = resp.StatusCode
		return r.Judge(resp, body)
	})
	if err != nil {
		return tokenAnswer{}, err
	}
	var t tokenAnswer
	if json.Unmarshal(body, &t) != nil || t.AccessToken == "" {
		return tokenAnswer{}, &Error{CRM: c.opts.CRM, Method: r.Method, Status: status, Code: t.Error, Message: "no access token in the answer"}
	}
	return t, nil
}

func (c *Client) accessToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.AccessToken
}

func (c *Client) canRefresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.RefreshToken != "" && c.opts.ClientID != ""
}

// refreshDue returns the current access token and whether it is due for a
// refresh this client can make (it has an OAuth application).
func (c *Client) refreshDue() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.AccessToken, c.opts.ClientID != "" && c.token.DueForRefresh(c.opts.Now())
}

// refresh exchanges the refresh token for a new pair, unless another call
// already did since used was read.
func (c *Client) refresh(ctx context.Context, used string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token.AccessToken != used {
		return nil
	}
	t, err := c.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.token.RefreshToken}})
	if err != nil {
		return err
	}
	// The old refresh token is spent: keep the new pair even if persisting
	// it fails, and report the failure.
	c.token = c.token.Renewed(t.AccessToken, t.RefreshToken, t.ExpiresIn, c.opts.Now())
	if c.opts.OnRefresh != nil {
		if err := c.opts.OnRefresh(ctx, c.token); err != nil {
			return fmt.Errorf("%s: persist refreshed token: %w", c.opts.CRM, err)
		}
	}
	return nil
}

// Scan reads the records of one kind changed at or after from (every
// record for the zero time). rescan asks Fetch to look once more at what
// changed while a full scan ran: a scan that pages in id order, not by
// modification time, misses a record changed after the scan passed it.
type Scan func(ctx context.Context, from time.Time) (b domain.RecordBatch, rescan bool, err error)

// Fetch is the cursor bookkeeping of every connector's Fetch: scan reads
// kind from the cursor less the overlap (everything for the zero cursor),
// and the cursor returned is the moment the fetch started, to be stored
// once the batch is: what changes during a fetch may be missed by it and
// is read by the next one. On error the batch is empty and the cursor is
// since, so nothing advances past what was fully fetched.
//
// After a full scan asking to, it reads what changed since the scan
// started once more, the later version of a record winning, and the
// cursor is the start of that look: a full scan takes minutes and is
// often the only sync for a while. An incremental scan is short and the
// next one reads the change anyway.
func (c *Client) Fetch(ctx context.Context, kind Kind, since Cursor, scan Scan) (domain.RecordBatch, Cursor, error) {
	if !slices.Contains(Kinds, kind) {
		return domain.RecordBatch{}, since, fmt.Errorf("%s: unknown record kind %q", c.opts.CRM, kind)
	}
	started := c.opts.Now()
	var from time.Time
	if !since.IsZero() {
		from = since.Since.Add(-c.opts.Overlap)
	}
	b, rescan, err := scan(ctx, from)
	if err != nil {
		return domain.RecordBatch{}, since, fmt.Errorf("%s: fetch %s: %w", c.opts.CRM, kind.Plural(), err)
	}
	if since.IsZero() && rescan {
		again := c.opts.Now()
		late, _, err := scan(ctx, started.Add(-c.opts.Overlap))
		if err != nil {
			return domain.RecordBatch{}, since, fmt.Errorf("%s: fetch %s changed during the scan: %w", c.opts.CRM, kind.Plural(), err)
		}
		b = Merge(b, late)
		started = again
	}
	return b, Cursor{Since: started.UTC()}, nil
}

// Merge returns have with each record of late in place of the one of the
// same kind and id, and the others of late appended.
func Merge(have, late domain.RecordBatch) domain.RecordBatch {
	have.Companies = latest(have.Companies, late.Companies, func(r domain.Company) string { return r.ExternalID })
	have.Deals = latest(have.Deals, late.Deals, func(r domain.Deal) string { return r.ExternalID })
	have.Tasks = latest(have.Tasks, late.Tasks, func(r domain.Task) string { return r.ExternalID })
	have.Activities = latest(have.Activities, late.Activities, func(r domain.Activity) string { return r.ExternalID })
	have.Moves = latest(have.Moves, late.Moves, func(r domain.DealMove) string { return r.ExternalID })
	return have
}

func latest[T any](have, late []T, id func(T) string) []T {
	if len(late) == 0 {
		return have
	}
	at := make(map[string]int, len(have))
	for i, r := range have {
		at[id(r)] = i
	}
	for _, r := range late {
		if i, ok := at[id(r)]; ok {
			have[i] = r
			continue
		}
		at[id(r)] = len(have)
		have = append(have, r)
	}
	return have
}
