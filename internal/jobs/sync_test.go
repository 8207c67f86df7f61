package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// crmWorkspace is a workspace whose records come from amoCRM; its base_url
// is appended by the test.
const crmWorkspace = `workspace: acme
name: Acme
timezone: Europe/Moscow
deadline: "18:00"
grace: 10m
min_call_seconds: 10
managers:
  - {id: anna, crm_ids: ["101"]}
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 1}
crm:
  kind: amocrm
  token_file: amocrm.token
  base_url: `

// syncingCRM is the jobs.CRM that serve wires: crmsync over the workspace's
// connector, here against the fake amoCRM. ApplyPending only counts: the
// webhook re-fetch belongs to crmsync.
type syncingCRM struct {
	syncer *crmsync.Syncer

	mu              sync.Mutex
	syncs, pendings int
}

func (c *syncingCRM) Sync(ctx context.Context, workspace string, full bool, actor string) error {
	c.mu.Lock()
	c.syncs++
	c.mu.Unlock()
	_, err := c.syncer.Sync(ctx, workspace, full, actor)
	return err
}

func (c *syncingCRM) ApplyPending(ctx context.Context, workspace, actor string) error {
	c.mu.Lock()
	c.pendings++
	c.mu.Unlock()
	return nil
}

func (c *syncingCRM) counts() (syncs, pendings int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.syncs, c.pendings
}

// texts is a Notifier keeping every delivered message's Russian text.
type texts struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (n *texts) Deliver(_ context.Context, _ *domain.Workspace, _ jobs.Recipient, msgs map[i18n.Lang]notify.Message) error {
	n.mu.Lock()
	n.msgs = append(n.msgs, msgs[i18n.RU])
	n.mu.Unlock()
	return nil
}

func (n *texts) list() []notify.Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]notify.Message(nil), n.msgs...)
}

// crmSetup applies crmWorkspace against a fake amoCRM holding one call of
// anna's at 17:30 on Monday 16 November — in the window, but only in the
// CRM until a sync brings it.
func crmSetup(t *testing.T, s *store.Store, c *clock) (*engine.Engine, *amocrmtest.Server, *syncingCRM) {
	t.Helper()
	fake := amocrmtest.NewServer(c.Now)
	t.Cleanup(fake.Close)
	called := at("2026-11-16 17:30").Unix()
	fake.Notes["leads:31"] = &amocrmtest.Note{ID: 31, EntityID: 11, ResponsibleUserID: 101, CreatedBy: 101,
		Entity: "leads", NoteType: "call_out", CreatedAt: called, UpdatedAt: called, Duration: 120, CallStatus: 4}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(crmWorkspace+fake.URL+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(s, c.Now)
	if _, err := eng.Apply(context.Background(), ws, "test"); err != nil {
		t.Fatal(err)
	}
	// The connector's pacing and backoff move the test's clock instead of
	// waiting: an unreachable CRM fails at once after its retries, or at
	// the sync timeout when it hangs.
	sleep := func(ctx context.Context, d time.Duration) error {
		c.Set(c.Now().Add(d))
		return ctx.Err()
	}
	return eng, fake, &syncingCRM{syncer: &crmsync.Syncer{Store: s, Now: c.Now, Sleep: sleep}}
}

func startWith(t *testing.T, s *store.Store, cfg jobs.Config) *jobs.Runner {
	t.Helper()
	cfg.Lookback, cfg.PollInterval, cfg.ManualPlan = time.Hour, 20*time.Millisecond, true
	r, err := jobs.New(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	return r
}

const staleText = "Данные CRM получены только до"

func TestFinalizeSyncsTheCRMFirst(t *testing.T) {
	for _, tc := range []struct {
		name  string
		crm   func(*amocrmtest.Server)
		stale bool
		calls int64
	}{
		{name: "up", crm: func(*amocrmtest.Server) {}, calls: 1},
		{name: "down", crm: func(f *amocrmtest.Server) { f.Close() }, stale: true},
		{name: "hanging", stale: true, crm: func(f *amocrmtest.Server) {
			for range 50 {
				f.Inject(amocrmtest.FaultTimeout)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				c := &clock{t: at("2026-11-16 18:10")}
				eng, fake, crm := crmSetup(t, s, c)
				tc.crm(fake)
				out := &texts{}
				r := startWith(t, s, jobs.Config{Engine: eng, Notifier: out, CRM: crm, SyncTimeout: 500 * time.Millisecond})
				// The finalization and this period's sync.
				if n := plan(t, r); n != 2 {
					t.Errorf("18:10: planned %d jobs, want 2 (finalize, sync)", n)
				}
				drain(t, r)
				sheet, err := s.FindSheet(context.Background(), "acme", domain.MustDate("2026-11-16"))
				if err != nil {
					t.Fatalf("Monday not finalized: %v", err)
				}
				if sheet.Stale != tc.stale {
					t.Errorf("sheet stale = %v (watermark %s), want %v", sheet.Stale, sheet.Watermark, tc.stale)
				}
				if got := sheet.Lines[0].Values.Count(domain.CallsHeld); got != tc.calls {
					t.Errorf("anna's calls held = %d, want %d", got, tc.calls)
				}
				if syncs, _ := crm.counts(); syncs < 1 {
					t.Errorf("the CRM was synced %d times, want at least once before finalizing", syncs)
				}
				msgs := out.list()
				if len(msgs) != 1 {
					t.Fatalf("delivered %d messages, want the digest alone: %+v", len(msgs), msgs)
				}
				if got := strings.Contains(msgs[0].Text, staleText); got != tc.stale {
					t.Errorf("digest mentions stale data: %v, want %v:\n%s", got, tc.stale, msgs[0].Text)
				}
			})
		})
	}
}

func TestPeriodicSyncOncePerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 10:00")}
		eng, fake, crm := crmSetup(t, s, c)
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm})
		for _, step := range []struct {
			at   string
			want int
		}{{"2026-11-16 10:00", 1}, {"2026-11-16 10:00", 0}, {"2026-11-16 10:04", 0}, {"2026-11-16 10:05", 1}, {"2026-11-16 10:09", 0}} {
			c.Set(at(step.at))
			if n := plan(t, r); n != step.want {
				t.Errorf("%s: planned %d jobs, want %d", step.at, n, step.want)
			}
			drain(t, r)
		}
		if syncs, pendings := crm.counts(); syncs != 2 || pendings != 2 {
			t.Errorf("synced %d times and applied pending webhooks %d times; want 2 and 2 (one per 5-minute period)", syncs, pendings)
		}
		fake.Mu.Lock()
		requests := fake.Requests
		fake.Mu.Unlock()
		if requests == 0 {
			t.Error("the fake CRM saw no request")
		}
		wm, err := s.Watermark(context.Background(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if want := at("2026-11-16 10:05"); wm.Before(want) {
			t.Errorf("watermark %s, want the last sync's start, at or after %s", wm, want)
		}
	})
}

