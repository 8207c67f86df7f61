package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// payData is the pay settings section of the settings page: the versions
// (newest first) and the form that adds one from an effective date.
type payData struct {
	Versions []payLine
	// Proposed is the effective date the form offers: the first day of
	// the next period whose statement is not issued yet.
	Proposed domain.Date
	// Current is the version in force today.
	Current domain.PayVersion
	Form    payForm
	Error   string
	Saved   bool
}

type payLine struct {
	domain.PayVersion
	Name    string
	InForce bool
}

type payForm struct {
	Effective, Currency, PointValue, BonusCap, FineCap, Mode, BaseMonth, BaseWeek string
}

func (s *Server) payData(l i18n.Lang, ws *domain.Workspace) *payData {
	today := ws.Today(s.now())
	h := ws.PayHistory()
	current := ws.PayAt(today)
	next := domain.FirstUnissuedDay(today)
	data := &payData{Proposed: next, Current: current}
	for i := len(h) - 1; i >= 0; i-- {
		v := h[i]
		data.Versions = append(data.Versions, payLine{PayVersion: v, Name: paySettingsName(l, v.Effective), InForce: v.Effective == current.Effective})
	}
	last := h[len(h)-1]
	data.Form = payForm{Effective: next.String(), Currency: last.Currency, PointValue: last.PointValue.String(),
		Mode: last.Pay.ModeName(), BaseMonth: last.Pay.BaseMonth.String(), BaseWeek: last.Pay.BaseWeek.String()}
	if last.BonusCap.Valid {
		data.Form.BonusCap = last.BonusCap.Decimal.String()
	}
	if last.FineCap.Valid {
		data.Form.FineCap = last.FineCap.Decimal.String()
	}
	return data
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// version reads the form into a pay settings version; every problem is
// said in the user's language.
func (f payForm) version() (domain.PayVersion, error) {
	var v domain.PayVersion
	d, err := domain.ParseDate(strings.TrimSpace(f.Effective))
	if err != nil || d.Year < 2000 {
		return v, i18n.Invalid("pay.bad_date", f.Effective)
	}
	v.Effective = d
	v.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	if !currencyCode.MatchString(v.Currency) {
		return v, i18n.Invalid("pay.bad_currency", f.Currency)
	}
	amount := func(field, s string, optional bool) (decimal.NullDecimal, error) {
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
		if s == "" && optional {
			return decimal.NullDecimal{}, nil
		}
		a, err := decimal.NewFromString(s)
		if err != nil || a.IsNegative() || a.GreaterThan(decimal.New(1, 12)) || !a.Equal(a.Round(4)) {
			return decimal.NullDecimal{}, i18n.NewFileError(func(l i18n.Lang) string {
				return l.T("pay.bad_amount", l.T("pay.field."+field), s)
			})
		}
		return decimal.NewNullDecimal(a), nil
	}
	point, err := amount("point_value", f.PointValue, false)
	if err != nil {
		return v, err
	}
	v.PointValue = point.Decimal
	if v.BonusCap, err = amount("bonus_cap", f.BonusCap, true); err != nil {
		return v, err
	}
	if v.FineCap, err = amount("fine_cap", f.FineCap, true); err != nil {
		return v, err
	}
	switch f.Mode {
	case domain.PayPoints, "":
	case domain.PayBonus:
		v.Pay.Mode = domain.PayBonus
		month, err := amount("base_month", f.BaseMonth, true)
		if err != nil {
			return v, err
		}
		week, err := amount("base_week", f.BaseWeek, true)
		if err != nil {
			return v, err
		}
		v.Pay.BaseMonth, v.Pay.BaseWeek = month.Decimal, week.Decimal
	default:
		return v, i18n.Invalid("pay.bad_mode", f.Mode)
	}
	return v, nil
}

// settingsPayPost adds (or replaces) the pay settings version of an
// effective date. The store refuses a date inside a period whose statement
// is issued (store.PayInUseError); the change is audited as an apply.
func (s *Server) settingsPayPost(w http.ResponseWriter, r *http.Request, ws *domain.Workspace) error {
	ctx, st := r.Context(), state(r)
	form := payForm{Effective: r.PostFormValue("effective"), Currency: r.PostFormValue("currency"),
		PointValue: r.PostFormValue("point_value"), BonusCap: r.PostFormValue("bonus_cap"), FineCap: r.PostFormValue("fine_cap"),
		Mode: r.PostFormValue("mode"), BaseMonth: r.PostFormValue("base_month"), BaseWeek: r.PostFormValue("base_week")}
	err := func() error {
		v, err := form.version()
		if err != nil {
			return err
		}
		h := slices.DeleteFunc(ws.PayHistory(), func(x domain.PayVersion) bool { return x.Effective == v.Effective })
		updated := *ws
		updated.SetPayHistory(append(h, v))
		_, err = s.eng.Apply(ctx, &updated, st.user.Email)
		return err
	}()
	if err == nil {
		http.Redirect(w, r, "/w/"+ws.ID+"/settings?pay=saved#pay", http.StatusSeeOther)
		return nil
	}
	status := http.StatusBadRequest
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
	case domain.ECONFLICT:
		status = http.StatusConflict
	default:
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	data.Pay.Form, data.Pay.Error = form, errorText(err, st.lang)
	return s.renderStatus(w, r, status, "settings", &page{Title: st.lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}
