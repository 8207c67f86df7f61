package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Backoff is the retry policy for transient failures: rate-limit answers,
// 5xx, timeouts, truncated bodies. The delay before try n+1 is drawn
// uniformly from [d/2, d] with d = min(Max, Base·2ⁿ), unless the server said
// how long to wait (Retry-After), which wins up to MaxRetryAfter.
type Backoff struct {
	Base          time.Duration  // first delay, default 500 ms
	Max           time.Duration  // cap of a computed delay, default 30 s
	MaxRetryAfter time.Duration  // cap of a server-given delay, default 2 min
	Tries         int            // attempts in all before giving up, default 6
	Rand          func() float64 // in [0, 1); default math/rand/v2
}

// WithDefaults returns b with zero fields set to their defaults.
func (b Backoff) WithDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 500 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.MaxRetryAfter <= 0 {
		b.MaxRetryAfter = 2 * time.Minute
	}
	if b.Tries <= 0 {
		b.Tries = 6
	}
	if b.Rand == nil {
		b.Rand = rand.Float64
	}
	return b
}

// Delay returns how long to wait after the failed attempt number attempt
// (0-based). retryAfter is the server's hint, 0 if none.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, b.MaxRetryAfter)
	}
	d := b.Base
	for i := 0; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d/2 + time.Duration(b.Rand()*float64(d/2))
}

// ParseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// It returns 0 when the header is absent or unreadable.
func ParseRetryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Error is a failed CRM call. Its message names the CRM, the method (a path
// or a REST method name, never a URL that could hold a secret) and the HTTP
// status; it never contains a token.
type Error struct {
	CRM     string
	Method  string
	Status  int    // HTTP status, 0 for a transport failure
	Code    string // the CRM's error code if it gave one (QUERY_LIMIT_EXCEEDED, …)
	Message string // a short description; never the response body verbatim if it may echo secrets
	Tries   int
	Err     error // the underlying transport error, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.CRM, e.Method)
	if e.Status != 0 {
		s += fmt.Sprintf(": status %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Tries > 1 {
		s += fmt.Sprintf(" (after %d tries)", e.Tries)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable marks an *Error as transient: the call is tried again after
// RetryAfter (0: the backoff decides).
type Retryable struct {
	Err        *Error
	RetryAfter time.Duration
}

func (r *Retryable) Error() string { return r.Err.Error() }

func (r *Retryable) Unwrap() error { return r.Err }

// Judge inspects a response. It returns nil to accept it, a *Retryable to try
// again, or any other error to fail the call. A body that does not decode
// (truncated JSON) should be judged retryable.
type Judge func(resp *http.Response, body []byte) error

// maxBody is the largest answer read.
const maxBody = 64 << 20

// send sends the request made by newRequest (called afresh for every try):
// it waits for the limiter, sends, reads the whole body and lets judge
// decide, retrying transient failures with backoff. It returns the
// accepted body; method names the call in errors.
func (c *Client) send(ctx context.Context, method string, newRequest func(context.Context) (*http.Request, error), judge Judge) ([]byte, error) {
	var last error
	for attempt := 0; attempt < c.backoff.Tries; attempt++ {
		if attempt > 0 {
			var ra time.Duration
			var r *Retryable
			if errors.As(last, &r) {
				ra = r.RetryAfter
			}
			if err := c.opts.Sleep(ctx, c.backoff.Delay(attempt-1, ra)); err != nil {
				return nil, err
			}
		}
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, err
		}
		req, err := newRequest(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &Error{CRM: c.opts.CRM, Method: method, Message: "build request", Err: err}
		}
		c.requests.Add(1)
		resp, err := c.opts.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// *url.Error carries the URL, which for a Bitrix24 inbound webhook
			// holds the secret: keep only the cause.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			last = &Retryable{Err: &Error{CRM: c.opts.CRM, Method: method, Message: "transport: " + err.Error(), Err: err}}
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			last = &Retryable{Err: &Error{CRM: c.opts.CRM, Method: method, Status: resp.StatusCode, Message: "read body: " + err.Error(), Err: err}}
			continue
		}
		err = judge(resp, body)
		if err == nil {
			return body, nil
		}
		last = err
		var r *Retryable
		if !errors.As(err, &r) {
			return nil, err
		}
	}
	var r *Retryable
	if errors.As(last, &r) {
		e := *r.Err
		e.Tries = c.backoff.Tries
		return nil, &e
	}
	return nil, last
}
