package mango_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
	"reglament/internal/pbx"
	"reglament/internal/pbx/mango"
	"reglament/internal/pbx/mango/mangotest"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

type fixture struct {
	clock  *crmtest.Clock
	server *mangotest.Server
	client *mango.Client
	rng    *rand.Rand
	entry  int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(16, 1))}
	f.server = mangotest.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.server.Users = []mangotest.User{{Name: "Анна Петрова", Extension: "101"}, {Name: "Борис Иванов", Extension: "102"},
		{Name: "Приёмная", Extension: ""}}
	f.client = f.newClient(f.server.Key, f.server.Salt)
	return f
}

func (f *fixture) newClient(key, salt string) *mango.Client {
	return mango.NewClient(mango.Config{BaseURL: f.server.URL + "/vpbx", Key: key, Salt: salt,
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond},
		Now:        f.clock.Now, Sleep: f.clock.Sleep, Backoff: crm.Backoff{Rand: crmtest.Rand()}})
}

// plant adds n calls started in the 10 days before now: outgoing and
// incoming ones of 101 and 102, answered or not, an incoming call that
// rang 101 unanswered and then 102, internal calls and a caller lost in
// the voice menu. Hold no lock.
func (f *fixture) plant(n int) {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	now := f.clock.Now().Unix()
	for range n {
		f.entry++
		entry := "ent-" + strconv.Itoa(f.entry)
		start := now - 60 - f.rng.Int64N(10*24*3600)
		ext := []string{"101", "102"}[f.rng.IntN(2)]
		phone := fmt.Sprintf("7916%07d", f.rng.IntN(1e7))
		answer := int64(0)
		finish := start + 20
		if f.rng.IntN(3) > 0 {
			answer = start + 5 + f.rng.Int64N(20)
			finish = answer + f.rng.Int64N(900)
		}
		leg := mangotest.Leg{Start: start, Finish: finish, Answer: answer, EntryID: entry, DisconnectReason: "1100"}
		switch f.rng.IntN(6) {
		case 0, 1: // outgoing
			leg.FromExtension, leg.FromNumber, leg.ToNumber = ext, "sip:"+ext+"@acme.mangosip.ru", phone
		case 2, 3: // incoming
			leg.FromNumber, leg.ToExtension, leg.ToNumber = phone, ext, "74951234567"
		case 4: // rang 101 unanswered, then 102
			f.server.Legs = append(f.server.Legs, mangotest.Leg{Start: start, Finish: start + 15, EntryID: entry,
				FromNumber: phone, ToExtension: "101", ToNumber: "74951234567", DisconnectReason: "1110"})
			leg.Start, leg.FromNumber, leg.ToExtension, leg.ToNumber = start+15, phone, "102", "74951234567"
			if leg.Answer != 0 {
				leg.Answer += 15
				leg.Finish += 15
			}
		case 5: // internal, or a caller lost in the voice menu
			if f.rng.IntN(2) == 0 {
				leg.FromExtension, leg.ToExtension = "101", "102"
			} else {
				leg.FromNumber, leg.ToNumber = phone, "74951234567"
			}
		}
		f.server.Legs = append(f.server.Legs, leg)
	}
}

// want maps the fake's truth to the calls the connector must return,
// started in [from, to).
func (f *fixture) want(from, to time.Time) []domain.PBXCall {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	var out []domain.PBXCall
	for _, l := range f.server.Legs {
		start := time.Unix(l.Start, 0).UTC()
		if start.Before(from) || !start.Before(to) {
			continue
		}
		c := domain.PBXCall{StartedAt: start}
		switch {
		case l.FromExtension != "" && l.ToExtension == "":
			c.Direction, c.PBXUser, c.Phone = domain.DirectionOut, l.FromExtension, l.ToNumber
		case l.ToExtension != "" && l.FromExtension == "":
			c.Direction, c.PBXUser, c.Phone = domain.DirectionIn, l.ToExtension, l.FromNumber
		default:
			continue
		}
		if l.Answer != 0 {
			c.TalkSeconds = int(l.Finish - l.Answer)
		}
		c.RecordMeta = domain.RecordMeta{Source: domain.PBXMango, ExternalID: fmt.Sprintf("%s:%s:%d", l.EntryID, c.PBXUser, l.Start)}
		out = append(out, c)
	}
	return sorted(out)
}

