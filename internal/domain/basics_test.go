package domain

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		days int
		want string
	}{
		{"2026-11-30", 1, "2026-12-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-11-17", 0, "2026-11-17"},
	} {
		if got := MustDate(tt.in).AddDays(tt.days).String(); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s; want %s", tt.in, tt.days, got, tt.want)
		}
	}
	if got := MustDate("2026-11-17").Weekday(); got != time.Tuesday {
		t.Errorf("Weekday(2026-11-17) = %s; want Tuesday", got)
	}
	a, b := MustDate("2026-11-17"), MustDate("2026-12-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(a) != 0 || a.Compare(b) != -1 || b.Compare(a) != 1 {
		t.Errorf("ordering of %s and %s is wrong", a, b)
	}
	for _, bad := range []string{"", "2026-13-01", "2026-02-30", "17.11.2026", "2026-11-17T00:00:00Z"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = nil error; want an error", bad)
		}
	}
	if got := (Date{}).String(); got != "" {
		t.Errorf("zero Date String = %q; want empty", got)
	}

	var d Date
	if err := d.UnmarshalText([]byte("2026-11-17")); err != nil || d != MustDate("2026-11-17") {
		t.Errorf("UnmarshalText(2026-11-17) = %s, %v; want 2026-11-17, nil", d, err)
	}
	if err := d.UnmarshalText(nil); err != nil || !d.IsZero() {
		t.Errorf("UnmarshalText(empty) = %s, %v; want zero, nil", d, err)
	}
	if err := d.UnmarshalText([]byte("tomorrow")); err == nil {
		t.Errorf("UnmarshalText(tomorrow) = nil error; want an error")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MustDate(bad) did not panic")
		}
	}()
	MustDate("bad")
}

func TestErrors(t *testing.T) {
	invalid := Errorf(EINVALID, "adjustment: points must not be zero")
	wrapped := fmt.Errorf("store: create adjustment: %w", invalid)
	plain := errors.New("pq: connection refused at 10.0.0.5")
	for _, tt := range []struct {
		err           error
		code, message string
	}{
		{nil, "", ""},
		{invalid, EINVALID, "adjustment: points must not be zero"},
		{wrapped, EINVALID, "adjustment: points must not be zero"},
		{plain, EINTERNAL, "internal error"},
	} {
		if got := ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q; want %q", tt.err, got, tt.code)
		}
		if got := ErrorMessage(tt.err); got != tt.message {
			t.Errorf("ErrorMessage(%v) = %q; want %q", tt.err, got, tt.message)
		}
	}
}

func TestClockAndIDs(t *testing.T) {
	for _, tt := range []struct {
		c    Clock
		want string
	}{
		{Clock{18, 0}, "18:00"}, {Clock{9, 5}, "09:05"}, {Clock{0, 0}, "00:00"}, {Clock{23, 59}, "23:59"},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Clock%v.String() = %q; want %q", tt.c, got, tt.want)
		}
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"acme", true}, {"acme-2", true}, {"9lives", true},
		{"", false}, {"-acme", false}, {"Acme", false}, {"acme_2", false}, {"ромашка", false},
	} {
		if got := ValidWorkspaceID(tt.id); got != tt.want {
			t.Errorf("ValidWorkspaceID(%q) = %v; want %v", tt.id, got, tt.want)
		}
	}
}

func TestRegulationVersionEqual(t *testing.T) {
	v := func(target int64) *RegulationVersion {
		return &RegulationVersion{Effective: MustDate("2026-11-01"), Rules: []Rule{
			{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(target), Pass: 1, Fail: -2},
		}}
	}
	if !v(30).Equal(v(30)) {
		t.Errorf("equal versions reported different")
	}
	if v(30).Equal(v(31)) {
		t.Errorf("versions with different targets reported equal")
	}
	w := v(30)
	w.Effective = MustDate("2026-11-02")
	if v(30).Equal(w) {
		t.Errorf("versions with different effective days reported equal")
	}
}

func TestValuesAccessors(t *testing.T) {
	var v Values
	v.SetCount(CallsHeld, 31)
	v.SetCount(WonAmount, 99) // not a count: ignored
	v.WonAmount = decimal.RequireFromString("150000.5")
	for _, tt := range []struct {
		ind    Indicator
		count  int64
		format string
	}{
		{CallsHeld, 31, "31"},
		{MeetingsHeld, 0, "0"},
		{WonAmount, 0, "150000.50"},
		{Indicator("nonsense"), 0, "0"},
	} {
		if got := v.Count(tt.ind); got != tt.count {
			t.Errorf("Count(%s) = %d; want %d", tt.ind, got, tt.count)
		}
		if got := v.Format(tt.ind); got != tt.format {
			t.Errorf("Format(%s) = %q; want %q", tt.ind, got, tt.format)
		}
	}
	if got := v.Get(WonAmount); !got.Equal(decimal.RequireFromString("150000.50")) {
		t.Errorf("Get(won_amount) = %s; want 150000.50", got)
	}
	if got := v.Get(CallsHeld); !got.Equal(decimal.NewFromInt(31)) {
		t.Errorf("Get(calls_held) = %s; want 31", got)
	}
}

func TestRecordBatchLen(t *testing.T) {
	b := RecordBatch{Companies: make([]Company, 1), Deals: make([]Deal, 2), Tasks: make([]Task, 3), Activities: make([]Activity, 4)}
	if got := b.Len(); got != 10 {
		t.Errorf("Len() = %d; want 10", got)
	}
}

func TestWindowWithoutPreviousWorkingDay(t *testing.T) {
	// A calendar whose only working day is one moved day: the window falls
	// back to the 24 hours before the cutoff.
	ws := &Workspace{Location: mustLoc(t, "Europe/Moscow"), Deadline: Clock{18, 0}, ExtraWorkingDays: []Date{MustDate("2026-11-07")}}
	win := ws.Window(MustDate("2026-11-07"))
	if want := mskCutoff(6); !win.From.Equal(want) || !win.To.Equal(mskCutoff(7)) {
		t.Errorf("window = (%s, %s]; want (%s, %s]", win.From.UTC(), win.To.UTC(), want, mskCutoff(7))
	}
}
