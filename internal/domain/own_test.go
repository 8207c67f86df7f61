package domain

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// ownWorkspace is the test workspace with a regulation from 2026-11-01
// that defines the indicators of DESIGN.md section 10's example and a few
// more, one per base and filter.
func ownWorkspace(tb testing.TB) *Workspace {
	tb.Helper()
	ws := newTestWorkspace(tb)
	sixty, ninety := 60, 90
	ws.Regulation = Regulation{{
		Effective: MustDate("2026-11-01"),
		Indicators: []IndicatorDef{
			{ID: "proposals_sent", Name: "КП отправлено", Base: DealMoves,
				Where: Filter{Pipeline: []string{"Продажи"}, ToStage: []string{" КП отправлено "}}},
			{ID: "sales_in_progress", Base: DealsInProgress, Where: Filter{Pipeline: []string{"Продажи"}}},
			{ID: "sales_without_tasks", Base: DealsWithoutTasks, Where: Filter{Pipeline: []string{"Продажи"}}},
			{ID: "invoices_open", Base: DealsInProgress, Where: Filter{Stage: []string{"Счёт выставлен"}}},
			{ID: "idle_sales", Base: DealsIdle, IdleDays: 7, Where: Filter{Pipeline: []string{"Продажи"}}},
			{ID: "long_out_calls", Base: CallsHeld, Where: Filter{Direction: DirectionOut, MinSeconds: &sixty}},
			{ID: "short_calls", Base: CallsHeld, Where: Filter{MinSeconds: new(int), MaxSeconds: &ninety}},
			{ID: "sales_calls", Base: CallsHeld, Where: Filter{Pipeline: []string{"Продажи"}}},
			{ID: "sales_won", Base: WonAmount, Where: Filter{Pipeline: []string{"Продажи"}}},
			{ID: "sales_overdue", Base: OverdueTasks, Where: Filter{Pipeline: []string{"Продажи"}}},
		},
		Rules: []Rule{
			{Indicator: "proposals_sent", Op: AtLeast, Target: decimal.NewFromInt(2), Pass: 1, Fail: -2},
			{Indicator: "sales_without_tasks", Op: AtMost, Target: decimal.Zero, Pass: 1, Fail: -2},
			{Indicator: DealsCreated, Op: AtLeast, Target: decimal.NewFromInt(1), Pass: 1, Fail: -2},
			{Indicator: TasksCompleted, Op: AtLeast, Target: decimal.NewFromInt(1), Pass: 1, Fail: -2},
			{Indicator: DealsIdle, Op: AtMost, Target: decimal.Zero, Pass: 0, Fail: -1},
		},
	}}
	return ws
}

func move(id, deal, user string, at time.Time, pipeline, from, to string) DealMove {
	return DealMove{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, DealID: deal, Responsible: user, MovedAt: at,
		PipelineID: pipeline, Pipeline: pipeline, StageID: to, Stage: to, FromStageID: from, FromStage: from}
}

func openDeal(id, user string, created time.Time, pipeline, stage string) Deal {
	return Deal{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Title: "deal " + id, Responsible: user,
		Status: DealOpen, CreatedAt: created, PipelineID: pipeline, Pipeline: pipeline, StageID: stage, Stage: stage}
}

// ownValues computes the values of manager for day, and the evidence of ind.
func ownValues(tb testing.TB, ws *Workspace, day string, data *DayData, manager string) *Values {
	tb.Helper()
	values, _ := ComputeValues(ws, ws.Window(MustDate(day)), data)
	return values[manager]
}