func TestRefetchSoonQueuesOneJobWhilePending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 10:00")}
		eng, _, crm := crmSetup(t, s, c)
		cfg := jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm, Lookback: time.Hour, PollInterval: 20 * time.Millisecond,
			ManualPlan: true}
		r, err := jobs.New(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		// Not started yet: the jobs wait, as they do while workers are busy.
		for range 3 {
			if err := r.RefetchSoon(context.Background(), []string{"acme"}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := r.Pending(context.Background()); err != nil || n != 1 {
			t.Fatalf("pending jobs after three webhooks = %d (%v), want 1", n, err)
		}
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r.Stop(ctx)
		})
		// A sync applies the pending webhooks once after syncing: only the
		// applications beyond one per sync are re-fetch jobs. (No planner
		// runs here, ManualPlan, so there is no sync.)
		refetches := func() int {
			syncs, pendings := crm.counts()
			return pendings - syncs
		}
		drain(t, r)
		if n := refetches(); n != 1 {
			t.Errorf("re-fetch jobs applied pending webhooks %d times, want 1", n)
		}
		// Once done, the next webhook queues a new re-fetch.
		if err := r.RefetchSoon(context.Background(), []string{"acme"}); err != nil {
			t.Fatal(err)
		}
		drain(t, r)
		if n := refetches(); n != 2 {
			t.Errorf("re-fetch jobs applied pending webhooks %d times after a later webhook, want 2", n)
		}
	})
}

func TestNewRefusesARescueShorterThanAJob(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+filepath.Join(t.TempDir(), "reglament.db"))
	_, err := jobs.New(context.Background(), s, jobs.Config{Engine: engine.New(s, nil), Notifier: &texts{},
		SyncTimeout: time.Minute, JobTimeout: time.Minute, RescueStuckJobsAfter: 90 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "RescueStuckJobsAfter") {
		t.Errorf("New with a rescue after 90 s and jobs of up to 2 min: err = %v, want a refusal naming RescueStuckJobsAfter", err)
	}
}

func TestFinalizeSkipsTheSyncWhenTheDataReachesTheCutoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 18:05")}
		eng, _, crm := crmSetup(t, s, c)
		// The 18:05 periodic sync, already done: the data reaches 18:05.
		if _, err := crm.syncer.Sync(context.Background(), "acme", false, "test"); err != nil {
			t.Fatal(err)
		}
		c.Set(at("2026-11-16 18:10"))
		r := startWith(t, s, jobs.Config{Engine: eng, Notifier: &texts{}, CRM: crm})
		if _, err := r.Client().Insert(context.Background(), jobs.FinalizeArgs{Workspace: "acme", Day: "2026-11-16"}, nil); err != nil {
			t.Fatal(err)
		}
		drain(t, r)
		// A periodic sync applies the pending webhooks after syncing: only
		// the syncs beyond those would be the finalization's. (No planner
		// runs here, ManualPlan.)
		if syncs, pendings := crm.counts(); syncs-pendings != 0 {
			t.Errorf("the finalization synced %d times; want none, the data already reaching the cutoff", syncs-pendings)
		}
		sheet, err := s.FindSheet(context.Background(), "acme", domain.MustDate("2026-11-16"))
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Stale || sheet.Lines[0].Values.Count(domain.CallsHeld) != 1 {
			t.Errorf("sheet stale = %v with %d calls; want fresh with anna's call", sheet.Stale, sheet.Lines[0].Values.Count(domain.CallsHeld))
		}
	})
}
