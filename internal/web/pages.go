package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/store"
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

type todayData struct {
	Day        domain.Date
	Working    bool
	LastDay    domain.Date
	Left       string // time left to the deadline; empty once it passed
	Deadline   string
	View       sheetView
	AtRisk     int
	Checklist  *checklist
	ManagerRow *sheetRow
	// FailedLately counts, for those who may see them, the notifications
	// that finally failed in the last week: Today links to them.
	FailedLately int
}

// failedLately is how far back Today looks for failed deliveries.
const failedLately = 7 * 24 * time.Hour

// checklist is what a manager still has to do before the deadline.
type checklist struct {
	NoTask  []domain.Evidence
	Overdue []domain.Evidence
	Short   []shortItem
	Done    bool
}

type shortItem struct {
	Indicator domain.Indicator
	Have      string
	Target    string
	Missing   string
}

func (s *Server) todayPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	st := state(r)
	if st.principal.Role == auth.Viewer {
		http.Redirect(w, r, "/w/"+ws.ID+"/wall", http.StatusSeeOther)
		return nil
	}
	now := s.now()
	today := ws.Today(now)
	data := todayData{Day: today, Working: ws.IsWorkingDay(today), LastDay: lastWorkingDay(ws, today)}
	p := &page{Title: st.lang.T("web.nav.today"), WS: ws, Nav: "today", Data: &data}
	if st.principal.Can(ws.ID, auth.SeeAll, "") == nil {
		failed, err := s.store.FindFailedDeliveries(r.Context(), ws.ID, maxFailedShown)
		if err != nil {
			return err
		}
		for _, f := range failed {
			if f.At.After(now.Add(-failedLately)) {
				data.FailedLately++
			}
		}
	}
	if !data.Working {
		return s.render(w, r, "today", p)
	}
	deadline := ws.Cutoff(today)
	data.Deadline = deadline.In(ws.Location).Format("15:04")
	if left := deadline.Sub(now); left > 0 {
		data.Left = duration(st.lang, left)
	}
	sheet, err := s.eng.Table(r.Context(), ws.ID, today)
	if err != nil {
		return err
	}
	data.View = s.viewSheet(r, ws, sheet)
	for _, row := range data.View.Rows {
		if row.AtRisk {
			data.AtRisk++
		}
	}
	if st.principal.Role == auth.Manager {
		for i := range data.View.Rows {
			if data.View.Rows[i].Manager.ID == st.principal.Manager {
				data.ManagerRow = &data.View.Rows[i]
			}
		}
		if data.ManagerRow != nil && !data.ManagerRow.Line.Absent {
			if data.Checklist, err = s.checklist(r.Context(), ws, today, data.ManagerRow); err != nil {
				return err
			}
		}
	}
	return s.render(w, r, "today", p)
}

// checklist lists, from the evidence of the live draft, the deals with no
// task, the overdue tasks and the norms still short.
func (s *Server) checklist(ctx context.Context, ws *domain.Workspace, d domain.Date, row *sheetRow) (*checklist, error) {
	c := &checklist{}
	for _, ind := range []domain.Indicator{domain.DealsWithoutTasks, domain.OverdueTasks} {
		x, err := s.eng.Why(ctx, ws.ID, row.Manager.ID, d, ind)
		if err != nil {
			return nil, err
		}
		for _, e := range x.Evidence {
			if !e.Counted {
				continue
			}
			if ind == domain.DealsWithoutTasks {
				c.NoTask = append(c.NoTask, e)
			} else {
				c.Overdue = append(c.Overdue, e)
			}
		}
	}
	for _, o := range row.Line.Rules {
		if o.Passed || o.Op != domain.AtLeast {
			continue
		}
		have := row.Line.Values.Get(o.Indicator)
		c.Short = append(c.Short, shortItem{Indicator: o.Indicator, Have: row.Line.Values.Format(o.Indicator),
			Target: o.Target.String(), Missing: o.Target.Sub(have).String()})
	}
	c.Done = len(c.NoTask) == 0 && len(c.Overdue) == 0 && len(c.Short) == 0 && row.Failed == 0
	return c, nil
}

