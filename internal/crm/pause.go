package crm

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Pause holds requests back while a server says its window of requests is
// spent: the X-RateLimit-Remaining: 0 / X-RateLimit-Reset headers many APIs
// answer with (Zadarma's, Pipedrive's lower-case ones). A connector notes
// every answer's headers (Note, in its Wire.Judge) and waits (Wait) in the
// request builder it gives Client.Call, so a retry waits too. It is safe
// for concurrent use.
type Pause struct {
	Now   func() time.Time                           // default time.Now
	Sleep func(context.Context, time.Duration) error // default Sleep
	// Max caps a wait a server asks for; default 2 minutes.
	Max time.Duration

	mu    sync.Mutex
	until time.Time
}

// Note reads an answer's rate-limit headers: when X-RateLimit-Remaining is
// 0, no request goes before X-RateLimit-Reset, read as seconds from now or,
// when it is that large, as a Unix time. A missing or unreadable reset
// waits one second.
func (p *Pause) Note(h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	now := p.now()
	wait := time.Second
	if r, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset"), 64); err == nil && r > 0 {
		if r > 1e9 {
			wait = time.Unix(int64(r), 0).Sub(now)
		} else {
			wait = time.Duration(r * float64(time.Second))
		}
	}
	max := p.Max
	if max <= 0 {
		max = 2 * time.Minute
	}
	wait = min(max, wait)
	p.mu.Lock()
	if until := now.Add(wait); until.After(p.until) {
		p.until = until
	}
	p.mu.Unlock()
}

// Wait waits until the spent window has passed, or ctx is done.
func (p *Pause) Wait(ctx context.Context) error {
	p.mu.Lock()
	d := p.until.Sub(p.now())
	p.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	return sleep(ctx, d)
}

func (p *Pause) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}
