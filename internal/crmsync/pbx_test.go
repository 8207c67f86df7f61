package crmsync_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/pbx"
	"reglament/internal/pbx/mango"
	"reglament/internal/pbx/mango/mangotest"
	"reglament/internal/pbx/zadarma"
	"reglament/internal/pbx/zadarma/zadarmatest"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

const pbxWorkspace = "workspace: acme\ntimezone: Europe/Moscow\nmanagers:\n  - id: anna\n    crm_ids: [\"1\"]\n"

type pbxFixture struct {
	clock  *crmtest.Clock
	st     *store.Store
	syncer *crmsync.Syncer
}

func newPBXFixture(t *testing.T, st *store.Store) *pbxFixture {
	t.Helper()
	f := &pbxFixture{clock: crmtest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)), st: st}
	ws, err := config.ParseWorkspace("acme.yaml", []byte(pbxWorkspace))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyWorkspace(ctx, ws, "head", f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(bytes.Repeat([]byte{0x5a}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	f.syncer = &crmsync.Syncer{Store: st, Now: f.clock.Now, Sleep: f.clock.Sleep, Secrets: box,
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}}
	return f
}

// plantMango puts n outgoing calls of extension 101 in the fake, one an
// hour back from now.
func plantMango(s *mangotest.Server, now time.Time, n int, prefix string) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for i := range n {
		start := now.Add(-time.Duration(i+1) * time.Hour).Unix()
		s.Legs = append(s.Legs, mangotest.Leg{Start: start, Answer: start + 5, Finish: start + 65, FromExtension: "101",
			ToNumber: fmt.Sprintf("7916%07d", i), EntryID: fmt.Sprintf("%s-%d", prefix, i)})
	}
}

func TestSyncPBXMango(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPBXFixture(t, st)
		fake := mangotest.NewServer(f.clock.Now)
		t.Cleanup(fake.Close)
		fake.Users = []mangotest.User{{Name: "Анна", Extension: "101"}}
		plantMango(fake, f.clock.Now(), 24*100, "old") // 100 days, one an hour

		if _, err := f.syncer.SyncPBX(ctx, "acme", false, "sync"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("sync before connecting: %v, want not_found", err)
		}
		if _, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXMango, fake.URL+"/vpbx", fake.Key, "wrong salt", "head"); err == nil ||
			!strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong salt") {
			t.Errorf("connect with a wrong salt: %v, want a 401 naming no salt", err)
		}
		if _, err := st.FindPBXConnection(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("a refused key was stored: %v", err)
		}
		exts, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXMango, fake.URL+"/vpbx", fake.Key, fake.Salt, "head")
		if err != nil || len(exts) != 1 || exts[0] != (pbx.Extension{ID: "101", Name: "Анна"}) {
			t.Fatalf("connect: %v, %v", exts, err)
		}
		conn, err := st.FindPBXConnection(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(conn.Sealed, []byte(fake.Salt)) || bytes.Contains(conn.Sealed, []byte(fake.Key)) {
			t.Error("the stored connection holds the key or the salt in clear")
		}

		// The first sync reads the last 92 days: 14 windows of 7 days, each
		// a request and two polls.
		first, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		if first.Windows != 14 || first.Requests != 14*3 || first.Fetched != 92*24 || first.Written+first.Unchanged != first.Fetched {
			t.Errorf("first sync: %+v; want 14 windows, 42 requests, %d calls", first, 92*24)
		}
		if first.Written != first.Fetched {
			t.Errorf("first sync wrote %d of %d calls", first.Written, first.Fetched)
		}
		// What the store holds of a day is what the fake logged, mapped.
		ws, err := st.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		win := ws.Window(domain.MustDate("2026-12-03"))
		day, err := st.LoadDay(ctx, "acme", win)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]domain.PBXCall{}
		fake.Mu.Lock()
		for _, l := range fake.Legs {
			if start := time.Unix(l.Start, 0).UTC(); win.Contains(start) {
				id := fmt.Sprintf("%s:101:%d", l.EntryID, l.Start)
				want[id] = domain.PBXCall{RecordMeta: domain.RecordMeta{Source: domain.PBXMango, ExternalID: id}, PBXUser: "101",
					StartedAt: start, TalkSeconds: 60, Direction: domain.DirectionOut, Phone: l.ToNumber}
			}
		}
		fake.Mu.Unlock()
		got := map[string]domain.PBXCall{}
		if day.Telephony != nil {
			for _, c := range day.Telephony.PBXCalls {
				c.StartedAt = c.StartedAt.UTC()
				got[c.ExternalID] = c
			}
		}
		if len(want) < 20 {
			t.Fatalf("the fake logged %d calls in the window of 3 December, want a day's", len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored calls of 3 December (-want +got):\n%s", diff)
		}
		if fresh, _ := f.syncer.PBXFresh(ctx, "acme", now.Add(-time.Minute)); !fresh {
			t.Error("after a sync the call log is not fresh up to a minute ago")
		}

		// An hour later: one window from the cursor less the overlap.
		f.clock.Advance(time.Hour)
		plantMango(fake, f.clock.Now(), 1, "new")
		second, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatal(err)
		}
		if second.Windows != 1 || second.Requests != 3 || !second.From.Equal(first.Cursor.Add(-pbx.DefaultOverlap)) || second.Fetched != 4 ||
			second.Written != 1 || second.Unchanged != 3 {
			t.Errorf("incremental sync: %+v; want one window from the cursor less 3 h, 3 requests, 4 calls (3 re-read unchanged, 1 new written)", second)
		}
		if fresh, _ := f.syncer.PBXFresh(ctx, "acme", f.clock.Now().Add(time.Minute)); fresh {
			t.Error("the call log is fresh up to a minute ahead")
		}

		// A call of five hours under way at the first sync is logged at its
		// end, behind the overlap: the incremental sync misses it, a full
		// one finds it and ends at its own end.
		fake.Mu.Lock()
		longStart := first.Cursor.Add(-4 * time.Hour).Unix()
		fake.Legs = append(fake.Legs, mangotest.Leg{Start: longStart, Answer: longStart + 10, Finish: longStart + 5*3600,
			FromExtension: "101", ToNumber: "79169999999", EntryID: "long"})
		fake.Mu.Unlock()
		f.clock.Advance(10 * time.Minute)
		missed, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil || missed.Written != 0 {
			t.Errorf("incremental sync after the long call: %+v, %v; want nothing written", missed, err)
		}
		full, err := f.syncer.SyncPBX(ctx, "acme", true, "sync")
		if err != nil || full.Windows != 14 || full.Written != 1 || full.Unchanged != full.Fetched-1 || !full.Cursor.After(missed.Cursor) {
			t.Errorf("full sync: %+v, %v; want 14 windows, the long call written, the rest unchanged, the cursor past %s", full, err, missed.Cursor)
		}
		fake.CheckClean(t)
	})
}

