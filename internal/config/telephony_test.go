package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A workspace file names the managers' PBX extensions, the country code
// of 10-digit numbers and the numbers unknown_numbers ignores (DESIGN.md
// section 12), and writes them back as it read them.
func TestParseTelephonySettings(t *testing.T) {
	ws := mustParseWorkspace(t, `workspace: acme
timezone: Europe/Moscow
phone_country: 375
ignore_phones: ["+375 17 000-00-00", "8 800 555 35 35"]
managers:
  - {id: anna, crm_ids: [u1], pbx_ids: [101, "sip-anna"]}
  - {id: boris, crm_ids: [u2], pbx_ids: [102]}
  - {id: vera, crm_ids: [u3]}
`)
	if ws.PhoneCountry != "375" {
		t.Errorf("PhoneCountry = %q, want 375", ws.PhoneCountry)
	}
	if want := []string{"+375 17 000-00-00", "8 800 555 35 35"}; !slices.Equal(ws.IgnorePhones, want) {
		t.Errorf("IgnorePhones = %q, want %q", ws.IgnorePhones, want)
	}
	if want := []string{"101", "sip-anna"}; !slices.Equal(ws.Managers[0].PBXIDs, want) {
		t.Errorf("anna's PBXIDs = %q, want %q", ws.Managers[0].PBXIDs, want)
	}
	if ws.Managers[2].PBXIDs != nil {
		t.Errorf("vera's PBXIDs = %q, want none", ws.Managers[2].PBXIDs)
	}
	back := mustParseWorkspace(t, string(FormatWorkspace(ws)))
	if diff := cmp.Diff(ws, back, cmpOptions); diff != "" {
		t.Errorf("ParseWorkspace(FormatWorkspace(ws)) differs (-want +got):\n%s", diff)
	}
	def := mustParseWorkspace(t, "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna}]\n")
	if def.PhoneCountry != "" || def.IgnorePhones != nil {
		t.Errorf("defaults: PhoneCountry %q, IgnorePhones %q; want none (country 7)", def.PhoneCountry, def.IgnorePhones)
	}
}

// A PBX id is one manager's; a wrong country code or phone is said with
// its line and field.
func TestTelephonySettingsProblems(t *testing.T) {
	_, err := ParseWorkspace("workspace.yaml", []byte(`workspace: acme
timezone: Europe/Moscow
phone_country: "+70000"
ignore_phones: ["-", "8 (912) 345-67-89", "+7 912 345 67 89"]
managers:
  - {id: anna, pbx_ids: [101, 102]}
  - {id: boris, pbx_ids: [102]}
`))
	if err == nil {
		t.Fatal("ParseWorkspace accepted a PBX id of two managers")
	}
	for _, want := range []string{
		`workspace.yaml:3: phone_country: invalid country code "70000"`,
		`workspace.yaml:4: ignore_phones[0]: "-" is not a phone number`,
		`workspace.yaml:4: ignore_phones[2]: phone "+7 912 345 67 89" listed twice (first at line 4)`,
		`workspace.yaml:7: managers[1].pbx_ids[0]: pbx id "102" is used by two managers: "anna" (line 6) and "boris"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}

// The telephone bases are used like the others: in own indicators with
// their where keys, and by rules directly; what cannot apply is an error
// with its line.
func TestTelephoneIndicators(t *testing.T) {
	ws := mustParseWorkspace(t, `workspace: acme
timezone: Europe/Moscow
managers: [{id: anna, pbx_ids: [101]}]
regulation:
  - effective: 2026-12-01
    indicators:
      - {id: unlogged_out, name: "Исходящие не в CRM", from: calls_unlogged, where: {direction: out, min_seconds: 20, match_minutes: 10}}
    rules:
      - {indicator: unlogged_out, at_most: 0}
      - {indicator: unknown_numbers, at_most: 0, pass: 0, fail: -1}
`)
	v := ws.Regulation[0]
	if d := v.Indicators[0]; d.Where.MatchMinutes == nil || *d.Where.MatchMinutes != 10 || d.Where.Direction != "out" {
		t.Errorf("unlogged_out = %+v", d)
	}
	if !v.UsesTelephony() || len(v.Own()) != 2 {
		t.Errorf("own %+v: want unlogged_out and unknown_numbers", v.Own())
	}
	back := mustParseWorkspace(t, string(FormatWorkspace(ws)))
	if diff := cmp.Diff(ws, back, cmpOptions); diff != "" {
		t.Errorf("ParseWorkspace(FormatWorkspace(ws)) differs (-want +got):\n%s", diff)
	}
	_, err := ParseWorkspace("workspace.yaml", []byte(`workspace: acme
timezone: Europe/Moscow
managers: [{id: anna}]
regulation:
  - effective: 2026-12-01
    indicators:
      - {id: a, from: pbx_calls, where: {match_minutes: 5}}
      - {id: b, from: unknown_numbers, where: {pipeline: [Продажи]}}
      - {id: c, from: calls_unlogged, where: {match_minutes: 61}}
    rules: []
`))
	for _, want := range []string{
		"workspace.yaml:7: regulation[0].indicators[0].where.match_minutes: filter match_minutes does not apply to pbx_calls (it applies to: calls_unlogged)",
		"workspace.yaml:8: regulation[0].indicators[1].where.pipeline: filter pipeline does not apply to unknown_numbers",
		"workspace.yaml:9: regulation[0].indicators[2].where.match_minutes: must be between 0 and 60 minutes, got 61",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}