func duration(l i18n.Lang, d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m >= 60 {
		return l.T("duration.hm", m/60, m%60)
	}
	return l.T("duration.m", m)
}

func parseDate(s string) (domain.Date, error) {
	d, err := domain.ParseDate(s)
	if err != nil {
		return domain.Date{}, invalid("%v", err)
	}
	return d, nil
}

func (s *Server) dayRedirect(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		date = lastWorkingDay(ws, ws.Today(s.now())).String()
	}
	d, err := parseDate(date)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/day/"+d.String(), http.StatusSeeOther)
	return nil
}

type dayData struct {
	View        sheetView
	Prev, Next  domain.Date
	Adjustments []domain.Adjustment
	Error       string
	Reason      string
}

// ownLines keeps only manager's line of a statement when manager is set.
func ownLines(st *domain.Statement, manager string) {
	if manager == "" {
		return
	}
	lines := st.Lines[:0:0]
	for _, l := range st.Lines {
		if l.Manager == manager {
			lines = append(lines, l)
		}
	}
	st.Lines = lines
}

// ownLevel is the level a page of all managers asks: managers may open it
// and see only their own line.
func ownLevel(r *http.Request) (int, string) {
	if p := state(r).principal; p != nil && p.Role == auth.Manager {
		return auth.SeeOwn, p.Manager
	}
	return auth.SeeAll, ""
}

func (s *Server) dayPage(w http.ResponseWriter, r *http.Request) error {
	level, own := ownLevel(r)
	ws, err := s.workspace(r, level, own)
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	sheet, err := s.eng.Table(r.Context(), ws.ID, d)
	if err != nil {
		return err
	}
	data := dayData{View: s.viewSheet(r, ws, sheet)}
	data.Prev, _ = ws.PrevWorkingDay(d)
	if n, ok := ws.NextWorkingDay(d.AddDays(1)); ok && !n.After(ws.Today(s.now())) {
		data.Next = n
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, d, d)
	if err != nil {
		return err
	}
	for _, a := range adjs {
		if state(r).principal.Can(ws.ID, auth.SeeOwn, a.Manager) == nil {
			data.Adjustments = append(data.Adjustments, a)
		}
	}
	title := state(r).lang.T("web.day.title", d.String())
	return s.render(w, r, "day", &page{Title: title, WS: ws, Nav: "day", Data: &data})
}

// recomputeDay stores a new version of a final day from the records stored
// now, keeping the old ones, with who asked and why.
func (s *Server) recomputeDay(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		err = invalid("recompute: a reason is required")
	} else {
		_, err = s.eng.Recompute(r.Context(), ws.ID, d, state(r).user.Email, reason)
	}
	if domain.ErrorCode(err) == domain.EINVALID {
		sheet, terr := s.eng.Table(r.Context(), ws.ID, d)
		if terr != nil {
			return terr
		}
		data := dayData{View: s.viewSheet(r, ws, sheet), Error: domain.ErrorMessage(err), Reason: reason}
		data.Prev, _ = ws.PrevWorkingDay(d)
		return s.renderStatus(w, r, http.StatusBadRequest, "day", &page{Title: state(r).lang.T("web.day.title", d.String()), WS: ws, Nav: "day", Data: &data})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/day/"+d.String(), http.StatusSeeOther)
	return nil
}

type whyData struct {
	X        *engine.Explanation
	Name     string
	Counted  int
	Day      string
	Differs  bool
	Evidence []domain.Evidence
}

