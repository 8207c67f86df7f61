// Package schedule knows the daily rhythm of a workspace: when reminders go
// out before the deadline, when a day is finalized, when statements are
// sent. It only plans — Due lists what has come due — and the job queue
// runs each planned event once, keyed by Event.Key.
package schedule

import (
	"fmt"
	"slices"
	"time"

	"reglament/internal/domain"
)

// Kind is what an event does.
type Kind string

// The kinds of scheduled work.
const (
	Reminder       Kind = "reminder"        // warn managers at risk before the deadline
	Finalize       Kind = "finalize"        // freeze the day's sheet at cutoff+grace, then send the digest
	WeekStatement  Kind = "week_statement"  // last ISO week's statement, first working day of a week
	MonthStatement Kind = "month_statement" // last month's statement, first working day of a month
)

// Config is the rhythm's settings; the zero value gets the defaults.
type Config struct {
	// ReminderOffsets are how long before the deadline reminders go out.
	ReminderOffsets []time.Duration
	// StatementTime is the local time statements are sent.
	StatementTime domain.Clock
}

// DefaultConfig is reminders at 60 and 15 minutes before the deadline and
// statements at 09:00.
func DefaultConfig() Config {
	return Config{ReminderOffsets: []time.Duration{60 * time.Minute, 15 * time.Minute}, StatementTime: domain.Clock{Hour: 9}}
}

// Event is one piece of scheduled work.
type Event struct {
	Workspace string
	Kind      Kind
	Day       domain.Date   // the working day (reminder, finalize) or the first day of the period (statements)
	Period    string        // statements: 2026-W47 or 2026-11
	Offset    time.Duration // reminders: how long before the deadline
	At        time.Time
}

// Key identifies the event across instances and restarts: the job queue
// inserts at most one job per key.
func (e Event) Key() string {
	switch e.Kind {
	case Reminder:
		return fmt.Sprintf("%s/%s/%s/%dm", e.Workspace, e.Kind, e.Day, int(e.Offset/time.Minute))
	case WeekStatement, MonthStatement:
		return fmt.Sprintf("%s/%s/%s", e.Workspace, e.Kind, e.Period)
	}
	return fmt.Sprintf("%s/%s/%s", e.Workspace, e.Kind, e.Day)
}

// Due lists the events of ws whose moment is in (since, now], in time order.
// Finalization is also due for every earlier working day in the range (the
// catch-up after downtime); reminders whose deadline has already passed are
// dropped, because a warning after the fact only annoys.
//
// The reminder offsets and the statement time are the workspace's own
// (ws.Notifications) where it sets them, cfg's otherwise.
func Due(ws *domain.Workspace, cfg Config, since, now time.Time) []Event {
	if cfg.ReminderOffsets == nil && cfg.StatementTime == (domain.Clock{}) {
		cfg = DefaultConfig()
	}
	if r := ws.Notifications.Reminders; r != nil {
		cfg.ReminderOffsets = r
	}
	if at := ws.Notifications.StatementsAt; at != nil {
		cfg.StatementTime = *at
	}
	var events []Event
	// A day's reminders may fall on the evening before it (a deadline of
	// 00:30 and a reminder an hour before), so the next day is looked at too.
	first := domain.DateOf(since.In(ws.Location)).AddDays(-1)
	last := domain.DateOf(now.In(ws.Location)).AddDays(1)
	in := func(t time.Time) bool { return t.After(since) && !t.After(now) }
	for d := first; !d.After(last); d = d.AddDays(1) {
		if !ws.IsWorkingDay(d) {
			continue
		}
		cutoff := ws.Cutoff(d)
		for _, off := range cfg.ReminderOffsets {
			if at := cutoff.Add(-off); in(at) && now.Before(cutoff) {
				events = append(events, Event{Workspace: ws.ID, Kind: Reminder, Day: d, Offset: off, At: at})
			}
		}
		if at := cutoff.Add(ws.Grace); in(at) {
			events = append(events, Event{Workspace: ws.ID, Kind: Finalize, Day: d, At: at})
		}
		at := d.In(ws.Location, cfg.StatementTime.Hour, cfg.StatementTime.Minute)
		if !in(at) {
			continue
		}
		if prev, ok := ws.PrevWorkingDay(d); ok && domain.WeekOf(prev) != domain.WeekOf(d) {
			p := domain.WeekOf(prev)
			events = append(events, Event{Workspace: ws.ID, Kind: WeekStatement, Day: p.From, Period: p.Label, At: at})
		}
		if prev, ok := ws.PrevWorkingDay(d); ok && domain.MonthOf(prev) != domain.MonthOf(d) {
			p := domain.MonthOf(prev)
			events = append(events, Event{Workspace: ws.ID, Kind: MonthStatement, Day: p.From, Period: p.Label, At: at})
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	return events
}
