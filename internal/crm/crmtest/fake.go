package crmtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Fault is a failure a fake answers one request with. The faults every
// fake knows how to serve are declared here; a fake declares its CRM's own
// (its rate-limit answers, its error pages) from WireFault on.
type Fault int

// The faults every fake serves the same way.
const (
	FaultTimeout   Fault = iota + 1 // no answer until the client gives up
	FaultTruncated                  // a 200 whose JSON body is cut in half
	FaultExpired                    // the access token expires: refused until refreshed
)

// WireFault is the first value of a fake's own faults.
const WireFault Fault = 100

// Fake is what every fake CRM shares, embedded in each: the HTTP server,
// the lock over the truth, the clock, the OAuth credentials it accepts,
// its counters and its queue of injected faults. Lock Mu to change the
// truth while it serves.
type Fake struct {
	*httptest.Server
	Mu sync.Mutex

	Now func() time.Time
	// The OAuth application and the token pair the fake accepts now.
	AccessToken, RefreshToken, ClientID, ClientSecret string
	// Violations counts requests beyond the rate limit; Requests all
	// requests; PerPath the API requests Admit let past the token endpoint,
	// by path.
	Violations, Requests int
	PerPath              map[string]int

	faults    []queued
	serial    int
	hung      chan struct{}
	closeOnce sync.Once
}

type queued struct {
	target string
	fault  Fault
}

// Start serves h. The embedding fake calls it once its truth is ready.
func (f *Fake) Start(h http.Handler) {
	f.hung = make(chan struct{})
	if f.PerPath == nil {
		f.PerPath = map[string]int{}
	}
	f.Server = httptest.NewServer(h)
}

// Close releases hung requests and stops the server.
func (f *Fake) Close() {
	f.closeOnce.Do(func() {
		close(f.hung)
		f.Server.Close()
	})
}

// Inject queues faults for the next requests, one each.
func (f *Fake) Inject(faults ...Fault) { f.InjectFor("", faults...) }

// InjectFor queues faults for the next requests to target (a path, a
// method: what the fake passes to NextFault; any if ""), one each.
func (f *Fake) InjectFor(target string, faults ...Fault) {
	f.Mu.Lock()
	for _, ft := range faults {
		f.faults = append(f.faults, queued{target, ft})
	}
	f.Mu.Unlock()
}

// Pending returns how many injected faults have not fired yet.
func (f *Fake) Pending() int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return len(f.faults)
}

// NextFault pops the first fault queued for target, 0 if none. A
// FaultExpired takes effect at once: the access token is no longer the
// one the client holds. Hold Mu.
func (f *Fake) NextFault(target string) Fault {
	for i, q := range f.faults {
		if q.target == "" || q.target == target {
			f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
			if q.fault == FaultExpired {
				f.AccessToken = "expired-" + f.AccessToken
			}
			return q.fault
		}
	}
	return 0
}

// Hang answers nothing until the client gives up or the fake closes: a
// FaultTimeout. Do not hold Mu.
func (f *Fake) Hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-f.hung:
	}
}

// Truncate cuts body in half for a FaultTruncated.
func Truncate(body []byte, fault Fault) []byte {
	if fault == FaultTruncated {
		return body[:len(body)/2]
	}
	return body
}

// Refresh serves a refresh_token grant: if it carries the application's
// credentials and the current refresh token, a new pair replaces the old
// (both spent) and ok is true. Hold Mu.
func (f *Fake) Refresh(grant url.Values) (ok bool) {
	if grant.Get("grant_type") != "refresh_token" || grant.Get("refresh_token") != f.RefreshToken ||
		grant.Get("client_id") != f.ClientID || grant.Get("client_secret") != f.ClientSecret {
		return false
	}
	f.issue()
	return true
}

// issue makes a new token pair the current one.
func (f *Fake) issue() {
	f.serial++
	f.AccessToken = fmt.Sprintf("access-%d", f.serial)
	f.RefreshToken = fmt.Sprintf("refresh-%d", f.serial)
}

// Window is a sliding window rate limit: at most Max requests in any Per.
type Window struct {
	Max  int
	Per  time.Duration
	hits []time.Time
}

// Allow records a request at now and reports whether it is within the
// limit (a request over it counts in the window too, as CRMs count it).
func (w *Window) Allow(now time.Time) bool {
	w.hits = append(w.hits, now)
	cut := 0
	for cut < len(w.hits) && !w.hits[cut].After(now.Add(-w.Per)) {
		cut++
	}
	w.hits = w.hits[cut:]
	return len(w.hits) <= w.Max
}

// Count returns the requests of the window at now, for limit headers.
func (w *Window) Count(now time.Time) int {
	n := 0
	for _, t := range w.hits {
		if t.After(now.Add(-w.Per)) {
			n++
		}
	}
	return n
}

// CheckClean fails the test unless every injected fault fired and no
// request broke the rate limit: a sync that passed through faults did so
// within the CRM's limit.
func (f *Fake) CheckClean(t testing.TB) {
	t.Helper()
	if n := f.Pending(); n != 0 {
		t.Errorf("%d injected faults never fired", n)
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.Violations != 0 {
		t.Errorf("the fake saw %d rate-limit violations, want 0", f.Violations)
	}
}

// BadGateway answers as a proxy in front of a CRM does when the CRM is
// down: 502 with an HTML page, not the CRM's JSON.
func BadGateway(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
}
