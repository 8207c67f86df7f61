package domain

import (
	"testing"

	"github.com/shopspring/decimal"
)

// A statement uses the pay settings in force on its period's last day: a
// version from 1 December leaves November's statement as it was issued
// (issue 13, item 1).
func TestStatementUsesThePayVersionOfItsPeriod(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.PointValue = mustDec(t, "200")
	ws.SetPayHistory([]PayVersion{
		{Currency: "RUB", PointValue: mustDec(t, "200")},
		{Effective: MustDate("2026-12-01"), Currency: "RUB", PointValue: mustDec(t, "250"),
			BonusCap: decimal.NewNullDecimal(mustDec(t, "100000"))},
	})
	if !ws.PointValue.Equal(mustDec(t, "250")) {
		t.Errorf("flat point value = %s; want the newest version's 250", ws.PointValue)
	}
	adjs := []Adjustment{{Manager: "anna", Date: MustDate("2026-11-16"), Points: 53}, {Manager: "anna", Date: MustDate("2026-12-01"), Points: 53}}
	nov, _ := ParsePeriod("2026-11")
	st := BuildStatement(ws, nov, nil, adjs)
	if got, _ := st.Lines[0].Money.MarshalJSON(); string(got) != `"10600.00"` || !st.PointValue.Equal(mustDec(t, "200")) || !st.PaySettings.IsZero() {
		t.Errorf("November: money %s at %s, settings %q; want 10600.00 at 200 from the start", got, st.PointValue, st.PaySettings)
	}
	dec, _ := ParsePeriod("2026-12")
	st = BuildStatement(ws, dec, nil, adjs)
	if got, _ := st.Lines[0].Money.MarshalJSON(); string(got) != `"13250.00"` || st.PaySettings != MustDate("2026-12-01") {
		t.Errorf("December: money %s, settings %q; want 13250.00 from 2026-12-01", got, st.PaySettings)
	}
	// The week of 30 November – 6 December ends after the change: it uses it.
	w49, _ := ParsePeriod("2026-W49")
	if st := BuildStatement(ws, w49, nil, adjs); st.PaySettings != MustDate("2026-12-01") {
		t.Errorf("week 49 uses the settings of %q; want 2026-12-01", st.PaySettings)
	}
	w48, _ := ParsePeriod("2026-W48")
	if st := BuildStatement(ws, w48, nil, adjs); !st.PaySettings.IsZero() {
		t.Errorf("week 48 uses the settings of %q; want those from the start", st.PaySettings)
	}
	// One version from the start lives in the flat fields alone.
	ws.SetPayHistory(ws.PayHistory()[:1])
	if ws.PayVersions != nil || !ws.PointValue.Equal(mustDec(t, "200")) {
		t.Errorf("one version from the start: PayVersions %v, point value %s", ws.PayVersions, ws.PointValue)
	}
}

func TestFirstUnissuedDay(t *testing.T) {
	for _, tt := range []struct{ today, want string }{
		{"2026-12-06", "2026-12-01"}, // Sunday: November and week 48 have ended
		{"2026-12-09", "2026-12-07"}, // Wednesday: week 49 has ended too
		{"2026-12-01", "2026-12-01"},
		{"2026-11-30", "2026-11-30"}, // Monday: week 48 ended yesterday
	} {
		if got := FirstUnissuedDay(MustDate(tt.today)); got != MustDate(tt.want) {
			t.Errorf("FirstUnissuedDay(%s) = %s; want %s", tt.today, got, tt.want)
		}
	}
}
