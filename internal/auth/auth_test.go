package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reglament/internal/domain"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want a PHC argon2id string", h)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Errorf("the right password does not check")
	}
	for _, wrong := range []string{"", "correct horse batterY", "correct horse battery "} {
		if CheckPassword(h, wrong) {
			t.Errorf("wrong password %q checks", wrong)
		}
	}
	if h2, _ := HashPassword("correct horse battery"); h2 == h {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=x$a$b", "$bcrypt$..."} {
		if CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q checks", bad)
		}
	}
	if _, err := HashPassword("short"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("short password: err %v, want invalid", err)
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 43 {
		t.Errorf("tokens %q, %q: want distinct 256-bit tokens", a, b)
	}
	if HashToken(a) == a || len(HashToken(a)) != 64 || HashToken(a) != HashToken(a) {
		t.Errorf("HashToken(%q) = %q: want a stable hex SHA-256", a, HashToken(a))
	}
	if p := NewPassword(); len(p) != 16 || strings.ContainsAny(p, "0O1lI") {
		t.Errorf("NewPassword() = %q: want 16 unambiguous characters", p)
	}
}

func TestCan(t *testing.T) {
	admin := &Principal{Role: Admin}
	head := &Principal{Role: Head, Workspace: "acme"}
	anna := &Principal{Role: Manager, Workspace: "acme", Manager: "anna"}
	wall := &Principal{Role: Viewer, Workspace: "acme"}
	other := &Principal{Role: Head, Workspace: "other"}
	for _, tt := range []struct {
		p       *Principal
		level   int
		manager string
		want    string
	}{
		{admin, Change, "", ""},
		{head, Change, "", ""},
		{head, SeeOwn, "boris", ""},
		{anna, SeeWall, "", ""},
		{anna, SeeOwn, "anna", ""},
		{anna, SeeOwn, "boris", domain.EFORBIDDEN},
		{anna, SeeAll, "", domain.EFORBIDDEN},
		{anna, Change, "", domain.EFORBIDDEN},
		{wall, SeeWall, "", ""},
		{wall, SeeOwn, "", domain.EFORBIDDEN},
		{wall, SeeAll, "", domain.EFORBIDDEN},
		{other, SeeWall, "", domain.ENOTFOUND},
		{nil, SeeWall, "", domain.EUNAUTHORIZED},
	} {
		if got := domain.ErrorCode(tt.p.Can("acme", tt.level, tt.manager)); got != tt.want {
			t.Errorf("%+v.Can(acme, %d, %q) = %q, want %q", tt.p, tt.level, tt.manager, got, tt.want)
		}
	}
}

func TestThrottle(t *testing.T) {
	for name, log := range map[string]FailureLog{"memory": nil, "counting": &countingLog{}} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
			th := NewThrottle(2, 10*time.Minute, func() time.Time { return now }, log)
			allowed := func(key string) (bool, time.Duration) {
				t.Helper()
				ok, wait, err := th.Allowed(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				return ok, wait
			}
			// Each attempt Allowed lets through counts as a failure until
			// a success resets the key.
			if ok, _ := allowed("a"); !ok {
				t.Fatal("the first attempt refused")
			}
			th.Fail(ctx, "a")
			now = now.Add(time.Minute)
			if ok, _ := allowed("a"); !ok {
				t.Fatal("the second attempt refused")
			}
			th.Fail(ctx, "a")
			ok, wait := allowed("a")
			if ok || wait != 9*time.Minute {
				t.Fatalf("after two failures: allowed %v, wait %v; want refused for 9m", ok, wait)
			}
			now = now.Add(4 * time.Minute)
			// A refused attempt is not counted: the wait still ends 10m
			// after the first failure.
			if ok, wait := allowed("a"); ok || wait != 5*time.Minute {
				t.Fatalf("refused again: allowed %v, wait %v; want refused for 5m", ok, wait)
			}
			if ok, _ := allowed("b"); !ok {
				t.Errorf("another key is refused")
			}
			now = now.Add(5 * time.Minute)
			if ok, _ := allowed("a"); !ok {
				t.Errorf("refused after the first failure left the window")
			}
			th.Reset(ctx, "a")
			if ok, _ := allowed("a"); !ok {
				t.Errorf("refused after a reset")
			}
			if ok, _ := allowed("a"); !ok {
				t.Errorf("refused on the second attempt after a reset")
			}
		})
	}
}

// throttleRace checks a password the way the login page does: Allowed,
// then the ~30 ms argon2 check, then Fail. It returns how many of n
// parallel wrong attempts got as far as the check; the throttle must let
// through at most its Max.
func throttleRace(t *testing.T, th *Throttle, key string, n int) int {
	t.Helper()
	hash, err := HashPassword("the right password")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var checked atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			ok, _, err := th.Allowed(ctx, key)
			if err != nil {
				errs <- err
				return
			}
			if !ok {
				return
			}
			checked.Add(1)
			if CheckPassword(hash, "a wrong guess") {
				errs <- errors.New("a wrong password matched")
				return
			}
			errs <- th.Fail(ctx, key)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return int(checked.Load())
}

// Parallel wrong passwords are counted before any is checked: 40 at once
// against a limit of 5 check 5 passwords, not 40.
func TestThrottleRace(t *testing.T) {
	th := NewThrottle(5, 10*time.Minute, nil, nil)
	if checked := throttleRace(t, th, "anna@acme.example|203.0.113.7", 40); checked != 5 {
		t.Errorf("40 parallel wrong passwords: %d checked, want 5 (the limit)", checked)
	}
}

// countingLog is a FailureLog outside the package's own, as the store is:
// the throttle must reach it only through the interface, with hashed keys.
type countingLog struct {
	MemoryLog
	keys []string
}

func (c *countingLog) AddLoginAttempt(ctx context.Context, key string, at, since, forget time.Time, max int) (bool, time.Time, error) {
	c.keys = append(c.keys, key)
	return c.MemoryLog.AddLoginAttempt(ctx, key, at, since, forget, max)
}

func TestThrottleHashesKeys(t *testing.T) {
	log := &countingLog{}
	th := NewThrottle(3, time.Minute, nil, log)
	th.Allowed(context.Background(), "anna@acme.example|203.0.113.7")
	if len(log.keys) != 1 || strings.Contains(log.keys[0], "anna") || strings.Contains(log.keys[0], "203.0.113") || len(log.keys[0]) != 64 {
		t.Errorf("the log got key %q; want a SHA-256 hash of the account and address", log.keys)
	}
}
