package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins per key (account and client address):
// after Max failures within Window, the key is refused until Window has
// passed since the first of them. It is per process, which is what a
// password guesser meets on each instance; the limit stays small.
type Throttle struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle returns a throttle allowing max failures per window.
func NewThrottle(max int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{Max: max, Window: window, Now: now, failures: make(map[string][]time.Time)}
}

// recent drops the failures of key older than the window and returns the rest.
func (t *Throttle) recent(key string) []time.Time {
	cutoff := t.Now().Add(-t.Window)
	fs := t.failures[key]
	i := 0
	for i < len(fs) && !fs[i].After(cutoff) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = fs
	}
	return fs
}

// Allowed reports whether key may try again, and if not, how long to wait.
func (t *Throttle) Allowed(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key)
	if len(fs) < t.Max {
		return true, 0
	}
	return false, fs[0].Add(t.Window).Sub(t.Now())
}

// Fail records a failed attempt of key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures[key] = append(t.recent(key), t.Now())
	if len(t.failures) > 100000 {
		// A flood of distinct keys must not grow memory without bound:
		// forget the oldest state rather than refuse everyone.
		for k := range t.failures {
			t.recent(k)
		}
	}
}

// Reset forgets the failures of key after a successful login.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}
