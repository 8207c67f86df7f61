package i18n

import (
	"testing"
	"time"

	"reglament/internal/domain"
)

func TestLabel(t *testing.T) {
	v := &domain.RegulationVersion{
		Indicators: []domain.IndicatorDef{
			{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves},
			{ID: "long_calls", Base: domain.CallsHeld},
		},
		Rules: []domain.Rule{{Indicator: domain.DealsIdle}},
	}
	for _, c := range []struct {
		l    Lang
		ind  domain.Indicator
		want string
	}{
		{RU, "proposals_sent", "КП отправлено"},
		{EN, "proposals_sent", "КП отправлено"},
		{RU, "long_calls", "long_calls"},
		{RU, domain.DealsIdle, "Сделок без движения"},
		{EN, domain.CallsHeld, "Calls held"},
		{RU, "gone", "gone"},
	} {
		if got := c.l.Label(v, c.ind); got != c.want {
			t.Errorf("%s: Label(%s) = %q, want %q", c.l, c.ind, got, c.want)
		}
	}
	if got := RU.Label(nil, "proposals_sent"); got != "proposals_sent" {
		t.Errorf("Label with no version = %q, want the id", got)
	}
}

func TestDefinition(t *testing.T) {
	sixty := 60
	for _, c := range []struct {
		l    Lang
		d    domain.IndicatorDef
		want string
	}{
		{RU, domain.IndicatorDef{ID: "p", Base: domain.DealMoves, Where: domain.Filter{Pipeline: []string{"Продажи"}, ToStage: []string{"КП отправлено"}}},
			"Переходов этапа · воронка: Продажи · на этап: КП отправлено"},
		{EN, domain.IndicatorDef{ID: "c", Base: domain.CallsHeld, Where: domain.Filter{Direction: "out", MinSeconds: &sixty}},
			"Calls held · outgoing only · at least 60 s"},
		{RU, domain.IndicatorDef{ID: "i", Base: domain.DealsIdle, IdleDays: 5, Where: domain.Filter{Pipeline: []string{"Продажи", "Повторные"}}},
			"Сделок без движения · воронка: Продажи или Повторные · без касаний 5\u00a0дней"},
	} {
		if got := c.l.Definition(&c.d); got != c.want {
			t.Errorf("%s: Definition = %q, want %q", c.l, got, c.want)
		}
	}
}

func TestBecause(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	ws := &domain.Workspace{Location: msk, MinCallSeconds: 10}
	sixty := 60
	calls := &domain.IndicatorDef{ID: "long_calls", Base: domain.CallsHeld, Where: domain.Filter{Direction: "out", MinSeconds: &sixty}}
	sales := &domain.IndicatorDef{ID: "sales", Base: domain.DealsWithoutTasks, Where: domain.Filter{Pipeline: []string{"Продажи"}, Stage: []string{"КП"}}}
	idle := &domain.IndicatorDef{ID: "idle", Base: domain.DealsIdle}
	touched := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		l    Lang
		d    *domain.IndicatorDef
		e    domain.Evidence
		want string
	}{
		{RU, sales, domain.Evidence{Kind: domain.KindDeal, Reason: domain.ReasonOtherPipeline, Placed: true, Pipeline: "Сервис"}, "другая воронка: Сервис"},
		{RU, sales, domain.Evidence{Kind: domain.KindDeal, Reason: domain.ReasonOtherStage, Placed: true, Pipeline: "Продажи", Stage: "Сервис"}, "этап на момент дедлайна: Сервис"},
		{RU, sales, domain.Evidence{Kind: domain.KindDeal, Counted: true, Reason: domain.ReasonNoOpenTask, Placed: true, Pipeline: "Продажи", Stage: "КП"},
			"нет открытой задачи · воронка: Продажи, этап: КП"},
		{RU, calls, domain.Evidence{Kind: domain.KindActivity, Reason: domain.ReasonOtherDirection, Direction: "in"}, "входящий звонок"},
		{EN, calls, domain.Evidence{Kind: domain.KindActivity, Reason: domain.ReasonOtherDirection}, "call direction unknown"},
		{RU, calls, domain.Evidence{Kind: domain.KindActivity, Reason: domain.ReasonTooShort, Direction: "out", Seconds: 42}, "короче 60 с (42 с)"},
		{RU, nil, domain.Evidence{Kind: domain.KindActivity, Reason: domain.ReasonTooShort, Seconds: 3}, "короче 10 с (3 с)"},
		{RU, calls, domain.Evidence{Kind: domain.KindActivity, Counted: true, Reason: domain.ReasonCounted, Direction: "out", Seconds: 75},
			"засчитано · исходящий звонок, 75 с"},
		{RU, sales, domain.Evidence{Kind: domain.KindTask, Reason: domain.ReasonNoDeal}, "без сделки"},
		{RU, idle, domain.Evidence{Kind: domain.KindDeal, Counted: true, Reason: domain.ReasonIdle, Touched: touched}, "последнее касание 12 ноября"},
		{EN, idle, domain.Evidence{Kind: domain.KindDeal, Reason: domain.ReasonTouched, Touched: touched}, "touched 12 November, within 7\u00a0days"},
		{RU, &domain.IndicatorDef{ID: "m", Base: domain.DealMoves}, domain.Evidence{Kind: domain.KindDealMove, Counted: true, Reason: domain.ReasonMoved,
			FromStage: "КП отправлено", Stage: "Счёт"}, "переход КП отправлено → Счёт"},
		{RU, nil, domain.Evidence{Kind: domain.KindDealMove, Reason: domain.ReasonOtherToStage, FromStage: "Новая", Stage: "Счёт"}, "не та стадия перехода: Новая → Счёт"},
		{EN, nil, domain.Evidence{Kind: domain.KindDeal, Counted: true, Reason: domain.ReasonOpenAtCutoff}, "in progress at the deadline"},
	} {
		if got := c.l.Because(ws, c.d, &c.e); got != c.want {
			t.Errorf("%s: Because(%s) = %q, want %q", c.l, c.e.Reason, got, c.want)
		}
	}
}