func (s *Server) whyPage(w http.ResponseWriter, r *http.Request) error {
	manager := r.PathValue("manager")
	ws, err := s.workspace(r, auth.SeeOwn, manager)
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	ind, ok := domain.ParseIndicator(r.PathValue("indicator"))
	if !ok {
		return notFound("unknown indicator")
	}
	x, err := s.eng.Why(r.Context(), ws.ID, manager, d, ind)
	if err != nil {
		return err
	}
	data := whyData{X: x, Name: manager, Evidence: x.Evidence, Differs: x.Value != "" && x.Value != x.Recomputed}
	if m, ok := ws.Manager(manager); ok {
		data.Name = m.Name
	}
	// Counted records first, then the others, each by time.
	slices.SortStableFunc(data.Evidence, func(a, b domain.Evidence) int {
		if a.Counted != b.Counted {
			if a.Counted {
				return -1
			}
			return 1
		}
		return a.Happened.Compare(b.Happened)
	})
	for _, e := range x.Evidence {
		if e.Counted {
			data.Counted++
		}
	}
	l := state(r).lang
	return s.render(w, r, "why", &page{Title: l.Indicator(ind) + " · " + data.Name + " · " + d.String(), WS: ws, Nav: "day", Data: &data})
}

// periodParam reads ?period=, defaulting to the month of today.
func (s *Server) periodParam(r *http.Request, ws *domain.Workspace, monthOnly bool) (domain.Period, error) {
	v := r.URL.Query().Get("period")
	if v == "" {
		return domain.MonthOf(ws.Today(s.now())), nil
	}
	p, err := domain.ParsePeriod(v)
	if err != nil {
		return p, err
	}
	if monthOnly && p.Kind != domain.PeriodMonth {
		return p, invalid("period %q: the month grid shows a calendar month, e.g. 2026-11", v)
	}
	return p, nil
}

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

type statementData struct {
	Period     domain.Period
	Statement  *domain.Statement
	Sum        domain.Money
	SumPoints  int
	Prev, Next string
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
	data := statementData{Period: p, Statement: st}
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
	return s.render(w, r, "statement", &page{Title: l.T("web.statement.title", p.Label), WS: ws, Nav: "statement", Data: &data})
}

type adjustmentsData struct {
	Period      domain.Period
	Adjustments []domain.Adjustment
	Audit       []auditLine
	Today       domain.Date
	Error       string
	Form        adjustmentForm
}

type adjustmentForm struct {
	Manager, Date, Points, Reason string
}

type auditLine struct {
	At                    time.Time
	Actor, Action, Detail string
}

func (s *Server) adjustmentsData(r *http.Request, ws *domain.Workspace) (*adjustmentsData, error) {
	p, err := s.periodParam(r, ws, false)
	if err != nil {
		return nil, err
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	slices.Reverse(adjs)
	audit, err := s.store.FindAudit(r.Context(), ws.ID, 50)
	if err != nil {
		return nil, err
	}
	data := &adjustmentsData{Period: p, Adjustments: adjs, Today: ws.Today(s.now())}
	for _, e := range audit {
		data.Audit = append(data.Audit, auditLine{At: e.At, Actor: e.Actor, Action: e.Action, Detail: e.Detail})
	}
	data.Form.Date = lastWorkingDay(ws, data.Today).String()
	return data, nil
}

func (s *Server) adjustmentsPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	data, err := s.adjustmentsData(r, ws)
	if err != nil {
		return err
	}
	return s.render(w, r, "adjustments", &page{Title: state(r).lang.T("web.nav.adjustments"), WS: ws, Nav: "adjustments", Data: data})
}

