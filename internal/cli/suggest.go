package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// runSuggest proposes each rule's target from the final sheets of a period
// (issue 15): the largest whole target three manager-days in four meet for
// at_least, 0 for at_most on a "presence of" state indicator, with the share
// of the days the suggested and the current targets pass.
func (m *Main) runSuggest(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	period := env.fs.String("period", "", "2026-11, 2026-W47 or 2026-11-02..2026-11-27 (default the last 20 working days)")
	format := env.fs.String("format", "text", "output format: text or json")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("flag --format: want text or json, got %q", *format)
	}
	var label string
	var from, to domain.Date
	if *period != "" {
		var err error
		if label, from, to, err = parseSpan(*period); err != nil {
			return i18n.Invalid("norms.suggest.bad_period", *period)
		}
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	ws, err := eng.Workspace(ctx, *workspace)
	if err != nil {
		return err
	}
	today := ws.Today(m.Now())
	if *period == "" {
		var ok bool
		if from, to, ok = domain.SuggestPeriod(ws, today, domain.SuggestDays); !ok {
			return i18n.Invalid("norms.suggest.no_days", ws.ID)
		}
		label = domain.SpanLabel(from, to)
	}
	sheets, err := eng.Store.FindSheets(ctx, ws.ID, from, to)
	if err != nil {
		return err
	}
	rules, version, current := domain.SuggestRules(ws, today)
	suggestions := domain.SuggestTargets(ws, version, rules, current, sheets)
	r := renderer{w: m.Stdout, lang: env.Lang(), now: m.Now()}
	if *format == "json" {
		return r.json(struct {
			Period      string              `json:"period"`
			Suggestions []domain.Suggestion `json:"suggestions"`
		}{label, suggestions})
	}
	return r.suggestions(version, label, len(sheets), suggestions)
}

// parseSpan parses a period flag: a month, an ISO week or FROM..TO.
func parseSpan(s string) (label string, from, to domain.Date, err error) {
	if a, b, ok := strings.Cut(s, ".."); ok {
		if from, err = domain.ParseDate(a); err != nil {
			return "", from, to, err
		}
		if to, err = domain.ParseDate(b); err != nil {
			return "", from, to, err
		}
		if to.Before(from) {
			return "", from, to, fmt.Errorf("%s is before %s", to, from)
		}
		return domain.SpanLabel(from, to), from, to, nil
	}
	p, err := domain.ParsePeriod(s)
	if err != nil {
		return "", from, to, err
	}
	return p.Label, p.From, p.To, nil
}

// suggestions renders the suggested targets as a table.
func (r renderer) suggestions(version *domain.RegulationVersion, label string, days int, list []domain.Suggestion) error {
	l := r.lang
	fmt.Fprintln(r.w, l.T("norms.suggest.title", label, days))
	fmt.Fprintln(r.w)
	rows := [][]string{{l.T("norms.col.indicator"), l.T("norms.col.op"), l.T("norms.col.current"), l.T("norms.col.target"),
		l.T("norms.col.days"), l.T("norms.col.current_pass"), l.T("norms.col.pass")}}
	for _, s := range list {
		rows = append(rows, []string{indicatorLabel(l, version, s.Indicator), opSign(s.Op), nullDecimal(s.Current), nullDecimal(s.Target),
			strconv.Itoa(max(s.PassRate.Total, s.CurrentPassRate.Total)), percent(l, s.CurrentPassRate), percent(l, s.PassRate)})
	}
	if err := r.table(rows); err != nil {
		return err
	}
	fmt.Fprintln(r.w)
	fmt.Fprintln(r.w, l.T("norms.suggest.how"))
	return nil
}

// indicatorLabel names an indicator: a built-in or base in the reader's
// language, an own one by the name its version gives.
func indicatorLabel(l i18n.Lang, version *domain.RegulationVersion, ind domain.Indicator) string {
	if domain.IsBase(ind) {
		return l.Indicator(ind)
	}
	if version != nil {
		if d, ok := version.Indicator(ind); ok {
			return d.Label()
		}
	}
	return string(ind)
}

func opSign(op domain.Op) string {
	switch op {
	case domain.AtLeast:
		return "≥"
	case domain.AtMost:
		return "≤"
	}
	return "="
}

func nullDecimal(d decimal.NullDecimal) string {
	if !d.Valid {
		return "—"
	}
	return d.Decimal.String()
}

func percent(l i18n.Lang, s domain.Share) string {
	if s.Total == 0 {
		return "—"
	}
	return l.T("norms.percent", s.Percent())
}
