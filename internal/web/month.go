package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// gridCell is one manager's day in the month grid.
type gridCell struct {
	Text  string
	Class string // pos, neg, zero, absent, off, pending
	URL   string
}

type gridRow struct {
	Manager domain.Manager
	Cells   []gridCell
	Line    domain.StatementLine
}

type monthData struct {
	Period     domain.Period
	Prev, Next string
	// Indicator, when set, is what the cells show instead of the day's
	// points: a built-in or an own indicator (DESIGN.md section 10), named
	// Label; Choices are every indicator of the regulation versions in
	// force in the period, built-ins first.
	Indicator domain.Indicator
	Label     string
	Choices   []indicatorChoice
	Days      []domain.Date
	Working   []bool
	Rows      []gridRow
	Statement *domain.Statement
	Sum       domain.Money
	SumPoints int
}

// indicatorChoice is an indicator the month grid can show.
type indicatorChoice struct {
	ID    domain.Indicator
	Label string
	Own   bool
}

// monthIndicators lists the indicators of the versions in force on the
// days of p: the built-ins, then each version's own indicators by their
// label, each once (the latest version's label wins).
func monthIndicators(l i18n.Lang, ws *domain.Workspace, p domain.Period) []indicatorChoice {
	var out []indicatorChoice
	at := map[domain.Indicator]int{}
	add := func(c indicatorChoice) {
		if i, ok := at[c.ID]; ok {
			out[i] = c
			return
		}
		at[c.ID] = len(out)
		out = append(out, c)
	}
	for _, ind := range domain.Indicators {
		add(indicatorChoice{ID: ind, Label: l.Indicator(ind)})
	}
	for d := p.From; !d.After(p.To); d = d.AddDays(1) {
		v, ok := ws.Regulation.At(d)
		if !ok || v.Effective != d && d != p.From {
			continue // the same version as the day before
		}
		for _, def := range v.Own() {
			add(indicatorChoice{ID: def.ID, Label: l.Label(v, def.ID), Own: true})
		}
	}
	return out
}

// monthGrid builds the managers × days table of a period from the final
// sheets and the adjustments, and the statement for its totals. A non-empty
// only keeps that manager's row (a manager sees their own).
//
// With ind set, each cell shows that indicator's value of the day (linked
// to the records behind it) instead of the points; a day whose regulation
// did not have the indicator shows "—".
func (s *Server) monthGrid(ctx context.Context, ws *domain.Workspace, p domain.Period, only string, ind domain.Indicator) (*monthData, error) {
	var sheets []domain.DaySheet
	var err error
	if ind == "" {
		// Points and absences are all the grid shows: indicator values stay unread.
		sheets, err = s.store.FindSheetPoints(ctx, ws.ID, p.From, p.To)
	} else {
		sheets, err = s.store.FindSheets(ctx, ws.ID, p.From, p.To)
	}
	if err != nil {
		return nil, err
	}
	adjs, err := s.store.FindAdjustments(ctx, ws.ID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	st := domain.BuildStatement(ws, p, sheets, adjs)
	ownLines(&st, only)
	byDay := make(map[domain.Date]*domain.DaySheet, len(sheets))
	for i := range sheets {
		sheets[i].ApplyAdjustments(adjs)
		byDay[sheets[i].Date] = &sheets[i]
	}
	data := &monthData{Period: p, Statement: &st, Indicator: ind}
	for d := p.From; !d.After(p.To); d = d.AddDays(1) {
		data.Days = append(data.Days, d)
		data.Working = append(data.Working, ws.IsWorkingDay(d))
	}
	sum := decimal.Zero
	for _, l := range st.Lines {
		m, ok := ws.Manager(l.Manager)
		if !ok {
			m = &domain.Manager{ID: l.Manager, Name: l.Name}
		}
		row := gridRow{Manager: *m, Line: l}
		for i, d := range data.Days {
			c := gridCell{}
			switch sheet := byDay[d]; {
			case !data.Working[i]:
				c.Class = "off"
			case sheet != nil:
				if sl, ok := sheet.Line(m.ID); ok && sl.Absent {
					c.Class, c.Text = "absent", "–"
				} else if ok && ind != "" {
					c.Class, c.Text = "val", "—"
					if sl.Values.Has(ind) {
						c.Text, c.URL = sl.Values.Format(ind), whyURL(ws.ID, m.ID, d, ind)
					}
				} else if ok {
					c.Text = strconv.Itoa(sl.Total)
					c.Class = map[bool]string{true: "pos", false: "neg"}[sl.Total >= 0]
					if sl.Total == 0 {
						c.Class = "zero"
					}
					c.URL = "/w/" + ws.ID + "/day/" + d.String()
				}
			case m.AbsentOn(d):
				c.Class, c.Text = "absent", "–"
			default:
				c.Class, c.Text = "pending", "·"
			}
			row.Cells = append(row.Cells, c)
		}
		sum = sum.Add(l.Money.Decimal)
		data.SumPoints += l.Total
		data.Rows = append(data.Rows, row)
	}
	data.Sum = domain.NewMoney(sum)
	return data, nil
}

func (s *Server) monthPage(w http.ResponseWriter, r *http.Request) error {
	level, own := ownLevel(r)
	ws, err := s.workspace(r, level, own)
	if err != nil {
		return err
	}
	p, err := s.periodParam(r, ws, true)
	if err != nil {
		return err
	}
	l := state(r).lang
	choices := monthIndicators(l, ws, p)
	var ind domain.Indicator
	label := ""
	if v := r.URL.Query().Get("indicator"); v != "" {
		i := slices.IndexFunc(choices, func(c indicatorChoice) bool { return string(c.ID) == v })
		if i < 0 {
			return i18n.Invalid("web.month.unknown_indicator", v, p.Label)
		}
		ind, label = choices[i].ID, choices[i].Label
	}
	data, err := s.monthGrid(r.Context(), ws, p, own, ind)
	if err != nil {
		return err
	}
	data.Label, data.Choices = label, choices
	name := "month-" + ws.ID + "-" + p.Label
	if ind != "" {
		name += "-" + string(ind)
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		return writeCSV(w, name+".csv", monthTable(l, ws, data))
	case "xlsx":
		return writeXLSX(w, name+".xlsx", p.Label, monthTable(l, ws, data))
	case "":
	default:
		return invalid("format: want csv or xlsx")
	}
	data.Prev = p.From.AddDays(-1).String()[:7]
	data.Next = p.To.AddDays(1).String()[:7]
	return s.render(w, r, "month", &page{Title: state(r).lang.T("web.month.title", state(r).lang.Period(p)), WS: ws, Nav: "month", Data: data})
}