// TestStateAtCutoffUsesThePipelineThen is the scenario of issue 12: a deal
// moves from the sales pipeline to service on Wednesday; computed again
// later (with the move stored), Monday and Tuesday still count it as a
// sales deal without a task, Thursday does not, and nothing depends on the
// deal's stored (current) pipeline.
func TestStateAtCutoffUsesThePipelineThen(t *testing.T) {
	ws := ownWorkspace(t)
	// Monday 16 … Friday 20 November 2026; the deal was created the week before.
	d := openDeal("d1", "101", mskCutoff(10), "Сервис", "Диагностика") // stored: where it is now
	moves := []DealMove{
		move("m1", "d1", "101", mskCutoff(18).Add(2*time.Hour), "Сервис", "КП отправлено", "Диагностика"), // Wed 20:00 MSK
	}
	moves[0].FromPipelineID, moves[0].FromPipeline = "Продажи", "Продажи"
	data := &DayData{Deals: []Deal{d}, Moves: moves}

	for _, tt := range []struct {
		day           string
		sales, stage  int64
		pipeline, stg string
	}{
		{"2026-11-16", 1, 0, "Продажи", "КП отправлено"},
		{"2026-11-17", 1, 0, "Продажи", "КП отправлено"},
		{"2026-11-18", 1, 0, "Продажи", "КП отправлено"}, // moved after Wednesday's cutoff
		{"2026-11-19", 0, 0, "Сервис", "Диагностика"},
		{"2026-11-20", 0, 0, "Сервис", "Диагностика"},
	} {
		v := ownValues(t, ws, tt.day, data, "anna")
		if got := v.Count("sales_without_tasks"); got != tt.sales {
			t.Errorf("%s: sales_without_tasks = %d; want %d", tt.day, got, tt.sales)
		}
		if got := v.Count(DealsWithoutTasks); got != 1 {
			t.Errorf("%s: built-in deals_without_tasks = %d; want 1 (every pipeline)", tt.day, got)
		}
		ev := Explain(ws, ws.Window(MustDate(tt.day)), data, "anna", "sales_without_tasks")
		if len(ev) != 1 || !ev[0].Placed || ev[0].Pipeline != tt.pipeline || ev[0].Stage != tt.stg {
			t.Errorf("%s: evidence = %+v; want the deal placed in %s / %s", tt.day, ev, tt.pipeline, tt.stg)
		}
		if tt.sales == 0 && (len(ev) != 1 || ev[0].Reason != ReasonOtherPipeline) {
			t.Errorf("%s: reason = %+v; want %s", tt.day, ev, ReasonOtherPipeline)
		}
	}

	// Without the move (not yet synced), the deal is where it is stored.
	v := ownValues(t, ws, "2026-11-17", &DayData{Deals: []Deal{d}}, "anna")
	if got := v.Count("sales_without_tasks"); got != 0 {
		t.Errorf("without moves: sales_without_tasks = %d; want 0 (stored in Сервис)", got)
	}
	// A move deleted by the cutoff is not in force.
	deleted := moves[0]
	deleted.DeletedAt = mskCutoff(19).Add(-time.Hour)
	v = ownValues(t, ws, "2026-11-19", &DayData{Deals: []Deal{d}, Moves: []DealMove{deleted}}, "anna")
	if got := v.Count("sales_without_tasks"); got != 0 {
		t.Errorf("deleted move: sales_without_tasks = %d; want 0 (the stored pipeline again)", got)
	}
}

func TestDealMovesAndStages(t *testing.T) {
	ws := ownWorkspace(t)
	day := "2026-11-17"
	win := ws.Window(MustDate(day))
	in := win.From.Add(time.Hour)
	d := openDeal("d1", "101", mskCutoff(10), "Продажи", "Счёт выставлен")
	data := &DayData{
		Deals: []Deal{d},
		Moves: []DealMove{
			move("m1", "d1", "101", in, "Продажи", "Новая", "КП отправлено"),
			move("m2", "d1", "201", in.Add(time.Hour), "Продажи", "КП отправлено", "Счёт выставлен"),
			move("m3", "d2", "101", in.Add(2*time.Hour), "Продажи", "Новая", "КП отправлено"),
			move("m4", "d3", "101", in.Add(3*time.Hour), "Сервис", "Новая", "КП отправлено"),
			move("m5", "d4", "101", win.From, "Продажи", "Новая", "КП отправлено"), // the previous window
		},
	}
	data.Moves = append(data.Moves, data.Moves[0]) // read twice: counted once
	v := ownValues(t, ws, day, data, "anna")
	if got := v.Count("proposals_sent"); got != 2 {
		t.Errorf("proposals_sent = %d; want 2 (m1, m3)", got)
	}
	reasons := map[string]string{}
	for _, e := range Explain(ws, win, data, "anna", "proposals_sent") {
		reasons[e.ExternalID] = e.Reason
	}
	if reasons["m4"] != ReasonOtherPipeline || reasons["m1"] != ReasonMoved {
		t.Errorf("reasons = %v; want m4 %s and m1 %s", reasons, ReasonOtherPipeline, ReasonMoved)
	}
	if got := ownValues(t, ws, day, data, "boris").Count("proposals_sent"); got != 0 {
		t.Errorf("boris proposals_sent = %d; want 0 (m2 went to another stage)", got)
	}
	// The stage at the cutoff is the last move's.
	if got := v.Count("invoices_open"); got != 1 {
		t.Errorf("invoices_open = %d; want 1 (m2 put the deal at Счёт выставлен before the cutoff)", got)
	}
	// An hour before m2 it was at КП отправлено: a day whose cutoff fell
	// between the moves would not count it.
	h := newDealIndex(data).place
	if p, _ := h("csv", "d1", in.Add(30*time.Minute)); p.Stage != "КП отправлено" {
		t.Errorf("stage between the moves = %q; want КП отправлено", p.Stage)
	}
	if p, _ := h("csv", "d1", in.Add(-time.Minute)); p.Stage != "Новая" {
		t.Errorf("stage before the first move = %q; want its from-stage Новая", p.Stage)
	}
}

