package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/web"
)

// renderer writes results for people (aligned text) or programs (CSV, JSON).
type renderer struct {
	w    io.Writer
	lang i18n.Lang
	now  time.Time
}

func (r renderer) json(v any) error {
	enc := json.NewEncoder(r.w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// csv writes rows as CSV with every cell treated as text: one a
// spreadsheet would run as a formula is neutralized (issue 14).
func (r renderer) csv(rows [][]string) error {
	return r.csvCells(rows, nil)
}

// csvCells writes rows as CSV, neutralizing the text cells (web.SafeCSV);
// numeric[i] marks column i as numbers the renderer wrote itself, kept as
// they are so that a negative number stays a number.
func (r renderer) csvCells(rows [][]string, numeric map[int]bool) error {
	safe := make([][]string, len(rows))
	for i, row := range rows {
		safe[i] = make([]string, len(row))
		for j, c := range row {
			if i > 0 && numeric[j] {
				safe[i][j] = c
			} else {
				safe[i][j] = web.SafeCSV(c)
			}
		}
	}
	rows = safe
	cw := csv.NewWriter(r.w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("cli: write csv: %w", err)
	}
	return nil
}

// table writes rows as aligned columns. tabwriter counts runes, so
// Cyrillic cells align as well as Latin ones.
func (r renderer) table(rows [][]string) error {
	tw := tabwriter.NewWriter(r.w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func managerName(ws *domain.Workspace, id string) string {
	if m, ok := ws.Manager(id); ok && m.Name != "" {
		return m.Name
	}
	return id
}

func localTime(ws *domain.Workspace, t time.Time) string {
	return t.In(ws.Location).Format("2006-01-02 15:04")
}

func preciseTime(ws *domain.Workspace, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(ws.Location).Format("2006-01-02 15:04:05")
}

func (r renderer) duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= time.Hour {
		return r.lang.T("duration.hm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return r.lang.T("duration.m", int(d/time.Minute))
}

// sheetIndicators lists the indicators of a sheet: the built-ins, then the
// own indicators its lines hold (DESIGN.md section 10).
func sheetIndicators(lines []domain.SheetLine) []domain.Indicator {
	out := slices.Clone(domain.Indicators)
	for i := range lines {
		for _, ind := range lines[i].Values.Own() {
			if !slices.Contains(out, ind) {
				out = append(out, ind)
			}
		}
	}
	return out
}

// sheet renders a day sheet.
func (r renderer) sheet(format string, ws *domain.Workspace, s *domain.DaySheet) error {
	inds := sheetIndicators(s.Lines)
	version, _ := ws.Regulation.At(s.Date)
	switch format {
	case "json":
		return r.json(s)
	case "csv":
		header := []string{"date", "status", "version", "manager", "absent"}
		numeric := map[int]bool{2: true}
		for _, ind := range inds {
			numeric[len(header)] = true
			header = append(header, string(ind))
		}
		for _, h := range []string{"points", "adjustments", "total"} {
			numeric[len(header)] = true
			header = append(header, h)
		}
		rows := [][]string{header}
		for _, l := range s.Lines {
			row := []string{s.Date.String(), s.Status, strconv.Itoa(s.Version), l.Manager, strconv.FormatBool(l.Absent)}
			for _, ind := range inds {
				if l.Values.Has(ind) {
					row = append(row, l.Values.Format(ind))
				} else {
					row = append(row, "")
				}
			}
			row = append(row, strconv.Itoa(l.Points), strconv.Itoa(l.Adjustments), strconv.Itoa(l.Total))
			rows = append(rows, row)
		}
		return r.csvCells(rows, numeric)
	}
	l := r.lang
	status := l.T("status." + s.Status)
	if s.Version > 0 {
		status += ", " + l.T("sheet.version", s.Version)
	}
	reg := l.T("sheet.no_rules")
	if !s.RegulationVersion.IsZero() {
		reg = l.T("sheet.regulation", s.RegulationVersion)
	}
	fmt.Fprintln(r.w, l.T("sheet.title", s.Date, ws.Name, status+", "+reg))
	win := ws.Window(s.Date)
	fmt.Fprintln(r.w, l.T("sheet.window", localTime(ws, win.From), localTime(ws, win.To), ws.Deadline, ws.Timezone, r.duration(ws.Grace)))
	if s.Status == domain.SheetDraft && r.now.Before(win.To) && r.now.After(win.From) {
		fmt.Fprintln(r.w, l.T("sheet.left", r.duration(win.To.Sub(r.now))))
	}
	if s.Stale {
		fmt.Fprintln(r.w, l.T("sheet.stale", localTime(ws, s.Watermark)))
	}
	if s.Reason != "" {
		fmt.Fprintln(r.w, l.T("sheet.recomputed", s.RequestedBy, s.Reason))
	}
	fmt.Fprintln(r.w)

	header := []string{l.T("col.manager")}
	for _, ind := range inds {
		header = append(header, l.LabelShort(version, ind))
	}
	header = append(header, l.T("col.points"), l.T("col.adjustments"), l.T("col.total"))
	rows := [][]string{header}
	for _, line := range s.Lines {
		row := []string{managerName(ws, line.Manager)}
		for _, ind := range inds {
			cell := line.Values.Format(ind)
			if !line.Values.Has(ind) {
				cell = ""
			} else if line.Absent {
				cell = "—"
			} else if mark := ruleMark(line.Rules, ind); mark != "" {
				cell += " " + mark
			}
			row = append(row, cell)
		}
		if line.Absent {
			row[1] = l.T("sheet.absent")
		}
		row = append(row, signed(line.Points), signed(line.Adjustments), signed(line.Total))
		rows = append(rows, row)
	}
	if err := r.table(rows); err != nil {
		return err
	}
	fmt.Fprintln(r.w)
	fmt.Fprintln(r.w, l.T("sheet.legend"))
	if len(s.UnknownUsers) > 0 {
		fmt.Fprintln(r.w, l.T("sheet.unknown", strings.Join(s.UnknownUsers, ", ")))
	}
	return nil
}

// ruleMark returns ✓ when every rule on ind passed, ✗ when one failed, and
// nothing when no rule looks at ind.
func ruleMark(rules []domain.RuleOutcome, ind domain.Indicator) string {
	mark := ""
	for _, o := range rules {
		if o.Indicator != ind {
			continue
		}
		if !o.Passed {
			return "✗"
		}
		mark = "✓"
	}
	return mark
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// statement renders a period statement. In bonus pay (DESIGN.md section
// 11) it speaks of the base bonus, its reduction and the bonus paid, never
// of a fine.
func (r renderer) statement(format string, ws *domain.Workspace, st *domain.Statement) error {
	bonus := st.PayMode == domain.PayBonus
	base := domain.NewMoney(decimal.Zero)
	if st.Base != nil {
		base = *st.Base
	}
	reduction := func(line *domain.StatementLine) domain.Money {
		d := base.Sub(line.Money.Decimal)
		if d.IsNegative() {
			d = decimal.Zero
		}
		return domain.NewMoney(d)
	}
	switch format {
	case "json":
		return r.json(st)
	case "csv":
		header := []string{"period", "manager", "name", "working_days", "days_scored", "days_absent", "days_pending",
			"points", "adjustments", "total"}
		if bonus {
			header = append(header, "base_bonus", "bonus_reduction", "bonus")
		} else {
			header = append(header, "money")
		}
		header = append(header, "currency", "capped", "pay_settings")
		numeric := make(map[int]bool)
		for i := 3; i < len(header)-3; i++ {
			numeric[i] = true
		}
		rows := [][]string{header}
		for i := range st.Lines {
			l := &st.Lines[i]
			row := []string{st.Period, l.Manager, l.Name, strconv.Itoa(l.WorkingDays), strconv.Itoa(l.DaysScored),
				strconv.Itoa(l.DaysAbsent), strconv.Itoa(l.DaysPending), strconv.Itoa(l.Points), strconv.Itoa(l.Adjustments),
				strconv.Itoa(l.Total)}
			if bonus {
				row = append(row, base.String(), reduction(l).String())
			}
			rows = append(rows, append(row, l.Money.String(), st.Currency, strconv.FormatBool(l.Capped), st.PaySettings.String()))
		}
		return r.csvCells(rows, numeric)
	}
	l := r.lang
	fmt.Fprintln(r.w, l.T("statement.title", st.Period, st.From, st.To, ws.Name, domain.NewMoney(st.PointValue).String(), st.Currency))
	capText := func(c domain.Money, ok bool) string {
		if !ok {
			return l.T("statement.none")
		}
		return c.String() + " " + st.Currency
	}
	// The caps are those of the pay settings version the statement used,
	// which it names (issue 13).
	pay := ws.PayAt(st.To)
	switch {
	case bonus:
		fmt.Fprintln(r.w, l.T("statement.base", base.String(), st.Currency, domain.NewMoney(st.PointValue).String(), st.Currency))
		if pay.BonusCap.Valid {
			fmt.Fprintln(r.w, l.T("statement.bonus_cap", capText(domain.NewMoney(pay.BonusCap.Decimal), true)))
		}
	case pay.BonusCap.Valid || pay.FineCap.Valid:
		fmt.Fprintln(r.w, l.T("statement.caps", capText(domain.NewMoney(pay.BonusCap.Decimal), pay.BonusCap.Valid),
			capText(domain.NewMoney(pay.FineCap.Decimal), pay.FineCap.Valid)))
	}
	version := l.T("pay.start")
	if !st.PaySettings.IsZero() {
		version = l.T("pay.version_from", st.PaySettings)
	}
	fmt.Fprintln(r.w, l.T("statement.pay_settings", version))
	fmt.Fprintln(r.w)
	header := []string{l.T("col.manager"), l.T("col.working_days"), l.T("col.days_scored"), l.T("col.days_absent"),
		l.T("col.days_pending"), l.T("col.points"), l.T("col.adjustments"), l.T("col.total")}
	if bonus {
		header = append(header, l.T("col.base_bonus", st.Currency), l.T("col.reduction", st.Currency), l.T("col.bonus", st.Currency))
	} else {
		header = append(header, l.T("col.money", st.Currency))
	}
	rows := [][]string{header}
	var sumPoints, sumAdj, sumTotal int
	sumMoney := domain.NewMoney(decimal.Zero)
	anyCapped := false
	for i := range st.Lines {
		line := &st.Lines[i]
		money := line.Money.String()
		if line.Capped {
			money += " *"
			anyCapped = true
		}
		row := []string{line.Name, strconv.Itoa(line.WorkingDays), strconv.Itoa(line.DaysScored),
			strconv.Itoa(line.DaysAbsent), strconv.Itoa(line.DaysPending), signed(line.Points), signed(line.Adjustments),
			signed(line.Total)}
		if bonus {
			row = append(row, base.String(), reduction(line).String())
		}
		rows = append(rows, append(row, money))
		sumPoints += line.Points
		sumAdj += line.Adjustments
		sumTotal += line.Total
		sumMoney = domain.NewMoney(sumMoney.Add(line.Money.Decimal))
	}
	sum := []string{l.T("statement.sum"), "", "", "", "", signed(sumPoints), signed(sumAdj), signed(sumTotal)}
	if bonus {
		sum = append(sum, "", "")
	}
	rows = append(rows, append(sum, sumMoney.String()))
	if err := r.table(rows); err != nil {
		return err
	}
	if anyCapped {
		fmt.Fprintln(r.w)
		fmt.Fprintln(r.w, l.T("statement.capped"))
	}
	return nil
}

// backtest renders a what-if comparison.
func (r renderer) backtest(format string, ws *domain.Workspace, p domain.Period, lines []domain.BacktestLine) error {
	switch format {
	case "json":
		return r.json(map[string]any{"workspace": ws.ID, "period": p.Label, "currency": ws.Currency, "managers": lines})
	case "csv":
		rows := [][]string{{"period", "manager", "days", "old_points", "new_points", "diff", "old_money", "new_money", "currency"}}
		for _, b := range lines {
			rows = append(rows, []string{p.Label, b.Manager, strconv.Itoa(b.Days), strconv.Itoa(b.OldPoints),
				strconv.Itoa(b.NewPoints), strconv.Itoa(b.Diff), b.OldMoney.String(), b.NewMoney.String(), ws.Currency})
		}
		return r.csv(rows)
	}
	l := r.lang
	fmt.Fprintln(r.w, l.T("backtest.title", p.Label))
	fmt.Fprintln(r.w)
	if len(lines) == 0 {
		fmt.Fprintln(r.w, l.T("backtest.none"))
		return nil
	}
	rows := [][]string{{l.T("col.manager"), l.T("col.days"), l.T("col.old_points"), l.T("col.new_points"), l.T("col.diff"),
		l.T("col.old_money", ws.Currency), l.T("col.new_money", ws.Currency)}}
	for _, b := range lines {
		rows = append(rows, []string{managerName(ws, b.Manager), strconv.Itoa(b.Days), signed(b.OldPoints),
			signed(b.NewPoints), signed(b.Diff), b.OldMoney.String(), b.NewMoney.String()})
	}
	return r.table(rows)
}

// why renders the records behind a number.
// whyRecord is one record of why --format json. The filter fields are set
// for an own indicator only: Matched says whether the record passed the
// indicator's where:, FilterReason the code of the part it failed, and
// Pipeline, Stage, FromStage, Direction, Seconds and Touched what the
// filter looked at; Because says the reason in the chosen language.
type whyRecord struct {
	Kind         string  `json:"kind"`
	Source       string  `json:"source"`
	ExternalID   string  `json:"external_id"`
	Title        string  `json:"title,omitempty"`
	Happened     string  `json:"happened,omitempty"`
	Entered      string  `json:"entered,omitempty"`
	Amount       string  `json:"amount,omitempty"`
	Counted      bool    `json:"counted"`
	Reason       string  `json:"reason"`
	Because      string  `json:"because"`
	Matched      *bool   `json:"matched,omitempty"`
	FilterReason *string `json:"filter_reason,omitempty"`
	Pipeline     *string `json:"pipeline,omitempty"`
	Stage        *string `json:"stage,omitempty"`
	FromStage    *string `json:"from_stage,omitempty"`
	Direction    *string `json:"direction,omitempty"`
	Seconds      *int    `json:"seconds,omitempty"`
	Touched      string  `json:"touched,omitempty"`
	Phone        string  `json:"phone,omitempty"`
	CRM          *whyCRM `json:"crm,omitempty"`
}

// whyCRM is the CRM side of a telephone base's record (domain.CallMatch):
// for a PBX call, the CRM call that matched it (matched true) or the
// nearest one and why it did not match (reason; "none" with no call); for
// a number, the contact or company that holds it.
type whyCRM struct {
	Matched    bool   `json:"matched"`
	Reason     string `json:"reason,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Source     string `json:"source,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	Title      string `json:"title,omitempty"`
	Happened   string `json:"happened,omitempty"`
	Entered    string `json:"entered,omitempty"`
	Deleted    string `json:"deleted,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// rfc3339 writes t in UTC, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// filterReason returns the code of the part of an own indicator's filter
// that e failed, or "" when e passed it. too_short is the filter's only
// when the filter sets min_seconds; otherwise it is the workspace's
// min_call_seconds, which the base applies.
func filterReason(def *domain.IndicatorDef, e *domain.Evidence) string {
	switch e.Reason {
	case domain.ReasonOtherPipeline, domain.ReasonOtherStage, domain.ReasonOtherFromStage, domain.ReasonOtherToStage,
		domain.ReasonNoDeal, domain.ReasonOtherDirection, domain.ReasonTooLong:
		return e.Reason
	case domain.ReasonTooShort:
		if def.Where.MinSeconds != nil {
			return e.Reason
		}
	}
	return ""
}

// whyJSON writes an explanation for programs: the indicator with its label
// (and, for an own indicator, its definition and filter), and each record
// with whether it counts and why, and whether it matched the filter.
func (r renderer) whyJSON(x *engine.Explanation) error {
	ws := x.Workspace
	l := r.lang
	version, _ := ws.Regulation.At(x.Date)
	var def *domain.IndicatorDef
	if d, ok := version.Indicator(x.Indicator); ok && !domain.IsBuiltin(x.Indicator) {
		def = &d
	}
	items := make([]whyRecord, 0, len(x.Evidence))
	for i := range x.Evidence {
		e := &x.Evidence[i]
		it := whyRecord{Kind: e.Kind, Source: e.Source, ExternalID: e.ExternalID, Title: e.Title, Counted: e.Counted,
			Reason: e.Reason, Because: l.Because(ws, def, e), Happened: rfc3339(e.Happened), Entered: rfc3339(e.Entered), Phone: e.Phone}
		switch e.Kind {
		case domain.KindPBXCall:
			it.Direction, it.Seconds = &e.Direction, &e.Seconds
		case domain.KindPhone:
			it.Seconds = &e.Seconds // the talk time with the number in all
		}
		if m := e.Match; m != nil {
			it.CRM = &whyCRM{Matched: m.Matched, Reason: m.Reason, Kind: m.Kind, Source: m.Source, ExternalID: m.ExternalID,
				Title: m.Title, Happened: rfc3339(m.Happened), Entered: rfc3339(m.Entered), Deleted: rfc3339(m.Deleted), Phone: m.Phone}
		}
		if e.Indicator == domain.WonAmount || def != nil && def.Base == domain.WonAmount {
			it.Amount = e.Amount.StringFixed(2)
		}
		if def != nil {
			reason := filterReason(def, e)
			matched := reason == ""
			it.Matched, it.FilterReason = &matched, &reason
			w := &def.Where
			if e.Placed {
				it.Pipeline = &e.Pipeline
				if len(w.Stage) > 0 || e.Kind == domain.KindDealMove {
					it.Stage = &e.Stage
				}
			}
			if e.Kind == domain.KindDealMove {
				it.FromStage = &e.FromStage
			}
			if e.Kind == domain.KindActivity && (w.Direction != "" || w.MinSeconds != nil || w.MaxSeconds != nil) {
				it.Direction, it.Seconds = &e.Direction, &e.Seconds
			}
			it.Touched = rfc3339(e.Touched)
		}
		items = append(items, it)
	}
	out := map[string]any{"workspace": ws.ID, "manager": x.Manager, "date": x.Date, "indicator": x.Indicator,
		"label": l.Label(version, x.Indicator), "status": x.Status, "value": x.Value, "recomputed": x.Recomputed,
		"window":  map[string]string{"from": x.Window.From.UTC().Format(time.RFC3339), "to": x.Window.To.UTC().Format(time.RFC3339)},
		"records": items}
	if def != nil {
		out["definition"] = l.Definition(def)
		out["base"] = def.Base
		out["where"] = def.Where
	}
	return r.json(out)
}

func (r renderer) why(format string, x *engine.Explanation) error {
	ws := x.Workspace
	if format == "json" {
		return r.whyJSON(x)
	}
	l := r.lang
	version, _ := ws.Regulation.At(x.Date)
	var def *domain.IndicatorDef
	if d, ok := version.Indicator(x.Indicator); ok && !domain.IsBuiltin(x.Indicator) {
		def = &d
	}
	fmt.Fprintln(r.w, l.T("why.title", l.Label(version, x.Indicator), managerName(ws, x.Manager), x.Date, l.T("status."+x.Status), x.Value))
	if def != nil {
		fmt.Fprintln(r.w, l.T("why.definition", l.Definition(def)))
	}
	fmt.Fprintln(r.w, l.T("sheet.window", localTime(ws, x.Window.From), localTime(ws, x.Window.To), ws.Deadline, ws.Timezone, r.duration(ws.Grace)))
	if x.Recomputed != x.Value {
		fmt.Fprintln(r.w, l.T("why.recomputed", x.Recomputed))
	}
	fmt.Fprintln(r.w)
	if len(x.Evidence) == 0 {
		fmt.Fprintln(r.w, l.T("why.none"))
		return nil
	}
	var rows [][]string
	for _, e := range x.Evidence {
		mark := "✗"
		if e.Counted {
			mark = "✓"
		}
		title := l.T("kind."+e.Kind) + " " + e.Source + ":" + e.ExternalID
		if e.Title != "" && e.Kind != domain.KindActivity {
			title += " «" + e.Title + "»"
		} else if e.Kind == domain.KindActivity {
			title += " (" + l.T("activity."+e.Title) + ")"
		}
		// Seconds matter here: the edges of a window are one second apart.
		row := []string{mark, title, l.T("why.happened") + " " + preciseTime(ws, e.Happened), l.T("why.entered") + " " + preciseTime(ws, e.Entered)}
		if e.Indicator == domain.WonAmount || def != nil && def.Base == domain.WonAmount {
			row = append(row, e.Amount.StringFixed(2))
		}
		row = append(row, l.Because(ws, def, &e))
		rows = append(rows, row)
	}
	return r.table(rows)
}
