package zadarma_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
	"reglament/internal/pbx"
	"reglament/internal/pbx/zadarma"
	"reglament/internal/pbx/zadarma/zadarmatest"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

type fixture struct {
	clock  *crmtest.Clock
	server *zadarmatest.Server
	client *zadarma.Client
	rng    *rand.Rand
	serial int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(16, 2))}
	f.server = zadarmatest.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.server.Numbers = []string{"100", "101", "102"}
	f.client = f.newClient(f.server.Key, f.server.Secret, 0)
	return f
}

func (f *fixture) newClient(key, secret string, pageSize int) *zadarma.Client {
	return zadarma.NewClient(zadarma.Config{BaseURL: f.server.URL, Key: key, Secret: secret, PageSize: pageSize,
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond},
		Now:        f.clock.Now, Sleep: f.clock.Sleep, Backoff: crm.Backoff{Rand: crmtest.Rand()}})
}

// plant adds n calls started in the days before now: incoming and
// outgoing calls of 101 and 102, answered or not, internal calls and
// incoming calls no extension took. Hold no lock.
func (f *fixture) plant(n int, within time.Duration, types ...string) {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	for range n {
		f.serial++
		c := zadarmatest.Call{CallID: fmt.Sprintf("%d.%d", 1765000000+f.serial, f.serial),
			PBXCallID: fmt.Sprintf("in_%x", f.serial*7919),
			Start:     f.clock.Now().Add(-time.Minute - time.Duration(f.rng.Int64N(int64(within/time.Second)))*time.Second).Truncate(time.Second),
			SIP:       []string{"101", "102"}[f.rng.IntN(2)], Disposition: "answered", Seconds: 1 + f.rng.IntN(900)}
		phone := fmt.Sprintf("7916%07d", f.rng.IntN(1e7))
		if f.rng.IntN(4) == 0 {
			c.Disposition, c.Seconds = []string{"busy", "no answer", "cancel"}[f.rng.IntN(3)], f.rng.IntN(30)
		}
		kind := f.rng.IntN(8)
		if len(types) > 0 {
			kind = 0
		}
		switch {
		case kind < 3: // incoming
			c.Type, c.CLID, c.Destination = "in", phone, c.SIP
		case kind < 6: // outgoing
			c.Type, c.CLID, c.Destination = "out", "74951234567", phone
			c.PBXCallID = fmt.Sprintf("out_%x", f.serial*7919)
		case kind == 6: // internal
			c.Type, c.CLID, c.Destination = "out", c.SIP, "100"
		default: // no extension took it
			c.Type, c.CLID, c.Destination, c.SIP = "in", phone, "74951234567", ""
		}
		f.server.Calls = append(f.server.Calls, c)
	}
}

// want maps the fake's truth to the calls the connector must return,
// started in [from, to).
func (f *fixture) want(from, to time.Time) []domain.PBXCall {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	internal := map[string]bool{}
	for _, n := range f.server.Numbers {
		internal[n] = true
	}
	var out []domain.PBXCall
	for _, c := range f.server.Calls {
		if c.Start.Before(from) || !c.Start.Before(to) || c.SIP == "" {
			continue
		}
		p := domain.PBXCall{PBXUser: c.SIP, StartedAt: c.Start.UTC(), Direction: domain.DirectionIn, Phone: c.CLID}
		if c.Type == "out" {
			p.Direction, p.Phone = domain.DirectionOut, c.Destination
		}
		if internal[p.Phone] {
			continue
		}
		if c.Disposition == "answered" {
			p.TalkSeconds = c.Seconds
		}
		p.RecordMeta = domain.RecordMeta{Source: domain.PBXZadarma, ExternalID: fmt.Sprintf("%s:%s:%d", c.PBXCallID, c.SIP, c.Start.Unix())}
		out = append(out, p)
	}
	return sorted(out)
}

func sorted(calls []domain.PBXCall) []domain.PBXCall {
	sort.Slice(calls, func(i, j int) bool { return calls[i].ExternalID < calls[j].ExternalID })
	return calls
}

