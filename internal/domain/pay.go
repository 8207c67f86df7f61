package domain

import (
	"slices"

	"github.com/shopspring/decimal"
)

// PayVersion is how points become money from an effective date on: the
// currency, the point value, the caps and the pay mode. Like the
// regulation, pay settings are versioned so that a change never rewrites a
// statement already issued (DESIGN.md sections 7 and 11).
type PayVersion struct {
	// Effective is the first day the version applies to; zero means "from
	// the start". The earliest version also covers every day before its
	// date: there is always a version in force.
	Effective  Date
	Currency   string
	PointValue decimal.Decimal
	BonusCap   decimal.NullDecimal // limits a positive statement amount
	FineCap    decimal.NullDecimal // limits a negative statement amount (given as a positive number)
	Pay        Pay
}

// Equal reports whether v and o are the same settings from the same day
// (decimals compared by value).
func (v PayVersion) Equal(o PayVersion) bool {
	return v.Effective == o.Effective && v.SameSettings(o)
}

// SameSettings reports whether v and o convert points to money alike,
// whatever their effective dates.
func (v PayVersion) SameSettings(o PayVersion) bool {
	return len(v.Changed(o)) == 0
}

// Changed names the settings in which o differs from v, in the order the
// settings are listed: currency, point value, bonus cap, fine cap, pay
// mode, pay base month, pay base week.
func (v PayVersion) Changed(o PayVersion) []string {
	var changed []string
	check := func(name string, same bool) {
		if !same {
			changed = append(changed, name)
		}
	}
	check("currency", v.Currency == o.Currency)
	check("point value", v.PointValue.Equal(o.PointValue))
	check("bonus cap", sameNull(v.BonusCap, o.BonusCap))
	check("fine cap", sameNull(v.FineCap, o.FineCap))
	check("pay mode", v.Pay.ModeName() == o.Pay.ModeName())
	check("pay base month", v.Pay.BaseMonth.Equal(o.Pay.BaseMonth))
	check("pay base week", v.Pay.BaseWeek.Equal(o.Pay.BaseWeek))
	return changed
}

func sameNull(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Decimal.Equal(b.Decimal))
}

// Money converts points to money under v for a period of the given kind
// (PeriodMonth or PeriodWeek): in points mode the bonus cap limits a
// positive amount and the fine cap a negative one; in bonus mode the
// period's base is raised or reduced by the points, never below zero nor
// above the bonus cap. The flag says whether a cap or zero limited it.
func (v PayVersion) Money(period string, points int) (Money, bool) {
	m := v.PointValue.Mul(decimal.NewFromInt(int64(points)))
	if v.Pay.Mode == PayBonus {
		// DESIGN.md section 11: the bonus of the period, raised or reduced
		// by the points, never below zero and never above the bonus cap.
		m = m.Add(v.Pay.BaseFor(period))
		if m.IsNegative() {
			return NewMoney(decimal.Zero), true
		}
		if v.BonusCap.Valid && m.GreaterThan(v.BonusCap.Decimal) {
			return NewMoney(v.BonusCap.Decimal), true
		}
		return NewMoney(m), false
	}
	if m.IsPositive() && v.BonusCap.Valid && m.GreaterThan(v.BonusCap.Decimal) {
		return NewMoney(v.BonusCap.Decimal), true
	}
	if m.IsNegative() && v.FineCap.Valid && m.Neg().GreaterThan(v.FineCap.Decimal) {
		return NewMoney(v.FineCap.Decimal.Neg()), true
	}
	return NewMoney(m), false
}

// PayHistory returns the workspace's pay settings versions by effective
// date. A workspace whose PayVersions is empty has one version from the
// start: its flat fields (Currency, PointValue, BonusCap, FineCap, Pay).
func (w *Workspace) PayHistory() []PayVersion {
	if len(w.PayVersions) == 0 {
		return []PayVersion{w.flatPay()}
	}
	h := slices.Clone(w.PayVersions)
	slices.SortStableFunc(h, func(a, b PayVersion) int { return a.Effective.Compare(b.Effective) })
	return h
}

func (w *Workspace) flatPay() PayVersion {
	return PayVersion{Currency: w.Currency, PointValue: w.PointValue, BonusCap: w.BonusCap, FineCap: w.FineCap, Pay: w.Pay}
}

// PayAt returns the pay settings in force on day d: the version with the
// latest effective date on or before d, or the earliest version when d
// comes before all of them.
func (w *Workspace) PayAt(d Date) PayVersion {
	h := w.PayHistory()
	v := h[0]
	for _, x := range h[1:] {
		if x.Effective.After(d) {
			break
		}
		v = x
	}
	return v
}

// SetPayHistory stores the versions h in w and makes the flat fields say
// the newest of them, which is what a reader of the flat fields (the
// settings shown, the money of a what-if) sees. One version from the start
// is kept in the flat fields alone.
func (w *Workspace) SetPayHistory(h []PayVersion) {
	h = slices.Clone(h)
	slices.SortStableFunc(h, func(a, b PayVersion) int { return a.Effective.Compare(b.Effective) })
	if len(h) == 0 {
		w.PayVersions = nil
		return
	}
	last := h[len(h)-1]
	w.Currency, w.PointValue, w.BonusCap, w.FineCap, w.Pay = last.Currency, last.PointValue, last.BonusCap, last.FineCap, last.Pay
	if len(h) == 1 && h[0].Effective.IsZero() {
		w.PayVersions = nil
		return
	}
	w.PayVersions = h
}

// StatementPayVersion returns the pay settings a statement of period p is
// computed with: those in force on its last day. A version effective on a
// day of p thus applies to the whole of p, and never to a period that
// ended before it took effect.
func (w *Workspace) StatementPayVersion(p Period) PayVersion { return w.PayAt(p.To) }

// FirstUnissuedDay returns the earliest day a new pay settings version may
// take effect on when today is today: the first day after every period
// (ISO week and calendar month) that has ended. A period's statement is
// issued once it has ended, so a version from this day on changes no
// issued statement: it is the later of this week's Monday and this
// month's first day.
func FirstUnissuedDay(today Date) Date {
	week, month := WeekOf(today).From, MonthOf(today).From
	if week.After(month) {
		return week
	}
	return month
}
