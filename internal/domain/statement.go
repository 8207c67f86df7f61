package domain

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Period kinds of a statement.
const (
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// Period is an ISO week or a calendar month, both ends inclusive.
type Period struct {
	Kind  string
	Label string // 2026-11 or 2026-W47
	From  Date
	To    Date
}

var (
	monthPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	weekPattern  = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
)

// ParsePeriod parses a calendar month (2026-11) or an ISO week (2026-W47).
func ParsePeriod(s string) (Period, error) {
	if m := monthPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Period{}, Errorf(EINVALID, "invalid period %q: month must be 01..12", s)
		}
		from := Date{y, time.Month(mo), 1}
		return Period{Kind: PeriodMonth, Label: s, From: from, To: DateOf(from.utc().AddDate(0, 1, -1))}, nil
	}
	if m := weekPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		// ISO week 1 is the week with the year's first Thursday; 4 January is always in it.
		jan4 := Date{y, time.January, 4}
		monday := jan4.AddDays(-((int(jan4.Weekday()) + 6) % 7))
		from := monday.AddDays(7 * (w - 1))
		if yy, ww := from.utc().ISOWeek(); w < 1 || yy != y || ww != w {
			return Period{}, Errorf(EINVALID, "invalid period %q: year %d has no ISO week %d", s, y, w)
		}
		return Period{Kind: PeriodWeek, Label: s, From: from, To: from.AddDays(6)}, nil
	}
	return Period{}, Errorf(EINVALID, "invalid period %q: want YYYY-MM (month) or YYYY-Www (ISO week)", s)
}

// MonthOf returns the calendar month containing d.
func MonthOf(d Date) Period {
	p, _ := ParsePeriod(fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)))
	return p
}

// WeekOf returns the ISO week containing d.
func WeekOf(d Date) Period {
	y, w := d.utc().ISOWeek()
	p, _ := ParsePeriod(fmt.Sprintf("%04d-W%02d", y, w))
	return p
}

// Statement is the period summary per manager that goes to payroll.
type Statement struct {
	Workspace  string          `json:"workspace"`
	Period     string          `json:"period"`
	From       Date            `json:"from"`
	To         Date            `json:"to"`
	Currency   string          `json:"currency"`
	PointValue decimal.Decimal `json:"point_value"`
	// PayMode is how points became money (PayPoints or PayBonus); in
	// bonus pay, Base is the period's bonus before the points.
	PayMode string `json:"pay_mode"`
	Base    *Money `json:"base,omitempty"`
	// PaySettings is the effective date of the pay settings version the
	// statement used (the one in force on its last day); empty for the
	// version from the start.
	PaySettings Date            `json:"pay_settings"`
	Lines       []StatementLine `json:"managers"`
}

// StatementLine is one manager's line of a statement. Money is Total times
// the point value, after caps: a bonus when positive, a fine when negative;
// in bonus pay, the period's bonus raised or reduced by that amount, never
// below zero.
type StatementLine struct {
	Manager     string `json:"manager"`
	Name        string `json:"name"`
	WorkingDays int    `json:"working_days"`
	DaysScored  int    `json:"days_scored"`
	DaysAbsent  int    `json:"days_absent"`
	// DaysPending counts working days of the period that are not final yet.
	DaysPending int   `json:"days_pending"`
	Points      int   `json:"points"`
	Adjustments int   `json:"adjustments"`
	Total       int   `json:"total"`
	Money       Money `json:"money"`
	Capped      bool  `json:"capped"`
}

// ManagerTotals is one manager's sums over the final sheets of a period:
// points, days scored and days absent (as the frozen sheets recorded them).
type ManagerTotals struct {
	Manager    string
	Points     int
	DaysScored int
	DaysAbsent int
}

// StatementTotals is what a statement needs of the final sheets of a
// period: the days that are final, and the totals of every manager present
// in their lines, in the order of first appearance (by day, then by the
// line's position).
type StatementTotals struct {
	FinalDays []Date
	Managers  []ManagerTotals
}

// SumSheets reduces the final sheets (the latest version of each day) of
// period p to the totals a statement is built from. Of several sheets of
// one day, the last in the slice counts.
func SumSheets(p Period, sheets []DaySheet) StatementTotals {
	var t StatementTotals
	final := make(map[Date]*DaySheet)
	for i := range sheets {
		if s := &sheets[i]; !s.Date.Before(p.From) && !s.Date.After(p.To) {
			final[s.Date] = s
		}
	}
	index := make(map[string]int)
	for i := range sheets {
		s := &sheets[i]
		if final[s.Date] != s {
			continue
		}
		t.FinalDays = append(t.FinalDays, s.Date)
		for _, sl := range s.Lines {
			j, ok := index[sl.Manager]
			if !ok {
				j = len(t.Managers)
				index[sl.Manager] = j
				t.Managers = append(t.Managers, ManagerTotals{Manager: sl.Manager})
			}
			m := &t.Managers[j]
			if sl.Absent {
				m.DaysAbsent++
			} else {
				m.DaysScored++
			}
			m.Points += sl.Points
		}
	}
	return t
}

