package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// maxRuleRows bounds the rows a rules form may send.
const maxRuleRows = 100

// ruleRow is one rule of the rules editor as the form shows and sends it:
// the text typed, so that a refused form keeps it. A row with New set is
// the empty row for adding a rule: it counts once an indicator is chosen.
type ruleRow struct {
	Index      int
	On, New    bool
	Indicator  string
	Op         string
	Target     string
	Pass, Fail string
	Teams      []string
	Managers   []string
	Targets    map[string]string
	// Suggestion is what the history proposes (the Norms step only).
	Suggestion *domain.Suggestion
}

// HasLimits reports whether the row is limited to teams or managers or
// sets a manager's own target: its details open.
func (r ruleRow) HasLimits() bool {
	if len(r.Teams) > 0 || len(r.Managers) > 0 {
		return true
	}
	for _, t := range r.Targets {
		if t != "" {
			return true
		}
	}
	return false
}

// rulesEditor is the rules of one regulation version in a form: the rules
// page and the Norms step both edit one.
type rulesEditor struct {
	Rows       []ruleRow
	Effective  string
	Min        domain.Date // firstOpenDay: no version takes effect in the past
	Indicators []indicatorOption
	Ops        []domain.Op
	Teams      []string
	Managers   []domain.Manager
	// Suggest shows the suggestion columns (the Norms step).
	Suggest bool
	// Base is the version the rows started from; its own indicators stay
	// in the new version. Zero when the workspace has none.
	Base domain.RegulationVersion
}

type indicatorOption struct{ ID, Label string }

// newRulesEditor returns the editor of rules, the new version starting
// from base (its own indicators kept) on effective.
func newRulesEditor(l i18n.Lang, ws *domain.Workspace, base domain.RegulationVersion, rules []domain.Rule, effective, today domain.Date) *rulesEditor {
	ed := &rulesEditor{Effective: effective.String(), Min: today, Ops: domain.Ops, Teams: teamsOf(ws), Managers: ws.Managers, Base: base}
	for _, ind := range domain.Bases {
		ed.Indicators = append(ed.Indicators, indicatorOption{ID: string(ind), Label: l.Indicator(ind)})
	}
	for _, d := range base.Own() {
		ed.Indicators = append(ed.Indicators, indicatorOption{ID: string(d.ID), Label: l.Label(&base, d.ID)})
	}
	for i, r := range rules {
		row := ruleRow{Index: i, On: true, Indicator: string(r.Indicator), Op: string(r.Op), Target: r.Target.String(),
			Pass: strconv.Itoa(r.Pass), Fail: strconv.Itoa(r.Fail), Teams: r.Teams, Managers: r.Managers, Targets: map[string]string{}}
		for id, t := range r.Targets {
			row.Targets[id] = t.String()
		}
		ed.Rows = append(ed.Rows, row)
	}
	ed.addEmptyRow()
	return ed
}

func (ed *rulesEditor) addEmptyRow() {
	ed.Rows = append(ed.Rows, ruleRow{Index: len(ed.Rows), New: true, Op: string(domain.AtLeast), Target: "0",
		Pass: strconv.Itoa(domain.DefaultPass), Fail: strconv.Itoa(domain.DefaultFail), Targets: map[string]string{}})
}

// label names an indicator id as the editor's options do.
func (ed *rulesEditor) label(id string) string {
	for _, o := range ed.Indicators {
		if o.ID == id {
			return o.Label
		}
	}
	return id
}

// parseNumber reads a number as people type it: "1,5", "100 000".
func parseNumber(s string) (decimal.Decimal, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(strings.TrimSpace(s))
	d, err := decimal.NewFromString(s)
	return d, err == nil
}

