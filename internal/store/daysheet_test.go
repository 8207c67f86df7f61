package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
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
		marks = append(marks, win.From, win.From.Add(win.Grace), win.To, win.To.Add(win.Grace),
			// the edges of the slices a read on several connections counts
			win.To.Add(-3*time.Hour), win.To.Add(-6*time.Hour), win.To.Add(-9*time.Hour))
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

// The day sheet reads activities, tasks and the deals in progress as
// tallies of SQL aggregates (LoadDaySheet) and the other records (companies,
// deals closed in the window) through lean queries; explanations
// read every record (LoadDay) and let domain.Evaluate decide. On random
// data around every edge, both must give the same values and the same
// unknown users for every day: Evaluate stays the definition.
func TestLoadDaySheetMatchesEvaluate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		// A grace of 10 minutes or more reads late entries from
		// activities_entered_late (migration 0009); a smaller one cannot.
		graces := []time.Duration{10 * time.Minute, 11 * time.Minute, 5 * time.Minute}
		// checked counts what the comparison covered: deals closed in a
		// window, deals in progress, and those of them with an open task;
		// a test that saw none of one kind would prove nothing about it.
		var checked [3]int
		defer func() {
			if checked[0] == 0 || checked[1] == 0 || checked[2] == 0 || checked[1] == checked[2] {
				t.Errorf("closed deals %d, deals in progress %d, of which with an open task %d: want some of each and some without",
					checked[0], checked[1], checked[2])
			}
		}()
		for seed := range uint64(3) {
			r := rand.New(rand.NewPCG(seed, 42))
			batch := randomDay(r, ws, days, 1500)
			// Late entries on the edges of activities_entered_late (entered
			// more than 10 minutes after they happened), for the graces
			// below: entered a microsecond after the grace or later.
			for _, d := range days {
				from := ws.Window(d).From
				for _, grace := range graces {
					for _, lag := range []time.Duration{0, time.Microsecond, time.Minute} {
						for _, before := range []time.Duration{0, time.Microsecond} {
							batch.Activities = append(batch.Activities, domain.Activity{
								RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "late" + strconv.Itoa(len(batch.Activities))},
								Kind:       domain.ActivityCall, Responsible: pick(r, ws.Managers[0].CRMIDs[0], "ghost"),
								HappenedAt: from.Add(-before), EnteredAt: from.Add(grace + lag), Outcome: domain.OutcomeHeld,
							})
						}
					}
				}
			}
			for i := range batch.Activities {
				batch.Activities[i].ExternalID += "-" + strconv.FormatUint(seed, 10)
			}
			mustUpsert(t, s, batch, time.Time{})
			for _, grace := range graces {
				ws.Grace = grace
				for _, min := range []int{0, 5, 6} {
					ws.MinCallSeconds = min
					for _, d := range days {
						win := ws.Window(d)
						full := mustLoadDay(t, s, ws.ID, win)
						// One connection counts the window's activities at
						// once; three count them in slices (store.activityRanges).
						for _, conns := range []int{1, 3} {
							lean, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: conns, HoldWriters: true})
							if err != nil {
								t.Fatalf("LoadDaySheet on %d connections: %v", conns, err)
							}
							if len(lean.Activities) != 0 || len(lean.ActivityTallies) == 0 || len(lean.Tasks) != 0 || len(lean.TaskTallies) == 0 ||
								len(lean.DealTallies) == 0 {
								t.Fatalf("%s: LoadDaySheet gave %d activities, %d activity tallies, %d tasks, %d task tallies, %d deal tallies; want tallies only",
									d, len(lean.Activities), len(lean.ActivityTallies), len(lean.Tasks), len(lean.TaskTallies), len(lean.DealTallies))
							}
							// Only the deals closed in the window stay rows; those in
							// progress at the cutoff are tallied.
							for _, deal := range lean.Deals {
								if !deal.Closed() || !win.Contains(deal.ClosedAt) {
									t.Fatalf("%s: LoadDaySheet returned deal %s (%s, closed %s) as a row; want only deals closed in the window",
										d, deal.ExternalID, deal.Status, deal.ClosedAt)
								}
							}
							checked[0] += len(lean.Deals)
							for _, dt := range lean.DealTallies {
								checked[1] += int(dt.InProgress)
								checked[2] += int(dt.InProgress - dt.WithoutTasks)
							}
							wantValues, wantUnknown := domain.ComputeValues(ws, win, full)
							gotValues, gotUnknown := domain.ComputeValues(ws, win, lean)
							if diff := cmp.Diff(jsonOf(t, wantValues), jsonOf(t, gotValues)); diff != "" {
								t.Errorf("seed %d, grace %s, min call %d s, %s, %d connections: values (-Evaluate +tallies):\n%s", seed, grace, min, d, conns, diff)
							}
							if diff := cmp.Diff(wantUnknown, gotUnknown); diff != "" {
								t.Errorf("seed %d, grace %s, min call %d s, %s, %d connections: unknown users (-Evaluate +tallies):\n%s", seed, grace, min, d, conns, diff)
							}
						}
					}
				}
			}
		}
	})
}

