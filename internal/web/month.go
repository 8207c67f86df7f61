package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
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
	Days       []domain.Date
	Working    []bool
	Rows       []gridRow
	Statement  *domain.Statement
	Sum        domain.Money
	SumPoints  int
}

// monthGrid builds the managers × days table of a period from the final
// sheets and the adjustments, and the statement for its totals. A non-empty
// only keeps that manager's row (a manager sees their own).
func (s *Server) monthGrid(ctx context.Context, ws *domain.Workspace, p domain.Period, only string) (*monthData, error) {
	// Points and absences are all the grid shows: indicator values stay unread.
	sheets, err := s.store.FindSheetPoints(ctx, ws.ID, p.From, p.To)
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
	data := &monthData{Period: p, Statement: &st}
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
	data, err := s.monthGrid(r.Context(), ws, p, own)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		return writeCSV(w, "month-"+ws.ID+"-"+p.Label+".csv", monthTable(state(r).lang, ws, data))
	case "xlsx":
		return writeXLSX(w, "month-"+ws.ID+"-"+p.Label+".xlsx", p.Label, monthTable(state(r).lang, ws, data))
	case "":
	default:
		return invalid("format: want csv or xlsx")
	}
	data.Prev = p.From.AddDays(-1).String()[:7]
	data.Next = p.To.AddDays(1).String()[:7]
	return s.render(w, r, "month", &page{Title: state(r).lang.T("web.month.title", p.Label), WS: ws, Nav: "month", Data: data})
}
