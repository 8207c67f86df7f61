package web

import (
	"net/http"
	"slices"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

type rankLine struct {
	Place  int
	Name   string
	Points int
	Class  string
	// Missed says, on the board of the day, each rule the manager does not
	// meet, the indicator named as the day's regulation names it (an own
	// indicator by its label): "КП отправлено: 1 из 2".
	Missed []string
}

type wallData struct {
	Week, Month []rankLine
	WeekLabel   string
	MonthLabel  string
	Today       []rankLine
	Day         domain.Date
	Left        string
	// DayWords names the working day the board of the day shows: today,
	// or on a day off the working day today's records go to; Freeze is
	// when its sheet freezes, "" once it has (Final).
	DayWords string
	IsToday  bool
	Freeze   string
	Final    bool
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

// missed says the rules of line that are not met, each with the value and
// the target, built-in and own indicators alike.
func missed(lang i18n.Lang, version *domain.RegulationVersion, line *domain.SheetLine) []string {
	var out []string
	for _, o := range line.Rules {
		if o.Passed {
			continue
		}
		key := map[domain.Op]string{domain.AtLeast: "web.wall.missed_at_least", domain.AtMost: "web.wall.missed_at_most",
			domain.Equals: "web.wall.missed_equals"}[o.Op]
		if key == "" {
			continue
		}
		out = append(out, lang.T(key, lang.Label(version, o.Indicator), line.Values.Format(o.Indicator), o.Target.String()))
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
	if !ws.IsWorkingDay(today) {
		// A day off's records go to the next working day: its board is
		// the live one, not Friday's.
		if next, ok := ws.WorkingDayOf(now); ok {
			data.Day = next
		}
	}
	if !data.Day.IsZero() {
		sheet, err := s.eng.Table(ctx, ws.ID, data.Day)
		if err != nil {
			return err
		}
		version, _ := ws.Regulation.At(data.Day)
		for _, l := range sheet.Lines {
			if l.Absent {
				continue
			}
			name := l.Manager
			if m, ok := ws.Manager(l.Manager); ok {
				name = m.Name
			}
			data.Today = append(data.Today, rankLine{Name: name, Points: l.Total, Class: pointsClass(l.Total),
				Missed: missed(state(r).lang, version, &l)})
		}
		slices.SortStableFunc(data.Today, func(a, b rankLine) int { return b.Points - a.Points })
		for i := range data.Today {
			data.Today[i].Place = i + 1
		}
		if left := ws.Cutoff(data.Day).Sub(now); left > 0 {
			data.Left = duration(state(r).lang, left)
		}
		data.DayWords, data.IsToday = dayWords(state(r).lang, ws, data.Day), data.Day == today
		if freeze := ws.Cutoff(data.Day).Add(ws.Grace); now.Before(freeze) {
			data.Freeze = freeze.In(ws.Location).Format("15:04")
		} else {
			data.Final = true
		}
	}
	return s.render(w, r, "wall", &page{Title: state(r).lang.T("web.nav.wall"), WS: ws, Nav: "wall", Refresh: 60, Wall: true, Data: &data})
}
