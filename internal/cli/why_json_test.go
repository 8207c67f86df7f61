package cli

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
)

// why --format json of an own indicator says, for each record, whether it
// matched the indicator's filter, the part it failed and what the filter
// looked at, with the reason in words; the indicator comes with its label,
// definition and filter (issue 12).
func TestWhyJSONSaysTheFilter(t *testing.T) {
	ws := renderWorkspace(t)
	ws.Regulation[0].Indicators = []domain.IndicatorDef{{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves,
		Where: domain.Filter{Pipeline: []string{"Продажи"}, ToStage: []string{"КП отправлено"}}}}
	at := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	x := &engine.Explanation{Workspace: ws, Manager: "evil", Date: domain.MustDate("2026-11-16"), Indicator: "proposals_sent",
		Status: domain.SheetFinal, Value: "1", Recomputed: "1",
		Evidence: []domain.Evidence{
			{Indicator: "proposals_sent", Kind: domain.KindDealMove, Source: "amocrm", ExternalID: "m1", Happened: at, Entered: at,
				Counted: true, Reason: domain.ReasonMoved, Placed: true, Pipeline: "Продажи", Stage: "КП отправлено", FromStage: "Новая"},
			{Indicator: "proposals_sent", Kind: domain.KindDealMove, Source: "amocrm", ExternalID: "m2", Happened: at, Entered: at,
				Counted: false, Reason: domain.ReasonOtherPipeline, Placed: true, Pipeline: "Сервис", Stage: "КП отправлено", FromStage: "Новая"},
		}}
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		var buf bytes.Buffer
		if err := (renderer{w: &buf, lang: lang}).why("json", x); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Label      string           `json:"label"`
			Definition string           `json:"definition"`
			Where      domain.Filter    `json:"where"`
			Records    []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, buf.String())
		}
		if got.Label != "КП отправлено" || got.Definition == "" || len(got.Where.Pipeline) != 1 {
			t.Errorf("%s: label %q definition %q where %+v; want the own indicator's", lang, got.Label, got.Definition, got.Where)
		}
		if len(got.Records) != 2 {
			t.Fatalf("%s: %d records, want 2", lang, len(got.Records))
		}
		for i, want := range []struct {
			matched bool
			reason  string
			pipe    string
		}{{true, "", "Продажи"}, {false, domain.ReasonOtherPipeline, "Сервис"}} {
			r := got.Records[i]
			if r["matched"] != want.matched || r["filter_reason"] != want.reason || r["pipeline"] != want.pipe ||
				r["stage"] != "КП отправлено" || r["from_stage"] != "Новая" {
				t.Errorf("%s record %d: %v; want matched %v, filter_reason %q, pipeline %q", lang, i, r, want.matched, want.reason, want.pipe)
			}
		}
		wantBecause := map[i18n.Lang]string{i18n.RU: "другая воронка: Сервис", i18n.EN: "another pipeline: Сервис"}[lang]
		if got.Records[1]["because"] != wantBecause {
			t.Errorf("%s: because %q, want %q", lang, got.Records[1]["because"], wantBecause)
		}
	}

	// A built-in has no filter fields.
	x.Indicator = domain.CallsHeld
	x.Evidence = []domain.Evidence{{Indicator: domain.CallsHeld, Kind: domain.KindActivity, Source: "csv", ExternalID: "a1", Counted: true, Reason: "held"}}
	var buf bytes.Buffer
	if err := (renderer{w: &buf, lang: i18n.EN}).why("json", x); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Definition *string          `json:"definition"`
		Records    []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Records[0]["matched"]; ok || got.Definition != nil {
		t.Errorf("built-in: %s; want no filter fields", buf.String())
	}
}

// why --format json of a telephone base gives each PBX call's number,
// direction and talk time and its CRM side: the call that matched it, or
// the nearest and why not (issue 16).
func TestWhyJSONPairsPBXCalls(t *testing.T) {
	ws := renderWorkspace(t)
	at := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	x := &engine.Explanation{Workspace: ws, Manager: "evil", Date: domain.MustDate("2026-11-16"), Indicator: domain.CallsUnlogged,
		Status: domain.SheetFinal, Value: "1", Recomputed: "1",
		Evidence: []domain.Evidence{
			{Indicator: domain.CallsUnlogged, Kind: domain.KindPBXCall, Source: domain.PBXMango, ExternalID: "p1", Title: "+7 912 000-00-01",
				Happened: at, Entered: at, Direction: domain.DirectionOut, Seconds: 95, Phone: "+7 912 000-00-01", Counted: false, Reason: domain.ReasonLogged,
				Match: &domain.CallMatch{Matched: true, Kind: domain.KindActivity, Source: "amocrm", ExternalID: "a1", Happened: at.Add(2 * time.Minute), Entered: at.Add(3 * time.Minute)}},
			{Indicator: domain.CallsUnlogged, Kind: domain.KindPBXCall, Source: domain.PBXMango, ExternalID: "p2", Title: "+7 912 000-00-02",
				Happened: at.Add(time.Hour), Entered: at.Add(time.Hour), Direction: domain.DirectionIn, Seconds: 40, Phone: "+7 912 000-00-02", Counted: true, Reason: domain.ReasonUnlogged,
				Match: &domain.CallMatch{Reason: domain.MatchTooFar, Kind: domain.KindActivity, Source: "amocrm", ExternalID: "a2", Happened: at.Add(66 * time.Minute)}},
		}}
	var buf bytes.Buffer
	if err := (renderer{w: &buf, lang: i18n.EN}).why("json", x); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Records []struct {
			ExternalID string  `json:"external_id"`
			Counted    bool    `json:"counted"`
			Phone      string  `json:"phone"`
			Direction  *string `json:"direction"`
			Seconds    *int    `json:"seconds"`
			CRM        *struct {
				Matched    bool   `json:"matched"`
				Reason     string `json:"reason"`
				ExternalID string `json:"external_id"`
				Happened   string `json:"happened"`
			} `json:"crm"`
		} `json:"records"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(got.Records) != 2 {
		t.Fatalf("%d records, want 2\n%s", len(got.Records), buf.String())
	}
	r0, r1 := got.Records[0], got.Records[1]
	if r0.Phone != "+7 912 000-00-01" || r0.Direction == nil || *r0.Direction != "out" || r0.Seconds == nil || *r0.Seconds != 95 ||
		r0.CRM == nil || !r0.CRM.Matched || r0.CRM.ExternalID != "a1" || r0.CRM.Happened != "2026-11-16T10:02:00Z" {
		t.Errorf("the matched PBX call reads %+v (crm %+v); want its number, direction, talk time and the CRM call a1", r0, r0.CRM)
	}
	if !r1.Counted || r1.CRM == nil || r1.CRM.Matched || r1.CRM.Reason != domain.MatchTooFar || r1.CRM.ExternalID != "a2" {
		t.Errorf("the unlogged PBX call reads %+v (crm %+v); want the nearest CRM call a2, too far", r1, r1.CRM)
	}
}
