package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// adjustmentsPerPage is how many adjustments a page of the list shows.
const adjustmentsPerPage = 50

type adjustmentsData struct {
	// Period is the week or month listed, chosen with the picker (Month
	// is its month for the month input); Prev and Next are its
	// neighbours.
	Period      domain.Period
	Month       string
	Prev, Next  string
	Adjustments []adjustmentLine // this page's, newest day first
	Count       int              // in the whole period
	Page, Pages int
	// PrevPage and NextPage are the neighbouring pages' numbers.
	PrevPage, NextPage int
	Audit              []auditLine
	Today              domain.Date
	Limit              int // the workspace's limit of a manager's adjustments of a day, ±
	Error              string
	Form               adjustmentForm
	Added              *adjustmentLine // the adjustment just saved
}

// adjustmentLine is an adjustment as the list shows it: the manager by
// name, the day linked to its sheet.
type adjustmentLine struct {
	domain.Adjustment
	Name     string
	SheetURL string
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
	data := &adjustmentsData{Period: p, Month: domain.MonthOf(p.From).Label, Today: ws.Today(s.now()), Count: len(adjs),
		Limit: ws.AdjustmentLimitOrDefault()}
	if p.Kind == domain.PeriodMonth {
		data.Prev, data.Next = domain.MonthOf(p.From.AddDays(-1)).Label, domain.MonthOf(p.To.AddDays(1)).Label
	} else {
		data.Prev, data.Next = domain.WeekOf(p.From.AddDays(-1)).Label, domain.WeekOf(p.To.AddDays(1)).Label
	}
	data.Pages = max(1, (len(adjs)+adjustmentsPerPage-1)/adjustmentsPerPage)
	data.Page = 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, i18n.Invalid("web.adj.bad_page", v)
		}
		data.Page = min(n, data.Pages)
	}
	data.PrevPage, data.NextPage = data.Page-1, data.Page+1
	added, _ := strconv.ParseInt(r.URL.Query().Get("added"), 10, 64)
	for i, a := range adjs {
		line := adjustmentLine{Adjustment: a, Name: a.Manager, SheetURL: "/w/" + ws.ID + "/day/" + a.Date.String()}
		if m, ok := ws.Manager(a.Manager); ok {
			line.Name = m.Name
		}
		if added != 0 && a.ID == added {
			data.Added = &line
		}
		if i >= (data.Page-1)*adjustmentsPerPage && i < data.Page*adjustmentsPerPage {
			data.Adjustments = append(data.Adjustments, line)
		}
	}
	for _, e := range audit {
		data.Audit = append(data.Audit, auditLine{At: e.At, Actor: e.Actor, Action: e.Action, Detail: e.Detail})
	}
	// The form starts from the manager and day a link names ("adjust"
	// on a row of a day sheet), else from the last working day.
	data.Form.Date = lastWorkingDay(ws, data.Today).String()
	q := r.URL.Query()
	if d, err := domain.ParseDate(q.Get("date")); err == nil {
		data.Form.Date = d.String()
	}
	if _, ok := ws.Manager(q.Get("manager")); ok {
		data.Form.Manager = q.Get("manager")
	}
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

// addAdjustment saves an adjustment and shows it: the list of the month of
// its day, with a note that links to the day's sheet, where it counts at
// once. A refusal keeps the form as typed beside the reason, in the
// user's language.
func (s *Server) addAdjustment(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	form := adjustmentForm{Manager: r.PostFormValue("manager"), Date: r.PostFormValue("date"),
		Points: strings.TrimSpace(r.PostFormValue("points")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	var a *domain.Adjustment
	err = func() error {
		d, err := domain.ParseDate(form.Date)
		if err != nil {
			return i18n.Invalid("adjust.bad_date", form.Date)
		}
		points, err := strconv.Atoi(strings.TrimPrefix(form.Points, "+"))
		if err != nil {
			return i18n.Invalid("adjust.bad_points", form.Points)
		}
		a = &domain.Adjustment{Workspace: ws.ID, Manager: form.Manager, Date: d, Points: points, Reason: form.Reason, Author: state(r).user.Email}
		return s.eng.Adjust(r.Context(), a)
	}()
	if domain.ErrorCode(err) == domain.EINVALID {
		data, derr := s.adjustmentsData(r, ws)
		if derr != nil {
			return derr
		}
		data.Error, data.Form = errorText(err, state(r).lang), form
		return s.renderStatus(w, r, http.StatusBadRequest, "adjustments",
			&page{Title: state(r).lang.T("web.nav.adjustments"), WS: ws, Nav: "adjustments", Data: data})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/adjustments?period="+domain.MonthOf(a.Date).Label+"&added="+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}
