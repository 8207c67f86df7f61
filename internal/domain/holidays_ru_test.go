package domain

import (
	"testing"
	"time"
)

// TestRussianHolidays checks the table against the official counts of
// working days of the five-day week and the weekdays the decrees name.
func TestRussianHolidays(t *testing.T) {
	tests := []struct {
		year         int
		workingDays  int
		offWeekdays  []string // moved days off, each a weekday
		workWeekends []string
	}{
		{2025, 247, []string{"2025-05-02", "2025-05-08", "2025-06-13", "2025-11-03", "2025-12-31"}, []string{"2025-11-01"}},
		{2026, 247, []string{"2026-01-09", "2026-03-09", "2026-05-11", "2026-12-31"}, nil},
		// Without the 2027 decree's two January days: 247 once it is out.
		{2027, 249, []string{"2027-05-03", "2027-05-10", "2027-06-14"}, nil},
	}
	for _, tt := range tests {
		ws := &Workspace{
			Holidays:         RussianHolidays(tt.year),
			ExtraWorkingDays: RussianWorkingDays(tt.year),
		}
		for wd := time.Monday; wd <= time.Friday; wd++ {
			ws.WorkingWeekdays[wd] = true
		}
		from, to := Date{tt.year, time.January, 1}, Date{tt.year, time.December, 31}
		if got := len(ws.WorkingDays(from, to)); got != tt.workingDays {
			t.Errorf("%d: %d working days; want %d", tt.year, got, tt.workingDays)
		}
		for _, s := range tt.offWeekdays {
			d := MustDate(s)
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("%s: a moved day off on %v", s, wd)
			}
			if ws.IsWorkingDay(d) {
				t.Errorf("%s is a working day; want a day off", s)
			}
		}
		for _, s := range tt.workWeekends {
			if !ws.IsWorkingDay(MustDate(s)) {
				t.Errorf("%s is a day off; want a working day", s)
			}
		}
		for _, d := range append(RussianHolidays(tt.year), RussianWorkingDays(tt.year)...) {
			if d.Year != tt.year {
				t.Errorf("%d table holds %s", tt.year, d)
			}
		}
		if RussianCalendarSource(tt.year) == "" {
			t.Errorf("%d: no source named", tt.year)
		}
		if n, signed, ok := RussianDecree(tt.year); ok != (tt.year < 2027) || ok && (n == "" || signed.Year != tt.year-1) {
			t.Errorf("RussianDecree(%d) = %q, %s, %v", tt.year, n, signed, ok)
		}
	}
	if got := RussianHolidays(2019); got != nil {
		t.Errorf("RussianHolidays(2019) = %v; want nil", got)
	}
}
