package i18n

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

func TestNumbersAsReadersWriteThem(t *testing.T) {
	d := decimal.RequireFromString("136500")
	for _, tt := range []struct{ got, want string }{
		{RU.Money(d, "RUB"), "136\u202f500,00\u00a0₽"},
		{EN.Money(d, "RUB"), "136,500.00\u00a0RUB"},
		{RU.Money(decimal.RequireFromString("-1234567.5"), "USD"), "-1\u202f234\u202f567,50\u00a0USD"},
		{RU.Money(decimal.Zero, "RUB"), "0,00\u00a0₽"},
		{RU.Int(999), "999"},
		{RU.Figure("150000.50"), "150\u202f000,50"},
		{EN.Figure("150000.50"), "150,000.50"},
		{RU.Figure("-4"), "-4"},
		{RU.Figure("–"), "–"},
		{RU.Int(1000), "1\u202f000"},
		{EN.Int(-12500), "-12,500"},
		{RU.Date(domain.MustDate("2026-12-04")), "4 декабря 2026"},
		{EN.Date(domain.MustDate("2026-12-04")), "4 December 2026"},
		{RU.DateTime(time.Date(2026, 11, 14, 12, 5, 0, 0, time.UTC)), "14 ноября 2026, 12:05"},
		{EN.DateTime(time.Date(2026, 11, 14, 12, 5, 0, 0, time.UTC)), "14 November 2026, 12:05"},
		{RU.Period(mustPeriod(t, "2026-W49")), "30 ноября – 6 декабря"},
		{EN.Period(mustPeriod(t, "2026-W49")), "30 November – 6 December"},
		{RU.Period(mustPeriod(t, "2026-W53")), "28 декабря 2026 – 3 января 2027"},
		{RU.Period(mustPeriod(t, "2026-11")), "ноябрь 2026"},
		{EN.Period(mustPeriod(t, "2026-11")), "November 2026"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		l    Lang
		n    int
		want string
	}{
		{RU, 1, "1 менеджер"}, {RU, 2, "2 менеджера"}, {RU, 4, "4 менеджера"}, {RU, 5, "5 менеджеров"},
		{RU, 11, "11 менеджеров"}, {RU, 12, "12 менеджеров"}, {RU, 21, "21 менеджер"}, {RU, 22, "22 менеджера"},
		{RU, 0, "0 менеджеров"}, {RU, 111, "111 менеджеров"},
		{EN, 1, "1 manager"}, {EN, 2, "2 managers"}, {EN, 0, "0 managers"},
	} {
		want := tt.want
		// The number and its noun never part at a line's end.
		if got := tt.l.Plural(tt.n, "plural.manager"); got != replaceSpace(want) {
			t.Errorf("%s.Plural(%d) = %q, want %q", tt.l, tt.n, got, want)
		}
	}
}

func replaceSpace(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i] + "\u00a0" + s[i+1:]
		}
	}
	return s
}

func mustPeriod(t *testing.T, s string) domain.Period {
	t.Helper()
	p, err := domain.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