func read(t *testing.T, c pbx.Client, from, to time.Time) ([]domain.PBXCall, []pbx.Window) {
	t.Helper()
	var all []domain.PBXCall
	var ws []pbx.Window
	err := c.Read(context.Background(), from, to, func(_ context.Context, w pbx.Window, calls []domain.PBXCall) error {
		ws = append(ws, w)
		all = append(all, calls...)
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return sorted(pbx.Dedupe(all)), ws
}

// TestSignMatchesOfficial checks the signature against one computed
// apart, in Python, as lib/Client.php of zadarma/user-api-v1 computes it:
// ksort, http_build_query, base64(hash_hmac('sha1', method . query .
// md5(query), secret)) — hash_hmac returning hex.
func TestSignMatchesOfficial(t *testing.T) {
	q := zadarma.Query(url.Values{"start": {"2026-12-01 00:00:00"}, "end": {"2026-12-07 11:59:59"}, "version": {"2"},
		"call_type": {"in"}, "skip": {"0"}, "limit": {"1000"}, "format": {"json"}})
	if want := "call_type=in&end=2026-12-07+11%3A59%3A59&format=json&limit=1000&skip=0&start=2026-12-01+00%3A00%3A00&version=2"; q != want {
		t.Errorf("Query = %s, want %s", q, want)
	}
	if got, want := zadarma.Sign("/v1/statistics/pbx/", q, "secret"), "ZDUyODQzM2ZkYTM2MzYxZjFjMjlmY2FlYjVmMmJhMzJlNmE5ZGQyOQ=="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if got := zadarma.Query(url.Values{"a": {"x~y z*"}}); got != "a=x%7Ey+z%2A" {
		t.Errorf("Query escapes as %s, want PHP's urlencode a=x%%7Ey+z%%2A", got)
	}
}

func TestFullRead(t *testing.T) {
	f := newFixture(t)
	f.plant(600, 75*24*time.Hour)
	from, to := t0.Add(-75*24*time.Hour), t0
	got, ws := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(got) < 300 {
		t.Errorf("only %d calls read of 600 planted", len(got))
	}
	for i, w := range ws {
		if w.To.Sub(w.From) > 30*24*time.Hour || (i > 0 && w.From != ws[i-1].To) {
			t.Errorf("window %d %v: longer than 30 days or not after the one before", i, w)
		}
	}
	if len(ws) != 3 || ws[0].From != from || ws[2].To != to {
		t.Errorf("windows %v, want three covering [from, to)", ws)
	}
	// The time zone, the internal numbers, then each window's incoming and
	// outgoing calls, a page each.
	if n := f.client.Requests(); n != 2+3*2 {
		t.Errorf("a full read of 75 days took %d requests, want 8", n)
	}
	if f.server.WideWindows != 0 {
		t.Errorf("%d requests asked for more than a month", f.server.WideWindows)
	}
	f.server.CheckClean(t)
}

// TestPaging reads more calls of one type than a page holds in a window
// as short as MinWindow, which is paged through.
func TestPaging(t *testing.T) {
	f := newFixture(t)
	f.plant(2300, 50*time.Minute, "in")
	from, to := t0.Add(-time.Hour), t0
	got, ws := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(got) != 2300 || len(ws) != 1 {
		t.Errorf("%d calls in %d windows, want 2300 in one", len(got), len(ws))
	}
	// Three pages of incoming calls (1000, 1000, 300), one of outgoing.
	if n := f.server.PerPath[zadarmatest.StatisticsPath]; n != 4 {
		t.Errorf("%d statistics requests, want 4", n)
	}
	f.server.CheckClean(t)
}

// TestDenseSpanNarrowed reads 2300 calls of 10 days: a window whose first
// page is full is halved, so that every window stored took a page of each
// type, and a sync cut off by a job's timeout keeps what it read.
func TestDenseSpanNarrowed(t *testing.T) {
	f := newFixture(t)
	f.plant(2300, 10*24*time.Hour, "in")
	from, to := t0.Add(-10*24*time.Hour), t0
	got, ws := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	// 10 days and 5 days are too dense (a full page each); then four
	// windows of 2.5 days, a page of each type.
	if n := f.server.PerPath[zadarmatest.StatisticsPath]; n != 2+4*2 || len(ws) != 4 {
		t.Errorf("%d statistics requests in %d windows, want 10 in 4", n, len(ws))
	}
	f.server.CheckClean(t)
}

func TestIncrementalRead(t *testing.T) {
	f := newFixture(t)
	f.plant(100, 20*24*time.Hour)
	first, _ := read(t, f.client, t0.Add(-20*24*time.Hour), t0)
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	f.server.Calls = append(f.server.Calls,
		zadarmatest.Call{CallID: "late.1", PBXCallID: "out_late", Type: "out", SIP: "101", CLID: "74951234567",
			Destination: "79161112233", Start: t0.Add(-20 * time.Minute), Disposition: "answered", Seconds: 1800},
		zadarmatest.Call{CallID: "fresh.1", PBXCallID: "in_fresh", Type: "in", SIP: "102", CLID: "89162223344",
			Destination: "102", Start: t0.Add(30 * time.Minute), Disposition: "answered", Seconds: 95},
		// A caller who withheld the number is a call all the same.
		zadarmatest.Call{CallID: "withheld.1", PBXCallID: "in_withheld", Type: "in", SIP: "101", CLID: "",
			Destination: "101", Start: t0.Add(40 * time.Minute), Disposition: "answered", Seconds: 30})
	f.server.Mu.Unlock()
	before := f.client.Requests()
	second, ws := read(t, f.client, t0.Add(-pbx.DefaultOverlap), f.clock.Now())
	// The time zone is asked once a client; the internal numbers once a read.
	var withheld bool
	for _, c := range second {
		withheld = withheld || (c.ExternalID == "in_withheld:101:"+fmt.Sprint(t0.Add(40*time.Minute).Unix()) && c.Phone == "")
	}
	if !withheld {
		t.Error("the call of a withheld number was not read")
	}
	if n := f.client.Requests() - before; len(ws) != 1 || n != 3 {
		t.Errorf("an incremental read took %d windows and %d requests, want 1 and 3", len(ws), n)
	}
	got := sorted(pbx.Dedupe(append(first, second...)))
	if diff := cmp.Diff(f.want(t0.Add(-20*24*time.Hour), f.clock.Now()), got); diff != "" {
		t.Errorf("calls after the incremental read (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
}

func TestFaultsSurvived(t *testing.T) {
	f := newFixture(t)
	f.plant(300, 40*24*time.Hour)
	from, to := t0.Add(-40*24*time.Hour), t0
	f.server.InjectFor("/v1/info/timezone/", zadarmatest.FaultTruncated, zadarmatest.Fault502)
	f.server.InjectFor("/v1/pbx/internal/", zadarmatest.Fault500, zadarmatest.FaultTimeout)
	f.server.InjectFor(zadarmatest.StatisticsPath, zadarmatest.Fault429, zadarmatest.FaultSpent, zadarmatest.FaultTruncated,
		zadarmatest.Fault502, zadarmatest.FaultTimeout, zadarmatest.Fault500, zadarmatest.FaultSpent)
	got, _ := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls read through faults (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
}

// TestLimitsEnforced proves the fake can fail the tests above: a fourth
// statistics request in a minute, a request inside a window said to be
// spent and a period of more than a month are all refused and counted.
func TestLimitsEnforced(t *testing.T) {
	f := newFixture(t)
	get := func(path string, q url.Values) int {
		q.Set("format", "json")
		query := zadarma.Query(q)
		req, _ := http.NewRequest(http.MethodGet, f.server.URL+path+"?"+query, nil)
		req.Header.Set("Authorization", f.server.Key+":"+zadarma.Sign(path, query, f.server.Secret))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	stats := func(from, to time.Time) url.Values {
		return url.Values{"start": {f.server.Time(from)}, "end": {f.server.Time(to)}, "version": {"2"}}
	}
	var statuses []int
	for range 4 {
		statuses = append(statuses, get(zadarmatest.StatisticsPath, stats(t0.Add(-time.Hour), t0)))
	}
	if !cmp.Equal(statuses, []int{200, 200, 200, 429}) || f.server.Violations != 1 {
		t.Errorf("four statistics requests in a minute answered %v with %d violations, want the fourth 429", statuses, f.server.Violations)
	}
	f.clock.Advance(time.Minute)
	if s := get(zadarmatest.StatisticsPath, stats(t0.Add(-31*24*time.Hour), t0)); s != http.StatusBadRequest || f.server.WideWindows != 1 {
		t.Errorf("a period of 31 days answered %d (wide windows %d), want 400", s, f.server.WideWindows)
	}
	f.server.Inject(zadarmatest.FaultSpent)
	get("/v1/pbx/internal/", url.Values{})
	if s := get("/v1/pbx/internal/", url.Values{}); s != http.StatusTooManyRequests || f.server.Violations != 2 {
		t.Errorf("a request inside a spent window answered %d, want 429 and a violation", s)
	}
}

func TestBadKeyRefused(t *testing.T) {
	f := newFixture(t)
	f.plant(10, 5*24*time.Hour)
	for _, tc := range []struct{ name, key, secret string }{
		{"wrong secret", f.server.Key, "not-the-secret"},
		{"wrong key", "not-the-key", f.server.Secret},
	} {
		c := f.newClient(tc.key, tc.secret, 0)
		before := f.server.Refused
		err := c.Read(context.Background(), t0.Add(-time.Hour), t0, func(context.Context, pbx.Window, []domain.PBXCall) error { return nil })
		if err == nil {
			t.Fatalf("%s: read succeeded", tc.name)
		}
		msg := err.Error()
		for _, want := range []string{"zadarma", "/v1/info/timezone/", "401", "check the key and the secret"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q does not say %q", tc.name, msg, want)
			}
		}
		if strings.Contains(msg, tc.secret) || strings.Contains(msg, f.server.Secret) {
			t.Errorf("%s: error %q shows a secret", tc.name, msg)
		}
		if f.server.Refused != before+1 {
			t.Errorf("%s: %d requests refused, want 1 (a refusal is not retried)", tc.name, f.server.Refused-before)
		}
	}
}

func TestExtensions(t *testing.T) {
	f := newFixture(t)
	got, err := f.client.Extensions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []pbx.Extension{{ID: "100"}, {ID: "101"}, {ID: "102"}}; !cmp.Equal(got, want) {
		t.Errorf("Extensions = %v, want %v", got, want)
	}
}