// BuildStatement sums the final sheets (the latest version of each day) and
// the adjustments of the period. Managers no longer in the workspace but
// present in its sheets or adjustments keep their line: pay must add up.
func BuildStatement(ws *Workspace, p Period, sheets []DaySheet, adjs []Adjustment) Statement {
	return BuildStatementTotals(ws, p, SumSheets(p, sheets), adjs)
}

// BuildStatementTotals is BuildStatement from the sheets' totals, which a
// store can sum without loading every line.
func BuildStatementTotals(ws *Workspace, p Period, t StatementTotals, adjs []Adjustment) Statement {
	pay := ws.StatementPayVersion(p)
	st := Statement{Workspace: ws.ID, Period: p.Label, From: p.From, To: p.To, Currency: pay.Currency, PointValue: pay.PointValue,
		PayMode: pay.Pay.ModeName(), PaySettings: pay.Effective}
	if pay.Pay.Mode == PayBonus {
		base := NewMoney(pay.Pay.BaseFor(p.Kind))
		st.Base = &base
	}
	days := ws.WorkingDays(p.From, p.To)
	index := make(map[string]int)
	line := func(id string) *StatementLine {
		if i, ok := index[id]; ok {
			return &st.Lines[i]
		}
		index[id] = len(st.Lines)
		st.Lines = append(st.Lines, StatementLine{Manager: id, Name: id})
		return &st.Lines[len(st.Lines)-1]
	}
	final := make(map[Date]bool, len(t.FinalDays))
	for _, d := range t.FinalDays {
		if !d.Before(p.From) && !d.After(p.To) {
			final[d] = true
		}
	}
	for i := range ws.Managers {
		m := &ws.Managers[i]
		l := line(m.ID)
		l.Name = m.Name
		for _, d := range days {
			l.WorkingDays++
			// A final day counts absence as the frozen sheet recorded it (in
			// the loop over totals below); an absence entered later is a
			// matter for an adjustment.
			if final[d] {
				continue
			}
			if m.AbsentOn(d) {
				l.DaysAbsent++
			} else {
				l.DaysPending++
			}
		}
	}
	for _, mt := range t.Managers {
		l := line(mt.Manager)
		l.DaysScored += mt.DaysScored
		if l.WorkingDays > 0 { // a current manager; a departed one has no calendar here
			l.DaysAbsent += mt.DaysAbsent
		}
		l.Points += mt.Points
	}
	for _, a := range adjs {
		if a.Date.Before(p.From) || a.Date.After(p.To) {
			continue
		}
		line(a.Manager).Adjustments += a.Points
	}
	for i := range st.Lines {
		l := &st.Lines[i]
		l.Total = l.Points + l.Adjustments
		l.Money, l.Capped = pay.Money(p.Kind, l.Total)
	}
	return st
}

// Money converts points to money under the workspace's newest pay
// settings (PayVersion.Money); a statement uses the version of its period
// (StatementPayVersion).
func (w *Workspace) Money(period string, points int) (Money, bool) {
	return w.PayAt(Date{9999, 12, 31}).Money(period, points)
}

// BacktestLine compares one manager's points under the stored sheets with
// what another regulation would have given over the same days.
type BacktestLine struct {
	Manager   string `json:"manager"`
	Days      int    `json:"days"`
	OldPoints int    `json:"old_points"`
	NewPoints int    `json:"new_points"`
	Diff      int    `json:"diff"`
	OldMoney  Money  `json:"old_money"`
	NewMoney  Money  `json:"new_money"`
}

// Backtest rescores stored final sheets with regulation reg, using the
// indicator values the sheets kept, and reports per-manager differences. It
// changes nothing: it is the what-if a head of sales asks before a change.
//
// period is the kind of period the days make (PeriodMonth or PeriodWeek):
// in bonus pay it chooses the base bonus the points raise or reduce.
func Backtest(ws *Workspace, reg Regulation, period string, sheets []DaySheet) []BacktestLine {
	index := make(map[string]*BacktestLine)
	var order []string
	for _, s := range sheets {
		version, ok := reg.At(s.Date)
		for _, sl := range s.Lines {
			b := index[sl.Manager]
			if b == nil {
				b = &BacktestLine{Manager: sl.Manager}
				index[sl.Manager] = b
				order = append(order, sl.Manager)
			}
			if sl.Absent {
				continue
			}
			b.Days++
			b.OldPoints += sl.Points
			m, known := ws.Manager(sl.Manager)
			if !known {
				m = &Manager{ID: sl.Manager}
			}
			if ok {
				_, pts := version.Score(m, &sl.Values)
				b.NewPoints += pts
			}
		}
	}
	sort.Strings(order)
	// The money of both sides is that of the pay settings in force on the
	// last day rescored, as a statement of those days would give it.
	var last Date
	for _, s := range sheets {
		if s.Date.After(last) {
			last = s.Date
		}
	}
	pay := ws.PayAt(last)
	out := make([]BacktestLine, 0, len(order))
	for _, id := range order {
		b := index[id]
		b.Diff = b.NewPoints - b.OldPoints
		b.OldMoney, _ = pay.Money(period, b.OldPoints)
		b.NewMoney, _ = pay.Money(period, b.NewPoints)
		out = append(out, *b)
	}
	return out
}
