package domain

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The test workspace "acme" lives in Europe/Moscow (UTC+3 all year, no DST),
// so every cutoff at 18:00 local is 15:00 UTC. Its calendar in November 2026
// (1 November is a Sunday):
//
//	Mon 2  Tue 3  [Wed 4 holiday]  Thu 5  Fri 6  Sat 7 (moved working day)
//	Mon 9 … Fri 13, Mon 16 … Fri 20, Mon 23 … Fri 27, Mon 30
//
// Managers: anna (CRM users 101 and 102, team north), boris (201, team
// south), vera (301, no team). CRM user 999 maps to no manager.

// mustLoc loads an IANA zone or stops the test.
func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load location %q: %v", name, err)
	}
	return loc
}

// mustDec parses a decimal or stops the test.
func mustDec(tb testing.TB, s string) decimal.Decimal {
	tb.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		tb.Fatalf("parse decimal %q: %v", s, err)
	}
	return d
}

// utc builds an instant in UTC; tests state expected instants this way, by hand.
func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// mskCutoff is 18:00 Moscow time of 2026-11-day, written by hand as 15:00 UTC.
func mskCutoff(day int) time.Time { return utc(2026, time.November, day, 15, 0, 0) }

func weekdays(days ...time.Weekday) [7]bool {
	var w [7]bool
	for _, d := range days {
		w[d] = true
	}
	return w
}

var monToFri = weekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)

// newTestWorkspace returns a fresh "acme" workspace; every call returns new
// slices, so a test may modify it freely.
func newTestWorkspace(tb testing.TB) *Workspace {
	tb.Helper()
	return &Workspace{
		ID:               "acme",
		Name:             "ООО Ромашка",
		Timezone:         "Europe/Moscow",
		Location:         mustLoc(tb, "Europe/Moscow"),
		Deadline:         Clock{Hour: 18, Minute: 0},
		Grace:            10 * time.Minute,
		WorkingWeekdays:  monToFri,
		Holidays:         []Date{MustDate("2026-11-04"), MustDate("2026-12-31")},
		ExtraWorkingDays: []Date{MustDate("2026-11-07")},
		MinCallSeconds:   10,
		Currency:         "RUB",
		PointValue:       mustDec(tb, "100"),
		Managers: []Manager{
			{ID: "anna", Name: "Анна Петрова", Team: "north", CRMIDs: []string{"101", "102"}},
			{ID: "boris", Name: "Борис Иванов", Team: "south", CRMIDs: []string{"201"}},
			{ID: "vera", Name: "Вера Смирнова", CRMIDs: []string{"301"}},
		},
	}
}
