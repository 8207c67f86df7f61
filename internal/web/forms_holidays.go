package web

import (
	"net/http"
	"slices"
	"strconv"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

type holidaysData struct {
	Today       domain.Date // the first day the form may change (firstOpenDay)
	Holidays    []domain.Date
	WorkingDays []domain.Date
	// Years are the years of Russia's calendar the form can add, with the
	// act each comes from.
	Years []russianYear
	Form  struct{ Date, Kind string }
	Error string
	Saved string // the key of what was stored
	Added int
}

type russianYear struct {
	Year   int
	Decree string // the decree's number; empty: the Labour Code alone
	Signed domain.Date
}

func (s *Server) holidaysData(ws *domain.Workspace, today domain.Date) *holidaysData {
	data := &holidaysData{Today: today, Holidays: slices.Clone(ws.Holidays), WorkingDays: slices.Clone(ws.ExtraWorkingDays)}
	slices.SortFunc(data.Holidays, domain.Date.Compare)
	slices.SortFunc(data.WorkingDays, domain.Date.Compare)
	for _, y := range domain.RussianCalendarYears() {
		if y >= today.Year {
			n, signed, _ := domain.RussianDecree(y)
			data.Years = append(data.Years, russianYear{Year: y, Decree: n, Signed: signed})
		}
	}
	data.Form.Kind = "holiday"
	return data
}

func (s *Server) holidaysPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	open, err := s.firstOpenDay(r.Context(), ws)
	if err != nil {
		return err
	}
	data := s.holidaysData(ws, open)
	data.Saved = r.URL.Query().Get("saved")
	data.Added, _ = strconv.Atoi(r.URL.Query().Get("added"))
	return s.render(w, r, "forms-holidays", &page{Title: state(r).lang.T("forms.hol.title"), WS: ws, Nav: "settings", Data: data})
}

// holidaysPost adds a day off or a moved working day (action add, with
// date and kind), removes one (action remove), or adds Russia's calendar
// of a year (action russia, with year). Only days from firstOpenDay on
// change: the past keeps the calendar its final sheets were computed by.
func (s *Server) holidaysPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	today, err := s.firstOpenDay(r.Context(), ws)
	if err != nil {
		return err
	}
	edited := editable(ws)
	action, kind := r.PostFormValue("action"), r.PostFormValue("kind")
	added := 0
	err = func() error {
		list, other := &edited.Holidays, &edited.ExtraWorkingDays
		if kind == "working" {
			list, other = other, list
		} else if action != "russia" && kind != "holiday" {
			return fieldError("forms.hol.kind", nil, "forms.err.choose")
		}
		switch action {
		case "russia":
			year, err := strconv.Atoi(r.PostFormValue("year"))
			if err != nil || domain.RussianHolidays(year) == nil {
				return fieldError("forms.hol.year", nil, "forms.err.choose")
			}
			add := func(list *[]domain.Date, days []domain.Date) {
				for _, d := range days {
					if !d.Before(today) && !slices.Contains(*list, d) {
						*list = append(*list, d)
						added++
					}
				}
			}
			add(&edited.Holidays, domain.RussianHolidays(year))
			add(&edited.ExtraWorkingDays, domain.RussianWorkingDays(year))
			return nil
		case "add", "remove":
		default:
			return fieldError("forms.hol.date", nil, "forms.err.choose")
		}
		d, err := formDate(r, "date", "forms.hol.date")
		if err != nil {
			return err
		}
		if d.Before(today) {
			return fieldError("forms.hol.date", nil, "forms.err.past", d, today)
		}
		if action == "remove" {
			n := slices.Index(*list, d)
			if n < 0 {
				return fieldError("forms.hol.date", nil, "forms.err.gone")
			}
			*list = slices.Delete(*list, n, n+1)
			return nil
		}
		if slices.Contains(*list, d) || slices.Contains(*other, d) {
			return fieldError("forms.hol.date", nil, "forms.err.listed", d)
		}
		*list = append(*list, d)
		added = 1
		return nil
	}()
	if err == nil {
		slices.SortFunc(edited.Holidays, domain.Date.Compare)
		slices.SortFunc(edited.ExtraWorkingDays, domain.Date.Compare)
		_, err = s.applyForm(r.Context(), r, edited)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		data := s.holidaysData(ws, today)
		data.Form.Date, data.Form.Kind = r.PostFormValue("date"), kind
		data.Error = errorText(err, state(r).lang)
		return s.renderStatus(w, r, status, "forms-holidays", &page{Title: state(r).lang.T("forms.hol.title"), WS: ws, Nav: "settings", Data: data})
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/forms/holidays?saved="+action+"&added="+strconv.Itoa(added), http.StatusSeeOther)
	return nil
}