func pick(r *rand.Rand, values ...string) string { return values[r.IntN(len(values))] }

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// LoadDay reads the tasks open at a cutoff through three index ranges, the
// completed ones split by how long after their creation they were completed
// (migration 0009): the split must neither lose nor add a task. Tasks are
// placed on every edge of the split — open for two days exactly and a
// microsecond more or less, completed at the cutoff, at the cutoff plus two
// days and around both — and the tasks LoadDay returns, and the open and
// overdue counts of LoadDaySheet, must be those a plain reading of "created
// by the cutoff, not deleted by it, not completed by it" gives over every
// task stored. LoadDay also returns the tasks completed in the window (own
// indicators count them), read in the same two parts.
func TestLoadDayTasksOpenAtCutoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		const soon = 48 * time.Hour
		edges := []time.Duration{-time.Hour, -time.Microsecond, 0, time.Microsecond, time.Hour}
		r := rand.New(rand.NewPCG(7, 7))
		var tasks []domain.Task
		for _, d := range days {
			cutoff := ws.Window(d).To
			for _, created := range []time.Time{cutoff, cutoff.Add(-soon), cutoff.Add(-3 * soon), cutoff.Add(-time.Hour)} {
				for _, life := range []time.Duration{soon, soon - time.Microsecond, soon + time.Microsecond, 0, time.Hour, 3 * soon, -time.Hour} {
					for _, e := range edges {
						c := created.Add(e)
						k := domain.Task{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "t" + strconv.Itoa(len(tasks))},
							Title: "task", Responsible: "u1", CreatedAt: c, CompletedAt: c.Add(life)}
						switch r.IntN(4) {
						case 0:
							k.DeletedAt = cutoff.Add(edges[r.IntN(len(edges))])
						case 1:
							k.Deadline = cutoff.Add(edges[r.IntN(len(edges))])
						}
						tasks = append(tasks, k)
					}
				}
			}
			// Completed exactly on the edges of the bounded range.
			for _, at := range []time.Time{cutoff, cutoff.Add(soon)} {
				for _, e := range edges {
					tasks = append(tasks, domain.Task{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "e" + strconv.Itoa(len(tasks))},
						Title: "task", Responsible: "u3", CreatedAt: cutoff.Add(-time.Microsecond), CompletedAt: at.Add(e)})
				}
			}
		}
		tasks = append(tasks, domain.Task{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "never"},
			Title: "task", Responsible: "u1", CreatedAt: ws.Window(days[0]).From})
		mustUpsert(t, s, &domain.RecordBatch{Tasks: tasks}, time.Time{})

		for _, d := range days {
			win := ws.Window(d)
			cutoff := win.To
			var want []string
			var wantOverdue, completed int64
			for _, k := range tasks {
				open := !k.CreatedAt.After(cutoff) && (k.DeletedAt.IsZero() || k.DeletedAt.After(cutoff)) &&
					(k.CompletedAt.IsZero() || k.CompletedAt.After(cutoff))
				if !open && !k.CompletedAt.IsZero() && win.Contains(k.CompletedAt) {
					want = append(want, k.ExternalID)
					completed++
				}
				if open {
					want = append(want, k.ExternalID)
					if !k.Deadline.IsZero() && k.Deadline.Before(cutoff) {
						wantOverdue++
					}
				}
			}
			var got []string
			for _, k := range mustLoadDay(t, s, ws.ID, win).Tasks {
				got = append(got, k.ExternalID)
			}
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: tasks open at the cutoff (-want +LoadDay):\n%s", d, diff)
			}
			lean, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: 2, HoldWriters: true})
			if err != nil {
				t.Fatalf("LoadDaySheet: %v", err)
			}
			var open, overdue int64
			for _, tt := range lean.TaskTallies {
				open += tt.Open
				overdue += tt.Overdue
			}
			if wantOpen := int64(len(want)) - completed; open != wantOpen || overdue != wantOverdue {
				t.Errorf("%s: LoadDaySheet tallied %d open tasks, %d overdue; want %d, %d", d, open, overdue, wantOpen, wantOverdue)
			}
		}
	})
}

