package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// The planted pairs of issue 16, from the workspace file and CSV files to
// the frozen sheet and `why`: a matched call, an unmatched one, a CRM call
// 6 minutes off, two PBX calls to one number with one CRM call, an
// internal call, a number whose contact was entered after the deadline.
// Every expected number was worked out by hand from the files below.
const telephonyWorkspace = `workspace: tel
timezone: Europe/Moscow
min_call_seconds: 10
ignore_phones: ["8 800 555-35-35"]
managers:
  - {id: anna, name: Анна, crm_ids: ["101"], pbx_ids: ["501"]}
  - {id: boris, name: Борис, crm_ids: ["201"], pbx_ids: ["502"]}
regulation:
  - effective: 2026-11-01
    indicators:
      - {id: unlogged10, name: "Не в CRM (10 мин)", from: calls_unlogged, where: {match_minutes: 10}}
    rules:
      - {indicator: pbx_calls, at_least: 1}
      - {indicator: calls_unlogged, at_most: 0}
      - {indicator: unknown_numbers, at_most: 0}
`

var telephonyFiles = []struct{ kind, data string }{
	{"companies", `external_id,name,responsible,created_by,created_at,deleted_at,phones
k2,ООО Два,101,,2026-11-01 12:00,,(912) 000-00-02
`},
	{"contacts", `external_id,name,responsible,company_id,phones,created_at,deleted_at
c1,Иван,101,,8 912 000 00 01,2026-11-01 12:00,
c7,Пётр,101,,+79120000007,2026-11-16 18:30,
`},
	{"activities", `external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at,direction,phone
a1,call,101,2026-11-16 11:02,2026-11-16 11:10,120,held,,,out,89120000001
a3,call,101,2026-11-16 13:06,2026-11-16 13:10,90,held,,,out,9120000003
a4,call,101,2026-11-16 14:01,2026-11-16 14:05,40,held,,,out,+79120000004
a7,call,101,2026-11-16 16:00,2026-11-16 16:05,45,held,,,out,
`},
	{"pbx_calls", `external_id,pbx_user,started_at,talk_seconds,direction,phone
p1,501,2026-11-16 11:00,120,out,+7 912 000-00-01
p2,501,2026-11-16 12:00,60,in,+7 912 000-00-02
p3,501,2026-11-16 13:00,90,out,+7 912 000-00-03
p4,501,2026-11-16 14:00,40,out,+7 912 000-00-04
p5,501,2026-11-16 14:03,50,out,+7 912 000-00-04
p6,501,2026-11-16 15:00,300,out,502
p7,501,2026-11-16 16:00,45,out,+7 912 000-00-07
p8,502,2026-11-16 10:00,15,out,8 800 555-35-35
`},
}

func setupTelephony(t *testing.T, s *store.Store, c *clock) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	eng := engine.New(s, c.Now)
	ws, err := config.ParseWorkspace("workspace.yaml", []byte(telephonyWorkspace))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Apply(ctx, ws, "test"); err != nil {
		t.Fatal(err)
	}
	for _, f := range telephonyFiles {
		if _, err := eng.Import(ctx, "tel", f.kind, f.kind+".csv", strings.NewReader(f.data), "test"); err != nil {
			t.Fatalf("import %s: %v", f.kind, err)
		}
	}
	return eng
}

