package web

import (
	"net/http"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

type statementData struct {
	Period     domain.Period
	Statement  *domain.Statement
	Sum        domain.Money
	SumPoints  int
	Prev, Next string

	// In bonus pay (DESIGN.md section 11) the page says "bonus": Bonus is
	// set, Base is the period's bonus before points, and each line shows
	// how much its bonus was reduced. MoneyColumn names the money column.
	Bonus       bool
	Base        domain.Money
	Reductions  []domain.Money // by line
	MoneyColumn string

	// Pay is the pay settings version the statement used (the one in
	// force on the period's last day): its caps are those shown, and
	// PayName names it.
	Pay     domain.PayVersion
	PayName string

	// Month and Week are the periods the picker switches to: the month
	// and the week of the period's first day (issue 13, item 12).
	Month, Week domain.Period
}

func (s *Server) statementPage(w http.ResponseWriter, r *http.Request) error {
	level, own := ownLevel(r)
	ws, err := s.workspace(r, level, own)
	if err != nil {
		return err
	}
	p, err := s.periodParam(r, ws, false)
	if err != nil {
		return err
	}
	st, err := s.eng.Statement(r.Context(), ws.ID, p)
	if err != nil {
		return err
	}
	ownLines(st, own)
	l := state(r).lang
	switch r.URL.Query().Get("format") {
	case "csv":
		return writeCSV(w, "statement-"+ws.ID+"-"+p.Label+".csv", statementTable(l, ws, st))
	case "xlsx":
		return writeXLSX(w, "statement-"+ws.ID+"-"+p.Label+".xlsx", p.Label, statementTable(l, ws, st))
	case "":
	default:
		return invalid("format: want csv or xlsx")
	}
	data := statementData{Period: p, Statement: st, Bonus: st.PayMode == domain.PayBonus, Base: baseBonus(st), MoneyColumn: moneyColumn(st),
		Pay: ws.StatementPayVersion(p), PayName: paySettingsName(l, st.PaySettings),
		Month: domain.MonthOf(p.From), Week: domain.WeekOf(p.From)}
	for i := range st.Lines {
		data.Reductions = append(data.Reductions, reduction(st, &st.Lines[i]))
	}
	sum := decimal.Zero
	for _, line := range st.Lines {
		sum = sum.Add(line.Money.Decimal)
		data.SumPoints += line.Total
	}
	data.Sum = domain.NewMoney(sum)
	if p.Kind == domain.PeriodMonth {
		data.Prev, data.Next = p.From.AddDays(-1).String()[:7], p.To.AddDays(1).String()[:7]
	} else {
		data.Prev, data.Next = domain.WeekOf(p.From.AddDays(-1)).Label, domain.WeekOf(p.To.AddDays(1)).Label
	}
	return s.render(w, r, "statement", &page{Title: l.T("web.statement.title", l.Period(p)), WS: ws, Nav: "statement", Data: &data})
}
