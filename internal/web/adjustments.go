package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

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