func TestTelephonyPlantedPairs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 11, 17, 9, 0, 0, 0, msk)}
		eng := setupTelephony(t, s, c)
		day := domain.MustDate("2026-11-16")
		if _, err := eng.Finalize(ctx, "tel", day, "test"); err != nil {
			t.Fatal(err)
		}
		sheet, err := eng.Table(ctx, "tel", day)
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Status != domain.SheetFinal {
			t.Errorf("sheet status %s, want final", sheet.Status)
		}
		want := map[string]map[domain.Indicator]int64{
			// p1 p2 p3 p4 p5 p7 (p6 is internal); not in the CRM: p2 (nothing
			// near), p3 (a3 is 6 minutes off), p5 (a4 went to p4); within 10
			// minutes p3 matches a3; unknown: …03, …04 and …07, whose contact
			// was entered at 18:30.
			"anna":  {domain.PBXCalls: 6, domain.CallsUnlogged: 3, "unlogged10": 2, domain.UnknownNumbers: 3},
			"boris": {domain.PBXCalls: 1, domain.CallsUnlogged: 1, "unlogged10": 1, domain.UnknownNumbers: 0},
		}
		for manager, values := range want {
			l, ok := sheet.Line(manager)
			if !ok {
				t.Fatalf("no line for %s", manager)
			}
			for ind, n := range values {
				if got := l.Values.Count(ind); got != n {
					t.Errorf("%s %s = %d, want %d", manager, ind, got, n)
				}
			}
		}
		if l, _ := sheet.Line("anna"); l.Points != 1-2-2 {
			t.Errorf("anna's points %d, want -3 (pbx_calls +1, calls_unlogged -2, unknown_numbers -2)", l.Points)
		}

		x, err := eng.Why(ctx, "tel", "anna", day, domain.CallsUnlogged)
		if err != nil {
			t.Fatal(err)
		}
		got := make(map[string]string)
		for _, e := range x.Evidence {
			got[e.ExternalID] = i18n.RU.Because(x.Workspace, nil, &e)
		}
		wantWhy := map[string]string{
			"p1": "внесён в CRM · звонок в CRM #a1, 16 ноября 2026, 11:02, 89120000001",
			"p2": "не внесён в CRM · разговор 60 с · ближайший звонок в CRM #a1, 16 ноября 2026, 11:02, 89120000001 — дальше 5 мин",
			"p3": "не внесён в CRM · разговор 90 с · ближайший звонок в CRM #a3, 16 ноября 2026, 13:06, 9120000003 — дальше 5 мин",
			"p4": "внесён в CRM · звонок в CRM #a4, 16 ноября 2026, 14:01, +79120000004",
			"p5": "не внесён в CRM · разговор 50 с · ближайший звонок в CRM #a4, 16 ноября 2026, 14:01, +79120000004 уже сопоставлен с более ранним звонком АТС",
			"p6": "внутренний звонок",
			"p7": "внесён в CRM · звонок в CRM #a7, 16 ноября 2026, 16:00",
		}
		if diff := cmp.Diff(wantWhy, got); diff != "" {
			t.Errorf("why calls_unlogged (-want +got):\n%s", diff)
		}
		if x.Value != "3" || x.Recomputed != "3" {
			t.Errorf("why value %q, recomputed %q; want 3", x.Value, x.Recomputed)
		}

		x, err = eng.Why(ctx, "tel", "anna", day, domain.UnknownNumbers)
		if err != nil {
			t.Fatal(err)
		}
		got = make(map[string]string)
		for _, e := range x.Evidence {
			got[e.ExternalID] = i18n.RU.Because(x.Workspace, nil, &e)
		}
		wantNumbers := map[string]string{
			"79120000001": "номер есть в CRM: контакт «Иван»",
			"79120000002": "номер есть в CRM: компания «ООО Два»",
			"79120000003": "номера нет ни у одного контакта и компании · разговоры 90 с всего",
			"79120000004": "номера нет ни у одного контакта и компании · разговоры 90 с всего",
			"79120000007": "номера нет ни у одного контакта и компании · разговоры 45 с всего · контакт «Пётр» внесён после дедлайна (16 ноября 2026, 18:30)",
		}
		if diff := cmp.Diff(wantNumbers, got); diff != "" {
			t.Errorf("why unknown_numbers (-want +got):\n%s", diff)
		}

		// A backtest of a regulation whose indicator the frozen sheet lacks
		// computes it from the stored records: anna's outgoing conversations
		// not in the CRM are p3 and p5 (p2 is incoming), 2 × -2 points.
		week, _ := domain.ParsePeriod("2026-W47")
		reg := domain.Regulation{{Effective: domain.MustDate("2026-11-01"),
			Indicators: []domain.IndicatorDef{{ID: "unlogged_out", Base: domain.CallsUnlogged, Where: domain.Filter{Direction: domain.DirectionOut}}},
			Rules:      []domain.Rule{{Indicator: "unlogged_out", Op: domain.AtMost, Target: decimal.NewFromInt(1), Pass: 1, Fail: -2}}}}
		bt, err := eng.BacktestReport(ctx, "tel", reg, week)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(bt.Computed, "unlogged_out") {
			t.Errorf("backtest computed %q, want unlogged_out", bt.Computed)
		}
		for _, l := range bt.Lines {
			if want := map[string]int{"anna": -2, "boris": 1}[l.Manager]; l.NewPoints != want {
				t.Errorf("backtest: %s %d new points, want %d", l.Manager, l.NewPoints, want)
			}
		}

		rep, err := eng.Telephony(ctx, "tel", "anna", week)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Talked != 6 || rep.Unlogged != 3 || rep.CRMCalls != 4 || len(rep.Days) != 1 || len(rep.Days[0].Calls) != 7 {
			t.Errorf("report: talked %d, unlogged %d, CRM calls %d, %d days; want 6, 3, 4 and one day of 7 PBX calls",
				rep.Talked, rep.Unlogged, rep.CRMCalls, len(rep.Days))
		}
		var numbers []string
		for _, n := range rep.Numbers {
			numbers = append(numbers, fmt.Sprintf("%s %d", n.Normalized, n.Seconds))
		}
		if want := []string{"79120000003 90", "79120000004 90", "79120000007 45"}; !cmp.Equal(numbers, want) {
			t.Errorf("unknown numbers %q, want %q", numbers, want)
		}
	})
}
