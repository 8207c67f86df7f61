package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/auth"
	"reglament/internal/crmlink"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// page is what every template gets: the handler fills Title, WS, Nav and
// Data; render fills the rest from the request.
type page struct {
	Title   string
	WS      *domain.Workspace
	Nav     string // the active navigation item
	Refresh int    // seconds; the wall screen reloads itself without script
	Wall    bool   // large high-contrast layout
	Data    any

	L         i18n.Lang
	User      *store.User
	CSRF      string
	CanSeeAll bool
	Now       time.Time
}

type pages struct {
	set map[string]*template.Template
}

var funcs = template.FuncMap{
	"signed": func(n int) string {
		if n > 0 {
			return "+" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	},
	"pointsClass": func(n int) string {
		switch {
		case n > 0:
			return "pos"
		case n < 0:
			return "neg"
		}
		return "zero"
	},
	"localTime": func(ws *domain.Workspace, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(ws.Location).Format("2006-01-02 15:04")
	},
	// when is localTime in the reader's words: "14 ноября 2026, 12:00".
	"when": func(l i18n.Lang, ws *domain.Workspace, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return l.DateTime(t.In(ws.Location))
	},
	"ind": func(l i18n.Lang, ind domain.Indicator) string { return l.Indicator(ind) },
	"indShort": func(l i18n.Lang, ind domain.Indicator) string {
		return l.IndicatorShort(ind)
	},
	"reason": func(l i18n.Lang, code string) string { return l.Reason(code) },
	"op":     func(l i18n.Lang, op domain.Op) string { return l.T("web.op." + string(op)) },
	"role":   func(l i18n.Lang, r string) string { return l.T("web.role." + r) },
	"kind":   func(l i18n.Lang, k string) string { return l.T("kind." + k) },
	// crmURL is the link to an evidence record in the workspace's CRM, or "".
	"crmURL": func(ws *domain.Workspace, e domain.Evidence) string {
		if ws == nil {
			return ""
		}
		return crmlink.Record(ws.CRM, e)
	},
	"moneyColumn": moneyColumn,
	// label names an indicator as regulation version v does (an own
	// indicator by its name); own lists v's own indicators; definition
	// says one in words.
	"label": func(l i18n.Lang, v domain.RegulationVersion, ind domain.Indicator) string { return l.Label(&v, ind) },
	"own":   func(v domain.RegulationVersion) []domain.IndicatorDef { return v.Own() },
	"definition": func(l i18n.Lang, d domain.IndicatorDef) string {
		return l.Definition(&d)
	},
	// said says an English sentence of the store (an audit detail, a
	// change of the settings) in l; auditAction names an audit action.
	"said":        func(l i18n.Lang, s string) string { return l.Said(s) },
	"auditAction": func(l i18n.Lang, a string) string { return l.AuditAction(a) },
	"duration":    func(l i18n.Lang, d time.Duration) string { return l.Duration(d) },
	// evidenceTitle is an evidence record's title; an activity's is its
	// kind (call, meeting), said in l.
	"evidenceTitle": func(l i18n.Lang, kind, title string) string {
		if key := "activity." + title; kind == "activity" && l.T(key) != key {
			return l.T(key)
		}
		return title
	},
	// money, num, date and period write figures and days as the
	// reader's language does ("136 500,00 ₽", "4 декабря 2026",
	// "30 ноября – 6 декабря"); currency names a currency in a header.
	"money":    func(l i18n.Lang, v any, currency string) string { return l.Money(decimalOf(v), currency) },
	"num":      func(l i18n.Lang, v any) string { return l.Number(decimalOf(v), 0) },
	"amount":   func(l i18n.Lang, v any) string { return l.Number(decimalOf(v), 2) },
	"currency": func(l i18n.Lang, c string) string { return l.Currency(c) },
	// figure writes a figure the domain formatted ("150000.50", "4") as
	// the reader's language does, keeping its decimals; other text (a
	// dash, a mark) passes as it is.
	"figure": func(l i18n.Lang, s string) string { return l.Figure(s) },
	"date":   func(l i18n.Lang, d domain.Date) string { return l.Date(d) },
	"plural": func(l i18n.Lang, n int, key string) string { return l.Plural(n, key) },
	// period names a statement period given as its label (2026-W47,
	// 2026-11), or returns the label when it is none.
	"period": func(l i18n.Lang, label string) string {
		p, err := domain.ParsePeriod(label)
		if err != nil {
			return label
		}
		return l.Period(p)
	},
	"weekday": func(l i18n.Lang, d domain.Date) string {
		return l.T("web.wd." + strings.ToLower(d.Weekday().String()[:3]))
	},
}

// decimalOf is the amount of a money value, a decimal or an integer.
func decimalOf(v any) decimal.Decimal {
	switch v := v.(type) {
	case domain.Money:
		return v.Decimal
	case *domain.Money:
		if v == nil {
			return decimal.Zero
		}
		return v.Decimal
	case decimal.Decimal:
		return v
	case decimal.NullDecimal:
		return v.Decimal
	case int:
		return decimal.NewFromInt(int64(v))
	}
	return decimal.Zero
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: make(map[string]*template.Template)}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "partial-") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partial-*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		p.set[base] = t
	}
	return p, nil
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p *page) error {
	return s.renderStatus(w, r, http.StatusOK, name, p)
}

// renderStatus executes the page into a buffer first, so that a template
// error becomes a clean error page instead of half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, p *page) error {
	st := state(r)
	p.L, p.User, p.CSRF, p.Now = st.lang, st.user, maskCSRF(st.csrf), s.now()
	if p.WS != nil && st.principal != nil {
		p.CanSeeAll = st.principal.Can(p.WS.ID, auth.SeeAll, "") == nil
	}
	t, ok := s.pages.set[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		if name == "error" {
			// The error page itself failed: fall back to plain text.
			s.log.Error("render error page", "err", err.Error())
			http.Error(w, "internal error", http.StatusInternalServerError)
			return nil
		}
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