// LoadDay reads late entries in two parts split by the lag between
// happening and entry (migration 0009); LoadDaySheet counts the same
// parts. The split must neither lose nor add an activity for any grace:
// activities are placed on the edges of both parts — the lag of 10 minutes
// and a microsecond either side, entered at From+grace and just after,
// happened at From and at From+grace-10 minutes and around them — and the
// activities LoadDay returns must be those a plain reading of "happened in
// the window, or happened by From and entered in (From+grace, To+grace]"
// gives over every activity stored.
func TestLoadDayLateEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		const lag = 10 * time.Minute
		graces := []time.Duration{0, 5 * time.Minute, lag - time.Microsecond, lag, lag + time.Minute}
		batch := randomDay(rand.New(rand.NewPCG(9, 9)), ws, days, 500)
		edges := []time.Duration{-time.Microsecond, 0, time.Microsecond}
		for _, d := range days {
			for _, grace := range graces {
				ws.Grace = grace
				from := ws.Window(d).From
				for _, happened := range []time.Time{from, from.Add(grace - lag)} {
					for _, h := range edges {
						at := happened.Add(h)
						for _, entered := range []time.Time{from.Add(grace), at.Add(lag)} {
							for _, e := range edges {
								batch.Activities = append(batch.Activities, domain.Activity{
									RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "edge" + strconv.Itoa(len(batch.Activities))},
									Kind:       domain.ActivityMeeting, Responsible: "u3", HappenedAt: at, EnteredAt: entered.Add(e),
									Outcome: domain.OutcomeHeld,
								})
							}
						}
					}
				}
			}
		}
		mustUpsert(t, s, batch, time.Time{})
		late := 0
		for _, grace := range graces {
			ws.Grace = grace
			for _, d := range days {
				win := ws.Window(d)
				var want, got []string
				for _, a := range batch.Activities {
					isLate := !a.HappenedAt.After(win.From) && a.EnteredAt.After(win.From.Add(win.Grace)) &&
						!a.EnteredAt.After(win.To.Add(win.Grace))
					if isLate {
						late++
					}
					if win.Contains(a.HappenedAt) || isLate {
						want = append(want, a.Source+"/"+a.ExternalID)
					}
				}
				for _, a := range mustLoadDay(t, s, ws.ID, win).Activities {
					got = append(got, a.Source+"/"+a.ExternalID)
				}
				slices.Sort(want)
				slices.Sort(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("grace %s, %s: activities (-want +LoadDay):\n%s", grace, d, diff)
				}
			}
		}
		if late == 0 {
			t.Fatal("no late entry in the data: the test proves nothing")
		}
	})
}

