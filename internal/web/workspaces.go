package web

import (
	"net/http"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

type workspacesData struct {
	Workspaces []*domain.Workspace
}

func (s *Server) workspacesPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.visibleWorkspaces(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "workspaces", &page{Title: state(r).lang.T("web.nav.workspaces"), Data: &workspacesData{Workspaces: list}})
}

// visibleWorkspaces lists the workspaces the user may open.
func (s *Server) visibleWorkspaces(r *http.Request) ([]*domain.Workspace, error) {
	st := state(r)
	if st.principal == nil {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "log in first")
	}
	all, err := s.store.ListWorkspaces(r.Context())
	if err != nil {
		return nil, err
	}
	var out []*domain.Workspace
	for _, ws := range all {
		if st.principal.Can(ws.ID, auth.SeeWall, "") == nil {
			out = append(out, ws)
		}
	}
	return out, nil
}