func (s *Server) addAdjustment(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	form := adjustmentForm{Manager: r.PostFormValue("manager"), Date: r.PostFormValue("date"),
		Points: strings.TrimSpace(r.PostFormValue("points")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	err = func() error {
		d, err := parseDate(form.Date)
		if err != nil {
			return err
		}
		points, err := strconv.Atoi(strings.TrimPrefix(form.Points, "+"))
		if err != nil {
			return invalid("points: want a whole number such as 5 or -2")
		}
		a := &domain.Adjustment{Workspace: ws.ID, Manager: form.Manager, Date: d, Points: points, Reason: form.Reason, Author: state(r).user.Email}
		return s.eng.Adjust(r.Context(), a)
	}()
	if domain.ErrorCode(err) == domain.EINVALID {
		data, derr := s.adjustmentsData(r, ws)
		if derr != nil {
			return derr
		}
		data.Error, data.Form = domain.ErrorMessage(err), form
		return s.renderStatus(w, r, http.StatusBadRequest, "adjustments",
			&page{Title: state(r).lang.T("web.nav.adjustments"), WS: ws, Nav: "adjustments", Data: data})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/adjustments", http.StatusSeeOther)
	return nil
}

type rankLine struct {
	Place  int
	Name   string
	Points int
	Class  string
}

type wallData struct {
	Week, Month []rankLine
	WeekLabel   string
	MonthLabel  string
	Today       []rankLine
	Day         domain.Date
	Left        string
}

func rank(ws *domain.Workspace, st *domain.Statement) []rankLine {
	lines := slices.Clone(st.Lines)
	slices.SortStableFunc(lines, func(a, b domain.StatementLine) int { return b.Total - a.Total })
	out := make([]rankLine, 0, len(lines))
	for i, l := range lines {
		name := l.Name
		if m, ok := ws.Manager(l.Manager); ok {
			name = m.Name
		}
		out = append(out, rankLine{Place: i + 1, Name: name, Points: l.Total, Class: pointsClass(l.Total)})
	}
	return out
}

func pointsClass(n int) string { return funcs["pointsClass"].(func(int) string)(n) }

func (s *Server) wallPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := s.now()
	today := ws.Today(now)
	week, err := s.eng.Statement(ctx, ws.ID, domain.WeekOf(today))
	if err != nil {
		return err
	}
	month, err := s.eng.Statement(ctx, ws.ID, domain.MonthOf(today))
	if err != nil {
		return err
	}
	data := wallData{Week: rank(ws, week), Month: rank(ws, month), WeekLabel: week.Period, MonthLabel: month.Period, Day: lastWorkingDay(ws, today)}
	if !data.Day.IsZero() {
		sheet, err := s.eng.Table(ctx, ws.ID, data.Day)
		if err != nil {
			return err
		}
		for _, l := range sheet.Lines {
			if l.Absent {
				continue
			}
			name := l.Manager
			if m, ok := ws.Manager(l.Manager); ok {
				name = m.Name
			}
			data.Today = append(data.Today, rankLine{Name: name, Points: l.Total, Class: pointsClass(l.Total)})
		}
		slices.SortStableFunc(data.Today, func(a, b rankLine) int { return b.Points - a.Points })
		for i := range data.Today {
			data.Today[i].Place = i + 1
		}
		if left := ws.Cutoff(data.Day).Sub(now); left > 0 {
			data.Left = duration(state(r).lang, left)
		}
	}
	return s.render(w, r, "wall", &page{Title: state(r).lang.T("web.nav.wall"), WS: ws, Nav: "wall", Refresh: 60, Wall: true, Data: &data})
}

type regulationData struct {
	Versions  []domain.RegulationVersion // newest first
	Current   domain.Date
	YAML      string
	Error     string
	Preview   []domain.BacktestLine
	From, To  domain.Date
	Saved     bool
	Previewed bool
}

// draftVersion proposes the editor's starting text: the rules in force,
// effective from the next working day.
func (s *Server) draftVersion(ws *domain.Workspace) string {
	today := ws.Today(s.now())
	next, _ := ws.NextWorkingDay(today.AddDays(1))
	v := domain.RegulationVersion{Effective: next}
	if cur, ok := ws.Regulation.At(today); ok {
		v.Rules = cur.Rules
	}
	return string(config.FormatRegulation(domain.Regulation{v}))
}

func (s *Server) regulationData(ws *domain.Workspace) *regulationData {
	data := &regulationData{Versions: slices.Clone(ws.Regulation)}
	slices.SortFunc(data.Versions, func(a, b domain.RegulationVersion) int { return b.Effective.Compare(a.Effective) })
	if cur, ok := ws.Regulation.At(ws.Today(s.now())); ok {
		data.Current = cur.Effective
	}
	return data
}

func (s *Server) regulationPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	data := s.regulationData(ws)
	data.YAML = s.draftVersion(ws)
	data.Saved = r.URL.Query().Get("saved") != ""
	return s.render(w, r, "regulation", &page{Title: state(r).lang.T("web.nav.regulation"), WS: ws, Nav: "regulation", Data: data})
}

// mergeRegulation checks the edited versions against the workspace and
// returns the workspace's regulation with them added or replacing the
// versions of the same day. Versions may only take effect from today on:
// the past keeps the rules it was scored by.
func mergeRegulation(ws *domain.Workspace, edited domain.Regulation, today domain.Date) (domain.Regulation, error) {
	if len(edited) == 0 {
		return nil, invalid("regulation: give at least one version")
	}
	teams := make(map[string]bool)
	for _, m := range ws.Managers {
		teams[m.Team] = true
	}
	merged := slices.Clone(ws.Regulation)
	for _, v := range edited {
		if v.Effective.Before(today) {
			return nil, invalid("regulation version %s: the effective date must be today (%s) or later; the past keeps its rules", v.Effective, today)
		}
		for _, rule := range v.Rules {
			for _, id := range rule.Managers {
				if _, ok := ws.Manager(id); !ok {
					return nil, invalid("regulation version %s: rule %s names unknown manager %q", v.Effective, rule.Indicator, id)
				}
			}
			for id := range rule.Targets {
				if _, ok := ws.Manager(id); !ok {
					return nil, invalid("regulation version %s: rule %s has a target for unknown manager %q", v.Effective, rule.Indicator, id)
				}
			}
			for _, t := range rule.Teams {
				if !teams[t] {
					return nil, invalid("regulation version %s: rule %s names unknown team %q", v.Effective, rule.Indicator, t)
				}
			}
		}
		merged = slices.DeleteFunc(merged, func(x domain.RegulationVersion) bool { return x.Effective == v.Effective })
		merged = append(merged, v)
	}
	merged.Sort()
	return merged, nil
}

func (s *Server) regulationPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx := r.Context()
	text := r.PostFormValue("yaml")
	data := s.regulationData(ws)
	data.YAML = text
	today := ws.Today(s.now())
	merged, err := func() (domain.Regulation, error) {
		edited, err := config.ParseRegulation("regulation.yaml", []byte(text))
		if err != nil {
			return nil, err
		}
		return mergeRegulation(ws, edited, today)
	}()
	if err == nil && r.PostFormValue("action") == "save" {
		updated := *ws
		updated.Regulation = merged
		if _, err = s.eng.Apply(ctx, &updated, state(r).user.Email); err == nil {
			http.Redirect(w, r, "/w/"+ws.ID+"/regulation?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	if err == nil {
		data.From, data.To = today.AddDays(-30), today.AddDays(-1)
		period := domain.Period{Kind: "days", Label: data.From.String() + "…" + data.To.String(), From: data.From, To: data.To}
		data.Preview, err = s.eng.Backtest(ctx, ws.ID, merged, period)
		data.Previewed = err == nil
	}
	status := http.StatusOK
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		data.Error, status = errorText(err, state(r).lang), http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "regulation", &page{Title: state(r).lang.T("web.nav.regulation"), WS: ws, Nav: "regulation", Data: data})
}

type managerData struct {
	Manager    domain.Manager
	Points     chart
	Indicators []indicatorChart
	Streak     int
	Late       []lateDay
	From, To   domain.Date
	Total      int
}

type indicatorChart struct {
	Indicator domain.Indicator
	Chart     chart
	Last      string
}

type lateDay struct {
	Day   domain.Date
	Count string
}

func (s *Server) managerPage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("manager")
	ws, err := s.workspace(r, auth.SeeOwn, id)
	if err != nil {
		return err
	}
	m, ok := ws.Manager(id)
	if !ok {
		return notFound("manager not found")
	}
	today := ws.Today(s.now())
	from, to := today.AddDays(-60), today.AddDays(-1)
	sheets, err := s.store.FindSheets(r.Context(), ws.ID, from, to)
	if err != nil {
		return err
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, from, to)
	if err != nil {
		return err
	}
	data := managerData{Manager: *m, From: from, To: to}
	var points []chartPoint
	perInd := make(map[domain.Indicator][]chartPoint)
	for i := range sheets {
		sh := &sheets[i]
		sh.ApplyAdjustments(adjs)
		l, ok := sh.Line(id)
		if !ok || l.Absent {
			continue
		}
		points = append(points, chartPoint{Day: sh.Date, Value: float64(l.Total), Label: strconv.Itoa(l.Total)})
		data.Total += l.Total
		for _, ind := range domain.Indicators {
			f, _ := l.Values.Get(ind).Float64() // drawing only: pay never passes through here
			perInd[ind] = append(perInd[ind], chartPoint{Day: sh.Date, Value: f, Label: l.Values.Format(ind)})
		}
		if n := l.Values.Count(domain.LateEntries); n > 0 {
			data.Late = append(data.Late, lateDay{Day: sh.Date, Count: strconv.FormatInt(n, 10)})
		}
	}
	for i := len(points) - 1; i >= 0 && points[i].Value > 0; i-- {
		data.Streak++
	}
	slices.Reverse(data.Late)
	data.Points = barChart(points, from, to, 720, 200)
	for _, ind := range domain.Indicators {
		c := indicatorChart{Indicator: ind, Chart: lineChart(perInd[ind], from, to, 240, 60)}
		if pts := perInd[ind]; len(pts) > 0 {
			c.Last = pts[len(pts)-1].Label
		}
		data.Indicators = append(data.Indicators, c)
	}
	return s.render(w, r, "manager", &page{Title: m.Name, WS: ws, Nav: "managers", Data: &data})
}

