package web

import (
	"context"
	"net/http"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

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
	Name      string // as the regulation in force names it
	URL       string // the records behind the number
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
			if data.Checklist, err = s.checklist(r.Context(), st.lang, ws, today, data.ManagerRow); err != nil {
				return err
			}
		}
	}
	return s.render(w, r, "today", p)
}

// checklist lists, from the evidence of the live draft, the deals with no
// task, the overdue tasks and the norms still short.
func (s *Server) checklist(ctx context.Context, l i18n.Lang, ws *domain.Workspace, d domain.Date, row *sheetRow) (*checklist, error) {
	c := &checklist{}
	version, _ := ws.Regulation.At(d)
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
		c.Short = append(c.Short, shortItem{Indicator: o.Indicator, Name: l.Label(version, o.Indicator),
			URL: whyURL(ws.ID, row.Manager.ID, d, o.Indicator), Have: row.Line.Values.Format(o.Indicator),
			Target: o.Target.String(), Missing: o.Target.Sub(have).String()})
	}
	c.Done = len(c.NoTask) == 0 && len(c.Overdue) == 0 && len(c.Short) == 0 && row.Failed == 0
	return c, nil
}
