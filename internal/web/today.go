package web

import (
	"context"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

type todayData struct {
	Day domain.Date
	// DayWords names Day in words ("пятница, 20 ноября"); Instead is set
	// when today is not a working day and Day is the working day whose
	// sheet today's records go to.
	DayWords string
	Instead  bool
	Working  bool
	LastDay  domain.Date
	// Phase is where the day stands: "open" before the deadline, "grace"
	// after it until the sheet freezes (entries still count), "frozen"
	// after.
	Phase    string
	Left     string // time left to the deadline, while open
	Deadline string // the deadline, "18:00"
	Freeze   string // when the sheet freezes, "18:10"
	View     sheetView
	AtRisk   int
	// Pace, while the day is open: how many managers have met every rule
	// (Done), keep the pace of the day (OnTrack) or are behind it (Behind,
	// named in BehindNames).
	Done, OnTrack, Behind int
	BehindNames           []string
	Checklist             *checklist
	ManagerRow            *sheetRow
	// FailedLately counts, for those who may see them, the notifications
	// that finally failed in the last week: Today links to them.
	FailedLately int
}

// failedLately is how far back Today looks for failed deliveries.
const failedLately = 7 * 24 * time.Hour

// checklist is what a manager still has to do before the deadline: each
// rule still missed that can be made good today, the most points at stake
// first (a rule worth nothing either way is left out), what is lost for
// the day whatever happens now, and the points still to win.
type checklist struct {
	Items   []checkItem
	Certain []certainItem
	CanWin  int // points still to win today: what the items have at stake
	Done    bool
}

// checkItem is one rule still missed that can be made good: a norm still
// short (Short), the deals without a task (NoTask) or the overdue tasks
// (Overdue, by how long overdue).
type checkItem struct {
	Stake   int // the points the rule gives when met less those when missed
	Short   *shortItem
	NoTask  []domain.Evidence
	Overdue []overdueGroup
	// Unlogged are the conversations the PBX logged that no CRM call
	// matches (calls_unlogged), Unknown the numbers talked to that no
	// contact or company has (unknown_numbers): entered before the
	// deadline, they stop counting (DESIGN.md section 12).
	Unlogged *telephoneItem
	Count    int // deals or tasks listed
}

type shortItem struct {
	Indicator domain.Indicator
	Name      string // as the regulation in force names it
	URL       string // the records behind the number
	Have      string
	Target    string
	Missing   string
}

// overdueGroup is the overdue tasks of one span of lateness.
type overdueGroup struct {
	Span  string // the span's key: web.check.age.*
	Tasks []domain.Evidence
}

// certainItem is a rule missed for the day already: more of a flow (late
// entries, deals lost) cannot be undone.
type certainItem struct {
	Name   string
	URL    string
	Points int
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
	if !data.Working {
		// Records made on a day off count on the next working day: its
		// sheet is the one that grows now.
		if next, ok := ws.WorkingDayOf(now); ok {
			data.Day, data.Working, data.Instead = next, true, true
		}
	}
	today = data.Day
	data.DayWords = dayWords(st.lang, ws, today)
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
	freeze := deadline.Add(ws.Grace)
	data.Deadline = deadline.In(ws.Location).Format("15:04")
	data.Freeze = freeze.In(ws.Location).Format("15:04")
	switch {
	case now.Before(deadline):
		data.Phase, data.Left = "open", duration(st.lang, deadline.Sub(now))
	case now.Before(freeze):
		data.Phase = "grace"
	default:
		data.Phase = "frozen"
	}
	sheet, err := s.eng.Table(r.Context(), ws.ID, today)
	if err != nil {
		return err
	}
	data.View = s.viewSheet(r, ws, sheet)
	elapsed := dayElapsed(ws, today, now)
	for _, row := range data.View.Rows {
		if row.AtRisk {
			data.AtRisk++
		}
		if row.Line.Absent || data.Phase != "open" {
			continue
		}
		switch pace(&row.Line, elapsed) {
		case paceDone:
			data.Done++
		case paceOnTrack:
			data.OnTrack++
		default:
			data.Behind++
			data.BehindNames = append(data.BehindNames, row.Manager.Name)
		}
	}
	if st.principal.Role == auth.Manager {
		for i := range data.View.Rows {
			if data.View.Rows[i].Manager.ID == st.principal.Manager {
				data.ManagerRow = &data.View.Rows[i]
			}
		}
		if data.ManagerRow != nil && !data.ManagerRow.Line.Absent {
			if data.Checklist, err = s.checklist(r.Context(), st.lang, ws, today, data.ManagerRow, now); err != nil {
				return err
			}
		}
	}
	return s.render(w, r, "today", p)
}

// dayWords names working day d in words: "пятница, 20 ноября".
func dayWords(l i18n.Lang, ws *domain.Workspace, d domain.Date) string {
	t := d.In(ws.Location, 12, 0)
	return l.T("web.today.weekday."+strings.ToLower(t.Weekday().String()[:3])) + ", " + l.Day(t)
}

// paceStart is when a sales floor's working day is taken to begin, for
// its pace: the share of the day gone between it and the deadline.
var paceStart = domain.Clock{Hour: 9}

// dayElapsed is the share of working day d gone at now, from paceStart to
// the deadline, between 0 and 1.
func dayElapsed(ws *domain.Workspace, d domain.Date, now time.Time) float64 {
	start, end := d.In(ws.Location, paceStart.Hour, paceStart.Minute), ws.Cutoff(d)
	if !end.After(start) || !now.After(start) {
		return 0
	}
	if !now.Before(end) {
		return 1
	}
	return float64(now.Sub(start)) / float64(end.Sub(start))
}

type paceState int

const (
	paceOnTrack paceState = iota
	paceDone
	paceBehind
)

// pace says how a line of the live day stands against the time gone: done
// when it meets every rule; behind when it misses a rule that must hold at
// every moment (at most, equals: overdue tasks, deals without a task) or
// has less of an "at least" norm than its share of the day gone; on track
// otherwise. Being below zero points at 09:15 is not being behind.
func pace(line *domain.SheetLine, elapsed float64) paceState {
	state := paceDone
	for _, o := range line.Rules {
		if o.Passed {
			continue
		}
		if o.Op != domain.AtLeast {
			return paceBehind
		}
		state = paceOnTrack
		due := o.Target.InexactFloat64() * elapsed
		if have := line.Values.Get(o.Indicator).InexactFloat64(); have < due {
			return paceBehind
		}
	}
	return state
}

// checklist lists, from the evidence of the live draft at now, what a
// manager can still make good today and what is lost already.
func (s *Server) checklist(ctx context.Context, l i18n.Lang, ws *domain.Workspace, d domain.Date, row *sheetRow, now time.Time) (*checklist, error) {
	c := &checklist{}
	version, _ := ws.Regulation.At(d)
	var rules []*domain.Rule
	if version != nil {
		for i := range version.Rules {
			if version.Rules[i].AppliesTo(&row.Manager) {
				rules = append(rules, &version.Rules[i])
			}
		}
	}
	for i, o := range row.Line.Rules {
		if o.Passed || i >= len(rules) {
			continue
		}
		r := rules[i]
		stake := r.Pass - r.Fail
		if stake == 0 && o.Points == 0 {
			continue // worth nothing either way
		}
		name, url := l.Label(version, o.Indicator), whyURL(ws.ID, row.Manager.ID, d, o.Indicator)
		base := o.Indicator // a base a rule names directly
		if def, ok := version.Indicator(o.Indicator); ok {
			base = def.Base
		}
		if o.Op != domain.AtLeast && !isState(base) {
			// More of a flow only adds: this rule is lost for the day.
			c.Certain = append(c.Certain, certainItem{Name: name, URL: url, Points: o.Points})
			continue
		}
		item := checkItem{Stake: stake}
		switch {
		case o.Op == domain.AtLeast:
			have := row.Line.Values.Get(o.Indicator)
			item.Short = &shortItem{Indicator: o.Indicator, Name: name, URL: url, Have: row.Line.Values.Format(o.Indicator),
				Target: o.Target.String(), Missing: o.Target.Sub(have).String()}
		case base == domain.CallsUnlogged || base == domain.UnknownNumbers:
			x, err := s.eng.Why(ctx, ws.ID, row.Manager.ID, d, o.Indicator)
			if err != nil {
				return nil, err
			}
			item.Unlogged = newTelephoneItem(l, ws, base, name, url, x.Evidence)
			item.Count = len(item.Unlogged.Lines)
		case o.Indicator == domain.DealsWithoutTasks || o.Indicator == domain.OverdueTasks:
			x, err := s.eng.Why(ctx, ws.ID, row.Manager.ID, d, o.Indicator)
			if err != nil {
				return nil, err
			}
			var counted []domain.Evidence
			for _, e := range x.Evidence {
				if e.Counted {
					counted = append(counted, e)
				}
			}
			item.Count = len(counted)
			if o.Indicator == domain.DealsWithoutTasks {
				item.NoTask = counted
			} else {
				item.Overdue = overdueByAge(counted, now)
			}
		default:
			// Another state (an own indicator of deals, deals in
			// progress at most N): said as a norm with its records.
			item.Short = &shortItem{Indicator: o.Indicator, Name: name, URL: url, Have: row.Line.Values.Format(o.Indicator),
				Target: o.Target.String()}
		}
		c.Items = append(c.Items, item)
		c.CanWin += stake
	}
	sort.SliceStable(c.Items, func(i, j int) bool { return c.Items[i].Stake > c.Items[j].Stake })
	c.Done = len(c.Items) == 0 && len(c.Certain) == 0 && row.Failed == 0
	return c, nil
}

// isState reports whether base counts what holds at the cutoff (it may go
// down before it) rather than what happened in the window.
func isState(base domain.Indicator) bool {
	switch base {
	case domain.DealsInProgress, domain.DealsWithoutTasks, domain.OverdueTasks, domain.DealsIdle:
		return true
	case domain.CallsUnlogged, domain.UnknownNumbers:
		// Flows, but entering the call or the contact before the deadline
		// takes a line off: they can still be made good today.
		return true
	}
	return false
}

// overdueAges are the spans of lateness overdue tasks are grouped in, the
// most overdue first.
var overdueAges = []struct {
	key  string
	over time.Duration
}{{"week", 7 * 24 * time.Hour}, {"days", 24 * time.Hour}, {"today", math.MinInt64}}

// overdueByAge groups overdue tasks (their deadline is Happened) by how long
// overdue they are at now, the most overdue group first, each by deadline.
func overdueByAge(tasks []domain.Evidence, now time.Time) []overdueGroup {
	groups := make([]overdueGroup, len(overdueAges))
	for i, a := range overdueAges {
		groups[i].Span = a.key
	}
	for _, e := range tasks {
		for i, a := range overdueAges {
			if now.Sub(e.Happened) >= a.over {
				groups[i].Tasks = append(groups[i].Tasks, e)
				break
			}
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Tasks) > 0 {
			sort.SliceStable(g.Tasks, func(i, j int) bool { return g.Tasks[i].Happened.Before(g.Tasks[j].Happened) })
			out = append(out, g)
		}
	}
	return out
}

// telephoneItem is a checklist item of a telephone base: its title
// ("3 разговора не внесены в CRM") and a line per conversation or number,
// with its time, number and talk time.
type telephoneItem struct {
	Indicator domain.Indicator
	Title     string
	URL       string
	Lines     []string
}

// newTelephoneItem lists the counted evidence of a telephone base.
func newTelephoneItem(l i18n.Lang, ws *domain.Workspace, base domain.Indicator, name, url string, evidence []domain.Evidence) *telephoneItem {
	t := &telephoneItem{Indicator: base, URL: url}
	for _, e := range evidence {
		if !e.Counted {
			continue
		}
		phone := e.Title
		if phone == "" {
			phone = l.Reason(domain.ReasonNoPhone)
		}
		t.Lines = append(t.Lines, l.T("today.unlogged_line", e.Happened.In(ws.Location).Format("15:04"), phone, e.Seconds))
	}
	t.Title = name + " (" + l.Int(len(t.Lines)) + ")"
	if base == domain.CallsUnlogged {
		t.Title = l.Unlogged(len(t.Lines))
	}
	return t
}
