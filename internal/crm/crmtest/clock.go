// Package crmtest is the harness of the connectors' tests. Fake is the core
// of every fake CRM server (its lock, clock, OAuth credentials, counters,
// injected faults; Window for a sliding-window limit), OAuthFront adds the
// code exchange and expiring tokens in front of one, Clock is the virtual
// clock a client and its fake share (rate limits and backoff run in
// virtual time, so tests take seconds), and Store, Sync and TestOAuthLife
// check what a connector fetched against the fake's truth.
package crmtest

import (
	"context"
	"sync"
	"time"
)

// Clock is a virtual clock. Sleep advances it instead of waiting.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Sleep advances the clock by d at once; it fails only if ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d)
	}
	return nil
}

// Rand returns a deterministic source of numbers in [0, 1) for backoff jitter.
func Rand() func() float64 {
	var mu sync.Mutex
	x := uint64(88172645463325252)
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return float64(x>>11) / (1 << 53)
	}
}
