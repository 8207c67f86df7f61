package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// createToken lets a head make an API token for a user of their workspace.
// The token is shown once; only its hash is stored. A user of another
// workspace is not found, whatever id the form sends.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	ctx, now, actor := r.Context(), s.now(), state(r).user.Email
	form := tokenForm{User: r.PostFormValue("user"), Name: strings.TrimSpace(r.PostFormValue("name"))}
	var created *createdToken
	err = func() error {
		id, err := strconv.ParseInt(form.User, 10, 64)
		if err != nil {
			return invalid("user: choose a user of the workspace")
		}
		u, err := s.store.FindUser(ctx, id)
		if err != nil {
			return err
		}
		if u.Workspace != ws.ID {
			return notFound(fmt.Sprintf("user %d not found", id))
		}
		if form.Name == "" {
			return invalid("name: say what the token is for, e.g. payroll export")
		}
		if len([]rune(form.Name)) > 100 {
			return invalid("name: at most 100 characters")
		}
		token := auth.NewToken()
		if err := s.store.CreateAPIToken(ctx, auth.HashToken(token), u.ID, form.Name, now); err != nil {
			return err
		}
		if err := s.store.AppendAudit(ctx, store.AuditEntry{Workspace: ws.ID, Actor: actor, Action: "token.create",
			Detail: fmt.Sprintf("%s (%s)", u.Email, form.Name), At: now}); err != nil {
			return err
		}
		created = &createdToken{Email: u.Email, Name: form.Name, Token: token}
		if u.Role == auth.Viewer {
			created.Link = "/t/" + token
		}
		return nil
	}()
	if err != nil && domain.ErrorCode(err) != domain.EINVALID {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		data.TokenError, data.TokenForm, status = domain.ErrorMessage(err), form, http.StatusBadRequest
	} else {
		data.CreatedToken = created
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// revokeToken deletes an API token of a user of the workspace, found by
// the hash the settings page lists.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	hash := r.PostFormValue("token")
	if hash == "" {
		return invalid("token: choose a token to revoke")
	}
	if err := s.store.DeleteAPIToken(r.Context(), ws.ID, hash, state(r).user.Email, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/settings?revoked=1", http.StatusSeeOther)
	return nil
}