func TestCallFilters(t *testing.T) {
	ws := ownWorkspace(t)
	day := "2026-11-17"
	at := cutD.Add(-2 * time.Hour)
	call := func(id, dir string, secs int, deal string) Activity {
		a := heldCall(id, "101", at, at)
		a.Direction, a.DurationSeconds, a.DealID = dir, secs, deal
		return a
	}
	d := openDeal("d1", "101", mskCutoff(10), "Продажи", "Новая")
	data := &DayData{Deals: []Deal{d}, Activities: []Activity{
		call("c1", DirectionOut, 61, "d1"),
		call("c2", DirectionIn, 300, ""),
		call("c3", DirectionOut, 59, ""),
		call("c4", "", 120, ""),
		call("c5", DirectionOut, 5, ""), // too short for the workspace (10 s), not for short_calls
	}}
	v := ownValues(t, ws, day, data, "anna")
	for ind, want := range map[Indicator]int64{CallsHeld: 4, "long_out_calls": 1, "short_calls": 3, "sales_calls": 1} {
		if got := v.Count(ind); got != want {
			t.Errorf("%s = %d; want %d", ind, got, want)
		}
	}
	reasons := map[string]string{}
	for _, e := range Explain(ws, ws.Window(MustDate(day)), data, "anna", "long_out_calls") {
		reasons[e.ExternalID] = e.Reason
	}
	want := map[string]string{"c1": ReasonCounted, "c2": ReasonOtherDirection, "c3": ReasonTooShort,
		"c4": ReasonOtherDirection, "c5": ReasonTooShort}
	for id, r := range want {
		if reasons[id] != r {
			t.Errorf("long_out_calls %s: reason %q; want %q", id, reasons[id], r)
		}
	}
	for _, e := range Explain(ws, ws.Window(MustDate(day)), data, "anna", "sales_calls") {
		if e.ExternalID == "c2" && e.Reason != ReasonNoDeal {
			t.Errorf("sales_calls c2: reason %q; want %q", e.Reason, ReasonNoDeal)
		}
	}
}

func TestIdleDealsAndFlows(t *testing.T) {
	ws := ownWorkspace(t)
	day := "2026-11-17"
	cutoff := cutD
	old := cutoff.Add(-30 * 24 * time.Hour)
	deals := []Deal{
		openDeal("fresh", "101", cutoff.Add(-6*24*time.Hour), "Продажи", "Новая"),                      // created 6 days ago: touched
		openDeal("stale", "101", old, "Продажи", "Новая"),                                              // no touch
		openDeal("called", "101", old, "Продажи", "Новая"),                                             // a touch 2 days ago
		openDeal("edge", "101", old, "Продажи", "Новая"),                                               // a touch exactly 7×24 h ago
		openDeal("service", "101", old, "Сервис", "Новая"),                                             // idle, other pipeline
		openDeal("late", "101", old, "Продажи", "Новая"),                                               // a touch after the cutoff
		openDeal("created", "101", ws.Window(MustDate(day)).From.Add(time.Minute), "Продажи", "Новая"), // created in the window
	}
	data := &DayData{Deals: deals, Touches: []DealTouch{
		{Source: "csv", DealID: "called", At: cutoff.Add(-48 * time.Hour)},
		{Source: "csv", DealID: "edge", At: cutoff.Add(-7 * 24 * time.Hour)},
		{Source: "csv", DealID: "late", At: cutoff.Add(time.Minute)},
	}, Tasks: []Task{
		{RecordMeta: RecordMeta{Source: "csv", ExternalID: "t1"}, Responsible: "101", DealID: "stale",
			CreatedAt: old, CompletedAt: cutoff.Add(-time.Hour)},
		{RecordMeta: RecordMeta{Source: "csv", ExternalID: "t2"}, Responsible: "101",
			CreatedAt: old, CompletedAt: cutoff.Add(time.Hour)}, // after the cutoff
	}}
	v := ownValues(t, ws, day, data, "anna")
	if got := v.Count("idle_sales"); got != 3 {
		t.Errorf("idle_sales = %d; want 3 (stale, edge, late)", got)
	}
	if got := v.Count(DealsIdle); got != 4 {
		t.Errorf("deals_idle = %d; want 4 (stale, edge, service, late)", got)
	}
	if got := v.Count(DealsCreated); got != 1 {
		t.Errorf("deals_created = %d; want 1", got)
	}
	if got := v.Count(TasksCompleted); got != 1 {
		t.Errorf("tasks_completed = %d; want 1", got)
	}
	for _, e := range Explain(ws, ws.Window(MustDate(day)), data, "anna", "idle_sales") {
		if e.ExternalID == "called" && (e.Counted || e.Reason != ReasonTouched || !e.Touched.Equal(cutoff.Add(-48*time.Hour))) {
			t.Errorf("called: %+v; want touched 48 h before", e)
		}
	}

	// The domain's definition of a touch, which the store's aggregate
	// stands for.
	stale := deals[1]
	acts := []Activity{heldCall("a1", "101", cutoff.Add(-time.Hour), cutoff.Add(time.Hour))} // entered after the cutoff
	acts[0].DealID = "stale"
	if got := LastTouch(&stale, cutoff, acts, data.Tasks, nil); !got.Equal(cutoff.Add(-time.Hour)) {
		t.Errorf("LastTouch = %v; want the task completed an hour before the cutoff", got)
	}
}

