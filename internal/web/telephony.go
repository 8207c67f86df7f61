package web

import (
	"net/http"

	"reglament/internal/auth"
	"reglament/internal/crmlink"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
)

// telephonyData is a manager's page of PBX conversations against CRM calls
// (DESIGN.md section 12): each working day's PBX calls with the CRM call
// that matched each or why none did, and the numbers no contact had, with
// their talk time in all and a link to create the contact in the CRM.
type telephonyData struct {
	R         *engine.TelephonyReport
	Name      string
	Period    string // in words
	Prev      string // the neighbouring periods' labels
	Next      string
	NewURL    string // the CRM's form of a new contact; "" when none
	Days      []telephonyDayView
	Numbers   []telephonyNumberView
	Unlogged  string // "3 разговора не внесены в CRM"
	Definable bool   // the manager has pbx_ids
}

type telephonyDayView struct {
	Day   domain.Date
	Calls []telephonyCallView
}

type telephonyCallView struct {
	domain.Evidence
	Time    string
	Because string
	Class   string // pass (in the CRM), fail (not), dim (not counted at all)
}

type telephonyNumberView struct {
	engine.UnknownNumber
	Talk string // the talk time in words
}

func (s *Server) telephonyPage(w http.ResponseWriter, r *http.Request) error {
	manager := r.PathValue("manager")
	ws, err := s.workspace(r, auth.SeeOwn, manager)
	if err != nil {
		return err
	}
	p, err := s.periodParam(r, ws, false)
	if err != nil {
		return err
	}
	rep, err := s.eng.Telephony(r.Context(), ws.ID, manager, p)
	if err != nil {
		return err
	}
	l := state(r).lang
	data := telephonyData{R: rep, Name: rep.Manager.Name, Period: l.Period(p), NewURL: crmlink.NewContact(ws.CRM),
		Unlogged: l.Unlogged(rep.Unlogged), Definable: len(rep.Manager.PBXIDs) > 0}
	data.Prev, data.Next = neighbourPeriods(p)
	var unlogged *domain.IndicatorDef
	for i := range rep.Defs {
		if rep.Defs[i].Base == domain.CallsUnlogged {
			unlogged = &rep.Defs[i]
		}
	}
	for _, d := range rep.Days {
		day := telephonyDayView{Day: d.Day}
		for _, e := range d.Calls {
			c := telephonyCallView{Evidence: e, Time: e.Happened.In(ws.Location).Format("15:04"),
				Because: l.Because(ws, unlogged, &e), Class: "dim"}
			switch {
			case e.Reason == domain.ReasonLogged:
				c.Class = "pass"
			case e.Counted:
				c.Class = "against"
			}
			day.Calls = append(day.Calls, c)
		}
		data.Days = append(data.Days, day)
	}
	for _, n := range rep.Numbers {
		data.Numbers = append(data.Numbers, telephonyNumberView{UnknownNumber: n, Talk: talkTime(l, n.Seconds)})
	}
	return s.render(w, r, "telephony", &page{Title: l.T("tel.title") + " · " + data.Name + " · " + data.Period,
		WS: ws, Nav: "day", Data: &data})
}

// neighbourPeriods returns the labels of the periods before and after p,
// of its kind.
func neighbourPeriods(p domain.Period) (prev, next string) {
	if p.Kind == domain.PeriodWeek {
		return domain.WeekOf(p.From.AddDays(-7)).Label, domain.WeekOf(p.To.AddDays(1)).Label
	}
	return domain.MonthOf(p.From.AddDays(-1)).Label, domain.MonthOf(p.To.AddDays(1)).Label
}

// talkTime says a talk time in minutes and seconds: «4 мин 05 с».
func talkTime(l i18n.Lang, seconds int) string {
	if seconds < 60 {
		return l.T("tel.seconds", seconds)
	}
	return l.T("tel.minutes", seconds/60, seconds%60)
}
