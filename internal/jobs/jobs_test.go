package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

const fixtures = "../engine/testdata/acme/"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// recorder is a Notifier that remembers what it was asked to deliver and can
// fail the first deliveries with a temporary error.
type recorder struct {
	mu        sync.Mutex
	delivered []string
	failFirst int
	keys      []string // the messages' delivery keys, attempt by attempt
}

func (r *recorder) Deliver(_ context.Context, ws *domain.Workspace, to jobs.Recipient, msgs map[i18n.Lang]notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range msgs {
		r.keys = append(r.keys, m.Key)
	}
	if r.failFirst > 0 {
		r.failFirst--
		return &notify.DeliveryError{Channel: "test", Temporary: true, RetryAfter: time.Millisecond, Reason: "busy"}
	}
	who := "head"
	if !to.Head {
		who = to.Manager
	}
	r.delivered = append(r.delivered, who+": "+msgs[i18n.RU].Subject)
	return nil
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.delivered)
	sort.Strings(out)
	return out
}

var msk, _ = time.LoadLocation("Europe/Moscow")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t
}

func setup(t *testing.T, s *store.Store, c *clock) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	eng := engine.New(s, c.Now)
	data, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace("workspace.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Apply(ctx, ws, "test"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		f, err := os.Open(filepath.Join(fixtures, kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Import(ctx, "acme", kind, kind+".csv", f, "test"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return eng
}

func start(t *testing.T, s *store.Store, eng *engine.Engine, n jobs.Notifier) *jobs.Runner {
	t.Helper()
	r, err := jobs.New(context.Background(), s, jobs.Config{Engine: eng, Notifier: n, Lookback: time.Hour, PollInterval: 20 * time.Millisecond,
		ManualPlan: true})
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

// drain waits until every runner has no unfinished job.
func drain(t *testing.T, runners ...*jobs.Runner) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		busy := 0
		for _, r := range runners {
			n, err := r.Pending(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			busy += n
		}
		if busy == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("jobs did not finish within 30 s")
}

func plan(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n, err := r.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTheDailyRhythm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 16:59")}
		rec := &recorder{}
		r := start(t, s, setup(t, s, c), rec)

		if n := plan(t, r); n != 0 {
			t.Errorf("16:59: planned %d jobs, want none", n)
		}
		c.Set(at("2026-11-16 17:00"))
		if n := plan(t, r); n != 1 {
			t.Errorf("17:00: planned %d jobs, want the 60-minute reminder", n)
		}
		drain(t, r)
		// Every manager misses a rule on Monday (see the engine's hand-computed
		// sheet): anna overdue tasks, boris and vera several.
		reminder := "До дедлайна 18:00 — что внести в CRM"
		want := []string{"anna: " + reminder, "boris: " + reminder, "vera: " + reminder}
		if diff := cmp.Diff(want, rec.list()); diff != "" {
			t.Errorf("17:00 deliveries (-want +got):\n%s", diff)
		}
		if n := plan(t, r); n != 0 {
			t.Errorf("17:00 again: planned %d jobs, want none (already planned)", n)
		}

		c.Set(at("2026-11-16 17:45"))
		plan(t, r)
		drain(t, r)
		if got := len(rec.list()); got != 6 {
			t.Errorf("after 17:45: %d deliveries, want 6 (two reminders each)", got)
		}

		c.Set(at("2026-11-16 18:10"))
		if n := plan(t, r); n != 1 {
			t.Errorf("18:10: planned %d jobs, want the finalization", n)
		}
		drain(t, r)
		c.Set(at("2026-11-16 18:11"))
		plan(t, r)
		drain(t, r)
		got := rec.list()
		if want := "head: Итоги дня 2026-11-16 · ООО Ромашка"; !slices.Contains(got, want) || len(got) != 7 {
			t.Errorf("after 18:10: %q; want the 6 reminders and one digest %q", got, want)
		}
		if _, err := s.FindSheet(context.Background(), "acme", domain.MustDate("2026-11-16")); err != nil {
			t.Errorf("Monday not finalized: %v", err)
		}
	})
}

func TestExactlyOnceAcrossInstances(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		c := &clock{t: at("2026-11-16 18:10")}
		s1 := storetest.MustOpen(t, dsn)
		eng1 := setup(t, s1, c)
		s2 := storetest.MustOpen(t, dsn)
		eng2 := engine.New(s2, c.Now)
		rec1, rec2 := &recorder{}, &recorder{}
		r1 := start(t, s1, eng1, rec1)
		r2 := start(t, s2, eng2, rec2)

		var wg sync.WaitGroup
		for _, r := range []*jobs.Runner{r1, r2, r1, r2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.Plan(context.Background()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		drain(t, r1, r2)
		all := append(rec1.list(), rec2.list()...)
		if diff := cmp.Diff([]string{"head: Итоги дня 2026-11-16 · ООО Ромашка"}, all); diff != "" {
			t.Errorf("deliveries across two instances (-want +got):\n%s", diff)
		}
		versions, err := s1.FindSheetVersions(context.Background(), "acme", domain.MustDate("2026-11-16"))
		if err != nil || len(versions) != 1 {
			t.Errorf("got %d sheet versions (%v); want exactly one", len(versions), err)
		}
	})
}

func TestTemporaryDeliveryFailureIsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 18:10")}
		rec := &recorder{failFirst: 2}
		r := start(t, s, setup(t, s, c), rec)
		plan(t, r)
		drain(t, r)
		if diff := cmp.Diff([]string{"head: Итоги дня 2026-11-16 · ООО Ромашка"}, rec.list()); diff != "" {
			t.Errorf("after two temporary failures (-want +got):\n%s", diff)
		}
		// Each attempt carried the delivery's key, the same every time, so
		// that a receiver can drop a repeat.
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.keys) < 3 || rec.keys[0] == "" || slices.ContainsFunc(rec.keys, func(k string) bool { return k != rec.keys[0] }) {
			t.Errorf("delivery keys over three attempts: %q; want one key, the same each time", rec.keys)
		}
	})
}

func TestNoDigestForADayFinalizedByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 18:10")}
		rec := &recorder{}
		eng := setup(t, s, c)
		if _, err := eng.Finalize(context.Background(), "acme", domain.MustDate("2026-11-16"), "head"); err != nil {
			t.Fatal(err)
		}
		r := start(t, s, eng, rec)
		plan(t, r)
		drain(t, r)
		if got := rec.list(); len(got) != 0 {
			t.Errorf("deliveries %q; want none for a day the head finalized", got)
		}
	})
}
