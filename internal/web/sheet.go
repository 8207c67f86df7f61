package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// cell is one number of a sheet as a page shows it: its value, whether the
// rules on its indicator passed, and the link to the records behind it.
type cell struct {
	Value string
	Class string // pass, fail, miss (missed, worth no points) or empty when no rule reads the indicator
	Mark  string // ✓, ✗ or –: the outcome without colour
	URL   string
	Title string // the rules on the indicator, e.g. "at least 30: -2"
}

// sheetRow is one manager's line with its cells in indicator order.
type sheetRow struct {
	Manager domain.Manager
	Line    domain.SheetLine
	Cells   []cell
	Failed  int // rules missed
	AtRisk  bool
	// AdjustURL opens the adjustment form for this manager and day.
	AdjustURL string
}

type sheetView struct {
	Sheet   *domain.DaySheet
	Columns []column
	Rows    []sheetRow
	// CanAdjust is whether the reader may adjust: each row then links to
	// the adjustment form with its manager and day filled in.
	CanAdjust bool
}

// column is an indicator as a table heads it: the built-ins in the reader's
// language, an own indicator by the name its regulation version gives it.
type column struct {
	Indicator domain.Indicator
	Name      string // the full name, for a header's title
	Short     string // the header
	Own       bool   // defined by the regulation, not built in
}

// sheetIndicators lists the indicators of a sheet in display order: the
// built-ins, then the own indicators its lines hold (DESIGN.md section
// 10), in the order of their definition.
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

// columns heads inds as the regulation version in force on day names them.
func columns(l i18n.Lang, ws *domain.Workspace, day domain.Date, inds []domain.Indicator) []column {
	version, _ := ws.Regulation.At(day)
	out := make([]column, len(inds))
	for i, ind := range inds {
		out[i] = column{Indicator: ind, Name: l.Label(version, ind), Short: l.LabelShort(version, ind), Own: !domain.IsBuiltin(ind)}
	}
	return out
}

func whyURL(ws, manager string, d domain.Date, ind domain.Indicator) string {
	return "/w/" + ws + "/why/" + manager + "/" + d.String() + "/" + string(ind)
}

// viewSheet lays a sheet out for a page, keeping the lines the request may see.
func (s *Server) viewSheet(r *http.Request, ws *domain.Workspace, sheet *domain.DaySheet) sheetView {
	p, lang := state(r).principal, state(r).lang
	inds := sheetIndicators(sheet.Lines)
	v := sheetView{Sheet: sheet, Columns: columns(lang, ws, sheet.Date, inds), CanAdjust: p.Can(ws.ID, auth.Change, "") == nil}
	for _, l := range sheet.Lines {
		if p.Can(ws.ID, auth.SeeOwn, l.Manager) != nil {
			continue
		}
		m, ok := ws.Manager(l.Manager)
		if !ok {
			m = &domain.Manager{ID: l.Manager, Name: l.Manager}
		}
		outcome := make(map[domain.Indicator]string)
		titles := make(map[domain.Indicator][]string)
		row := sheetRow{Manager: *m, Line: l,
			AdjustURL: "/w/" + ws.ID + "/adjustments?manager=" + url.QueryEscape(l.Manager) + "&date=" + sheet.Date.String() + "#adjust-form"}
		for _, o := range l.Rules {
			titles[o.Indicator] = append(titles[o.Indicator], fmt.Sprintf("%s %s: %+d", lang.T("web.op."+string(o.Op)), o.Target, o.Points))
			switch {
			case !o.Passed && o.Points < 0:
				outcome[o.Indicator] = "fail"
				row.Failed++
			case !o.Passed && outcome[o.Indicator] != "fail":
				// Missed, but it costs nothing: not a violation.
				outcome[o.Indicator] = "miss"
			case outcome[o.Indicator] == "":
				outcome[o.Indicator] = "pass"
			}
		}
		for _, ind := range inds {
			if !l.Values.Has(ind) {
				row.Cells = append(row.Cells, cell{})
				continue
			}
			row.Cells = append(row.Cells, cell{Value: l.Values.Format(ind), Class: outcome[ind], Mark: outcomeMarks[outcome[ind]],
				URL: whyURL(ws.ID, l.Manager, sheet.Date, ind), Title: strings.Join(titles[ind], "; ")})
		}
		row.AtRisk = !l.Absent && l.Total < 0
		v.Rows = append(v.Rows, row)
	}
	return v
}

// outcomeMarks say a cell's outcome without colour, for those who do not
// tell red from green (issue 13, item 6).
var outcomeMarks = map[string]string{"pass": "✓", "fail": "✗", "miss": "–"}

// lastWorkingDay returns today when it is a working day, else the working
// day before it.
func lastWorkingDay(ws *domain.Workspace, today domain.Date) domain.Date {
	if ws.IsWorkingDay(today) {
		return today
	}
	d, _ := ws.PrevWorkingDay(today)
	return d
}
