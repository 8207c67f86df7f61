package web

import (
	"context"
	"net/http"
	"slices"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

// The Norms step of the guided setup (issue 15): the article's nine rules
// (or the rules the workspace has), each target suggested from the history
// (domain.SuggestTargets), beside the backtest of the last four weeks — per
// manager, the points and money the rules would have given — so that a
// head agrees the norms with eyes open. Saving creates a regulation
// version from the chosen day, as the rules form does.

// normsBacktestDays is how many past days the Norms step's backtest covers.
const normsBacktestDays = 28

type normsData struct {
	Editor *rulesEditor
	Error  string
	Saved  string
	// SuggestFrom..SuggestTo are the working days the suggestions learn
	// from; Drafted counts the days of the history not final yet, computed
	// from the stored CRM records.
	SuggestFrom, SuggestTo domain.Date
	Drafted                int
	// The backtest of the edited rules over BacktestFrom..BacktestTo.
	BacktestFrom, BacktestTo domain.Date
	Backtest                 []previewLine
	// Starter is set when the workspace has no regulation: the rules are
	// the article's nine.
	Starter bool
}

// history returns the sheets of the working days from..to: the final
// sheets, and for a day not final yet (a workspace whose CRM was just
// synced has none) the sheet computed from the records stored now, a
// draft.
func (s *Server) history(ctx context.Context, ws *domain.Workspace, from, to domain.Date) ([]domain.DaySheet, error) {
	final, err := s.store.FindSheets(ctx, ws.ID, from, to)
	if err != nil {
		return nil, err
	}
	have := make(map[domain.Date]bool, len(final))
	for _, sh := range final {
		have[sh.Date] = true
	}
	sheets := final
	for _, d := range ws.WorkingDays(from, to) {
		if have[d] {
			continue
		}
		sh, err := s.eng.Draft(ctx, ws, d)
		if err != nil {
			return nil, err
		}
		sheets = append(sheets, *sh)
	}
	slices.SortFunc(sheets, func(a, b domain.DaySheet) int { return a.Date.Compare(b.Date) })
	return sheets, nil
}

// fillOwn gives the sheets the own indicators of version v they lack (a
// sheet of a day before v defined them), computed from the records stored
// now as of that day's cutoff, as `reglament backtest` does: so that the
// suggestions and the backtest of a rule on one see every day.
func (s *Server) fillOwn(ctx context.Context, ws *domain.Workspace, v domain.RegulationVersion, sheets []domain.DaySheet) error {
	own := v.Own()
	if len(own) == 0 {
		return nil
	}
	what := *ws
	what.Regulation = domain.Regulation{{Effective: domain.Date{Year: 1, Month: 1, Day: 1}, Rules: v.Rules, Indicators: v.Indicators}}
	for i := range sheets {
		sh := &sheets[i]
		var missing []domain.IndicatorDef
		for _, d := range own {
			if slices.ContainsFunc(sh.Lines, func(l domain.SheetLine) bool { return !l.Values.Has(d.ID) }) {
				missing = append(missing, d)
			}
		}
		if len(missing) == 0 {
			continue
		}
		win := ws.Window(sh.Date)
		data, err := s.store.LoadDay(ctx, ws.ID, win)
		if err != nil {
			return err
		}
		values, _ := domain.ComputeValues(&what, win, data)
		for j := range sh.Lines {
			l := &sh.Lines[j]
			val := values[l.Manager]
			if val == nil {
				continue
			}
			for _, d := range missing {
				switch {
				case l.Values.Has(d.ID):
				case d.Base == domain.WonAmount:
					l.Values.SetAmount(d.ID, val.Get(d.ID))
				default:
					l.Values.SetCount(d.ID, val.Count(d.ID))
				}
			}
		}
	}
	return nil
}

// normsData builds the step: the rules, their suggestions, and the spans
// of history both use. The caller fills the editor's rows from the form
// when one was sent, then calls backtest.
func (s *Server) normsData(ctx context.Context, r *http.Request, ws *domain.Workspace) (*normsData, []domain.DaySheet, error) {
	l := state(r).lang
	today := ws.Today(s.now())
	base, ok := newestVersion(ws)
	rules := base.Rules
	data := &normsData{Starter: !ok || len(rules) == 0}
	if data.Starter {
		rules = domain.StarterRules()
	}
	open, err := s.firstOpenDay(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	data.Editor = newRulesEditor(l, ws, base, rules, nextEffective(ws, base, today), open)
	data.Editor.Suggest = true
	if data.Starter && open == today && ws.IsWorkingDay(today) {
		// A workspace with no rules yet may start scoring today.
		data.Editor.Effective = today.String()
	}
	data.BacktestFrom, data.BacktestTo = today.AddDays(-normsBacktestDays), today.AddDays(-1)
	from, to, ok := domain.SuggestPeriod(ws, today, domain.SuggestDays)
	if !ok {
		from, to = data.BacktestFrom, data.BacktestTo
	}
	data.SuggestFrom, data.SuggestTo = from, to
	earliest := from
	if data.BacktestFrom.Before(earliest) {
		earliest = data.BacktestFrom
	}
	sheets, err := s.history(ctx, ws, earliest, data.BacktestTo)
	if err == nil {
		err = s.fillOwn(ctx, ws, base, sheets)
	}
	if err != nil {
		return nil, nil, err
	}
	var learn []domain.DaySheet
	for _, sh := range sheets {
		if !sh.Date.Before(from) && !sh.Date.After(to) {
			learn = append(learn, sh)
			if sh.Status != domain.SheetFinal {
				data.Drafted++
			}
		}
	}
	suggestions := domain.SuggestTargets(ws, &base, rules, !data.Starter, learn)
	for i := range suggestions {
		row := &data.Editor.Rows[i]
		row.Suggestion = &suggestions[i]
		if t := suggestions[i].Target; t.Valid {
			row.Target = t.Decimal.String()
		}
	}
	return data, sheets, nil
}

// suggestionKey finds a row's suggestion again after a form is sent.
func suggestionKey(indicator, op string) string { return indicator + " " + op }

// attachSuggestions gives the editor's rows the suggestions of their
// indicator and comparison.
func attachSuggestions(ed *rulesEditor, by map[string]*domain.Suggestion) {
	for i := range ed.Rows {
		ed.Rows[i].Suggestion = by[suggestionKey(ed.Rows[i].Indicator, ed.Rows[i].Op)]
	}
}

// backtest scores the backtest span of sheets by rules, as if they had
// been in force from its first day, with the base version's own
// indicators: per manager, the points and the money.
func (d *normsData) backtest(ws *domain.Workspace, rules []domain.Rule, sheets []domain.DaySheet) {
	var span []domain.DaySheet
	for _, sh := range sheets {
		if !sh.Date.Before(d.BacktestFrom) && !sh.Date.After(d.BacktestTo) {
			span = append(span, sh)
		}
	}
	reg := domain.Regulation{{Effective: d.BacktestFrom, Rules: rules, Indicators: d.Editor.Base.Indicators}}
	d.Backtest = nil
	for _, l := range domain.Backtest(ws, reg, "days", span) {
		name := l.Manager
		if m, ok := ws.Manager(l.Manager); ok {
			name = m.Name
		}
		d.Backtest = append(d.Backtest, previewLine{BacktestLine: l, Name: name})
	}
}

// rowRules returns the rules of the editor's rows that are on, as
// prefilled (their targets the suggestions); rows are known valid.
func rowRules(ed *rulesEditor, rules []domain.Rule) []domain.Rule {
	out := slices.Clone(rules)
	for i := range out {
		if t, ok := parseNumber(ed.Rows[i].Target); ok {
			out[i].Target = t
		}
	}
	return out
}

func (s *Server) normsPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	data, sheets, err := s.normsData(r.Context(), r, ws)
	if err != nil {
		return err
	}
	base, _ := newestVersion(ws)
	rules := base.Rules
	if data.Starter {
		rules = domain.StarterRules()
	}
	data.backtest(ws, rowRules(data.Editor, rules), sheets)
	data.Saved = r.URL.Query().Get("saved")
	return s.render(w, r, "setup-norms", &page{Title: state(r).lang.T("norms.title"), WS: ws, Nav: "regulation", Data: data})
}

// normsPost shows the backtest of the rules as edited (action preview) or
// stores them as a new regulation version (action save).
func (s *Server) normsPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	data, sheets, err := s.normsData(r.Context(), r, ws)
	if err != nil {
		return err
	}
	by := make(map[string]*domain.Suggestion)
	for _, row := range data.Editor.Rows {
		if row.Suggestion != nil {
			by[suggestionKey(row.Indicator, row.Op)] = row.Suggestion
		}
	}
	var v domain.RegulationVersion
	var rules []domain.Rule
	if r.PostFormValue("action") == "save" {
		v, err = s.saveRules(r, ws, data.Editor)
		rules = v.Rules
	} else {
		rules, err = data.Editor.parse(r)
	}
	attachSuggestions(data.Editor, by)
	status := http.StatusOK
	if err != nil {
		var ok bool
		if status, ok = formStatus(err); !ok {
			return err
		}
		data.Error = errorText(err, state(r).lang)
	} else if r.PostFormValue("action") == "save" {
		http.Redirect(w, r, "/w/"+ws.ID+"/setup/norms?saved="+v.Effective.String(), http.StatusSeeOther)
		return nil
	}
	if rules != nil {
		data.backtest(ws, rules, sheets)
	}
	return s.renderStatus(w, r, status, "setup-norms", &page{Title: state(r).lang.T("norms.title"), WS: ws, Nav: "regulation", Data: data})
}
