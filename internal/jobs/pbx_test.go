package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/jobs"
	"reglament/internal/pbx/mango/mangotest"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// syncingPBX is the jobs.PBX that serve wires: crmsync over the
// workspace's exchange, here the fake Mango Office.
type syncingPBX struct {
	syncer *crmsync.Syncer

	mu    sync.Mutex
	syncs int
	// early counts the syncs made while the day early was not final.
	early int
	st    *store.Store
}

// early is the day whose finalization the PBX syncs are counted before.
var early = domain.MustDate("2026-11-16")

func (p *syncingPBX) SyncPBX(ctx context.Context, workspace, actor string) error {
	_, notFinal := p.st.FindSheet(ctx, workspace, early)
	p.mu.Lock()
	p.syncs++
	if notFinal != nil {
		p.early++
	}
	p.mu.Unlock()
	_, err := p.syncer.SyncPBX(ctx, workspace, false, actor)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	return err
}

func (p *syncingPBX) PBXFresh(ctx context.Context, workspace string, until time.Time) (bool, error) {
	return p.syncer.PBXFresh(ctx, workspace, until)
}

func (p *syncingPBX) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.syncs
}

// pbxSetup connects acme to a fake Mango Office holding a call of
// extension 101 at 17:45 on Monday 16 November.
func pbxSetup(t *testing.T, s *store.Store, c *clock, crm *syncingCRM) (*mangotest.Server, *syncingPBX) {
	t.Helper()
	fake := mangotest.NewServer(c.Now)
	t.Cleanup(fake.Close)
	start := at("2026-11-16 17:45").Unix()
	fake.Legs = []mangotest.Leg{{Start: start, Answer: start + 5, Finish: start + 125, FromExtension: "101", ToNumber: "79161234567", EntryID: "e1"}}
	fake.Users = []mangotest.User{{Name: "Анна", Extension: "101"}}
	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	syncer := &crmsync.Syncer{Store: s, Now: c.Now, Sleep: crm.syncer.Sleep, Secrets: box}
	if _, err := syncer.ConnectPBX(context.Background(), "acme", domain.PBXMango, fake.URL+"/vpbx", fake.Key, fake.Salt, "test"); err != nil {
		t.Fatal(err)
	}
	return fake, &syncingPBX{syncer: syncer, st: s}
}

// TestFinalizeSyncsThePBXFirst finalizes a day of a workspace with an
// exchange and no CRM: the finalization and the period's sync of the call
// log are planned together, and whichever runs first, the log reaches the
// cutoff before the sheet is made.
func TestFinalizeSyncsThePBXFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 18:10")}
		eng, _, crm := crmSetup(t, s, c)
		noCRM, _, _ := strings.Cut(crmWorkspace, "crm:")
		ws, err := config.ParseWorkspace("acme.yaml", []byte(noCRM))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Apply(context.Background(), ws, "test"); err != nil {
			t.Fatal(err)
		}
		fake, pbx := pbxSetup(t, s, c, crm)
		cutoff := ws.Cutoff(domain.MustDate("2026-11-16"))
		if fresh, _ := pbx.PBXFresh(context.Background(), "acme", cutoff); fresh {
			t.Fatal("the call log is fresh before any sync")
		}
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm, PBX: pbx, SyncTimeout: 500 * time.Millisecond})
		if n := plan(t, r); n != 2 {
			t.Errorf("18:10: planned %d jobs, want the finalization and the call log's sync", n)
		}
		drain(t, r)
		if _, err := s.FindSheet(context.Background(), "acme", domain.MustDate("2026-11-16")); err != nil {
			t.Fatalf("Monday not finalized: %v", err)
		}
		if fresh, err := pbx.PBXFresh(context.Background(), "acme", cutoff); !fresh || err != nil {
			t.Errorf("after finalizing, the call log is not stored up to the cutoff %s (%v)", cutoff, err)
		}
		// Finalization first: it syncs, then the period's job; the period's
		// job first: the finalization finds the log fresh.
		if pbx.count() < 1 || pbx.count() > 2 || pbx.early < 1 {
			t.Errorf("the PBX was synced %d times, %d of them before the day was final; want once or twice, once before", pbx.count(), pbx.early)
		}
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		if fake.PerPath["/stats/request"] < 1 {
			t.Error("the fake exchange was never asked for its calls")
		}
	})
}

