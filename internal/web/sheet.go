package web

import (
	"fmt"
	"net/http"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

// cell is one number of a sheet as a page shows it: its value, whether the
// rules on its indicator passed, and the link to the records behind it.
type cell struct {
	Value string
	Class string // pass, fail or empty when no rule reads the indicator
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
}

type sheetView struct {
	Sheet      *domain.DaySheet
	Indicators []domain.Indicator
	Rows       []sheetRow
}

func whyURL(ws, manager string, d domain.Date, ind domain.Indicator) string {
	return "/w/" + ws + "/why/" + manager + "/" + d.String() + "/" + string(ind)
}

// viewSheet lays a sheet out for a page, keeping the lines the request may see.
func (s *Server) viewSheet(r *http.Request, ws *domain.Workspace, sheet *domain.DaySheet) sheetView {
	v := sheetView{Sheet: sheet, Indicators: domain.Indicators}
	p, lang := state(r).principal, state(r).lang
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
		row := sheetRow{Manager: *m, Line: l}
		for _, o := range l.Rules {
			titles[o.Indicator] = append(titles[o.Indicator], fmt.Sprintf("%s %s: %+d", lang.T("web.op."+string(o.Op)), o.Target, o.Points))
			if !o.Passed {
				outcome[o.Indicator] = "fail"
				row.Failed++
			} else if outcome[o.Indicator] == "" {
				outcome[o.Indicator] = "pass"
			}
		}
		for _, ind := range domain.Indicators {
			row.Cells = append(row.Cells, cell{Value: l.Values.Format(ind), Class: outcome[ind], URL: whyURL(ws.ID, l.Manager, sheet.Date, ind),
				Title: strings.Join(titles[ind], "; ")})
		}
		row.AtRisk = !l.Absent && l.Total < 0
		v.Rows = append(v.Rows, row)
	}
	return v
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
