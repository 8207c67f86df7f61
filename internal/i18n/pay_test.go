package i18n

import (
	"testing"

	"reglament/internal/domain"
)

func TestPayKeysAreDefinedOnce(t *testing.T) {
	if len(payDuplicates) > 0 {
		t.Errorf("keys defined both in pay.go and in the catalog: %q", payDuplicates)
	}
}

func TestDaySpan(t *testing.T) {
	for _, tt := range []struct {
		l        Lang
		from, to string
		want     string
	}{
		{RU, "2026-11-06", "2026-12-05", "6 ноября – 5 декабря"},
		{EN, "2026-11-06", "2026-12-05", "6 November – 5 December"},
		{RU, "2026-12-20", "2027-01-18", "20 декабря 2026 – 18 января 2027"},
	} {
		if got := tt.l.DaySpan(domain.MustDate(tt.from), domain.MustDate(tt.to)); got != tt.want {
			t.Errorf("%s DaySpan(%s, %s) = %q; want %q", tt.l, tt.from, tt.to, got, tt.want)
		}
	}
}
