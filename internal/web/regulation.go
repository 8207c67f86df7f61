package web

import (
	"net/http"
	"slices"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/domain"
)

type regulationData struct {
	Versions []domain.RegulationVersion // newest first
	Current  domain.Date
	YAML     string
	Error    string
	Preview  []previewLine
	// From and To are the past days the preview rescores, PreviewDays of
	// them up to yesterday; the button and the table name the same days.
	From, To    domain.Date
	PreviewDays int
	Saved       bool
	Previewed   bool
}

// draftVersion proposes the editor's starting text: the rules in force,
// effective from the next working day.
func (s *Server) draftVersion(ws *domain.Workspace) string {
	today := ws.Today(s.now())
	next, _ := ws.NextWorkingDay(today.AddDays(1))
	v := domain.RegulationVersion{Effective: next}
	if cur, ok := ws.Regulation.At(today); ok {
		v.Rules = cur.Rules
	}
	return string(config.FormatRegulation(domain.Regulation{v}))
}

// previewLine is a manager's line of the preview, named by name.
type previewLine struct {
	domain.BacktestLine
	Name string
}

// previewDays is how many past days the regulation preview rescores.
const previewDays = 30

func (s *Server) regulationData(ws *domain.Workspace) *regulationData {
	today := ws.Today(s.now())
	data := &regulationData{Versions: slices.Clone(ws.Regulation), PreviewDays: previewDays,
		From: today.AddDays(-previewDays), To: today.AddDays(-1)}
	slices.SortFunc(data.Versions, func(a, b domain.RegulationVersion) int { return b.Effective.Compare(a.Effective) })
	if cur, ok := ws.Regulation.At(ws.Today(s.now())); ok {
		data.Current = cur.Effective
	}
	return data
}

func (s *Server) regulationPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	data := s.regulationData(ws)
	data.YAML = s.draftVersion(ws)
	data.Saved = r.URL.Query().Get("saved") != ""
	return s.render(w, r, "regulation", &page{Title: state(r).lang.T("web.nav.regulation"), WS: ws, Nav: "regulation", Data: data})
}

// mergeRegulation checks the edited versions against the workspace and
// returns the workspace's regulation with them added or replacing the
// versions of the same day. Versions may only take effect from today on:
// the past keeps the rules it was scored by.
func mergeRegulation(ws *domain.Workspace, edited domain.Regulation, today domain.Date) (domain.Regulation, error) {
	if len(edited) == 0 {
		return nil, invalid("regulation: give at least one version")
	}
	teams := make(map[string]bool)
	for _, m := range ws.Managers {
		teams[m.Team] = true
	}
	merged := slices.Clone(ws.Regulation)
	for _, v := range edited {
		if v.Effective.Before(today) {
			return nil, invalid("regulation version %s: the effective date must be today (%s) or later; the past keeps its rules", v.Effective, today)
		}
		for _, rule := range v.Rules {
			for _, id := range rule.Managers {
				if _, ok := ws.Manager(id); !ok {
					return nil, invalid("regulation version %s: rule %s names unknown manager %q", v.Effective, rule.Indicator, id)
				}
			}
			for id := range rule.Targets {
				if _, ok := ws.Manager(id); !ok {
					return nil, invalid("regulation version %s: rule %s has a target for unknown manager %q", v.Effective, rule.Indicator, id)
				}
			}
			for _, t := range rule.Teams {
				if !teams[t] {
					return nil, invalid("regulation version %s: rule %s names unknown team %q", v.Effective, rule.Indicator, t)
				}
			}
		}
		merged = slices.DeleteFunc(merged, func(x domain.RegulationVersion) bool { return x.Effective == v.Effective })
		merged = append(merged, v)
	}
	merged.Sort()
	return merged, nil
}

// previewRegulation is what the preview scores the past days by: the
// newest edited version, as if it had been in force from the first day
// previewed. The edited versions take effect today or later, so scoring
// the past by the merged regulation would give each past day its old rules
// and always show no difference; `reglament backtest` likewise scores the
// past by the rules it is given.
func previewRegulation(edited domain.Regulation, from domain.Date) domain.Regulation {
	edited = slices.Clone(edited)
	edited.Sort()
	v := edited[len(edited)-1]
	v.Effective = from
	return domain.Regulation{v}
}

func (s *Server) regulationPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx := r.Context()
	text := r.PostFormValue("yaml")
	data := s.regulationData(ws)
	data.YAML = text
	today := ws.Today(s.now())
	var edited domain.Regulation
	merged, err := func() (_ domain.Regulation, err error) {
		edited, err = config.ParseRegulation("regulation.yaml", []byte(text))
		if err != nil {
			return nil, err
		}
		return mergeRegulation(ws, edited, today)
	}()
	if err == nil && r.PostFormValue("action") == "save" {
		updated := *ws
		updated.Regulation = merged
		if _, err = s.eng.Apply(ctx, &updated, state(r).user.Email); err == nil {
			http.Redirect(w, r, "/w/"+ws.ID+"/regulation?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	if err == nil {
		period := domain.Period{Kind: "days", Label: data.From.String() + "…" + data.To.String(), From: data.From, To: data.To}
		var lines []domain.BacktestLine
		lines, err = s.eng.Backtest(ctx, ws.ID, previewRegulation(edited, data.From), period)
		for _, l := range lines {
			name := l.Manager
			if m, ok := ws.Manager(l.Manager); ok {
				name = m.Name
			}
			data.Preview = append(data.Preview, previewLine{BacktestLine: l, Name: name})
		}
		data.Previewed = err == nil
	}
	status := http.StatusOK
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		data.Error, status = errorText(err, state(r).lang), http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "regulation", &page{Title: state(r).lang.T("web.nav.regulation"), WS: ws, Nav: "regulation", Data: data})
}