func sorted(calls []domain.PBXCall) []domain.PBXCall {
	sort.Slice(calls, func(i, j int) bool { return calls[i].ExternalID < calls[j].ExternalID })
	return calls
}

// read reads [from, to) and returns the calls deduped across windows, and
// the windows seen.
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

func TestFullRead(t *testing.T) {
	f := newFixture(t)
	f.plant(300)
	from, to := t0.Add(-10*24*time.Hour), t0
	got, ws := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(got) < 150 {
		t.Errorf("only %d calls read of 300 planted: the fixture plants too few", len(got))
	}
	// Two windows of at most 7 days, each a request and two polls (one
	// 204, then the report).
	if len(ws) != 2 || ws[0].From != from || ws[1].To != to || ws[0].To.Sub(ws[0].From) != mango.DefaultWindow {
		t.Errorf("windows %v, want [from, from+7d) and [from+7d, to)", ws)
	}
	if n := f.client.Requests(); n != 6 {
		t.Errorf("a full read of 10 days took %d requests, want 6", n)
	}
	for _, c := range got {
		if c.PBXUser != "101" && c.PBXUser != "102" {
			t.Errorf("call %s of %q: an internal or lost call was kept", c.ExternalID, c.PBXUser)
		}
	}
	f.server.CheckClean(t)
}

// TestIncrementalRead reads by a cursor as crmsync does: a second read
// from the first read's end less the overlap sees the calls logged since,
// a call that was under way at the first read among them.
func TestIncrementalRead(t *testing.T) {
	f := newFixture(t)
	f.plant(50)
	first, _ := read(t, f.client, t0.Add(-10*24*time.Hour), t0)
	cursor := t0

	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	// A call started before the cursor and logged when it ended after it.
	long := mangotest.Leg{Start: t0.Add(-20 * time.Minute).Unix(), Answer: t0.Add(-19 * time.Minute).Unix(),
		Finish: t0.Add(10 * time.Minute).Unix(), FromExtension: "101", ToNumber: "79161112233", EntryID: "long"}
	fresh := mangotest.Leg{Start: t0.Add(30 * time.Minute).Unix(), Answer: t0.Add(31 * time.Minute).Unix(),
		Finish: t0.Add(33 * time.Minute).Unix(), FromNumber: "89162223344", ToExtension: "102", EntryID: "fresh"}
	f.server.Legs = append(f.server.Legs, long, fresh)
	f.server.Mu.Unlock()

	before := f.client.Requests()
	second, ws := read(t, f.client, cursor.Add(-pbx.DefaultOverlap), f.clock.Now())
	if len(ws) != 1 || f.client.Requests()-before != 3 {
		t.Errorf("an incremental read took %d windows and %d requests, want 1 and 3", len(ws), f.client.Requests()-before)
	}
	got := sorted(pbx.Dedupe(append(first, second...)))
	if diff := cmp.Diff(f.want(t0.Add(-10*24*time.Hour), f.clock.Now()), got); diff != "" {
		t.Errorf("calls after the incremental read (-want +got):\n%s", diff)
	}
	var sawLong bool
	for _, c := range second {
		sawLong = sawLong || c.ExternalID == "long:101:"+strconv.FormatInt(long.Start, 10)
	}
	if !sawLong {
		t.Error("the call under way at the first read was not read by the second")
	}
	f.server.CheckClean(t)
}

// TestFaultsSurvived injects every fault the fake serves: the read ends
// with the same calls, every fault fired and the pace held.
func TestFaultsSurvived(t *testing.T) {
	f := newFixture(t)
	f.plant(120)
	from, to := t0.Add(-10*24*time.Hour), t0
	f.server.InjectFor(mango.MethodStatsRequest, mangotest.Fault429, mangotest.Fault502)
	f.server.InjectFor(mango.MethodStatsResult, mangotest.FaultNotReady, mangotest.FaultTruncated, mangotest.Fault500,
		mangotest.FaultTimeout, mangotest.FaultNotReady, mangotest.FaultTruncated)
	f.server.InjectFor(mango.MethodUsers, mangotest.FaultTruncated, mangotest.Fault502)
	got, _ := read(t, f.client, from, to)
	if diff := cmp.Diff(f.want(from, to), got); diff != "" {
		t.Errorf("calls read through faults (-want +got):\n%s", diff)
	}
	exts, err := f.client.Extensions(context.Background())
	if err != nil {
		t.Fatalf("Extensions: %v", err)
	}
	if want := []pbx.Extension{{ID: "101", Name: "Анна Петрова"}, {ID: "102", Name: "Борис Иванов"}}; !cmp.Equal(exts, want) {
		t.Errorf("extensions %v, want %v", exts, want)
	}
	f.server.CheckClean(t)
}

