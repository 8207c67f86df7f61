package domain

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIsWorkingDay(t *testing.T) {
	ws := newTestWorkspace(t)
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-11-02", true},  // Monday
		{"2026-11-03", true},  // Tuesday
		{"2026-11-04", false}, // Wednesday, holiday
		{"2026-11-06", true},  // Friday
		{"2026-11-07", true},  // Saturday, moved working day
		{"2026-11-08", false}, // Sunday
		{"2026-11-14", false}, // Saturday
		{"2026-11-15", false}, // Sunday
		{"2026-12-31", false}, // Thursday, holiday
		{"2027-01-01", true},  // Friday, not listed as a holiday
	}
	for _, tt := range tests {
		if got := ws.IsWorkingDay(MustDate(tt.day)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v; want %v", tt.day, got, tt.want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	ws := newTestWorkspace(t)
	got := ws.WorkingDays(MustDate("2026-11-02"), MustDate("2026-11-09"))
	want := []Date{
		MustDate("2026-11-02"), MustDate("2026-11-03"), MustDate("2026-11-05"),
		MustDate("2026-11-06"), MustDate("2026-11-07"), MustDate("2026-11-09"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WorkingDays(2026-11-02, 2026-11-09) mismatch (-want +got):\n%s", diff)
	}
}

func TestPrevNextWorkingDay(t *testing.T) {
	ws := newTestWorkspace(t)
	tests := []struct {
		day, prev, next string
	}{
		// Tuesday: previous is Monday, next is itself.
		{"2026-11-17", "2026-11-16", "2026-11-17"},
		// Monday after a normal weekend: previous is Friday.
		{"2026-11-16", "2026-11-13", "2026-11-16"},
		// Sunday: previous is Friday, next is Monday.
		{"2026-11-15", "2026-11-13", "2026-11-16"},
		// Day after the holiday: previous skips Wednesday 4th.
		{"2026-11-05", "2026-11-03", "2026-11-05"},
		// The holiday itself: next is Thursday.
		{"2026-11-04", "2026-11-03", "2026-11-05"},
		// Monday after the moved Saturday: previous is that Saturday.
		{"2026-11-09", "2026-11-07", "2026-11-09"},
		// Sunday after the moved Saturday.
		{"2026-11-08", "2026-11-07", "2026-11-09"},
		// The moved Saturday: previous is Friday, next is itself.
		{"2026-11-07", "2026-11-06", "2026-11-07"},
	}
	for _, tt := range tests {
		d := MustDate(tt.day)
		if got, ok := ws.PrevWorkingDay(d); !ok || got != MustDate(tt.prev) {
			t.Errorf("PrevWorkingDay(%s) = %s, %v; want %s, true", tt.day, got, ok, tt.prev)
		}
		if got, ok := ws.NextWorkingDay(d); !ok || got != MustDate(tt.next) {
			t.Errorf("NextWorkingDay(%s) = %s, %v; want %s, true", tt.day, got, ok, tt.next)
		}
	}

	empty := &Workspace{Location: time.UTC}
	if got, ok := empty.PrevWorkingDay(MustDate("2026-11-17")); ok {
		t.Errorf("PrevWorkingDay on an empty calendar = %s, true; want false", got)
	}
	if got, ok := empty.NextWorkingDay(MustDate("2026-11-17")); ok {
		t.Errorf("NextWorkingDay on an empty calendar = %s, true; want false", got)
	}
	if got, ok := empty.WorkingDayOf(mskCutoff(17)); ok {
		t.Errorf("WorkingDayOf on an empty calendar = %s, true; want false", got)
	}
}

func TestWindow(t *testing.T) {
	ws := newTestWorkspace(t)
	tests := []struct {
		name     string
		day      string
		from, to time.Time
	}{
		{"normal Tuesday", "2026-11-17", mskCutoff(16), mskCutoff(17)},
		// Work after Friday's deadline and at the weekend belongs to Monday.
		{"Monday takes Friday evening and the weekend", "2026-11-16", mskCutoff(13), mskCutoff(16)},
		{"day after a holiday", "2026-11-05", mskCutoff(3), mskCutoff(5)},
		{"moved working Saturday", "2026-11-07", mskCutoff(6), mskCutoff(7)},
		{"Monday after a moved Saturday", "2026-11-09", mskCutoff(7), mskCutoff(9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			win := ws.Window(MustDate(tt.day))
			if win.Day != MustDate(tt.day) {
				t.Errorf("Day = %s; want %s", win.Day, tt.day)
			}
			if !win.From.Equal(tt.from) || !win.To.Equal(tt.to) {
				t.Errorf("window = (%s, %s]; want (%s, %s]", win.From.UTC(), win.To.UTC(), tt.from, tt.to)
			}
			if win.Grace != 10*time.Minute {
				t.Errorf("Grace = %s; want 10m", win.Grace)
			}
			if want := tt.to.Add(10 * time.Minute); !win.Deadline().Equal(want) {
				t.Errorf("Deadline() = %s; want %s", win.Deadline().UTC(), want)
			}
		})
	}
}

func TestWindowContainsAndEnteredInTime(t *testing.T) {
	ws := newTestWorkspace(t)
	win := ws.Window(MustDate("2026-11-17"))
	from, to := mskCutoff(16), mskCutoff(17)
	contains := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"previous cutoff exactly", from, false},
		{"previous cutoff +1s", from.Add(time.Second), true},
		{"cutoff -1s", to.Add(-time.Second), true},
		{"cutoff exactly", to, true},
		{"cutoff +1s", to.Add(time.Second), false},
	}
	for _, tt := range contains {
		if got := win.Contains(tt.t); got != tt.want {
			t.Errorf("Contains(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
	entered := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"before the cutoff", to.Add(-time.Hour), true},
		{"cutoff+grace exactly", to.Add(10 * time.Minute), true},
		{"cutoff+grace+1s", to.Add(10*time.Minute + time.Second), false},
	}
	for _, tt := range entered {
		if got := win.EnteredInTime(tt.t); got != tt.want {
			t.Errorf("EnteredInTime(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestWorkingDayOf(t *testing.T) {
	ws := newTestWorkspace(t)
	msk := ws.Location
	at := func(day, h, m, s int) time.Time { return time.Date(2026, time.November, day, h, m, s, 0, msk) }
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"Tuesday morning", at(17, 9, 0, 0), "2026-11-17"},
		{"Tuesday at the cutoff", at(17, 18, 0, 0), "2026-11-17"},
		{"Tuesday cutoff +1s", at(17, 18, 0, 1), "2026-11-18"},
		{"Friday cutoff -1s", at(13, 17, 59, 59), "2026-11-13"},
		{"Friday cutoff +1s", at(13, 18, 0, 1), "2026-11-16"},
		{"Saturday noon", at(14, 12, 0, 0), "2026-11-16"},
		{"Sunday late", at(15, 23, 59, 59), "2026-11-16"},
		{"Monday midnight", at(16, 0, 0, 0), "2026-11-16"},
		{"Tuesday evening before the holiday", at(3, 20, 0, 0), "2026-11-05"},
		{"the holiday itself", at(4, 12, 0, 0), "2026-11-05"},
		{"Friday evening before the moved Saturday", at(6, 19, 0, 0), "2026-11-07"},
		{"moved Saturday after its cutoff", at(7, 18, 0, 1), "2026-11-09"},
		// The same instants given in UTC must be read in the workspace zone.
		{"Friday 23:59:59 Moscow given in UTC", utc(2026, time.November, 13, 20, 59, 59), "2026-11-16"},
		{"Tuesday 00:30 Moscow given in UTC (still Monday in UTC)", utc(2026, time.November, 16, 21, 30, 0), "2026-11-17"},
	}
	for _, tt := range tests {
		got, ok := ws.WorkingDayOf(tt.t)
		if !ok || got != MustDate(tt.want) {
			t.Errorf("WorkingDayOf(%s) = %s, %v; want %s, true", tt.name, got, ok, tt.want)
		}
	}

	// In a zone behind UTC the local date is earlier than the UTC date: a
	// Monday 17:00 in Honolulu is Tuesday 03:00 UTC, and belongs to Monday.
	hnl := newTestWorkspace(t)
	hnl.Location = mustLoc(t, "Pacific/Honolulu")
	if got, ok := hnl.WorkingDayOf(utc(2026, time.November, 17, 3, 0, 0)); !ok || got != MustDate("2026-11-16") {
		t.Errorf("Honolulu WorkingDayOf(Mon 17:00 local) = %s, %v; want 2026-11-16, true", got, ok)
	}
}

func TestCutoff(t *testing.T) {
	berlin := &Workspace{Location: mustLoc(t, "Europe/Berlin"), Deadline: Clock{18, 0}, WorkingWeekdays: monToFri}
	moscow := newTestWorkspace(t)
	half := newTestWorkspace(t)
	half.Deadline = Clock{18, 30}
	tests := []struct {
		name string
		ws   *Workspace
		day  string
		want time.Time
	}{
		// Berlin: CET (UTC+1) until the last Sunday of March (29 March 2026),
		// CEST (UTC+2) until the last Sunday of October (25 October 2026).
		{"Berlin Friday before spring change (CET)", berlin, "2026-03-27", utc(2026, time.March, 27, 17, 0, 0)},
		{"Berlin Saturday before spring change (CET)", berlin, "2026-03-28", utc(2026, time.March, 28, 17, 0, 0)},
		{"Berlin Sunday of spring change (CEST)", berlin, "2026-03-29", utc(2026, time.March, 29, 16, 0, 0)},
		{"Berlin Monday after spring change (CEST)", berlin, "2026-03-30", utc(2026, time.March, 30, 16, 0, 0)},
		{"Berlin Friday before autumn change (CEST)", berlin, "2026-10-23", utc(2026, time.October, 23, 16, 0, 0)},
		{"Berlin Saturday before autumn change (CEST)", berlin, "2026-10-24", utc(2026, time.October, 24, 16, 0, 0)},
		{"Berlin Sunday of autumn change (CET)", berlin, "2026-10-25", utc(2026, time.October, 25, 17, 0, 0)},
		{"Berlin Monday after autumn change (CET)", berlin, "2026-10-26", utc(2026, time.October, 26, 17, 0, 0)},
		{"Moscow in March", moscow, "2026-03-30", utc(2026, time.March, 30, 15, 0, 0)},
		{"Moscow in October", moscow, "2026-10-26", utc(2026, time.October, 26, 15, 0, 0)},
		{"Moscow in November", moscow, "2026-11-17", utc(2026, time.November, 17, 15, 0, 0)},
		{"Moscow deadline 18:30", half, "2026-11-17", utc(2026, time.November, 17, 15, 30, 0)},
	}
	for _, tt := range tests {
		if got := tt.ws.Cutoff(MustDate(tt.day)); !got.Equal(tt.want) {
			t.Errorf("%s: Cutoff(%s) = %s; want %s", tt.name, tt.day, got.UTC(), tt.want)
		}
	}
}

func TestWindowAcrossDSTChange(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	everyDay := &Workspace{Location: berlin, Deadline: Clock{18, 0},
		WorkingWeekdays: weekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday)}
	weekdaysOnly := &Workspace{Location: berlin, Deadline: Clock{18, 0}, WorkingWeekdays: monToFri}
	tests := []struct {
		name     string
		ws       *Workspace
		day      string
		from, to time.Time
		length   time.Duration
	}{
		{"every day: Sunday 29 March is 23h", everyDay, "2026-03-29",
			utc(2026, time.March, 28, 17, 0, 0), utc(2026, time.March, 29, 16, 0, 0), 23 * time.Hour},
		{"every day: Monday 30 March is 24h again", everyDay, "2026-03-30",
			utc(2026, time.March, 29, 16, 0, 0), utc(2026, time.March, 30, 16, 0, 0), 24 * time.Hour},
		{"every day: Sunday 25 October is 25h", everyDay, "2026-10-25",
			utc(2026, time.October, 24, 16, 0, 0), utc(2026, time.October, 25, 17, 0, 0), 25 * time.Hour},
		{"Mon-Fri: Monday 30 March spans the weekend, 71h", weekdaysOnly, "2026-03-30",
			utc(2026, time.March, 27, 17, 0, 0), utc(2026, time.March, 30, 16, 0, 0), 71 * time.Hour},
		{"Mon-Fri: Monday 26 October spans the weekend, 73h", weekdaysOnly, "2026-10-26",
			utc(2026, time.October, 23, 16, 0, 0), utc(2026, time.October, 26, 17, 0, 0), 73 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			win := tt.ws.Window(MustDate(tt.day))
			if !win.From.Equal(tt.from) || !win.To.Equal(tt.to) {
				t.Errorf("window = (%s, %s]; want (%s, %s]", win.From.UTC(), win.To.UTC(), tt.from, tt.to)
			}
			if got := win.To.Sub(win.From); got != tt.length {
				t.Errorf("window length = %s; want %s", got, tt.length)
			}
			if h, m, _ := win.To.In(berlin).Clock(); h != 18 || m != 0 {
				t.Errorf("cutoff local clock = %02d:%02d; want 18:00", h, m)
			}
		})
	}

	// Work at 17:30 local on the Sunday of the spring change (15:30 UTC)
	// belongs to that Sunday; 18:30 local (16:30 UTC) to Monday.
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{utc(2026, time.March, 29, 15, 30, 0), "2026-03-29"},
		{utc(2026, time.March, 29, 16, 30, 0), "2026-03-30"},
		// Autumn: 17:30 local on Sunday 25 October is 16:30 UTC.
		{utc(2026, time.October, 25, 16, 30, 0), "2026-10-25"},
		{utc(2026, time.October, 25, 17, 0, 1), "2026-10-26"},
	} {
		if got, ok := everyDay.WorkingDayOf(tt.t); !ok || got != MustDate(tt.want) {
			t.Errorf("Berlin WorkingDayOf(%s) = %s, %v; want %s, true", tt.t, got, ok, tt.want)
		}
	}
}

func TestToday(t *testing.T) {
	ws := newTestWorkspace(t)
	// 22:30 UTC on the 16th is 01:30 on the 17th in Moscow.
	if got, want := ws.Today(utc(2026, time.November, 16, 22, 30, 0)), MustDate("2026-11-17"); got != want {
		t.Errorf("Today = %s; want %s", got, want)
	}
}
