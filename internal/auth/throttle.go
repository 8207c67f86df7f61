package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// FailureLog keeps the login attempts a Throttle counts. The store keeps
// them in the database, shared by every instance (store.Store); MemoryLog
// keeps them in the process.
type FailureLog interface {
	// AddLoginAttempt counts an attempt of key at at, atomically with
	// counting those before it: when max attempts of key after since are
	// counted already, it counts nothing and returns false. Either way it
	// returns the first counted attempt after since (at, when it is the
	// first). It may forget every attempt at or before forget.
	AddLoginAttempt(ctx context.Context, key string, at, since, forget time.Time, max int) (ok bool, first time.Time, err error)
	// ClearLoginFailures forgets the attempts of key.
	ClearLoginFailures(ctx context.Context, key string) error
}

// Throttle limits failed logins per key (account and client address):
// after Max failures within Window, the key is refused until Window has
// passed since the first of them. With a log in the database the limit
// holds across instances and restarts. Keys reach the log hashed, so that
// it holds no address or e-mail.
//
// An attempt is counted before its password is checked, in one step with
// reading the count (Allowed): were it counted only once the check had
// failed, every attempt started during the ~30 ms of an argon2 check
// would read the same count, and 40 parallel guesses were all checked
// against a limit of 5. A successful login then forgets the key's
// attempts (Reset), its own included.
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

// Allowed counts an attempt of key and reports whether it may go on to
// check the password; if not, how long to wait. The attempt stays counted
// as a failure unless Reset forgets it after a successful check. A refused
// attempt is not counted, so that a guesser who keeps trying does not push
// the end of the wait further away.
func (t *Throttle) Allowed(ctx context.Context, key string) (bool, time.Duration, error) {
	now := t.Now()
	since := now.Add(-t.Window)
	ok, first, err := t.Log.AddLoginAttempt(ctx, hashKey(key), now, since, since, t.Max)
	if err != nil || ok {
		return ok, 0, err
	}
	return false, first.Add(t.Window).Sub(now), nil
}

// Fail records that an attempt Allowed let through failed. Allowed has
// counted it already, so there is nothing left to write: Fail is the
// outcome named at the call site, and stays cheap for a guesser to cause.
func (t *Throttle) Fail(ctx context.Context, key string) error { return nil }

// Reset forgets the attempts of key after a successful login.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	return t.Log.ClearLoginFailures(ctx, hashKey(key))
}

// MemoryLog is a FailureLog in the process: what a password guesser meets
// on each instance when nothing is shared.
type MemoryLog struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

// AddLoginAttempt implements FailureLog.
func (m *MemoryLog) AddLoginAttempt(_ context.Context, key string, at, since, forget time.Time, max int) (bool, time.Time, error) {
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
	n, first := 0, time.Time{}
	for _, a := range m.failures[key] {
		if a.After(since) {
			if n == 0 {
				first = a
			}
			n++
		}
	}
	if n >= max {
		return false, first, nil
	}
	if n == 0 {
		first = at
	}
	m.failures[key] = append(m.failures[key], at)
	return true, first, nil
}

// ClearLoginFailures implements FailureLog.
func (m *MemoryLog) ClearLoginFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.failures, key)
	return nil
}