// TestPacedUnderLimit reads many windows at once: the client's pace keeps
// the fake's limit, which the fake does enforce (a burst of raw requests
// breaks it).
func TestPacedUnderLimit(t *testing.T) {
	f := newFixture(t)
	f.plant(40)
	f.server.Mu.Lock()
	f.server.NotReady = 3
	f.server.Mu.Unlock()
	c := mango.NewClient(mango.Config{BaseURL: f.server.URL + "/vpbx", Key: f.server.Key, Salt: f.server.Salt,
		Now: f.clock.Now, Sleep: f.clock.Sleep, Backoff: crm.Backoff{Rand: crmtest.Rand()},
		Window: 6 * time.Hour, PollDelay: 10 * time.Millisecond})
	read(t, c, t0.Add(-10*24*time.Hour), t0)
	if n := c.Requests(); n != 40*5 {
		t.Errorf("%d requests, want 200 (40 windows of a request and four polls)", n)
	}
	f.server.CheckClean(t)

	for range mangotest.PerMinute + 1 {
		resp, err := http.Post(f.server.URL+"/vpbx"+mango.MethodUsers, "application/x-www-form-urlencoded", strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	if f.server.Violations == 0 {
		t.Error("a burst of raw requests broke no limit of the fake")
	}
}

func TestBadKeyRefused(t *testing.T) {
	f := newFixture(t)
	f.plant(10)
	for _, tc := range []struct{ name, key, salt string }{
		{"wrong salt", f.server.Key, "not-the-salt"},
		{"wrong key", "not-the-key", f.server.Salt},
	} {
		c := f.newClient(tc.key, tc.salt)
		before := f.server.Refused
		err := c.Read(context.Background(), t0.Add(-time.Hour), t0, func(context.Context, pbx.Window, []domain.PBXCall) error { return nil })
		if err == nil {
			t.Fatalf("%s: read succeeded", tc.name)
		}
		msg := err.Error()
		for _, want := range []string{"mango", mango.MethodStatsRequest, "401", "vpbx_api_key and the salt"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q does not say %q", tc.name, msg, want)
			}
		}
		for _, secret := range []string{tc.salt, f.server.Salt} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: error %q shows a salt", tc.name, msg)
			}
		}
		if f.server.Refused != before+1 {
			t.Errorf("%s: %d requests refused, want 1 (a refusal is not retried)", tc.name, f.server.Refused-before)
		}
		if _, err := c.Extensions(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("%s: Extensions: %v, want a 401", tc.name, err)
		}
	}
}

// TestReportNeverReady gives up after MaxPolls polls with an error naming
// the method.
func TestReportNeverReady(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	f.server.NotReady = 1000
	f.server.Mu.Unlock()
	err := f.client.Read(context.Background(), t0.Add(-time.Hour), t0, func(context.Context, pbx.Window, []domain.PBXCall) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "not ready after 12 polls") || !strings.Contains(err.Error(), mango.MethodStatsResult) {
		t.Fatalf("err = %v, want not ready after 12 polls of %s", err, mango.MethodStatsResult)
	}
	if n := f.client.Requests(); n != 1+mango.MaxPolls {
		t.Errorf("%d requests, want %d", n, 1+mango.MaxPolls)
	}
}

func TestSign(t *testing.T) {
	// sha256("k" + `{"a":1}` + "s"), computed with sha256sum.
	if got, want := mango.Sign("k", `{"a":1}`, "s"), "9eefb34c92e0fa5473558ca3806ab7cac11cace9255d5fddee556a2d720b5939"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
