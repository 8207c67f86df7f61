package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
)

type whyData struct {
	X        *engine.Explanation
	Name     string
	Counted  int
	Day      string
	Differs  bool
	Evidence []whyRecord

	// Label is the indicator as the regulation in force on the day names
	// it; Definition says an own indicator's base and filter in words
	// (empty for a built-in).
	Label      string
	Definition string

	// Rules are the manager's rules on the indicator that day in words
	// ("Норма: не меньше 4 · сейчас 2 · −2"); Against is set when a
	// record counted is one against the manager (an "at most" rule: late
	// entries, overdue tasks), shown as a violation, not as a tick.
	Rules   []whyRule
	Against bool

	// A long list is shown a page at a time (issue 14: 200,000 records
	// made a 20 MB page): Total records in all, Page of Pages, with the
	// links to the neighbours ("" at the ends).
	Total, Page, Pages int
	From, To           int // the 1-based positions of the page's first and last records
	PrevURL, NextURL   string
}

// whyRule is one rule on the indicator in words, with its outcome's class
// (pass, fail, or zero: missed but worth no points).
type whyRule struct {
	Text  string
	Class string
}

// whyRules says the rules of version that score manager m on ind, each
// judged against value (the sheet's number).
func whyRules(l i18n.Lang, version *domain.RegulationVersion, m *domain.Manager, ind domain.Indicator, value string) ([]whyRule, bool) {
	if version == nil || m == nil {
		return nil, false
	}
	v, err := decimal.NewFromString(value)
	if err != nil {
		v = decimal.Zero
	}
	var out []whyRule
	against := false
	for i := range version.Rules {
		r := &version.Rules[i]
		if r.Indicator != ind || !r.AppliesTo(m) {
			continue
		}
		target := r.TargetFor(m.ID)
		points, class := r.Fail, "fail"
		if r.Holds(v, target) {
			points, class = r.Pass, "pass"
		} else if points == 0 {
			class = "zero"
		}
		against = against || r.Op != domain.AtLeast
		out = append(out, whyRule{Class: class,
			Text: l.T("web.why.rule", l.T("web.op."+string(r.Op)), l.Figure(target.String()), l.Figure(value), points)})
	}
	return out, against
}

// whyPageSize is how many records a why page lists.
const whyPageSize = 200

// whyRecord is one record behind the number, with why it counts or not in
// the reader's language: for an own indicator, what its filter saw.
type whyRecord struct {
	domain.Evidence
	Because string
}

// whyIndicator returns the indicator a why page asks for: a built-in, or
// one the regulation version in force on d defines (or a base of DESIGN.md
// section 10 one of its rules names).
func whyIndicator(ws *domain.Workspace, d domain.Date, name string) (domain.Indicator, *domain.IndicatorDef, bool) {
	ind := domain.Indicator(name)
	if domain.IsBuiltin(ind) {
		return ind, nil, true
	}
	def, ok := ws.IndicatorAt(d, ind)
	if !ok {
		return "", nil, false
	}
	return def.ID, &def, true
}

func (s *Server) whyPage(w http.ResponseWriter, r *http.Request) error {
	manager := r.PathValue("manager")
	ws, err := s.workspace(r, auth.SeeOwn, manager)
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	ind, def, ok := whyIndicator(ws, d, r.PathValue("indicator"))
	if !ok {
		return notFound("unknown indicator")
	}
	x, err := s.eng.Why(r.Context(), ws.ID, manager, d, ind)
	if err != nil {
		return err
	}
	l := state(r).lang
	version, _ := ws.Regulation.At(d)
	data := whyData{X: x, Name: manager, Differs: x.Value != "" && x.Value != x.Recomputed, Label: l.Label(version, ind)}
	if def != nil {
		data.Definition = l.Definition(def)
	}
	if m, ok := ws.Manager(manager); ok {
		data.Name = m.Name
		data.Rules, data.Against = whyRules(l, version, m, ind, x.Value)
	}
	evidence := slices.Clone(x.Evidence)
	// Counted records first, then the others, each by time.
	slices.SortStableFunc(evidence, func(a, b domain.Evidence) int {
		if a.Counted != b.Counted {
			if a.Counted {
				return -1
			}
			return 1
		}
		return a.Happened.Compare(b.Happened)
	})
	for i := range evidence {
		if evidence[i].Counted {
			data.Counted++
		}
	}
	data.Total = len(evidence)
	data.Pages = max(1, (data.Total+whyPageSize-1)/whyPageSize)
	data.Page = 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > data.Pages {
			return i18n.Invalid("web.why.bad_page", v, data.Pages)
		}
		data.Page = n
	}
	lo, hi := (data.Page-1)*whyPageSize, min(data.Page*whyPageSize, data.Total)
	data.From, data.To = lo+1, hi
	link := func(page int) string {
		q := url.Values{"page": {strconv.Itoa(page)}}
		return r.URL.Path + "?" + q.Encode()
	}
	if data.Page > 1 {
		data.PrevURL = link(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.NextURL = link(data.Page + 1)
	}
	data.Evidence = make([]whyRecord, 0, hi-lo)
	for i := lo; i < hi; i++ {
		e := &evidence[i]
		data.Evidence = append(data.Evidence, whyRecord{Evidence: *e, Because: l.Because(ws, def, e)})
	}
	return s.render(w, r, "why", &page{Title: data.Label + " · " + data.Name + " · " + l.Date(d), WS: ws, Nav: "day", Data: &data})
}
