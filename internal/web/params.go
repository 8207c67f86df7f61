package web

import (
	"net/http"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

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
