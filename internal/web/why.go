package web

import (
	"net/http"
	"slices"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/engine"
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
}

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
		e := &evidence[i]
		if e.Counted {
			data.Counted++
		}
		data.Evidence = append(data.Evidence, whyRecord{Evidence: *e, Because: l.Because(ws, def, e)})
	}
	return s.render(w, r, "why", &page{Title: data.Label + " · " + data.Name + " · " + d.String(), WS: ws, Nav: "day", Data: &data})
}