// parse reads the rows a rules form sent into ed.Rows and returns the
// rules of the rows that are on. A refusal names the row and its field.
func (ed *rulesEditor) parse(r *http.Request) ([]domain.Rule, error) {
	n, err := strconv.Atoi(r.PostFormValue("rows"))
	if err != nil || n < 0 || n > maxRuleRows {
		return nil, fieldError("forms.rule.rows", nil, "forms.err.choose")
	}
	ed.Effective = r.PostFormValue("effective")
	ed.Rows = ed.Rows[:0]
	var rules []domain.Rule
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for i := range n {
		p := "r" + strconv.Itoa(i) + "."
		row := ruleRow{Index: i, New: r.PostFormValue(p+"new") == "1", Indicator: r.PostFormValue(p + "indicator"),
			Op: r.PostFormValue(p + "op"), Target: r.PostFormValue(p + "target"), Pass: r.PostFormValue(p + "pass"),
			Fail: r.PostFormValue(p + "fail"), Teams: r.PostForm[p+"team"], Managers: r.PostForm[p+"manager"], Targets: map[string]string{}}
		row.On = r.PostFormValue(p+"on") == "1" || row.New && row.Indicator != ""
		for _, m := range ed.Managers {
			if v := strings.TrimSpace(r.PostFormValue(p + "t." + m.ID)); v != "" {
				row.Targets[m.ID] = v
			}
		}
		ed.Rows = append(ed.Rows, row)
		if !row.On {
			continue
		}
		rule, err := ed.rule(i, &row)
		if err != nil {
			fail(err)
			continue
		}
		rules = append(rules, rule)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if len(rules) == 0 {
		return nil, fieldError("forms.rule.rules", nil, "forms.err.no_rules")
	}
	return rules, nil
}

// rule checks one row that is on.
func (ed *rulesEditor) rule(i int, row *ruleRow) (domain.Rule, error) {
	id := row.Indicator
	name := func(l i18n.Lang) string {
		for _, o := range ed.Indicators {
			if o.ID == id {
				if domain.IsBase(domain.Indicator(id)) {
					return l.Indicator(domain.Indicator(id))
				}
				return o.Label
			}
		}
		return id
	}
	at := []any{i + 1, name}
	if !slices.ContainsFunc(ed.Indicators, func(o indicatorOption) bool { return o.ID == id }) {
		return domain.Rule{}, fieldError("forms.rule.indicator", at, "forms.err.choose")
	}
	rule := domain.Rule{Indicator: domain.Indicator(id), Op: domain.Op(row.Op)}
	if !slices.Contains(domain.Ops, rule.Op) {
		return rule, fieldError("forms.rule.op", at, "forms.err.choose")
	}
	t, ok := parseNumber(row.Target)
	if !ok || t.IsNegative() {
		return rule, fieldError("forms.rule.target", at, "forms.err.number", row.Target)
	}
	rule.Target = t
	for _, f := range []struct {
		field, text string
		into        *int
	}{{"forms.rule.pass", row.Pass, &rule.Pass}, {"forms.rule.fail", row.Fail, &rule.Fail}} {
		n, err := strconv.Atoi(strings.TrimSpace(strings.Replace(f.text, "−", "-", 1)))
		if err != nil || n > domain.MaxRulePoints || n < -domain.MaxRulePoints {
			return rule, fieldError(f.field, at, "forms.err.points", f.text, domain.MaxRulePoints)
		}
		*f.into = n
	}
	for _, team := range row.Teams {
		if !slices.Contains(ed.Teams, team) {
			return rule, fieldError("forms.rule.teams", at, "forms.err.choose")
		}
	}
	for _, m := range row.Managers {
		if !slices.ContainsFunc(ed.Managers, func(x domain.Manager) bool { return x.ID == m }) {
			return rule, fieldError("forms.rule.managers", at, "forms.err.unknown_manager", m)
		}
	}
	rule.Teams, rule.Managers = row.Teams, row.Managers
	for _, m := range ed.Managers {
		v, ok := row.Targets[m.ID]
		if !ok {
			continue
		}
		t, ok := parseNumber(v)
		if !ok || t.IsNegative() {
			return rule, fieldError("forms.rule.manager_target", []any{i + 1, name, m.Name}, "forms.err.number", v)
		}
		if rule.Targets == nil {
			rule.Targets = map[string]decimal.Decimal{}
		}
		rule.Targets[m.ID] = t
	}
	return rule, nil
}

// version reads the effective day and returns the new version of rules,
// keeping the base version's own indicators.
func (ed *rulesEditor) version(r *http.Request, rules []domain.Rule) (domain.RegulationVersion, error) {
	d, err := formDate(r, "effective", "forms.rule.effective")
	if err != nil {
		return domain.RegulationVersion{}, err
	}
	if d.Before(ed.Min) {
		return domain.RegulationVersion{}, fieldError("forms.rule.effective", nil, "forms.err.past", d, ed.Min)
	}
	return domain.RegulationVersion{Effective: d, Rules: rules, Indicators: slices.Clone(ed.Base.Indicators)}, nil
}

// newestVersion is the version a new one starts from: the newest, in force
// or planned; ok is false when the workspace has none.
func newestVersion(ws *domain.Workspace) (domain.RegulationVersion, bool) {
	if len(ws.Regulation) == 0 {
		return domain.RegulationVersion{}, false
	}
	reg := slices.Clone(ws.Regulation)
	reg.Sort()
	return reg[len(reg)-1], true
}

// nextEffective proposes a new version's day: a planned version's own day
// (saving replaces it), else the next working day after today.
func nextEffective(ws *domain.Workspace, base domain.RegulationVersion, today domain.Date) domain.Date {
	if base.Effective.After(today) {
		return base.Effective
	}
	next, ok := ws.NextWorkingDay(today.AddDays(1))
	if !ok {
		return today.AddDays(1)
	}
	return next
}

type rulesData struct {
	Editor *rulesEditor
	Error  string
	Saved  string
	// Versions are the workspace's versions, newest first.
	Versions []domain.RegulationVersion
}

func (s *Server) rulesEditorOf(r *http.Request, ws *domain.Workspace) (*rulesEditor, error) {
	open, err := s.firstOpenDay(r.Context(), ws)
	if err != nil {
		return nil, err
	}
	base, _ := newestVersion(ws)
	return newRulesEditor(state(r).lang, ws, base, base.Rules, nextEffective(ws, base, ws.Today(s.now())), open), nil
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ed, err := s.rulesEditorOf(r, ws)
	if err != nil {
		return err
	}
	data := &rulesData{Editor: ed, Saved: r.URL.Query().Get("saved")}
	return s.render(w, r, "forms-rules", &page{Title: state(r).lang.T("forms.rules.title"), WS: ws, Nav: "regulation", Data: data})
}

// rulesPost stores the edited rules as a new regulation version from the
// chosen day (today or later). A version of the same day that no final
// sheet uses is replaced; one final sheets use is refused by the store.
func (s *Server) rulesPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ed, err := s.rulesEditorOf(r, ws)
	if err != nil {
		return err
	}
	v, err := s.saveRules(r, ws, ed)
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		data := &rulesData{Editor: ed, Error: errorText(err, state(r).lang)}
		return s.renderStatus(w, r, status, "forms-rules", &page{Title: state(r).lang.T("forms.rules.title"), WS: ws, Nav: "regulation", Data: data})
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/forms/rules?saved="+v.Effective.String(), http.StatusSeeOther)
	return nil
}

// saveRules parses the editor's form and stores its version; on a refusal
// the editor keeps what was typed.
func (s *Server) saveRules(r *http.Request, ws *domain.Workspace, ed *rulesEditor) (domain.RegulationVersion, error) {
	rules, err := ed.parse(r)
	if err != nil {
		return domain.RegulationVersion{}, err
	}
	v, err := ed.version(r, rules)
	if err != nil {
		return v, err
	}
	merged, err := mergeRegulation(ws, domain.Regulation{v}, ed.Min)
	if err != nil {
		return v, err
	}
	edited := editable(ws)
	edited.Regulation = merged
	_, err = s.applyForm(r.Context(), r, edited)
	return v, err
}