func TestOwnValuesJSON(t *testing.T) {
	ws := ownWorkspace(t)
	d := openDeal("d1", "101", mskCutoff(10), "Продажи", "Новая")
	d.Status, d.Amount, d.ClosedAt = DealWon, mustDec(t, "1500.50"), cutD.Add(-time.Hour)
	v := ownValues(t, ws, dayD, &DayData{Deals: []Deal{d}}, "anna")
	if got := v.Format("sales_won"); got != "1500.50" {
		t.Errorf("sales_won = %s; want 1500.50", got)
	}
	b, err := json.Marshal(*v)
	if err != nil {
		t.Fatal(err)
	}
	var back Values
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Errorf("round trip:\n%s\n%s", b, b2)
	}
	if !back.Has("idle_sales") || back.Has("nothing") || back.Format("sales_won") != "1500.50" {
		t.Errorf("after a round trip: Has/Format wrong: %s", b2)
	}
	// Rules compare own values as they compare built-ins.
	version, _ := ws.Regulation.At(MustDate(dayD))
	m, _ := ws.Manager("anna")
	outcomes, _ := version.Score(m, &back)
	if len(outcomes) != 5 || outcomes[1].Indicator != "sales_without_tasks" || !outcomes[1].Passed {
		t.Errorf("outcomes = %+v; want sales_without_tasks passed (the won deal is closed)", outcomes)
	}
}

func TestBonusPay(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.PointValue = mustDec(t, "200")
	ws.Pay = Pay{Mode: PayBonus, BaseMonth: mustDec(t, "15000"), BaseWeek: mustDec(t, "3500")}
	ws.BonusCap = decimal.NewNullDecimal(mustDec(t, "20000"))
	ws.FineCap = decimal.NewNullDecimal(mustDec(t, "100"))
	for _, tt := range []struct {
		period string
		points int
		want   string
		capped bool
	}{
		{PeriodMonth, 10, "17000.00", false},
		{PeriodMonth, -10, "13000.00", false}, // reduced, and the fine cap plays no part
		{PeriodMonth, -100, "0.00", true},     // never below zero
		{PeriodMonth, 40, "20000.00", true},   // never above the bonus cap
		{PeriodWeek, -5, "2500.00", false},
	} {
		got, capped := ws.Money(tt.period, tt.points)
		if got.String() != tt.want || capped != tt.capped {
			t.Errorf("Money(%s, %d) = %s, %v; want %s, %v", tt.period, tt.points, got, capped, tt.want, tt.capped)
		}
	}
	st := BuildStatement(ws, MonthOf(MustDate("2026-11-02")), nil, nil)
	if st.PayMode != PayBonus || st.Base == nil || st.Base.String() != "15000.00" {
		t.Errorf("statement pay = %s base %v; want bonus 15000.00", st.PayMode, st.Base)
	}
}
