package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/store"
)

type managersData struct {
	Managers []domain.Manager
	Teams    []string
	// Form is the add form's input; Edit the manager whose row a refused
	// change came from, with what was typed.
	Form  managerForm
	Edit  managerForm
	Error string
	Saved string // the id of the manager just added or changed
	// Extensions are those of the PBX log of the last ExtensionDays, each
	// with the manager whose pbx_ids name it ("" when none does: its calls
	// count for nobody).
	Extensions []extensionRow
	MapHere    bool // the extensions are mapped on this page (partial-extensions.html)
}

type managerForm struct {
	ID, Name, Team, CRMIDs, PBXIDs string
}

// extensionDays is how far back the managers form looks in the PBX log for
// the extensions to map.
const extensionDays = 30

type extensionRow struct {
	store.PBXUserSeen
	Manager string // the name of the manager whose pbx_ids name it
}

// Talk is the extension's talk time in all.
func (r extensionRow) Talk() time.Duration { return time.Duration(r.TalkSeconds) * time.Second }

// extensionsSeen lists the extensions of ws's PBX log of the last
// extensionDays with their managers, unmapped ones first.
func (s *Server) extensionsSeen(ctx context.Context, ws *domain.Workspace) ([]extensionRow, error) {
	seen, err := s.store.PBXUsersSeen(ctx, ws.ID, s.now().AddDate(0, 0, -extensionDays))
	if err != nil {
		return nil, err
	}
	rows := make([]extensionRow, len(seen))
	for i, u := range seen {
		rows[i].PBXUserSeen = u
		for _, m := range ws.Managers {
			if slices.Contains(m.PBXIDs, u.PBXUser) {
				rows[i].Manager = m.Name
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b extensionRow) int {
		return cmp.Compare(min(len(a.Manager), 1), min(len(b.Manager), 1))
	})
	return rows, nil
}

// managersData returns the managers form's data for ws.
func (s *Server) managersData(ctx context.Context, ws *domain.Workspace) (*managersData, error) {
	ext, err := s.extensionsSeen(ctx, ws)
	if err != nil {
		return nil, err
	}
	return &managersData{Managers: ws.Managers, Teams: teamsOf(ws), Extensions: ext, MapHere: true}, nil
}

func teamsOf(ws *domain.Workspace) []string {
	var teams []string
	for _, m := range ws.Managers {
		if m.Team != "" && !slices.Contains(teams, m.Team) {
			teams = append(teams, m.Team)
		}
	}
	slices.Sort(teams)
	return teams
}

func (s *Server) managersPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	data, err := s.managersData(r.Context(), ws)
	if err != nil {
		return err
	}
	data.Saved = r.URL.Query().Get("saved")
	return s.render(w, r, "forms-managers", &page{Title: state(r).lang.T("forms.mgr.title"), WS: ws, Nav: "settings", Data: data})
}

// splitIDs reads a list of CRM user ids typed with commas or spaces.
func splitIDs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' })
}

// managersPost adds a manager (action add) or changes one's name, team,
// CRM user ids and PBX extensions (action save, with id). A manager's id stays: sheets
// and adjustments are kept under it.
func (s *Server) managersPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	form := managerForm{ID: strings.TrimSpace(r.PostFormValue("id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Team: strings.TrimSpace(r.PostFormValue("team")), CRMIDs: strings.TrimSpace(r.PostFormValue("crm_ids")),
		PBXIDs: strings.TrimSpace(r.PostFormValue("pbx_ids"))}
	add := r.PostFormValue("action") == "add"
	edited := editable(ws)
	err = func() error {
		i := slices.IndexFunc(edited.Managers, func(m domain.Manager) bool { return m.ID == form.ID })
		if add {
			if !domain.ValidWorkspaceID(form.ID) {
				return fieldError("forms.mgr.id", nil, "forms.err.id", form.ID)
			}
			if i >= 0 {
				return fieldError("forms.mgr.id", nil, "forms.err.taken", form.ID)
			}
			edited.Managers = append(edited.Managers, domain.Manager{ID: form.ID})
			i = len(edited.Managers) - 1
		} else if i < 0 {
			return fieldError("forms.mgr.id", nil, "forms.err.unknown_manager", form.ID)
		}
		m := &edited.Managers[i]
		if form.Name == "" {
			return fieldError("forms.mgr.name", []any{form.ID}, "forms.err.required")
		}
		if domain.Runes(form.Name) > domain.MaxNameRunes {
			return fieldError("forms.mgr.name", []any{form.ID}, "forms.err.long", domain.MaxNameRunes)
		}
		if domain.Runes(form.Team) > domain.MaxNameRunes {
			return fieldError("forms.mgr.team", []any{form.ID}, "forms.err.long", domain.MaxNameRunes)
		}
		ids := splitIDs(form.CRMIDs)
		for j, id := range ids {
			if slices.Contains(ids[:j], id) {
				return fieldError("forms.mgr.crm_ids", []any{form.ID}, "forms.err.twice", id)
			}
			for _, o := range edited.Managers {
				if o.ID != form.ID && slices.Contains(o.CRMIDs, id) {
					return fieldError("forms.mgr.crm_ids", []any{form.ID}, "forms.err.crm_taken", id, o.Name)
				}
			}
		}
		pbxIDs := splitIDs(form.PBXIDs)
		for j, id := range pbxIDs {
			if slices.Contains(pbxIDs[:j], id) {
				return fieldError("forms.mgr.pbx_ids", []any{form.ID}, "forms.err.twice", id)
			}
			for _, o := range edited.Managers {
				if o.ID != form.ID && slices.Contains(o.PBXIDs, id) {
					return fieldError("forms.mgr.pbx_ids", []any{form.ID}, "forms.err.pbx_taken", id, o.Name)
				}
			}
		}
		m.Name, m.Team, m.CRMIDs, m.PBXIDs = form.Name, form.Team, ids, pbxIDs
		// A team the regulation's rules name keeps at least one manager:
		// the file format refuses a rule for a team nobody is in.
		teams := teamsOf(edited)
		for _, v := range edited.Regulation {
			for _, rule := range v.Rules {
				for _, team := range rule.Teams {
					if !slices.Contains(teams, team) {
						return fieldError("forms.mgr.team", []any{form.ID}, "forms.err.team_in_rules", team, v.Effective)
					}
				}
			}
		}
		return nil
	}()
	if err == nil {
		_, err = s.applyForm(r.Context(), r, edited)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		data, derr := s.managersData(r.Context(), ws)
		if derr != nil {
			return derr
		}
		data.Error = errorText(err, state(r).lang)
		if add {
			data.Form = form
		} else {
			data.Edit = form
		}
		return s.renderStatus(w, r, status, "forms-managers", &page{Title: state(r).lang.T("forms.mgr.title"), WS: ws, Nav: "settings", Data: data})
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/forms/managers?saved="+url.QueryEscape(form.ID), http.StatusSeeOther)
	return nil
}
