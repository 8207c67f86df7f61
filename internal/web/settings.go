package web

import (
	"net/http"
	"time"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/store"
)

type settingsData struct {
	// YAML is the workspace file in the editor: the stored workspace, or
	// the text a refused save sent, kept so that nothing typed is lost.
	YAML      string
	YAMLError string
	Saved     bool
	Changes   []string

	// Pay is the pay settings section: versions by effective date.
	Pay *payData

	Users     []userLine
	Self      int64  // the user looking at the page: their own line has no actions
	UserError string // a refused change of a listed user
	UserDone  string // what a change of a listed user did
	Error     string
	Created   *createdUser
	Form      userForm
	Roles     []string

	Tokens       []tokenLine
	TokenError   string
	TokenForm    tokenForm
	CreatedToken *createdToken
	Revoked      bool
}

type userLine struct {
	ID                   int64
	Email, Role, Manager string
}

// tokenLine is a stored API token on the settings page: never the token,
// only the start of its hash to tell tokens apart, and the whole hash as
// the value the revoke form sends back.
type tokenLine struct {
	Hash, Short string
	Email, Role string
	Name        string
	CreatedAt   time.Time
}

type tokenForm struct {
	User, Name string
}

// createdToken is shown once after a head creates an API token.
type createdToken struct {
	Email, Name, Token, Link string
}

type userForm struct {
	Email, Role, Manager string
}

// createdUser is shown once after a head adds a user: the generated
// password, or the wall screen link of a viewer.
type createdUser struct {
	Email, Password, Link string
}

func (s *Server) settingsData(r *http.Request, ws *domain.Workspace) (*settingsData, error) {
	users, err := s.store.FindUsers(r.Context(), ws.ID)
	if err != nil {
		return nil, err
	}
	data := &settingsData{YAML: string(config.FormatWorkspace(ws)), Roles: []string{auth.Head, auth.Manager, auth.Viewer}, Form: userForm{Role: auth.Manager},
		Self: state(r).user.ID, Pay: s.payData(state(r).lang, ws)}
	for _, u := range users {
		data.Users = append(data.Users, userLine{ID: u.ID, Email: u.Email, Role: u.Role, Manager: u.Manager})
	}
	tokens, err := s.store.FindAPITokens(r.Context(), ws.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		data.Tokens = append(data.Tokens, tokenLine{Hash: t.TokenHash, Short: t.TokenHash[:min(8, len(t.TokenHash))],
			Email: t.Email, Role: t.Role, Name: t.Name, CreatedAt: t.CreatedAt})
	}
	return data, nil
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	data, err := s.settingsData(r, ws)
	if err != nil {
		return err
	}
	data.Revoked = r.URL.Query().Get("revoked") != ""
	data.Pay.Saved = r.URL.Query().Get("pay") == "saved"
	return s.render(w, r, "settings", &page{Title: state(r).lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}

// settingsPost saves the workspace file edited on the settings page, as
// `reglament apply -f` would: the text is parsed with the file format's
// own parser and applied as a whole, with the user as the actor. The file
// must name the workspace the page belongs to. Only an admin may change the
// crm section: its token_file names a file on the server whose content is
// sent to base_url, which a head of one workspace must not choose. On a
// refusal nothing is stored and the text stays in the editor beside the
// problems.
func (s *Server) settingsPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	if r.PostFormValue("form") == "pay" {
		return s.settingsPayPost(w, r, ws)
	}
	ctx, st := r.Context(), state(r)
	text := r.PostFormValue("yaml")
	res, err := func() (store.ApplyResult, error) {
		edited, err := config.ParseWorkspace("workspace.yaml", []byte(text))
		if err != nil {
			return store.ApplyResult{}, err
		}
		if edited.ID != ws.ID {
			return store.ApplyResult{}, invalid("%s", st.lang.T("web.set.other_workspace", edited.ID, ws.ID))
		}
		if st.principal.Role != auth.Admin && !edited.CRM.Equal(ws.CRM) {
			return store.ApplyResult{}, domain.Errorf(domain.EFORBIDDEN, "%s", st.lang.T("web.set.crm_admin"))
		}
		if err := s.checkWebhookURL(ctx, ws, edited); err != nil {
			return store.ApplyResult{}, err
		}
		return s.eng.Apply(ctx, edited, st.user.Email)
	}()
	status := http.StatusOK
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EINVALID:
			status = http.StatusBadRequest
		case domain.ECONFLICT:
			status = http.StatusConflict
		case domain.EFORBIDDEN:
			status = http.StatusForbidden
		default:
			return err
		}
	} else if ws, err = s.eng.Workspace(ctx, ws.ID); err != nil {
		return err
	}
	data, derr := s.settingsData(r, ws)
	if derr != nil {
		return derr
	}
	if err != nil {
		data.YAML, data.YAMLError = text, errorText(err, st.lang)
	} else {
		data.Saved, data.Changes = true, res.Changes
	}
	return s.renderStatus(w, r, status, "settings", &page{Title: st.lang.T("web.nav.settings"), WS: ws, Nav: "settings", Data: data})
}