func TestPeriodicSyncSyncsThePBX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 10:00")}
		eng, _, crm := crmSetup(t, s, c)
		_, pbx := pbxSetup(t, s, c, crm)
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm, PBX: pbx, SyncTimeout: 500 * time.Millisecond})
		plan(t, r)
		drain(t, r)
		if pbx.count() != 1 {
			t.Errorf("the periodic sync synced the PBX %d times, want once", pbx.count())
		}
		if fresh, _ := pbx.PBXFresh(context.Background(), "acme", at("2026-11-16 09:59")); !fresh {
			t.Error("after the periodic sync the call log does not reach its start")
		}
	})
}

// TestHangingPBXLeavesTheCRMSync: an exchange that never answers uses the
// periodic job's time left after the CRM's records and webhooks, and the
// job still succeeds (it is not tried again).
func TestHangingPBXLeavesTheCRMSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 10:00")}
		eng, _, crm := crmSetup(t, s, c)
		fake, pbx := pbxSetup(t, s, c, crm)
		for range 50 {
			fake.Inject(mangotest.FaultTimeout)
		}
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm, PBX: pbx, SyncTimeout: 500 * time.Millisecond})
		plan(t, r)
		drain(t, r)
		if syncs, pendings := crm.counts(); syncs != 1 || pendings != 1 {
			t.Errorf("the CRM was synced %d times and its webhooks applied %d times, want once each (the job not retried)", syncs, pendings)
		}
		if pbx.count() != 1 {
			t.Errorf("the PBX was synced %d times, want once", pbx.count())
		}
	})
}

// TestPBXWithoutCRMSyncedEveryPeriod: a workspace with an exchange and no
// CRM has its call log synced once a period, like a CRM, not only before
// finalization; a workspace without an exchange plans nothing.
func TestPBXWithoutCRMSyncedEveryPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 10:00")}
		eng, _, crm := crmSetup(t, s, c)
		noCRM, _, _ := strings.Cut(crmWorkspace, "crm:")
		ws, err := config.ParseWorkspace("acme.yaml", []byte(noCRM))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Apply(context.Background(), ws, "test"); err != nil {
			t.Fatal(err)
		}
		fake, pbx := pbxSetup(t, s, c, crm)
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm, PBX: pbx, SyncTimeout: 500 * time.Millisecond})
		if n := plan(t, r); n != 1 {
			t.Errorf("10:00: planned %d jobs, want the call log's sync", n)
		}
		if n := plan(t, r); n != 0 {
			t.Errorf("10:00 again: planned %d jobs, want none (one sync a period)", n)
		}
		drain(t, r)
		if pbx.count() != 1 {
			t.Errorf("after 10:00 the PBX was synced %d times, want once", pbx.count())
		}
		if fresh, _ := pbx.PBXFresh(context.Background(), "acme", at("2026-11-16 09:59")); !fresh {
			t.Error("after the period's sync the call log does not reach its start")
		}
		c.Set(at("2026-11-16 10:05"))
		if n := plan(t, r); n != 1 {
			t.Errorf("10:05: planned %d jobs, want the next period's sync", n)
		}
		drain(t, r)
		if pbx.count() != 2 {
			t.Errorf("after 10:05 the PBX was synced %d times, want twice", pbx.count())
		}
		if syncs, pendings := crm.counts(); syncs != 0 || pendings != 0 {
			t.Errorf("the CRM was synced %d times and its webhooks applied %d times for a workspace without one", syncs, pendings)
		}
		// Disconnected: nothing is planned any more.
		if err := s.DeletePBXConnection(context.Background(), "acme", "test", c.Now()); err != nil {
			t.Fatal(err)
		}
		c.Set(at("2026-11-16 10:10"))
		if n := plan(t, r); n != 0 {
			t.Errorf("10:10, the exchange disconnected: planned %d jobs, want none", n)
		}
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		if fake.PerPath["/stats/request"] < 2 {
			t.Errorf("the fake exchange was asked for its calls %d times, want at least twice", fake.PerPath["/stats/request"])
		}
	})
}