// A day's read on several connections reads one state of the database: a
// write committed while it runs is seen by none of its parts (PostgreSQL:
// the parts share an exported snapshot), or waits until the read is done
// (SQLite: the read holds the write lock). Without either, the second part
// below would count the record written between the two.
func TestReadSnapshotIsOneState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace()
		mustApply(t, s, ws)
		record := func(id string) *domain.RecordBatch {
			return &domain.RecordBatch{Activities: []domain.Activity{{
				RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: id}, Kind: domain.ActivityCall,
				Responsible: ws.Managers[0].CRMIDs[0], HappenedAt: time.Now(), EnteredAt: time.Now(), Outcome: domain.OutcomeHeld,
			}}}
		}
		mustUpsert(t, s, record("before"), time.Time{})
		count := func(ctx context.Context, tx *sql.Tx) (n int) {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activities WHERE workspace = $1`, ws.ID).Scan(&n); err != nil {
				t.Error(err)
			}
			return n
		}
		// Each part starts the write (the first to come), waits for it to
		// commit or to be held back, then counts. The first transaction
		// read the workspace before the write began; the others read
		// nothing before it.
		var start sync.Once
		written := make(chan error, 1)
		done := make(chan struct{})
		var counts [2]int
		part := func(i int) func(ctx context.Context, tx *sql.Tx) error {
			return func(ctx context.Context, tx *sql.Tx) error {
				start.Do(func() {
					go func() {
						// Not the part's context, which ends with the read.
						_, err := s.UpsertRecords(context.Background(), ws.ID, record("during"), time.Time{}, "test", time.Now())
						written <- err
						close(done)
					}()
				})
				// SQLite: the write must still wait after a while. PostgreSQL:
				// it must commit, however slow the machine (no fixed short
				// deadline for it).
				wait := 300 * time.Millisecond
				if s.Dialect() == store.Postgres {
					wait = 20 * time.Second
				}
				select {
				case <-done:
					if s.Dialect() == store.SQLite {
						t.Error("a write finished while a read on several connections held its snapshot")
					}
				case <-time.After(wait):
					if s.Dialect() == store.Postgres {
						t.Error("a write waited for a read on PostgreSQL")
					}
				}
				counts[i] = count(ctx, tx)
				return nil
			}
		}
		err := s.ReadSnapshot(ctx, ws.ID, 2, []func(context.Context, *sql.Tx) error{part(0), part(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-written; err != nil {
			t.Fatalf("the write during the read: %v", err)
		}
		if counts != [2]int{1, 1} {
			t.Errorf("the two parts counted %v activities; want 1 and 1, the state before the write", counts)
		}
		day, err := s.LoadDay(ctx, ws.ID, domain.Window{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(day.Activities) != 2 {
			t.Errorf("after the read: %d activities, want 2 (the write went through)", len(day.Activities))
		}
	})
}

// A day sheet records the watermark of the state its records were read in:
// LoadDaySheet reads it in the same snapshot, on one connection or several.
func TestLoadDaySheetReadsTheWatermark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace()
		mustApply(t, s, ws)
		win := ws.Window(date("2026-11-12"))
		for _, conns := range []int{1, 2} {
			data, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: conns, HoldWriters: true})
			if err != nil {
				t.Fatal(err)
			}
			if !data.Watermark.IsZero() {
				t.Errorf("%d connections, no import yet: watermark %s, want none", conns, data.Watermark)
			}
		}
		watermark := win.To.Add(7*time.Minute + 3*time.Microsecond)
		mustUpsert(t, s, &domain.RecordBatch{Companies: []domain.Company{{
			RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c1"}, Name: "Acme", CreatedAt: win.To}}}, watermark)
		for _, conns := range []int{1, 2} {
			data, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: conns, HoldWriters: true})
			if err != nil {
				t.Fatal(err)
			}
			if !data.Watermark.Equal(watermark) {
				t.Errorf("%d connections: watermark %s, want %s", conns, data.Watermark, watermark)
			}
		}
	})
}