type settingsData struct {
	// YAML is the workspace file in the editor: the stored workspace, or
	// the text a refused save sent, kept so that nothing typed is lost.
	YAML      string
	YAMLError string
	Saved     bool
	Changes   []string

	Users     []userLine
	Self      int64  // the user looking at the page: their own line has no actions
	UserError string // a refused change of a listed user
	UserDone  string // what a change of a listed user did
	Error     string
	Created   *createdUser
	Form      userForm
	Roles     []string

	Tokens       []tokenLine
	TokenError   string
	TokenForm    tokenForm
	CreatedToken *createdToken
	Revoked      bool
}

type userLine struct {
	ID                   int64
	Email, Role, Manager string
}

// tokenLine is a stored API token on the settings page: never the token,
// only the start of its hash to tell tokens apart, and the whole hash as
// the value the revoke form sends back.
type tokenLine struct {
	Hash, Short string
	Email, Role string
	Name        string
	CreatedAt   time.Time
}

type tokenForm struct {
	User, Name string
}

// createdToken is shown once after a head creates an API token.
type createdToken struct {
	Email, Name, Token, Link string
}

type userForm struct {
	Email, Role, Manager string
}

// createdUser is shown once after a head adds a user: the generated
// password, or the wall screen link of a viewer.
type createdUser struct {
	Email, Password, Link string
}