// failAfter is a connector whose reads fail after n windows, as a sync
// cut off midway.
type failAfter struct {
	pbx.Client
	n int
}

func (c *failAfter) Read(ctx context.Context, from, to time.Time, each pbx.WindowFunc) error {
	seen := 0
	return c.Client.Read(ctx, from, to, func(ctx context.Context, w pbx.Window, calls []domain.PBXCall) error {
		if seen == c.n {
			return errors.New("cut off")
		}
		seen++
		return each(ctx, w, calls)
	})
}

func TestSyncPBXResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPBXFixture(t, st)
		fake := mangotest.NewServer(f.clock.Now)
		t.Cleanup(fake.Close)
		fake.Users = []mangotest.User{{Name: "Анна", Extension: "101"}}
		plantMango(fake, f.clock.Now(), 24*30, "old")
		if _, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXMango, fake.URL+"/vpbx", fake.Key, fake.Salt, "head"); err != nil {
			t.Fatal(err)
		}
		client, conn, err := f.syncer.PBXClientFor(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		start := f.clock.Now()
		cut, err := f.syncer.SyncPBXWith(ctx, "acme", conn.Kind, &failAfter{Client: client, n: 3}, false, "sync")
		if err == nil || cut.Windows != 3 {
			t.Fatalf("a cut sync: %+v, %v; want 3 windows stored and an error", cut, err)
		}
		wantCursor := start.Add(-pbx.DefaultBackfill).Add(3 * mango.DefaultWindow)
		if !cut.Cursor.Equal(wantCursor) {
			t.Errorf("cursor after the cut %s, want the end of the third window %s", cut.Cursor, wantCursor)
		}
		next, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatal(err)
		}
		if !next.From.Equal(wantCursor.Add(-pbx.DefaultOverlap)) || next.Windows != 11 {
			t.Errorf("the sync after the cut: %+v; want it to resume at the cursor less 3 h, 11 windows", next)
		}
		// A full read cut off stores its windows and leaves the cursor.
		cutFull, err := f.syncer.SyncPBXWith(ctx, "acme", conn.Kind, &failAfter{Client: client, n: 3}, true, "sync")
		kept := next.Cursor.Truncate(time.Microsecond) // as stored
		if err == nil || cutFull.Windows != 3 || !cutFull.Cursor.Equal(kept) {
			t.Errorf("a cut full read: %+v, %v; want 3 windows and the cursor kept at %s", cutFull, err, kept)
		}
		if fresh, _ := f.syncer.PBXFresh(ctx, "acme", kept); !fresh {
			t.Error("a cut full read moved the stored cursor back")
		}
	})
}

