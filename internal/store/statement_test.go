package store_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// randomSheet returns a final sheet of acme for day whose lines name some of
// the current and departed managers, in a random order, some absent.
func randomSheet(r *rand.Rand, day domain.Date) *domain.DaySheet {
	managers := []string{"anna", "boris", "carl", "dora", "erik"}
	r.Shuffle(len(managers), func(i, j int) { managers[i], managers[j] = managers[j], managers[i] })
	cutoff := day.In(moscow, 18, 0).UTC()
	sh := &domain.DaySheet{
		Workspace: "acme", Date: day, Status: domain.SheetFinal, RegulationVersion: date("2026-11-01"),
		Cutoff: cutoff, Watermark: cutoff, ComputedAt: cutoff.Add(time.Minute),
		RequestedBy: "head", Reason: "random", UnknownUsers: []string{},
	}
	for _, m := range managers[:r.IntN(len(managers)+1)] {
		l := domain.SheetLine{Manager: m, Absent: r.IntN(4) == 0}
		if !l.Absent {
			l.Points = r.IntN(11) - 5
			l.Total = l.Points
		}
		sh.Lines = append(sh.Lines, l)
	}
	return sh
}

// TestFindStatementTotalsMatchesSumSheets holds the SQL sums to what
// domain.SumSheets finds in the same sheets, and the statements built from
// either to be equal, over random sheets with several versions of some days
// and days outside the period.
func TestFindStatementTotalsMatchesSumSheets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		r := rand.New(rand.NewPCG(7, 42))
		for d := date("2026-10-28"); !d.After(date("2026-12-03")); d = d.AddDays(1) {
			if r.IntN(5) == 0 {
				continue // a day not final
			}
			mustCreateSheet(t, s, randomSheet(r, d))
			for range r.IntN(3) {
				if err := s.AddSheetVersion(ctx, randomSheet(r, d)); err != nil {
					t.Fatalf("AddSheetVersion %s: %v", d, err)
				}
			}
		}
		adjs := []domain.Adjustment{
			{Workspace: "acme", Manager: "anna", Date: date("2026-11-05"), Points: 3},
			{Workspace: "acme", Manager: "fedor", Date: date("2026-11-06"), Points: -2},
		}
		for _, p := range []domain.Period{
			domain.MonthOf(date("2026-11-01")), domain.WeekOf(date("2026-11-18")),
			domain.MonthOf(date("2027-01-01")),
		} {
			sheets, err := s.FindSheetPoints(ctx, "acme", p.From, p.To)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.FindStatementTotals(ctx, "acme", p.From, p.To)
			if err != nil {
				t.Fatal(err)
			}
			want := domain.SumSheets(p, sheets)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: FindStatementTotals (-SumSheets +got):\n%s", p.Label, diff)
			}
			if p.Label == "2026-11" && len(got.Managers) != 5 {
				t.Errorf("%s: %d managers in the totals, want 5", p.Label, len(got.Managers))
			}
			wantSt := domain.BuildStatement(ws, p, sheets, adjs)
			gotSt := domain.BuildStatementTotals(ws, p, got, adjs)
			if diff := cmp.Diff(wantSt, gotSt, cmpOpts); diff != "" {
				t.Errorf("%s: statement from totals (-BuildStatement +got):\n%s", p.Label, diff)
			}
		}
	})
}
