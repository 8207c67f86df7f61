package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// FailureLog keeps the failed logins a Throttle counts. The store keeps
// them in the database, shared by every instance (store.Store); MemoryLog
// keeps them in the process.
type FailureLog interface {
	// LoginFailures counts the failures of key after since and returns
	// the first of them.
	LoginFailures(ctx context.Context, key string, since time.Time) (n int, first time.Time, err error)
	// AddLoginFailure records a failure of key at at and may forget every
	// failure at or before forget.
	AddLoginFailure(ctx context.Context, key string, at, forget time.Time) error
	// ClearLoginFailures forgets the failures of key.
	ClearLoginFailures(ctx context.Context, key string) error
}

// Throttle limits failed logins per key (account and client address):
// after Max failures within Window, the key is refused until Window has
// passed since the first of them. With a log in the database the limit
// holds across instances and restarts. Keys reach the log hashed, so that
// it holds no address or e-mail.
type Throttle struct {
	Max    int
	Window time.Duration
	Now    func() time.Time
	Log    FailureLog
}

// NewThrottle returns a throttle allowing max failures per window, kept in
// log (in the process when log is nil).
func NewThrottle(max int, window time.Duration, now func() time.Time, log FailureLog) *Throttle {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = &MemoryLog{}
	}
	return &Throttle{Max: max, Window: window, Now: now, Log: log}
}

// hashKey is the form of a key the log keeps.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Allowed reports whether key may try again, and if not, how long to wait.
func (t *Throttle) Allowed(ctx context.Context, key string) (bool, time.Duration, error) {
	now := t.Now()
	n, first, err := t.Log.LoginFailures(ctx, hashKey(key), now.Add(-t.Window))
	if err != nil {
		return false, 0, err
	}
	if n < t.Max {
		return true, 0, nil
	}
	return false, first.Add(t.Window).Sub(now), nil
}

// Fail records a failed attempt of key.
func (t *Throttle) Fail(ctx context.Context, key string) error {
	now := t.Now()
	return t.Log.AddLoginFailure(ctx, hashKey(key), now, now.Add(-t.Window))
}

// Reset forgets the failures of key after a successful login.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	return t.Log.ClearLoginFailures(ctx, hashKey(key))
}

// MemoryLog is a FailureLog in the process: what a password guesser meets
// on each instance when nothing is shared.
type MemoryLog struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

// LoginFailures implements FailureLog.
func (m *MemoryLog) LoginFailures(_ context.Context, key string, since time.Time) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, first := 0, time.Time{}
	for _, at := range m.failures[key] {
		if at.After(since) {
			if n == 0 {
				first = at
			}
			n++
		}
	}
	return n, first, nil
}

// AddLoginFailure implements FailureLog.
func (m *MemoryLog) AddLoginFailure(_ context.Context, key string, at, forget time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failures == nil {
		m.failures = make(map[string][]time.Time)
	}
	for k, fs := range m.failures {
		i := 0
		for i < len(fs) && !fs[i].After(forget) {
			i++
		}
		if i == len(fs) {
			delete(m.failures, k)
		} else {
			m.failures[k] = fs[i:]
		}
	}
	m.failures[key] = append(m.failures[key], at)
	return nil
}

// ClearLoginFailures implements FailureLog.
func (m *MemoryLog) ClearLoginFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.failures, key)
	return nil
}
