package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// setupTimezones are the time zones the company form offers, Moscow first,
// then Russia west to east, then the neighbours and a few others.
var setupTimezones = []string{
	"Europe/Moscow", "Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
	"Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent", "Asia/Bishkek",
	"Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku", "Europe/Istanbul", "Asia/Dubai", "Europe/Berlin",
	"Europe/London", "Etc/UTC",
}

// setupCurrencies are the currencies the company form offers.
var setupCurrencies = []string{"RUB", "KZT", "BYN", "UZS", "USD", "EUR"}

// weekdayOrder is Monday first, as a working week is read.
var weekdayOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// companyForm is the company step's form as typed.
type companyForm struct {
	ID, Name, Timezone, Deadline, Grace, Currency string
	Days                                          [7]bool // by time.Weekday
	Holidays, Extra                               string  // dates, one a line
}

type tzOption struct{ ID, Label string }

type dayOption struct {
	Key   string // mon…sun, the form field
	Day   time.Weekday
	Label string
}

type companyData struct {
	New       bool
	Form      companyForm
	Error     string
	Saved     bool
	Zones     []tzOption
	Days      []dayOption
	Curr      []string
	Source    string // where the holidays come from
	Changes   []string
	Checklist string
}

func (s *Server) companyData(l i18n.Lang, form companyForm, isNew bool) *companyData {
	d := &companyData{New: isNew, Form: form, Curr: setupCurrencies}
	for _, tz := range setupTimezones {
		label := tz
		if loc, err := time.LoadLocation(tz); err == nil {
			_, off := s.now().In(loc).Zone()
			label = fmt.Sprintf("%s (UTC%+03d:%02d)", tz, off/3600, abs(off%3600)/60)
		}
		d.Zones = append(d.Zones, tzOption{ID: tz, Label: label})
	}
	for _, wd := range weekdayOrder {
		key := strings.ToLower(wd.String()[:3])
		d.Days = append(d.Days, dayOption{Key: key, Day: wd, Label: l.T("web.wd." + key)})
	}
	year := s.now().Year()
	var sources []string
	for _, y := range []int{year, year + 1} {
		if src := domain.RussianCalendarSource(y); src != "" {
			sources = append(sources, src)
		}
	}
	d.Source = strings.Join(sources, "; ")
	return d
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// newCompanyForm is the form of a new company: Moscow, 18:00, ten minutes
// of grace, Monday to Friday, roubles, and Russia's holidays and moved
// working days of this year and the next.
func (s *Server) newCompanyForm() companyForm {
	f := companyForm{Timezone: "Europe/Moscow", Deadline: "18:00", Grace: "10", Currency: "RUB"}
	for _, wd := range weekdayOrder[:5] {
		f.Days[wd] = true
	}
	year := s.now().Year()
	var holidays, extra []string
	for _, y := range []int{year, year + 1} {
		for _, d := range domain.RussianHolidays(y) {
			holidays = append(holidays, d.String())
		}
		for _, d := range domain.RussianWorkingDays(y) {
			extra = append(extra, d.String())
		}
	}
	f.Holidays, f.Extra = strings.Join(holidays, "\n"), strings.Join(extra, "\n")
	return f
}

// formOf is the form of a stored workspace.
func formOf(ws *domain.Workspace) companyForm {
	f := companyForm{ID: ws.ID, Name: ws.Name, Timezone: ws.Timezone, Deadline: ws.Deadline.String(),
		Grace: strconv.Itoa(int(ws.Grace / time.Minute)), Currency: ws.Currency, Days: ws.WorkingWeekdays}
	var holidays, extra []string
	for _, d := range ws.Holidays {
		holidays = append(holidays, d.String())
	}
	for _, d := range ws.ExtraWorkingDays {
		extra = append(extra, d.String())
	}
	f.Holidays, f.Extra = strings.Join(holidays, "\n"), strings.Join(extra, "\n")
	return f
}

func readCompanyForm(r *http.Request) companyForm {
	f := companyForm{ID: strings.TrimSpace(r.PostFormValue("id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Timezone: r.PostFormValue("timezone"), Deadline: strings.TrimSpace(r.PostFormValue("deadline")),
		Grace: strings.TrimSpace(r.PostFormValue("grace")), Currency: r.PostFormValue("currency"),
		Holidays: r.PostFormValue("holidays"), Extra: r.PostFormValue("extra")}
	for _, wd := range weekdayOrder {
		f.Days[wd] = r.PostFormValue("day_"+strings.ToLower(wd.String()[:3])) != ""
	}
	return f
}

// apply writes the form into ws, or says in l what is wrong with it.
func (f companyForm) apply(l i18n.Lang, ws *domain.Workspace) error {
	if f.Name == "" {
		return i18n.Invalid("setup.company.no_name")
	}
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil || f.Timezone == "" {
		return i18n.Invalid("setup.company.bad_tz", f.Timezone)
	}
	dl, err := time.Parse("15:04", f.Deadline)
	if err != nil {
		return i18n.Invalid("setup.company.bad_deadline", f.Deadline)
	}
	grace, err := strconv.Atoi(f.Grace)
	if err != nil || grace < 0 || time.Duration(grace)*time.Minute > domain.MaxGrace {
		return i18n.Invalid("setup.company.bad_grace", int(domain.MaxGrace/time.Minute))
	}
	working := false
	for _, d := range f.Days {
		working = working || d
	}
	if !working {
		return i18n.Invalid("setup.company.no_days")
	}
	known := false
	for _, c := range setupCurrencies {
		known = known || c == f.Currency
	}
	if !known {
		return i18n.Invalid("setup.company.bad_currency")
	}
	holidays, err := parseDates(f.Holidays)
	if err != nil {
		return err
	}
	extra, err := parseDates(f.Extra)
	if err != nil {
		return err
	}
	ws.Name, ws.Timezone, ws.Location = f.Name, f.Timezone, loc
	ws.Deadline = domain.Clock{Hour: dl.Hour(), Minute: dl.Minute()}
	ws.Grace = time.Duration(grace) * time.Minute
	ws.WorkingWeekdays = f.Days
	ws.Holidays, ws.ExtraWorkingDays = holidays, extra
	if ws.Currency != f.Currency {
		// The currency is part of the pay settings: a workspace with one
		// version of them gets it here; with several, from a chosen day
		// on the pay settings, which keeps the past's.
		if len(ws.PayVersions) > 1 {
			return i18n.Invalid("setup.company.currency_versions")
		}
		ws.Currency = f.Currency
		for i := range ws.PayVersions {
			ws.PayVersions[i].Currency = f.Currency
		}
	}
	return nil
}

// parseDates reads dates written one a line (or separated by commas or
// spaces), as YYYY-MM-DD.
func parseDates(text string) ([]domain.Date, error) {
	var out []domain.Date
	seen := map[domain.Date]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d, err := domain.ParseDate(f)
		if err != nil {
			return nil, i18n.Invalid("setup.company.bad_date", f)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// newCompanyPage is the company step of a new installation: an admin names
// the company and its calendar, which creates the workspace.
func (s *Server) newCompanyPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireAdmin(r); err != nil {
		return err
	}
	return s.render(w, r, "setup-company", &page{Title: state(r).lang.T("setup.company.title"), Data: s.companyData(state(r).lang, s.newCompanyForm(), true)})
}

func (s *Server) requireAdmin(r *http.Request) error {
	st := state(r)
	if st.principal == nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "log in first")
	}
	if st.principal.Role != auth.Admin {
		return domain.Errorf(domain.EFORBIDDEN, "only an admin creates a workspace")
	}
	return nil
}

// newCompanyPost creates the workspace as `reglament apply` of a file
// with these settings would, audited with the admin as the actor.
func (s *Server) newCompanyPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireAdmin(r); err != nil {
		return err
	}
	l := state(r).lang
	form := readCompanyForm(r)
	form.ID = strings.ToLower(form.ID)
	err := func() error {
		if !domain.ValidWorkspaceID(form.ID) {
			return i18n.Invalid("setup.company.bad_id")
		}
		if _, err := s.store.FindWorkspace(r.Context(), form.ID); err == nil {
			return i18n.Invalid("setup.company.taken", form.ID)
		} else if domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		}
		// A file of the id alone gives every default `apply` gives. The
		// file wants a manager; the People step adds the real ones.
		ws, err := config.ParseWorkspace("setup", []byte("workspace: "+form.ID+"\nname: "+form.ID+
			"\ntimezone: Europe/Moscow\nmanagers: [{id: placeholder, name: placeholder}]\n"))
		if err != nil {
			return err
		}
		ws.Managers = nil
		if err := form.apply(l, ws); err != nil {
			return err
		}
		_, err = s.applyWorkspace(r, ws)
		return err
	}()
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			return err
		}
		d := s.companyData(l, form, true)
		d.Error = errorText(err, l)
		return s.renderStatus(w, r, http.StatusBadRequest, "setup-company", &page{Title: l.T("setup.company.title"), Data: d})
	}
	http.Redirect(w, r, "/w/"+form.ID+"/setup", http.StatusSeeOther)
	return nil
}

// companyPage is the company step of an existing workspace.
func (s *Server) companyPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	l := state(r).lang
	d := s.companyData(l, formOf(ws), false)
	d.Saved = r.URL.Query().Get("saved") != ""
	return s.render(w, r, "setup-company", &page{Title: l.T("setup.company.title"), WS: ws, Nav: "settings", Data: d})
}

// companyPost saves the company step into the workspace, as the settings
// file would, audited with the head as the actor.
func (s *Server) companyPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	l := state(r).lang
	form := readCompanyForm(r)
	form.ID = ws.ID
	err = form.apply(l, ws)
	if err == nil {
		_, err = s.applyWorkspace(r, ws)
	}
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		d := s.companyData(l, form, false)
		d.Error = errorText(err, l)
		return s.renderStatus(w, r, http.StatusBadRequest, "setup-company", &page{Title: l.T("setup.company.title"), WS: ws, Nav: "settings", Data: d})
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/setup/company?saved=1", http.StatusSeeOther)
	return nil
}