func (s *Server) settingsData(r *http.Request, ws *domain.Workspace) (*settingsData, error) {
	users, err := s.store.FindUsers(r.Context(), ws.ID)
	if err != nil {
		return nil, err
	}
	data := &settingsData{YAML: string(config.FormatWorkspace(ws)), Roles: []string{auth.Head, auth.Manager, auth.Viewer}, Form: userForm{Role: auth.Manager},
		Self: state(r).user.ID}
	for _, u := range users {
		data.Users = append(data.Users, userLine{ID: u.ID, Email: u.Email, Role: u.Role, Manager: u.Manager})
	}
	tokens, err := s.store.FindAPITokens(r.Context(), ws.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		data.Tokens = append(data.Tokens, tokenLine{Hash: t.TokenHash, Short: t.TokenHash[:min(8, len(t.TokenHash))],
			Email: t.Email, Role: t.Role, Name: t.Name, CreatedAt: t.CreatedAt})
	}
	return data, nil
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	data, err := s.settingsData(r, ws)
	if err != nil {
		return err
	}
	data.Revoked = r.URL.Query().Get("revoked") != ""
	return s.render(w, r, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// settingsPost saves the workspace file edited on the settings page, as
// `reglament apply -f` would: the text is parsed with the file format's
// own parser and applied as a whole, with the user as the actor. The file
// must name the workspace the page belongs to. Only an admin may change the
// crm section: its token_file names a file on the server whose content is
// sent to base_url, which a head of one workspace must not choose. On a
// refusal nothing is stored and the text stays in the editor beside the
// problems.
func (s *Server) settingsPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx, st := r.Context(), state(r)
	text := r.PostFormValue("yaml")
	res, err := func() (store.ApplyResult, error) {
		edited, err := config.ParseWorkspace("workspace.yaml", []byte(text))
		if err != nil {
			return store.ApplyResult{}, err
		}
		if edited.ID != ws.ID {
			return store.ApplyResult{}, invalid("%s", st.lang.T("web.set.other_workspace", edited.ID, ws.ID))
		}
		if st.principal.Role != auth.Admin && !edited.CRM.Equal(ws.CRM) {
			return store.ApplyResult{}, domain.Errorf(domain.EFORBIDDEN, "%s", st.lang.T("web.set.crm_admin"))
		}
		return s.eng.Apply(ctx, edited, st.user.Email)
	}()
	status := http.StatusOK
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EINVALID:
			status = http.StatusBadRequest
		case domain.ECONFLICT:
			status = http.StatusConflict
		case domain.EFORBIDDEN:
			status = http.StatusForbidden
		default:
			return err
		}
	} else if ws, err = s.eng.Workspace(ctx, ws.ID); err != nil {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	if err != nil {
		data.YAML, data.YAMLError = text, errorText(err, st.lang)
	} else {
		data.Saved, data.Changes = true, res.Changes
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: st.lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// createToken lets a head make an API token for a user of their workspace.
// The token is shown once; only its hash is stored. A user of another
// workspace is not found, whatever id the form sends.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx, now, actor := r.Context(), s.now(), state(r).user.Email
	form := tokenForm{User: r.PostFormValue("user"), Name: strings.TrimSpace(r.PostFormValue("name"))}
	var created *createdToken
	err = func() error {
		id, err := strconv.ParseInt(form.User, 10, 64)
		if err != nil {
			return invalid("user: choose a user of the workspace")
		}
		u, err := s.store.FindUser(ctx, id)
		if err != nil {
			return err
		}
		if u.Workspace != ws.ID {
			return notFound(fmt.Sprintf("user %d not found", id))
		}
		if form.Name == "" {
			return invalid("name: say what the token is for, e.g. payroll export")
		}
		if len([]rune(form.Name)) > 100 {
			return invalid("name: at most 100 characters")
		}
		token := auth.NewToken()
		if err := s.store.CreateAPIToken(ctx, auth.HashToken(token), u.ID, form.Name, now); err != nil {
			return err
		}
		if err := s.store.AppendAudit(ctx, store.AuditEntry{Workspace: ws.ID, Actor: actor, Action: "token.create",
			Detail: fmt.Sprintf("%s (%s)", u.Email, form.Name), At: now}); err != nil {
			return err
		}
		created = &createdToken{Email: u.Email, Name: form.Name, Token: token}
		if u.Role == auth.Viewer {
			created.Link = "/t/" + token
		}
		return nil
	}()
	if err != nil && domain.ErrorCode(err) != domain.EINVALID {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		data.TokenError, data.TokenForm, status = domain.ErrorMessage(err), form, http.StatusBadRequest
	} else {
		data.CreatedToken = created
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// revokeToken deletes an API token of a user of the workspace, found by
// the hash the settings page lists.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	hash := r.PostFormValue("token")
	if hash == "" {
		return invalid("token: choose a token to revoke")
	}
	if err := s.store.DeleteAPIToken(r.Context(), ws.ID, hash, state(r).user.Email, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/settings?revoked=1", http.StatusSeeOther)
	return nil
}

// changeUser lets a head change a user of their workspace: make a head a
// manager account or the other way round (action save), or remove the
// user with their sessions and tokens (action remove: someone who left).
// Nobody changes their own account here, so that a head cannot lock
// themselves out; wall screens (viewers) can only be removed.
func (s *Server) changeUser(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	st := state(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("no such user")
	}
	err = func() error {
		if id == st.user.ID {
			return invalid("%s", st.lang.T("web.set.user_self"))
		}
		switch r.PostFormValue("action") {
		case "remove":
			return s.store.DeleteUser(r.Context(), ws.ID, id, st.user.Email, s.now())
		case "save":
			role, manager := r.PostFormValue("role"), r.PostFormValue("manager")
			u, err := s.store.FindUser(r.Context(), id)
			if domain.ErrorCode(err) == domain.ENOTFOUND || err == nil && u.Workspace != ws.ID {
				return notFound("no such user")
			}
			if err != nil {
				return err
			}
			switch {
			case u.Role == auth.Viewer || (role != auth.Head && role != auth.Manager):
				return invalid("%s", st.lang.T("web.set.user_role"))
			case role == auth.Manager && manager == "":
				return invalid("%s", st.lang.T("web.set.user_manager"))
			case role == auth.Head:
				manager = ""
			}
			return s.store.SetUserRole(r.Context(), ws.ID, id, role, manager, st.user.Email, s.now())
		}
		return invalid("action: want save or remove")
	}()
	code := domain.ErrorCode(err)
	if err != nil && code != domain.EINVALID && code != domain.ENOTFOUND {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	switch {
	case err != nil:
		data.UserError, status = domain.ErrorMessage(err), http.StatusBadRequest
		if code == domain.ENOTFOUND {
			status = http.StatusNotFound
		}
	case r.PostFormValue("action") == "remove":
		data.UserDone = st.lang.T("web.set.user_removed")
	default:
		data.UserDone = st.lang.T("web.set.user_changed")
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: st.lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// addUser lets a head add a head, a manager or a wall screen to their
// workspace. The password (or the viewer's link) is generated and shown
// once; only its hash is stored. Admins are made with `reglament user add`.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	form := userForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role"), Manager: r.PostFormValue("manager")}
	if form.Role != auth.Manager {
		form.Manager = ""
	}
	created := &createdUser{Email: strings.ToLower(form.Email)}
	err = func() error {
		if !strings.Contains(form.Email, "@") {
			return invalid("email: want an address such as anna@example.com")
		}
		if form.Role != auth.Head && form.Role != auth.Manager && form.Role != auth.Viewer {
			return invalid("role: want head, manager or viewer")
		}
		if form.Role == auth.Manager && form.Manager == "" {
			return invalid("a manager account needs the manager it belongs to")
		}
		u := &store.User{Email: form.Email, Role: form.Role, Workspace: ws.ID, Manager: form.Manager, CreatedAt: s.now()}
		if form.Role != auth.Viewer {
			created.Password = auth.NewPassword()
			hash, err := auth.HashPassword(created.Password)
			if err != nil {
				return err
			}
			u.PasswordHash = hash
		}
		if err := s.store.CreateUser(r.Context(), u, state(r).user.Email); err != nil {
			return err
		}
		if form.Role == auth.Viewer {
			token := auth.NewToken()
			if err := s.store.CreateAPIToken(r.Context(), auth.HashToken(token), u.ID, "wall", s.now()); err != nil {
				return err
			}
			created.Link = "/t/" + token
		}
		return nil
	}()
	code := domain.ErrorCode(err)
	if err != nil && code != domain.EINVALID && code != domain.ECONFLICT && code != domain.ENOTFOUND {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		data.Error, data.Form, status = domain.ErrorMessage(err), form, http.StatusBadRequest
	} else {
		data.Created = created
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

type workspacesData struct {
	Workspaces []*domain.Workspace
}

func (s *Server) workspacesPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.visibleWorkspaces(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "workspaces", &page{Title: state(r).lang.T("web.nav.workspaces"), Data: &workspacesData{Workspaces: list}})
}

// visibleWorkspaces lists the workspaces the user may open.
func (s *Server) visibleWorkspaces(r *http.Request) ([]*domain.Workspace, error) {
	st := state(r)
	if st.principal == nil {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "log in first")
	}
	all, err := s.store.ListWorkspaces(r.Context())
	if err != nil {
		return nil, err
	}
	var out []*domain.Workspace
	for _, ws := range all {
		if st.principal.Can(ws.ID, auth.SeeWall, "") == nil {
			out = append(out, ws)
		}
	}
	return out, nil
}
