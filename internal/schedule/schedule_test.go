package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
)

func moscow(t *testing.T) *domain.Workspace {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	ws := &domain.Workspace{ID: "acme", Location: loc, Deadline: domain.Clock{Hour: 18}, Grace: 10 * time.Minute,
		Holidays: []domain.Date{domain.MustDate("2026-11-30")}}
	for d := time.Monday; d <= time.Friday; d++ {
		ws.WorkingWeekdays[d] = true
	}
	return ws
}

func keys(events []Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Key()+" @"+e.At.UTC().Format("01-02 15:04"))
	}
	return out
}

func TestDueAroundTheDeadline(t *testing.T) {
	ws := moscow(t)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ws.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		since, now string
		want       []string
	}{
		{"16:59 nothing yet", "2026-11-16 16:58", "2026-11-16 16:59", nil},
		{"17:00 first reminder", "2026-11-16 16:59", "2026-11-16 17:00", []string{"acme/reminder/2026-11-16/60m @11-16 14:00"}},
		{"17:45 second reminder", "2026-11-16 17:44", "2026-11-16 17:45", []string{"acme/reminder/2026-11-16/15m @11-16 14:45"}},
		{"18:00 the deadline itself plans nothing", "2026-11-16 17:59", "2026-11-16 18:00", nil},
		{"18:10 finalize", "2026-11-16 18:09", "2026-11-16 18:10", []string{"acme/finalize/2026-11-16 @11-16 15:10"}},
		{"a planner that wakes after the deadline sends no late reminders", "2026-11-16 12:00", "2026-11-16 20:00", []string{
			"acme/finalize/2026-11-16 @11-16 15:10"}},
		{"the afternoon at once", "2026-11-16 12:00", "2026-11-16 17:50", []string{
			"acme/reminder/2026-11-16/60m @11-16 14:00", "acme/reminder/2026-11-16/15m @11-16 14:45"}},
		{"Saturday is quiet", "2026-11-21 00:00", "2026-11-21 23:59", nil},
		{"Monday morning: last week's statement", "2026-11-23 08:59", "2026-11-23 09:00", []string{"acme/week_statement/2026-W47 @11-23 06:00"}},
		// 30 November is a holiday: the week's statement waits for Tuesday,
		// which is also the first working day of December.
		{"holiday Monday moves statements to Tuesday", "2026-11-30 00:00", "2026-12-01 09:00", []string{
			"acme/week_statement/2026-W48 @12-01 06:00", "acme/month_statement/2026-11 @12-01 06:00"}},
		// Down from Friday noon to Tuesday 10:00: Friday and Monday are
		// finalized on start, late reminders are not sent.
		{"catch-up after downtime", "2026-11-20 12:00", "2026-11-24 10:00", []string{
			"acme/finalize/2026-11-20 @11-20 15:10", "acme/week_statement/2026-W47 @11-23 06:00", "acme/finalize/2026-11-23 @11-23 15:10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(Due(ws, DefaultConfig(), at(tt.since), at(tt.now)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Due(%s, %s) (-want +got):\n%s", tt.since, tt.now, diff)
			}
		})
	}
}

func TestDueIsAPartition(t *testing.T) {
	// Planning minute by minute over a week yields exactly what planning the
	// whole week at once yields: nothing is lost or doubled between ticks.
	ws := moscow(t)
	start := time.Date(2026, 11, 22, 0, 0, 0, 0, ws.Location)
	end := start.AddDate(0, 0, 9)
	var stepped []string
	for t0 := start; t0.Before(end); t0 = t0.Add(time.Minute) {
		stepped = append(stepped, keys(Due(ws, DefaultConfig(), t0, t0.Add(time.Minute)))...)
	}
	var whole []string
	for _, e := range Due(ws, DefaultConfig(), start, end) {
		if e.Kind != Reminder { // reminders are only planned before their deadline
			whole = append(whole, e.Key()+" @"+e.At.UTC().Format("01-02 15:04"))
		}
	}
	var steppedNoReminders []string
	reminders := 0
	for _, k := range stepped {
		if strings.Contains(k, "/reminder/") {
			reminders++
			continue
		}
		steppedNoReminders = append(steppedNoReminders, k)
	}
	if diff := cmp.Diff(whole, steppedNoReminders); diff != "" {
		t.Errorf("minute ticks vs one call (-whole +ticks):\n%s", diff)
	}
	// Working days from 22 Nov to 1 Dec 00:00: 23..27 Nov (30 Nov is a holiday), 5 days × 2 reminders.
	if reminders != 10 {
		t.Errorf("minute ticks planned %d reminders, want 10", reminders)
	}
}

