package store_test

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// randomDay returns records scattered around the windows of days, with
// many on the edges the indicators care about: the window's ends, the
// grace, min_call_seconds, deletions at the cutoff.
func randomDay(r *rand.Rand, ws *domain.Workspace, days []domain.Date, n int) *domain.RecordBatch {
	users := []string{"", "ghost"}
	for _, m := range ws.Managers {
		users = append(users, m.CRMIDs...)
	}
	var marks []time.Time
	for _, d := range days {
		win := ws.Window(d)
		marks = append(marks, win.From, win.From.Add(win.Grace), win.To, win.To.Add(win.Grace))
	}
	first, last := ws.Window(days[0]).From.Add(-48*time.Hour), ws.Window(days[len(days)-1]).To.Add(24*time.Hour)
	instant := func() time.Time {
		if r.IntN(3) == 0 {
			return first.Add(time.Duration(r.Int64N(int64(last.Sub(first)))))
		}
		offsets := []time.Duration{-time.Hour, -time.Second, -time.Microsecond, 0, time.Microsecond, time.Second, time.Hour}
		return marks[r.IntN(len(marks))].Add(offsets[r.IntN(len(offsets))])
	}
	maybe := func() time.Time {
		if r.IntN(2) == 0 {
			return time.Time{}
		}
		return instant()
	}
	pick := func(values ...string) string { return values[r.IntN(len(values))] }
	b := &domain.RecordBatch{}
	for i := range n {
		id := strconv.Itoa(i)
		happened := instant()
		entered := happened.Add(time.Duration(r.IntN(3)) * time.Duration(r.Int64N(int64(30*time.Hour))))
		if r.IntN(4) == 0 {
			entered = instant()
		}
		b.Activities = append(b.Activities, domain.Activity{
			RecordMeta:  domain.RecordMeta{Source: pick("csv", "crm"), ExternalID: "a" + id, DeletedAt: maybe()},
			Kind:        pick(domain.ActivityCall, domain.ActivityCall, domain.ActivityMeeting, "email"),
			Responsible: pick(users...), HappenedAt: happened, EnteredAt: entered,
			DurationSeconds: ws.MinCallSeconds + r.IntN(5) - 2,
			Outcome:         pick(domain.OutcomeHeld, domain.OutcomeHeld, domain.OutcomeMissed, domain.OutcomeCanceled),
		})
		if i%10 != 0 {
			continue
		}
		source := pick("csv", "crm")
		b.Deals = append(b.Deals, domain.Deal{
			RecordMeta: domain.RecordMeta{Source: source, ExternalID: "d" + id, DeletedAt: maybe()},
			Title:      "deal", Responsible: pick(users...), Amount: decimal.New(r.Int64N(1_000_000), -2),
			Status: pick(domain.DealOpen, domain.DealWon, domain.DealLost), CreatedAt: instant(), ClosedAt: maybe(),
		})
		for k := range 3 {
			b.Tasks = append(b.Tasks, domain.Task{
				RecordMeta: domain.RecordMeta{Source: pick(source, "csv"), ExternalID: "t" + id + "-" + strconv.Itoa(k), DeletedAt: maybe()},
				Title:      "task", Responsible: pick(users...), DealID: pick("d"+id, "d"+strconv.Itoa(r.IntN(n)), ""),
				Deadline: maybe(), CreatedAt: instant(), CompletedAt: maybe(),
			})
		}
		b.Companies = append(b.Companies, domain.Company{
			RecordMeta: domain.RecordMeta{Source: source, ExternalID: "c" + id, DeletedAt: maybe()},
			Name:       "company", Responsible: pick(users...), CreatedBy: pick("", pick(users...)), CreatedAt: instant(),
		})
	}
	return b
}

// The day sheet reads activities and tasks as tallies of SQL aggregates
// (LoadDaySheet) and the other records through lean queries; explanations
// read every record (LoadDay) and let domain.Evaluate decide. On random
// data around every edge, both must give the same values and the same
// unknown users for every day: Evaluate stays the definition.
func TestLoadDaySheetMatchesEvaluate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		for seed := range uint64(3) {
			r := rand.New(rand.NewPCG(seed, 42))
			batch := randomDay(r, ws, days, 1500)
			for i := range batch.Activities {
				batch.Activities[i].ExternalID += "-" + strconv.FormatUint(seed, 10)
			}
			mustUpsert(t, s, batch, time.Time{})
			for _, min := range []int{0, 5, 6} {
				ws.MinCallSeconds = min
				for _, d := range days {
					win := ws.Window(d)
					full := mustLoadDay(t, s, ws.ID, win)
					lean, err := s.LoadDaySheet(ctx, ws, win)
					if err != nil {
						t.Fatalf("LoadDaySheet: %v", err)
					}
					if len(lean.Activities) != 0 || len(lean.ActivityTallies) == 0 || len(lean.Tasks) != 0 || len(lean.TaskTallies) == 0 {
						t.Fatalf("%s: LoadDaySheet gave %d activities, %d activity tallies, %d tasks, %d task tallies; want tallies only",
							d, len(lean.Activities), len(lean.ActivityTallies), len(lean.Tasks), len(lean.TaskTallies))
					}
					wantValues, wantUnknown := domain.ComputeValues(ws, win, full)
					gotValues, gotUnknown := domain.ComputeValues(ws, win, lean)
					if diff := cmp.Diff(jsonOf(t, wantValues), jsonOf(t, gotValues)); diff != "" {
						t.Errorf("seed %d, min call %d s, %s: values (-Evaluate +tallies):\n%s", seed, min, d, diff)
					}
					if diff := cmp.Diff(wantUnknown, gotUnknown); diff != "" {
						t.Errorf("seed %d, min call %d s, %s: unknown users (-Evaluate +tallies):\n%s", seed, min, d, diff)
					}
				}
			}
		}
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
