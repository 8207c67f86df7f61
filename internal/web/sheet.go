package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

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
	// Totals sums each column over the rows shown (Cells' values), with
	// the points and the total.
	Totals sheetTotals
	// Sorting and the team filter (issue 13, item 12): the links that
	// sort by the name, the total, each column and the points, the teams
	// to filter by and the one chosen ("" for all).
	Sort    sortLinks
	Teams   []string
	Team    string
	TeamURL func(team string) string
	// CanAdjust is whether the reader may adjust: each row then links to
	// the adjustment form with its manager and day filled in.
	CanAdjust bool
}

// column is an indicator as a table heads it: the built-ins in the reader's
// language, an own indicator by the name its regulation version gives it.
type column struct {
	SortURL   string // sorts the rows by this column
	Sorted    string // "asc" or "desc" when the rows are sorted by it
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
	sheetOrder(r, ws, &v)
	return v
}

// outcomeMarks say a cell's outcome without colour, for those who do not
// tell red from green (issue 13, item 6).
var outcomeMarks = map[string]string{"pass": "✓", "fail": "✗", "miss": "–"}

// sheetTotals is the totals row of a sheet.
type sheetTotals struct {
	Cells                      []string
	Total, Points, Adjustments int
}

// sortLinks are the links that sort a sheet by its fixed columns, and how
// it is sorted by them.
type sortLinks struct {
	Name, Total, Points       string
	NameBy, TotalBy, PointsBy string // "asc", "desc" or ""
}

// sheetOrder sorts and filters v's rows as the request asks: ?team= keeps
// one team's managers, ?sort= orders by name, total, points or an
// indicator (?dir=asc or desc; numbers default to the largest first), and
// adds the totals row of what is shown.
func sheetOrder(r *http.Request, ws *domain.Workspace, v *sheetView) {
	q := r.URL.Query()
	teams := map[string]bool{}
	for i := range ws.Managers {
		if t := ws.Managers[i].Team; t != "" && !teams[t] {
			teams[t] = true
			v.Teams = append(v.Teams, t)
		}
	}
	slices.Sort(v.Teams)
	if t := q.Get("team"); teams[t] {
		v.Team = t
		v.Rows = slices.DeleteFunc(v.Rows, func(row sheetRow) bool { return row.Manager.Team != t })
	}
	key, dir := q.Get("sort"), q.Get("dir")
	link := func(k, d string) string {
		u := url.Values{"sort": {k}, "dir": {d}}
		if v.Team != "" {
			u.Set("team", v.Team)
		}
		return r.URL.Path + "?" + u.Encode()
	}
	next := func(k, first string) (string, string) {
		if key != k {
			return link(k, first), ""
		}
		by := dir
		if by != "asc" && by != "desc" {
			by = first
		}
		flip := "desc"
		if by == "desc" {
			flip = "asc"
		}
		return link(k, flip), by
	}
	v.Sort.Name, v.Sort.NameBy = next("name", "asc")
	v.Sort.Total, v.Sort.TotalBy = next("total", "desc")
	v.Sort.Points, v.Sort.PointsBy = next("points", "desc")
	col := -1
	for i := range v.Columns {
		c := &v.Columns[i]
		c.SortURL, c.Sorted = next(string(c.Indicator), "desc")
		if c.Sorted != "" {
			col = i
		}
	}
	v.TeamURL = func(team string) string {
		u := url.Values{}
		if key != "" {
			u.Set("sort", key)
			u.Set("dir", dir)
		}
		if team != "" {
			u.Set("team", team)
		}
		if len(u) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + u.Encode()
	}
	var less func(a, b *sheetRow) int
	switch {
	case v.Sort.NameBy != "":
		less = func(a, b *sheetRow) int { return strings.Compare(a.Manager.Name, b.Manager.Name) }
	case v.Sort.TotalBy != "":
		less = func(a, b *sheetRow) int { return a.Line.Total - b.Line.Total }
	case v.Sort.PointsBy != "":
		less = func(a, b *sheetRow) int { return a.Line.Points - b.Line.Points }
	case col >= 0:
		ind := v.Columns[col].Indicator
		less = func(a, b *sheetRow) int { return a.Line.Values.Get(ind).Cmp(b.Line.Values.Get(ind)) }
	}
	if less != nil {
		desc := v.Sort.NameBy == "desc" || v.Sort.TotalBy == "desc" || v.Sort.PointsBy == "desc" || col >= 0 && v.Columns[col].Sorted == "desc"
		slices.SortStableFunc(v.Rows, func(a, b sheetRow) int {
			if desc {
				return less(&b, &a)
			}
			return less(&a, &b)
		})
	}
	version, _ := ws.Regulation.At(v.Sheet.Date)
	v.Totals.Cells = make([]string, len(v.Columns))
	for i, c := range v.Columns {
		sum := decimal.Zero
		for _, row := range v.Rows {
			if row.Line.Values.Has(c.Indicator) {
				sum = sum.Add(row.Line.Values.Get(c.Indicator))
			}
		}
		if def, ok := version.Indicator(c.Indicator); ok && def.Base == domain.WonAmount {
			v.Totals.Cells[i] = sum.StringFixed(2)
		} else {
			v.Totals.Cells[i] = sum.String()
		}
	}
	for _, row := range v.Rows {
		v.Totals.Total += row.Line.Total
		v.Totals.Points += row.Line.Points
		v.Totals.Adjustments += row.Line.Adjustments
	}
}

// lastWorkingDay returns today when it is a working day, else the working
// day before it.
func lastWorkingDay(ws *domain.Workspace, today domain.Date) domain.Date {
	if ws.IsWorkingDay(today) {
		return today
	}
	d, _ := ws.PrevWorkingDay(today)
	return d
}