func TestDueWorkspaceRhythm(t *testing.T) {
	at := func(ws *domain.Workspace, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ws.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Config is what the serving process gives the planner; the
	// workspace's own settings win over it.
	global := Config{ReminderOffsets: []time.Duration{45 * time.Minute}, StatementTime: domain.Clock{Hour: 8}}
	tests := []struct {
		name       string
		reminders  []time.Duration
		statements *domain.Clock
		cfg        Config
		since, now string
		want       []string
	}{
		{"reminders [30m] at 17:30", []time.Duration{30 * time.Minute}, nil, DefaultConfig(),
			"2026-11-16 17:29", "2026-11-16 17:30", []string{"acme/reminder/2026-11-16/30m @11-16 14:30"}},
		{"reminders [30m]: none at 17:00", []time.Duration{30 * time.Minute}, nil, DefaultConfig(),
			"2026-11-16 16:59", "2026-11-16 17:00", nil},
		{"reminders [30m]: none at 17:45", []time.Duration{30 * time.Minute}, nil, DefaultConfig(),
			"2026-11-16 17:44", "2026-11-16 17:45", nil},
		{"reminders [30m]: the afternoon at once", []time.Duration{30 * time.Minute}, nil, DefaultConfig(),
			"2026-11-16 12:00", "2026-11-16 17:59", []string{"acme/reminder/2026-11-16/30m @11-16 14:30"}},
		{"reminders [] turn them off", []time.Duration{}, nil, DefaultConfig(),
			"2026-11-16 12:00", "2026-11-16 17:59", nil},
		{"reminders [] off even when Config has some", []time.Duration{}, nil, global,
			"2026-11-16 12:00", "2026-11-16 17:59", nil},
		{"reminders [] leave finalization alone", []time.Duration{}, nil, DefaultConfig(),
			"2026-11-16 12:00", "2026-11-16 18:10", []string{"acme/finalize/2026-11-16 @11-16 15:10"}},
		{"reminders unset: Config's", nil, nil, global,
			"2026-11-16 12:00", "2026-11-16 17:59", []string{"acme/reminder/2026-11-16/45m @11-16 14:15"}},
		{"reminders unset, zero Config: the defaults", nil, nil, Config{},
			"2026-11-16 12:00", "2026-11-16 17:59", []string{
				"acme/reminder/2026-11-16/60m @11-16 14:00", "acme/reminder/2026-11-16/15m @11-16 14:45"}},
		{"statements_at 10:30: none at 09:00", nil, &domain.Clock{Hour: 10, Minute: 30}, DefaultConfig(),
			"2026-11-23 08:00", "2026-11-23 10:29", nil},
		{"statements_at 10:30", nil, &domain.Clock{Hour: 10, Minute: 30}, DefaultConfig(),
			"2026-11-23 10:29", "2026-11-23 10:30", []string{"acme/week_statement/2026-W47 @11-23 07:30"}},
		{"statements_at 10:30 over Config's 08:00", nil, &domain.Clock{Hour: 10, Minute: 30}, global,
			"2026-11-23 07:00", "2026-11-23 10:30", []string{"acme/week_statement/2026-W47 @11-23 07:30"}},
		{"statements unset: Config's 08:00", nil, nil, global,
			"2026-11-23 07:59", "2026-11-23 08:00", []string{"acme/week_statement/2026-W47 @11-23 05:00"}},
		{"statements_at 10:30, month and week on the first working day", nil, &domain.Clock{Hour: 10, Minute: 30}, DefaultConfig(),
			"2026-12-01 10:29", "2026-12-01 10:30", []string{
				"acme/week_statement/2026-W48 @12-01 07:30", "acme/month_statement/2026-11 @12-01 07:30"}},
		{"statements_at 00:00 is a time like any other", nil, &domain.Clock{}, DefaultConfig(),
			"2026-11-22 23:59", "2026-11-23 00:00", []string{"acme/week_statement/2026-W47 @11-22 21:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := moscow(t)
			ws.Notifications.Reminders = tt.reminders
			ws.Notifications.StatementsAt = tt.statements
			got := keys(Due(ws, tt.cfg, at(ws, tt.since), at(ws, tt.now)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Due(%s, %s) (-want +got):\n%s", tt.since, tt.now, diff)
			}
		})
	}
}

func TestDueReminderTheEveningBefore(t *testing.T) {
	// A deadline just after midnight: Monday's reminders fall on Sunday
	// evening, and Saturday's (not a working day) on Friday's none.
	ws := moscow(t)
	ws.Deadline = domain.Clock{Minute: 30}
	ws.Notifications.Reminders = []time.Duration{60 * time.Minute, 11 * time.Hour}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ws.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		since, now string
		want       []string
	}{
		{"2026-11-15 23:29", "2026-11-15 23:30", []string{"acme/reminder/2026-11-16/60m @11-15 20:30"}},
		{"2026-11-15 13:29", "2026-11-15 13:30", []string{"acme/reminder/2026-11-16/660m @11-15 10:30"}},
		{"2026-11-20 12:00", "2026-11-21 00:29", nil}, // Friday evening: Saturday is no working day
	}
	for _, tt := range tests {
		got := keys(Due(ws, DefaultConfig(), at(tt.since), at(tt.now)))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Due(%s, %s) (-want +got):\n%s", tt.since, tt.now, diff)
		}
	}
}
