package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// benchWorkspace returns a workspace of n managers with the article's
// regulation, in Moscow time.
func benchWorkspace(n int) *domain.Workspace {
	ws := &domain.Workspace{
		ID: "bench", Name: "bench", Timezone: "Europe/Moscow", Location: msk,
		Deadline: domain.Clock{Hour: 18}, Grace: 10 * time.Minute, MinCallSeconds: 10,
		Currency: "RUB", PointValue: decimal.NewFromInt(100),
	}
	for d := time.Monday; d <= time.Friday; d++ {
		ws.WorkingWeekdays[d] = true
	}
	for i := range n {
		id := "m" + strconv.Itoa(i)
		ws.Managers = append(ws.Managers, domain.Manager{ID: id, Name: id, CRMIDs: []string{strconv.Itoa(1000 + i)}})
	}
	rule := func(ind domain.Indicator, op domain.Op, target int64) domain.Rule {
		return domain.Rule{Indicator: ind, Op: op, Target: decimal.NewFromInt(target), Pass: 1, Fail: -2}
	}
	ws.Regulation = domain.Regulation{{Effective: domain.MustDate("2026-01-01"), Rules: []domain.Rule{
		rule(domain.CompaniesAdded, domain.AtLeast, 1), rule(domain.MeetingsHeld, domain.AtLeast, 1),
		rule(domain.CallsHeld, domain.AtLeast, 30), rule(domain.OverdueTasks, domain.AtMost, 0),
		rule(domain.DealsWithoutTasks, domain.AtMost, 0), rule(domain.LateEntries, domain.AtMost, 0),
	}}}
	return ws
}

// benchRecords generates, per manager and working day, 100 activities, 20
// tasks, one deal and one company, deterministically.
func benchRecords(ws *domain.Workspace, days []domain.Date) *domain.RecordBatch {
	r := rand.New(rand.NewPCG(1, 2))
	b := &domain.RecordBatch{}
	for di, d := range days {
		start := d.In(msk, 9, 0)
		for mi, m := range ws.Managers {
			user := m.CRMIDs[0]
			key := fmt.Sprintf("%d-%d", di, mi)
			dealID := "d" + key
			b.Deals = append(b.Deals, domain.Deal{RecordMeta: domain.RecordMeta{Source: "bench", ExternalID: dealID},
				Title: dealID, Responsible: user, Amount: decimal.NewFromInt(int64(r.IntN(100000))), Status: domain.DealOpen,
				CreatedAt: start.Add(time.Hour)})
			b.Companies = append(b.Companies, domain.Company{RecordMeta: domain.RecordMeta{Source: "bench", ExternalID: "c" + key},
				Name: "c" + key, Responsible: user, CreatedAt: start.Add(2 * time.Hour)})
			for k := range 20 {
				t := domain.Task{RecordMeta: domain.RecordMeta{Source: "bench", ExternalID: fmt.Sprintf("t%s-%d", key, k)},
					Responsible: user, DealID: dealID, CreatedAt: start.Add(time.Duration(k) * 10 * time.Minute),
					Deadline: start.Add(time.Duration(24+k) * time.Hour)}
				if k < 18 {
					t.CompletedAt = t.CreatedAt.Add(6 * time.Hour)
				}
				b.Tasks = append(b.Tasks, t)
			}
			for k := range 100 {
				happened := start.Add(time.Duration(r.IntN(9*3600)) * time.Second)
				a := domain.Activity{RecordMeta: domain.RecordMeta{Source: "bench", ExternalID: fmt.Sprintf("a%s-%d", key, k)},
					Kind: domain.ActivityCall, Responsible: user, HappenedAt: happened, EnteredAt: happened.Add(time.Duration(r.IntN(600)) * time.Second),
					DurationSeconds: r.IntN(300), Outcome: domain.OutcomeHeld}
				if k%10 == 0 {
					a.Kind = domain.ActivityMeeting
				}
				if k%7 == 0 {
					a.Outcome = domain.OutcomeMissed
				}
				b.Activities = append(b.Activities, a)
			}
		}
	}
	return b
}

// BenchmarkFinalizeDay measures finalizing one working day for all managers:
// load the day's records, compute every indicator and rule, store the sheet.
// Each iteration stores a new version of the same day (a recomputation),
// which does exactly the work of a first finalization.
func BenchmarkFinalizeDay(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("managers=%d", n), func(b *testing.B) {
			storetest.Each(b, func(b *testing.B, s *store.Store) {
				ctx := context.Background()
				ws := benchWorkspace(n)
				days := ws.WorkingDays(domain.MustDate("2026-11-09"), domain.MustDate("2026-11-13"))
				now := days[len(days)-1].In(msk, 20, 0)
				eng := engine.New(s, func() time.Time { return now })
				if _, err := eng.Apply(ctx, ws, "bench"); err != nil {
					b.Fatal(err)
				}
				if _, err := s.UpsertRecords(ctx, ws.ID, benchRecords(ws, days), now, "bench", now); err != nil {
					b.Fatal(err)
				}
				day := days[len(days)-1]
				if _, err := eng.Finalize(ctx, ws.ID, day, "bench"); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, err := eng.Recompute(ctx, ws.ID, day, "bench", "benchmark"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
