package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// The flat keys are the pay version from the start; pay_versions add later
// ones, each keeping what it leaves out of the one before; FormatWorkspace
// writes them back (issue 13, item 1).
func TestParsePayVersions(t *testing.T) {
	src := base + "point_value: 200\ncaps: {bonus: 25000}\npay: {mode: bonus, base: {month: 15000, week: 3500}}\n" +
		"adjustment_limit: 15\n" +
		"pay_versions:\n" +
		"  - {effective: 2027-01-01, caps: {}}\n" +
		"  - {effective: 2026-12-01, point_value: 250}\n"
	ws := mustParseWorkspace(t, src)
	want := []domain.PayVersion{
		{Currency: "RUB", PointValue: dec("200"), BonusCap: decimal.NewNullDecimal(dec("25000")),
			Pay: domain.Pay{Mode: domain.PayBonus, BaseMonth: dec("15000"), BaseWeek: dec("3500")}},
		{Effective: domain.MustDate("2026-12-01"), Currency: "RUB", PointValue: dec("250"), BonusCap: decimal.NewNullDecimal(dec("25000")),
			Pay: domain.Pay{Mode: domain.PayBonus, BaseMonth: dec("15000"), BaseWeek: dec("3500")}},
		{Effective: domain.MustDate("2027-01-01"), Currency: "RUB", PointValue: dec("250"),
			Pay: domain.Pay{Mode: domain.PayBonus, BaseMonth: dec("15000"), BaseWeek: dec("3500")}},
	}
	if diff := cmp.Diff(want, ws.PayHistory(), cmpOptions); diff != "" {
		t.Errorf("pay history (-want +got):\n%s", diff)
	}
	if ws.AdjustmentLimit != 15 {
		t.Errorf("adjustment limit = %d; want 15", ws.AdjustmentLimit)
	}
	text := string(FormatWorkspace(ws))
	if !strings.Contains(text, "pay_versions:") {
		t.Errorf("FormatWorkspace leaves out pay_versions:\n%s", text)
	}
	again := mustParseWorkspace(t, text)
	if diff := cmp.Diff(ws.PayHistory(), again.PayHistory(), cmpOptions); diff != "" {
		t.Errorf("round trip (-first +again):\n%s", diff)
	}
	if again.AdjustmentLimit != 15 {
		t.Errorf("adjustment limit after a round trip = %d", again.AdjustmentLimit)
	}

	// The old flat file stays valid: one version from the start.
	flat := mustParseWorkspace(t, base+"point_value: 200\n")
	if len(flat.PayVersions) != 0 || len(flat.PayHistory()) != 1 || !flat.PayHistory()[0].Effective.IsZero() {
		t.Errorf("a flat file's pay history = %+v; want one version from the start", flat.PayHistory())
	}

	for _, tt := range []struct{ name, src, want string }{
		{"no effective date", base + "pay_versions:\n  - {point_value: 1}\n", "pay_versions[0].effective: required field is missing"},
		{"twice", base + "pay_versions:\n  - {effective: 2026-12-01}\n  - {effective: 2026-12-01}\n", "duplicate effective date 2026-12-01"},
		{"limit too large", base + "adjustment_limit: 20000\n", "adjustment_limit: must be between 1 and 10000 points, got 20000"},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.want)
		}
	}
}
