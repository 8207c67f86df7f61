package web

import (
	"context"
	"net/http"
	"slices"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// The forms that change a workspace without its YAML file (issue 15):
// absences, holidays, managers and rules. Each builds the edited workspace
// and stores it as `reglament apply` does, through applyForm.

func init() {
	// has reports whether a list of a form holds a value (a team ticked).
	funcs["has"] = func(list []string, v string) bool { return slices.Contains(list, v) }
	// share says a share of manager-days in percent: "75 %".
	funcs["share"] = func(l i18n.Lang, s domain.Share) string {
		if s.Total == 0 {
			return "—"
		}
		return l.T("norms.percent", s.Percent())
	}
}

// formError is a form's refusal, naming the field it is about: "Менеджер
// anna, по: дата раньше начала". The field and the problem are catalog
// keys, said in the reader's language; Error says them in English.
type formError struct {
	field     string
	fieldArgs []any
	key       string
	args      []any
}

func fieldError(field string, fieldArgs []any, key string, args ...any) *formError {
	return &formError{field: field, fieldArgs: fieldArgs, key: key, args: args}
}

func (e *formError) Error() string { return e.Text(i18n.EN) }

// Text says the field and its problem in l.
// An argument that is a func(i18n.Lang) string (an indicator's name) or a
// date is said in l too.
func (e *formError) Text(l i18n.Lang) string {
	return l.T("forms.err", l.T(e.field, sayArgs(l, e.fieldArgs)...), l.T(e.key, sayArgs(l, e.args)...))
}

func sayArgs(l i18n.Lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case func(i18n.Lang) string:
			out[i] = a(l)
		case domain.Date:
			out[i] = l.Date(a)
		default:
			out[i] = a
		}
	}
	return out
}

// Unwrap is the domain error of invalid input.
func (e *formError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

// applyForm stores the workspace a form edited, with the user as the
// actor. The edited workspace is first written as the workspace file and
// read back with the file's own parser, so that a form can store nothing
// `reglament apply -f` would refuse; then the edited workspace itself is
// applied (not what the file gave back: a part the file format does not
// write must not be lost by a form that never showed it). The store
// refuses a change to a regulation version final sheets use and audits
// the change.
func (s *Server) applyForm(ctx context.Context, r *http.Request, edited *domain.Workspace) (store.ApplyResult, error) {
	if _, err := config.ParseWorkspace("workspace.yaml", config.FormatWorkspace(edited)); err != nil {
		return store.ApplyResult{}, err
	}
	return s.eng.Apply(ctx, edited, state(r).user.Email)
}

// editable returns a copy of ws whose managers, absences, calendar and
// regulation a form may change without touching ws.
func editable(ws *domain.Workspace) *domain.Workspace {
	c := *ws
	c.Managers = slices.Clone(ws.Managers)
	for i := range c.Managers {
		c.Managers[i].Absences = slices.Clone(c.Managers[i].Absences)
		c.Managers[i].CRMIDs = slices.Clone(c.Managers[i].CRMIDs)
	}
	c.Holidays = slices.Clone(ws.Holidays)
	c.ExtraWorkingDays = slices.Clone(ws.ExtraWorkingDays)
	c.Regulation = slices.Clone(ws.Regulation)
	return &c
}

// firstOpenDay is the first day a form may change the calendar or start a
// regulation version on: today, or tomorrow once today's sheet is final
// (a final sheet keeps the calendar and the rules it was computed by).
func (s *Server) firstOpenDay(ctx context.Context, ws *domain.Workspace) (domain.Date, error) {
	today := ws.Today(s.now())
	final, err := s.store.FindSheetPoints(ctx, ws.ID, today, today)
	if err != nil {
		return today, err
	}
	if len(final) > 0 {
		return today.AddDays(1), nil
	}
	return today, nil
}

// formStatus is the status of a refused form: 400 for bad input, 409 for
// a conflict (a version final sheets use, a CRM id of another manager);
// ok is false for anything else, which the caller returns as an error.
func formStatus(err error) (int, bool) {
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		return http.StatusBadRequest, true
	case domain.ECONFLICT:
		return http.StatusConflict, true
	}
	return 0, false
}

// formDate parses a date field; an empty or malformed one is refused
// naming the field.
func formDate(r *http.Request, name, field string, fieldArgs ...any) (domain.Date, error) {
	v := r.PostFormValue(name)
	if v == "" {
		return domain.Date{}, fieldError(field, fieldArgs, "forms.err.required")
	}
	d, err := domain.ParseDate(v)
	if err != nil || d.Year < 2000 || d.Year > 2100 {
		return domain.Date{}, fieldError(field, fieldArgs, "forms.err.date", v)
	}
	return d, nil
}

// formsRoutes adds the routes of the forms and the Norms step.
func (s *Server) formsRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /w/{ws}/forms/absences", s.absencesPage)
	s.handle(mux, "POST /w/{ws}/forms/absences", s.absencesPost)
	s.handle(mux, "GET /w/{ws}/forms/holidays", s.holidaysPage)
	s.handle(mux, "POST /w/{ws}/forms/holidays", s.holidaysPost)
	s.handle(mux, "GET /w/{ws}/forms/managers", s.managersPage)
	s.handle(mux, "POST /w/{ws}/forms/managers", s.managersPost)
	s.handle(mux, "GET /w/{ws}/forms/rules", s.rulesPage)
	s.handle(mux, "POST /w/{ws}/forms/rules", s.rulesPost)
	s.handle(mux, "GET /w/{ws}/setup/norms", s.normsPage)
	s.handle(mux, "POST /w/{ws}/setup/norms", s.normsPost)
}