func TestSyncPBXZadarma(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPBXFixture(t, st)
		fake := zadarmatest.NewServer(f.clock.Now)
		t.Cleanup(fake.Close)
		fake.Numbers = []string{"101", "102"}
		fake.Mu.Lock()
		for i := range 24 * 100 {
			fake.Calls = append(fake.Calls, zadarmatest.Call{CallID: fmt.Sprint(i), PBXCallID: fmt.Sprintf("in_%d", i), Type: "in",
				SIP: "101", CLID: fmt.Sprintf("7916%07d", i), Destination: "101", Disposition: "answered", Seconds: 60,
				Start: f.clock.Now().Add(-time.Duration(i+1) * time.Hour)})
		}
		fake.Mu.Unlock()
		exts, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXZadarma, fake.URL, fake.Key, fake.Secret, "head")
		if err != nil || len(exts) != 2 {
			t.Fatalf("connect: %v, %v", exts, err)
		}
		first, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatal(err)
		}
		// The time zone, the internal numbers, then 4 windows (30, 30, 30 and
		// 2 days) of incoming and outgoing calls, a page each (720 calls at
		// most).
		if first.Windows != 4 || first.Fetched != 92*24 || first.Requests != 2+4*2 {
			t.Errorf("first sync: %+v; want 4 windows, %d calls, 10 requests", first, 92*24)
		}
		f.clock.Advance(time.Hour)
		second, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatal(err)
		}
		if second.Windows != 1 || second.Requests != 4 || second.Fetched != 3 {
			t.Errorf("incremental sync: %+v; want 1 window, 4 requests, 3 calls", second)
		}
		if fake.WideWindows != 0 {
			t.Errorf("%d requests asked for more than a month", fake.WideWindows)
		}
		fake.CheckClean(t)
	})
}

// TestZadarmaZoneRemembered: with a ZoneCache (serve's syncer) the
// account's time zone is asked once and then kept for the cache's TTL:
// an incremental sync within it spends 3 requests, not 4; past it, or
// once the workspace is connected again, the zone is asked again.
func TestZadarmaZoneRemembered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPBXFixture(t, st)
		f.syncer.PBXZones = crmsync.NewZoneCache(time.Hour)
		fake := zadarmatest.NewServer(f.clock.Now)
		t.Cleanup(fake.Close)
		fake.Numbers = []string{"101"}
		fake.Mu.Lock()
		for i := range 10 {
			fake.Calls = append(fake.Calls, zadarmatest.Call{CallID: fmt.Sprint(i), PBXCallID: fmt.Sprintf("in_%d", i), Type: "in",
				SIP: "101", CLID: fmt.Sprintf("7916%07d", i), Destination: "101", Disposition: "answered", Seconds: 60,
				Start: f.clock.Now().Add(-time.Duration(i+1) * time.Hour)})
		}
		fake.Mu.Unlock()
		if _, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXZadarma, fake.URL, fake.Key, fake.Secret, "head"); err != nil {
			t.Fatal(err)
		}
		zoneAsked := func() int {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return fake.PerPath[zadarma.MethodTimezone]
		}
		sync := func(name string, wantRequests int64, wantAsked int) {
			t.Helper()
			res, err := f.syncer.SyncPBX(ctx, "acme", false, "sync")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if res.Requests != wantRequests || zoneAsked() != wantAsked {
				t.Errorf("%s: %d requests, time zone asked %d times in all; want %d and %d", name, res.Requests, zoneAsked(), wantRequests, wantAsked)
			}
		}
		sync("first sync", 2+4*2, 1)
		f.clock.Advance(5 * time.Minute)
		sync("5 min later", 3, 1)
		f.clock.Advance(50 * time.Minute)
		sync("55 min later", 3, 1)
		f.clock.Advance(10 * time.Minute)
		sync("65 min later: the zone expired", 4, 2)
		f.clock.Advance(5 * time.Minute)
		sync("70 min later", 3, 2)
		// Connected again (another account, perhaps): asked afresh.
		if _, err := f.syncer.ConnectPBX(ctx, "acme", domain.PBXZadarma, fake.URL, fake.Key, fake.Secret, "head"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		sync("after connecting again", 4, 3)
		// A syncer without a cache (reglament pbx sync) asks every time.
		plain := *f.syncer
		plain.PBXZones = nil
		f.clock.Advance(time.Minute)
		if res, err := plain.SyncPBX(ctx, "acme", false, "sync"); err != nil || res.Requests != 4 || zoneAsked() != 4 {
			t.Errorf("without a cache: %+v, %v, zone asked %d times; want 4 requests, the zone asked", res, err, zoneAsked())
		}
		// An hour of periodic syncs, every 5 minutes, with and without the
		// cache (docs/telephony.md quotes it).
		hour := func(s *crmsync.Syncer) (requests int64) {
			for range 12 {
				f.clock.Advance(5 * time.Minute)
				res, err := s.SyncPBX(ctx, "acme", false, "sync")
				if err != nil {
					t.Fatal(err)
				}
				requests += res.Requests
			}
			return requests
		}
		cached, uncached := hour(f.syncer), hour(&plain)
		t.Logf("an hour of incremental syncs every 5 minutes: %d requests with the zone cache, %d without", cached, uncached)
		if cached != 11*3+4 || uncached != 12*4 {
			t.Errorf("an hour of syncs: %d requests with the cache, %d without; want %d and %d", cached, uncached, 11*3+4, 12*4)
		}
	})
}
