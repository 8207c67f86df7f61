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
	Evidence []domain.Evidence
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
	ind, ok := domain.ParseIndicator(r.PathValue("indicator"))
	if !ok {
		return notFound("unknown indicator")
	}
	x, err := s.eng.Why(r.Context(), ws.ID, manager, d, ind)
	if err != nil {
		return err
	}
	data := whyData{X: x, Name: manager, Evidence: x.Evidence, Differs: x.Value != "" && x.Value != x.Recomputed}
	if m, ok := ws.Manager(manager); ok {
		data.Name = m.Name
	}
	// Counted records first, then the others, each by time.
	slices.SortStableFunc(data.Evidence, func(a, b domain.Evidence) int {
		if a.Counted != b.Counted {
			if a.Counted {
				return -1
			}
			return 1
		}
		return a.Happened.Compare(b.Happened)
	})
	for _, e := range x.Evidence {
		if e.Counted {
			data.Counted++
		}
	}
	l := state(r).lang
	return s.render(w, r, "why", &page{Title: l.Indicator(ind) + " · " + data.Name + " · " + d.String(), WS: ws, Nav: "day", Data: &data})
}
