package cli

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

func renderWorkspace(t *testing.T) *domain.Workspace {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	return &domain.Workspace{ID: "acme", Name: "Acme", Location: loc, Timezone: "Europe/Moscow", Deadline: domain.Clock{Hour: 18},
		Currency: "RUB", PointValue: decimal.NewFromInt(100),
		Managers: []domain.Manager{{ID: "evil", Name: "=HYPERLINK(\"http://x\")"}},
		Regulation: domain.Regulation{{Effective: domain.MustDate("2026-11-01"),
			Indicators: []domain.IndicatorDef{{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves}}}}}
}

// Issue 14: a name a spreadsheet would run as a formula is written as text
// in the CLI's CSVs, while the numbers, negative ones too, stay numbers.
func TestCSVNeutralizesFormulas(t *testing.T) {
	ws := renderWorkspace(t)
	names := []string{"=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-1+1", "\tTab", "\rCR"}
	st := &domain.Statement{Period: "2026-11", Currency: "RUB", PayMode: domain.PayPoints}
	sheet := &domain.DaySheet{Date: domain.MustDate("2026-11-16"), Status: domain.SheetFinal}
	for _, n := range names {
		st.Lines = append(st.Lines, domain.StatementLine{Manager: n, Name: n, Total: -3, Points: -3, Money: domain.NewMoney(decimal.NewFromInt(-300))})
		sheet.Lines = append(sheet.Lines, domain.SheetLine{Manager: n, Points: -2, Total: -2})
	}
	for name, render := range map[string]func(r renderer) error{
		"statement": func(r renderer) error { return r.statement("csv", ws, st) },
		"sheet":     func(r renderer) error { return r.sheet("csv", ws, sheet) },
	} {
		var buf bytes.Buffer
		if err := render(renderer{w: &buf, lang: i18n.RU}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		header := rows[0]
		for i, row := range rows[1:] {
			for j, c := range row {
				if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
					t.Errorf("%s row %d %s: %q starts a formula", name, i+1, header[j], c)
				}
				if c != "" && c[0] == '-' && header[j] != "total" && header[j] != "points" && header[j] != "money" {
					t.Errorf("%s row %d %s: %q starts a formula", name, i+1, header[j], c)
				}
			}
			col := map[string]string{}
			for j, h := range header {
				col[h] = row[j]
			}
			if want := "'" + names[i]; col["manager"] != want {
				t.Errorf("%s row %d: manager %q, want %q", name, i+1, col["manager"], want)
			}
			if name == "statement" && (col["total"] != "-3" || col["money"] != "-300.00") {
				t.Errorf("statement row %d: total %q money %q; want the numbers as numbers", i+1, col["total"], col["money"])
			}
			if name == "sheet" && col["total"] != "-2" {
				t.Errorf("sheet row %d: total %q, want -2", i+1, col["total"])
			}
		}
	}
}

// In bonus pay the statement speaks of a bonus and its reduction, never
// of a fine, in text and CSV.
func TestBonusStatementSaysNoFine(t *testing.T) {
	ws := renderWorkspace(t)
	ws.FineCap = decimal.NewNullDecimal(decimal.NewFromInt(5000))
	ws.Pay = domain.Pay{Mode: domain.PayBonus, BaseMonth: decimal.NewFromInt(15000)}
	base := domain.NewMoney(decimal.NewFromInt(15000))
	st := &domain.Statement{Period: "2026-11", Currency: "RUB", PointValue: decimal.NewFromInt(100), PayMode: domain.PayBonus, Base: &base,
		Lines: []domain.StatementLine{{Manager: "anna", Name: "Анна", Total: -30, Money: domain.NewMoney(decimal.NewFromInt(12000))}}}
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		for _, format := range []string{"text", "csv"} {
			var buf bytes.Buffer
			if err := (renderer{w: &buf, lang: lang}).statement(format, ws, st); err != nil {
				t.Fatal(err)
			}
			out := strings.ToLower(buf.String())
			for _, bad := range []string{"штраф", "fine"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s %s: says %q:\n%s", lang, format, bad, buf.String())
				}
			}
			if !strings.Contains(out, "3000.00") || !strings.Contains(out, "12000.00") {
				t.Errorf("%s %s: want the reduction 3000.00 and the bonus 12000.00:\n%s", lang, format, buf.String())
			}
		}
	}
	var buf bytes.Buffer
	if err := (renderer{w: &buf, lang: i18n.RU}).statement("text", ws, st); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Базовая премия, RUB", "Снижение премии, RUB", "Премия, RUB"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("statement lacks %q:\n%s", want, buf.String())
		}
	}
}

// Own indicators follow the built-ins in the table, headed by their name,
// and in the CSV, headed by their id.
func TestSheetShowsOwnIndicators(t *testing.T) {
	ws := renderWorkspace(t)
	var v domain.Values
	v.SetCount("proposals_sent", 3)
	sheet := &domain.DaySheet{Date: domain.MustDate("2026-11-16"), Status: domain.SheetFinal,
		Lines: []domain.SheetLine{{Manager: "evil", Values: v}}}
	var text, csvOut bytes.Buffer
	if err := (renderer{w: &text, lang: i18n.RU}).sheet("text", ws, sheet); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "КП отправлено") {
		t.Errorf("table lacks the own indicator's name:\n%s", text.String())
	}
	if err := (renderer{w: &csvOut, lang: i18n.RU}).sheet("csv", ws, sheet); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := len(domain.Indicators) + 5
	if rows[0][i] != "proposals_sent" || rows[1][i] != "3" {
		t.Errorf("csv column %d: %q = %q, want proposals_sent = 3", i, rows[0][i], rows[1][i])
	}
}
