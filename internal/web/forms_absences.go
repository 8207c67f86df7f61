package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// absenceReasons are the reasons the absence form offers; the file format
// takes any text, and a reason the form does not know is shown as it is.
var absenceReasons = []string{"vacation", "sick", "other"}

func init() {
	// reasonName says an absence's reason in l: the form's reasons in
	// words, any other text as it is.
	funcs["reasonName"] = func(l i18n.Lang, reason string) string {
		if key := "forms.reason." + reason; slices.Contains(absenceReasons, reason) {
			return l.T(key)
		}
		return reason
	}
}

type absencesData struct {
	Managers []domain.Manager
	Reasons  []string
	Form     absenceForm
	Error    string
	// Saved says what was just stored; Final counts the final days the
	// new absence covers, which keep their points until recomputed.
	Saved   string
	Final   int
	Removed bool
}

type absenceForm struct {
	Manager, From, To, Reason string
}

func (s *Server) absencesPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	today := ws.Today(s.now()).String()
	data := &absencesData{Managers: ws.Managers, Reasons: absenceReasons,
		Form: absenceForm{Manager: r.URL.Query().Get("manager"), From: today, To: today, Reason: "vacation"}}
	q := r.URL.Query()
	data.Saved, data.Removed = q.Get("saved"), q.Get("removed") != ""
	data.Final, _ = strconv.Atoi(q.Get("final"))
	return s.render(w, r, "forms-absences", &page{Title: state(r).lang.T("forms.abs.title"), WS: ws, Nav: "settings", Data: data})
}

// absencesPost adds an absence (action add) or removes one (action
// remove, with manager and index). Absences may be in the past, as sick
// leave is often known afterwards: the final sheets of those days keep
// their points until a head recomputes them, and the page says how many.
func (s *Server) absencesPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx := r.Context()
	form := absenceForm{Manager: r.PostFormValue("manager"), From: r.PostFormValue("from"), To: r.PostFormValue("to"), Reason: r.PostFormValue("reason")}
	edited := editable(ws)
	var added domain.Absence
	remove := r.PostFormValue("action") == "remove"
	err = func() error {
		i := slices.IndexFunc(edited.Managers, func(m domain.Manager) bool { return m.ID == form.Manager })
		if i < 0 {
			return fieldError("forms.abs.manager", nil, "forms.err.unknown_manager", form.Manager)
		}
		m := &edited.Managers[i]
		if remove {
			// The absence is named by its days, not its place in the list,
			// so that a list changed meanwhile never loses the wrong one.
			n := slices.IndexFunc(m.Absences, func(a domain.Absence) bool {
				return a.From.String() == form.From && a.To.String() == form.To
			})
			if n < 0 {
				return fieldError("forms.abs.absence", nil, "forms.err.gone")
			}
			m.Absences = slices.Delete(m.Absences, n, n+1)
			return nil
		}
		from, err := formDate(r, "from", "forms.abs.from")
		if err != nil {
			return err
		}
		to, err := formDate(r, "to", "forms.abs.to")
		if err != nil {
			return err
		}
		if to.Before(from) {
			return fieldError("forms.abs.to", nil, "forms.err.before", to, from)
		}
		if to.Compare(from.AddDays(366)) > 0 {
			return fieldError("forms.abs.to", nil, "forms.err.too_long")
		}
		if !slices.Contains(absenceReasons, form.Reason) {
			return fieldError("forms.abs.reason", nil, "forms.err.choose")
		}
		for _, a := range m.Absences {
			if !from.After(a.To) && !to.Before(a.From) {
				return fieldError("forms.abs.from", nil, "forms.err.overlap", a.From, a.To)
			}
		}
		added = domain.Absence{From: from, To: to, Reason: form.Reason}
		m.Absences = append(m.Absences, added)
		slices.SortFunc(m.Absences, func(a, b domain.Absence) int { return a.From.Compare(b.From) })
		return nil
	}()
	if err == nil {
		_, err = s.applyForm(ctx, r, edited)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		data := &absencesData{Managers: ws.Managers, Reasons: absenceReasons, Form: form, Error: errorText(err, state(r).lang)}
		return s.renderStatus(w, r, status, "forms-absences", &page{Title: state(r).lang.T("forms.abs.title"), WS: ws, Nav: "settings", Data: data})
	}
	target := "/w/" + ws.ID + "/forms/absences?manager=" + url.QueryEscape(form.Manager)
	if remove {
		target += "&removed=1"
	} else {
		sheets, err := s.store.FindSheetPoints(ctx, ws.ID, added.From, added.To)
		if err != nil {
			return err
		}
		target += "&saved=" + added.From.String() + "&final=" + strconv.Itoa(len(sheets))
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}
