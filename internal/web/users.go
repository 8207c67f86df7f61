package web

import (
	"net/http"
	"strconv"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// changeUser lets a head change a user of their workspace: make a head a
// manager account or the other way round (action save), or remove the
// user with their sessions and tokens (action remove: someone who left).
// Nobody changes their own account here, so that a head cannot lock
// themselves out; wall screens (viewers) can only be removed.
func (s *Server) changeUser(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	st := state(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("no such user")
	}
	err = func() error {
		if id == st.user.ID {
			return invalid("%s", st.lang.T("web.set.user_self"))
		}
		switch r.PostFormValue("action") {
		case "remove":
			return s.store.DeleteUser(r.Context(), ws.ID, id, st.user.Email, s.now())
		case "save":
			role, manager := r.PostFormValue("role"), r.PostFormValue("manager")
			u, err := s.store.FindUser(r.Context(), id)
			if domain.ErrorCode(err) == domain.ENOTFOUND || err == nil && u.Workspace != ws.ID {
				return notFound("no such user")
			}
			if err != nil {
				return err
			}
			switch {
			case u.Role == auth.Viewer || (role != auth.Head && role != auth.Manager):
				return invalid("%s", st.lang.T("web.set.user_role"))
			case role == auth.Manager && manager == "":
				return invalid("%s", st.lang.T("web.set.user_manager"))
			case role == auth.Head:
				manager = ""
			}
			return s.store.SetUserRole(r.Context(), ws.ID, id, role, manager, st.user.Email, s.now())
		}
		return invalid("action: want save or remove")
	}()
	code := domain.ErrorCode(err)
	if err != nil && code != domain.EINVALID && code != domain.ENOTFOUND {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	switch {
	case err != nil:
		data.UserError, status = domain.ErrorMessage(err), http.StatusBadRequest
		if code == domain.ENOTFOUND {
			status = http.StatusNotFound
		}
	case r.PostFormValue("action") == "remove":
		data.UserDone = st.lang.T("web.set.user_removed")
	default:
		data.UserDone = st.lang.T("web.set.user_changed")
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: st.lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// addUser lets a head add a head, a manager or a wall screen to their
// workspace. The password (or the viewer's link) is generated and shown
// once; only its hash is stored. Admins are made with `reglament user add`.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	form := userForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role"), Manager: r.PostFormValue("manager")}
	if form.Role != auth.Manager {
		form.Manager = ""
	}
	created := &createdUser{Email: strings.ToLower(form.Email)}
	err = func() error {
		if !strings.Contains(form.Email, "@") {
			return invalid("email: want an address such as anna@example.com")
		}
		if form.Role != auth.Head && form.Role != auth.Manager && form.Role != auth.Viewer {
			return invalid("role: want head, manager or viewer")
		}
		if form.Role == auth.Manager && form.Manager == "" {
			return invalid("a manager account needs the manager it belongs to")
		}
		u := &store.User{Email: form.Email, Role: form.Role, Workspace: ws.ID, Manager: form.Manager, CreatedAt: s.now()}
		if form.Role != auth.Viewer {
			created.Password = auth.NewPassword()
			hash, err := auth.HashPassword(created.Password)
			if err != nil {
				return err
			}
			u.PasswordHash = hash
		}
		if err := s.store.CreateUser(r.Context(), u, state(r).user.Email); err != nil {
			return err
		}
		if form.Role == auth.Viewer {
			token := auth.NewToken()
			if err := s.store.CreateAPIToken(r.Context(), auth.HashToken(token), u.ID, "wall", s.now()); err != nil {
				return err
			}
			created.Link = "/t/" + token
		}
		return nil
	}()
	code := domain.ErrorCode(err)
	if err != nil && code != domain.EINVALID && code != domain.ECONFLICT && code != domain.ENOTFOUND {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		data.Error, data.Form, status = domain.ErrorMessage(err), form, http.StatusBadRequest
	} else {
		data.Created = created
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}
