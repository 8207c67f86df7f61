package domain

import (
	"slices"
	"time"
)

// maxCalendarGap bounds the search for a neighbouring working day, so that a
// calendar with no working days cannot loop forever.
const maxCalendarGap = 366

// IsWorkingDay reports whether d is a working day of the workspace: a working
// weekday that is not a holiday, or a moved working day.
func (w *Workspace) IsWorkingDay(d Date) bool {
	if slices.Contains(w.ExtraWorkingDays, d) {
		return true
	}
	if slices.Contains(w.Holidays, d) {
		return false
	}
	return w.WorkingWeekdays[d.Weekday()]
}

// PrevWorkingDay returns the working day before d. ok is false when there is
// none within a year.
func (w *Workspace) PrevWorkingDay(d Date) (Date, bool) {
	for i := 1; i <= maxCalendarGap; i++ {
		if p := d.AddDays(-i); w.IsWorkingDay(p) {
			return p, true
		}
	}
	return Date{}, false
}

// NextWorkingDay returns the first working day on or after d.
func (w *Workspace) NextWorkingDay(d Date) (Date, bool) {
	for i := 0; i <= maxCalendarGap; i++ {
		if n := d.AddDays(i); w.IsWorkingDay(n) {
			return n, true
		}
	}
	return Date{}, false
}

// WorkingDays lists the working days from from to to, inclusive.
func (w *Workspace) WorkingDays(from, to Date) []Date {
	var days []Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if w.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	return days
}

// Cutoff returns the deadline of local date d as an instant.
func (w *Workspace) Cutoff(d Date) time.Time {
	return d.In(w.Location, w.Deadline.Hour, w.Deadline.Minute)
}

// Window is the half-open interval (From, To] of instants whose work belongs
// to one working day.
type Window struct {
	Day      Date
	From, To time.Time // From = cutoff(previous working day), To = cutoff(Day)
	Grace    time.Duration
}

// Contains reports whether t is in (From, To].
func (win Window) Contains(t time.Time) bool { return t.After(win.From) && !t.After(win.To) }

// EnteredInTime reports whether a record entered at t counts for the window:
// entered no later than To+Grace.
func (win Window) EnteredInTime(t time.Time) bool { return !t.After(win.To.Add(win.Grace)) }

// Deadline returns To+Grace, the moment the day's sheet may be finalized.
func (win Window) Deadline() time.Time { return win.To.Add(win.Grace) }

// Window returns window(d) = (cutoff(P), cutoff(d)] where P is the previous
// working day. d should be a working day; for a day off the window is still
// well defined but nobody is scored on it.
func (w *Workspace) Window(d Date) Window {
	win := Window{Day: d, To: w.Cutoff(d), Grace: w.Grace}
	if p, ok := w.PrevWorkingDay(d); ok {
		win.From = w.Cutoff(p)
	} else {
		win.From = win.To.AddDate(0, 0, -1)
	}
	return win
}

// WorkingDayOf returns the working day whose window contains t: the first
// working day whose cutoff is at or after t.
func (w *Workspace) WorkingDayOf(t time.Time) (Date, bool) {
	d := DateOf(t.In(w.Location))
	for i := 0; i <= maxCalendarGap; i++ {
		n := d.AddDays(i)
		if w.IsWorkingDay(n) && !t.After(w.Cutoff(n)) {
			return n, true
		}
	}
	return Date{}, false
}

// Today returns the local date of now in the workspace timezone.
func (w *Workspace) Today(now time.Time) Date { return DateOf(now.In(w.Location)) }
