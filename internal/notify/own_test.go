package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// ownRegulation defines "КП отправлено" (proposals_sent) from 2026-11-01
// and a rule that wants two a day.
func ownRegulation(ws *domain.Workspace) {
	ws.Regulation = domain.Regulation{{Effective: domain.MustDate("2026-11-01"),
		Indicators: []domain.IndicatorDef{{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves,
			Where: domain.Filter{ToStage: []string{"КП отправлено"}}}},
		Rules: []domain.Rule{{Indicator: "proposals_sent", Op: domain.AtLeast, Target: decimal.NewFromInt(2), Pass: 1, Fail: -2}}}}
}

func proposalsLine() *domain.SheetLine {
	var v domain.Values
	v.SetCount("proposals_sent", 1)
	return &domain.SheetLine{Manager: "anna", Values: v, Rules: []domain.RuleOutcome{
		{Indicator: "proposals_sent", Op: domain.AtLeast, Target: decimal.NewFromInt(2), Passed: false, Points: -2}}}
}

// An own indicator still short is named by its label in the reminder,
// whether the gaps know their day (GapsOn) or not (Gaps), and in the
// head's digest.
func TestOwnIndicatorNamedByItsLabel(t *testing.T) {
	ws := testWorkspace(t)
	ownRegulation(ws)
	day := domain.MustDate("2026-11-16")
	line := proposalsLine()
	for name, gaps := range map[string][]Gap{"GapsOn": GapsOn(ws, day, line, nil, nil), "Gaps": Gaps(line, nil, nil)} {
		for lang, want := range map[i18n.Lang]string{i18n.RU: "КП отправлено: 1 из 2 — не хватает 1", i18n.EN: "КП отправлено: 1 of 2, 1 to go"} {
			m, ok := Reminder(lang, ws, &ws.Managers[0], gaps, 30*time.Minute)
			if !ok || !strings.Contains(m.Text, want) {
				t.Errorf("%s %s: reminder %q; want it to say %q", name, lang, m.Text, want)
			}
			if strings.Contains(m.Text, "proposals_sent") {
				t.Errorf("%s %s: reminder names the id: %q", name, lang, m.Text)
			}
		}
	}
	if got := GapsOn(ws, day, line, nil, nil)[0].Describe(i18n.RU); got != "КП отправлено: 1 из 2 — не хватает 1" {
		t.Errorf("Describe = %q", got)
	}
	sheet := &domain.DaySheet{Workspace: "acme", Date: day, Status: domain.SheetFinal, Lines: []domain.SheetLine{*line}}
	if d := Digest(i18n.RU, ws, sheet); !strings.Contains(d.Text, "КП отправлено 1") {
		t.Errorf("digest %q; want the label of the own indicator", d.Text)
	}
}

// In bonus pay a statement message speaks of a bonus and its reduction,
// never of a fine, in either language.
func TestBonusStatementSaysNoFine(t *testing.T) {
	ws := testWorkspace(t)
	ws.Pay = domain.Pay{Mode: domain.PayBonus, BaseMonth: decimal.NewFromInt(15000)}
	base := domain.NewMoney(decimal.NewFromInt(15000))
	st := &domain.Statement{Workspace: "acme", Period: "2026-11", Currency: "RUB", PayMode: domain.PayBonus, Base: &base,
		Lines: []domain.StatementLine{
			{Manager: "anna", Name: "Анна Петрова", DaysScored: 18, Total: 40, Money: domain.NewMoney(decimal.NewFromInt(19000))},
			{Manager: "boris", Name: "Борис Смирнов", DaysScored: 20, Total: -30, Money: domain.NewMoney(decimal.NewFromInt(12000))},
			{Manager: "vera", Name: "Вера Ким", DaysScored: 20, Total: -200, Money: domain.NewMoney(decimal.Zero), Capped: true},
		}}
	for lang, want := range map[i18n.Lang][]string{
		i18n.RU: {"Борис Смирнов: -30 баллов за 20 дн. — премия 12000.00 RUB (снижение премии 3000.00 RUB из 15000.00)", "премия 19000.00 RUB"},
		i18n.EN: {"bonus 12000.00 RUB (bonus reduction 3000.00 RUB of 15000.00)"},
	} {
		for _, manager := range []string{"", "boris"} {
			m := Statement(lang, ws, st, manager)
			low := strings.ToLower(m.Text + m.HTML + m.Subject)
			for _, bad := range []string{"штраф", "fine"} {
				if strings.Contains(low, bad) {
					t.Errorf("%s: bonus statement says %q:\n%s", lang, bad, m.Text)
				}
			}
			for _, w := range want {
				if manager == "" && !strings.Contains(m.Text, w) {
					t.Errorf("%s: statement %q; want %q", lang, m.Text, w)
				}
			}
		}
	}
}
