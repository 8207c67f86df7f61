package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
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

func (r renderer) csv(rows [][]string) error {
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

// sheet renders a day sheet.
func (r renderer) sheet(format string, ws *domain.Workspace, s *domain.DaySheet) error {
	switch format {
	case "json":
		return r.json(s)
	case "csv":
		header := []string{"date", "status", "version", "manager", "absent"}
		for _, ind := range domain.Indicators {
			header = append(header, string(ind))
		}
		header = append(header, "points", "adjustments", "total")
		rows := [][]string{header}
		for _, l := range s.Lines {
			row := []string{s.Date.String(), s.Status, strconv.Itoa(s.Version), l.Manager, strconv.FormatBool(l.Absent)}
			for _, ind := range domain.Indicators {
				row = append(row, l.Values.Format(ind))
			}
			row = append(row, strconv.Itoa(l.Points), strconv.Itoa(l.Adjustments), strconv.Itoa(l.Total))
			rows = append(rows, row)
		}
		return r.csv(rows)
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
	for _, ind := range domain.Indicators {
		header = append(header, l.IndicatorShort(ind))
	}
	header = append(header, l.T("col.points"), l.T("col.adjustments"), l.T("col.total"))
	rows := [][]string{header}
	for _, line := range s.Lines {
		row := []string{managerName(ws, line.Manager)}
		for _, ind := range domain.Indicators {
			cell := line.Values.Format(ind)
			if line.Absent {
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

// statement renders a period statement.
func (r renderer) statement(format string, ws *domain.Workspace, st *domain.Statement) error {
	switch format {
	case "json":
		return r.json(st)
	case "csv":
		rows := [][]string{{"period", "manager", "name", "working_days", "days_scored", "days_absent", "days_pending",
			"points", "adjustments", "total", "money", "currency", "capped"}}
		for _, l := range st.Lines {
			rows = append(rows, []string{st.Period, l.Manager, l.Name, strconv.Itoa(l.WorkingDays), strconv.Itoa(l.DaysScored),
				strconv.Itoa(l.DaysAbsent), strconv.Itoa(l.DaysPending), strconv.Itoa(l.Points), strconv.Itoa(l.Adjustments),
				strconv.Itoa(l.Total), l.Money.String(), st.Currency, strconv.FormatBool(l.Capped)})
		}
		return r.csv(rows)
	}
	l := r.lang
	fmt.Fprintln(r.w, l.T("statement.title", st.Period, st.From, st.To, ws.Name, domain.NewMoney(st.PointValue).String(), st.Currency))
	if ws.BonusCap.Valid || ws.FineCap.Valid {
		capText := func(c domain.Money, ok bool) string {
			if !ok {
				return l.T("statement.none")
			}
			return c.String() + " " + st.Currency
		}
		fmt.Fprintln(r.w, l.T("statement.caps", capText(domain.NewMoney(ws.BonusCap.Decimal), ws.BonusCap.Valid),
			capText(domain.NewMoney(ws.FineCap.Decimal), ws.FineCap.Valid)))
	}
	fmt.Fprintln(r.w)
	rows := [][]string{{l.T("col.manager"), l.T("col.working_days"), l.T("col.days_scored"), l.T("col.days_absent"),
		l.T("col.days_pending"), l.T("col.points"), l.T("col.adjustments"), l.T("col.total"), l.T("col.money", st.Currency)}}
	var sumPoints, sumAdj, sumTotal int
	sumMoney := domain.NewMoney(st.PointValue.Sub(st.PointValue))
	anyCapped := false
	for _, line := range st.Lines {
		money := line.Money.String()
		if line.Capped {
			money += " *"
			anyCapped = true
		}
		rows = append(rows, []string{line.Name, strconv.Itoa(line.WorkingDays), strconv.Itoa(line.DaysScored),
			strconv.Itoa(line.DaysAbsent), strconv.Itoa(line.DaysPending), signed(line.Points), signed(line.Adjustments),
			signed(line.Total), money})
		sumPoints += line.Points
		sumAdj += line.Adjustments
		sumTotal += line.Total
		sumMoney = domain.NewMoney(sumMoney.Add(line.Money.Decimal))
	}
	rows = append(rows, []string{l.T("statement.sum"), "", "", "", "", signed(sumPoints), signed(sumAdj), signed(sumTotal), sumMoney.String()})
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
func (r renderer) why(format string, x *engine.Explanation) error {
	ws := x.Workspace
	if format == "json" {
		type item struct {
			Kind       string `json:"kind"`
			Source     string `json:"source"`
			ExternalID string `json:"external_id"`
			Title      string `json:"title,omitempty"`
			Happened   string `json:"happened,omitempty"`
			Entered    string `json:"entered,omitempty"`
			Amount     string `json:"amount,omitempty"`
			Counted    bool   `json:"counted"`
			Reason     string `json:"reason"`
		}
		items := make([]item, 0, len(x.Evidence))
		for _, e := range x.Evidence {
			it := item{Kind: e.Kind, Source: e.Source, ExternalID: e.ExternalID, Title: e.Title, Counted: e.Counted, Reason: e.Reason}
			if !e.Happened.IsZero() {
				it.Happened = e.Happened.UTC().Format(time.RFC3339)
			}
			if !e.Entered.IsZero() {
				it.Entered = e.Entered.UTC().Format(time.RFC3339)
			}
			if e.Indicator == domain.WonAmount {
				it.Amount = e.Amount.StringFixed(2)
			}
			items = append(items, it)
		}
		return r.json(map[string]any{"workspace": ws.ID, "manager": x.Manager, "date": x.Date, "indicator": x.Indicator,
			"status": x.Status, "value": x.Value, "recomputed": x.Recomputed,
			"window":  map[string]string{"from": x.Window.From.UTC().Format(time.RFC3339), "to": x.Window.To.UTC().Format(time.RFC3339)},
			"records": items})
	}
	l := r.lang
	fmt.Fprintln(r.w, l.T("why.title", l.Indicator(x.Indicator), managerName(ws, x.Manager), x.Date, l.T("status."+x.Status), x.Value))
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
		if e.Indicator == domain.WonAmount {
			row = append(row, e.Amount.StringFixed(2))
		}
		row = append(row, l.Reason(e.Reason))
		rows = append(rows, row)
	}
	return r.table(rows)
}
