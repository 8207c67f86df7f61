package web

import (
	"context"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// MinPasswordLength is the shortest password the first admin may choose
// (generated ones have 16 characters).
const MinPasswordLength = 12

// CreateSetupLink makes the one-time link that creates the first admin
// when no account exists yet, and returns its path (/setup?token=…) to
// print on the console; ok is false when accounts exist, and then nothing
// is made. Only the token's hash is stored; it works for SetupLinkTTL.
func CreateSetupLink(ctx context.Context, s *store.Store, now func() time.Time) (path string, ok bool, err error) {
	has, err := s.HasAccounts(ctx)
	if err != nil || has {
		return "", false, err
	}
	token := auth.NewToken()
	at := now()
	if err := s.CreateSetupLink(ctx, auth.HashToken(token), at, at.Add(SetupLinkTTL)); err != nil {
		return "", false, err
	}
	return "/setup?token=" + token, true, nil
}

// firstRunData is the first-run page: the form that creates the first
// admin, or why the link opens nothing.
type firstRunData struct {
	Token string
	State string // store.SetupLink…
	Email string
	Error string
}

// firstRunPage shows the form behind the link `serve` printed. The token
// travels in the query, which the request log leaves out.
func (s *Server) firstRunPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	st := state(r)
	if token == "" && st.user != nil {
		http.Redirect(w, r, homeOf(st.user), http.StatusSeeOther)
		return nil
	}
	linkState, err := s.store.SetupLinkState(r.Context(), auth.HashToken(token), s.now())
	if err != nil {
		return err
	}
	return s.renderFirstRun(w, r, &firstRunData{Token: token, State: linkState})
}

func (s *Server) renderFirstRun(w http.ResponseWriter, r *http.Request, data *firstRunData) error {
	status := http.StatusOK
	switch data.State {
	case store.SetupLinkUsed, store.SetupLinkExpired:
		status = http.StatusGone
	case store.SetupLinkUnknown:
		status = http.StatusNotFound
	default:
		if data.Error != "" {
			status = http.StatusBadRequest
		}
	}
	if data.State != store.SetupLinkValid {
		data.Token = ""
	}
	return s.renderStatus(w, r, status, "setup-first", &page{Title: state(r).lang.T("setup.first.title"), Data: data})
}

// firstRunPost creates the first admin with the password typed twice,
// spends the link in the same transaction, and logs the admin in.
func (s *Server) firstRunPost(w http.ResponseWriter, r *http.Request) error {
	l := state(r).lang
	token := r.PostFormValue("token")
	data := &firstRunData{Token: token, State: store.SetupLinkValid, Email: strings.TrimSpace(r.PostFormValue("email"))}
	password := r.PostFormValue("password")
	a, perr := mail.ParseAddress(data.Email)
	switch {
	case perr != nil || a.Name != "" || a.Address != data.Email:
		data.Error = l.T("setup.first.bad_email")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		data.Error = l.T("setup.first.short_password", MinPasswordLength)
	case password != r.PostFormValue("password2"):
		data.Error = l.T("setup.first.mismatch")
	}
	if data.Error != "" {
		linkState, err := s.store.SetupLinkState(r.Context(), auth.HashToken(token), s.now())
		if err != nil {
			return err
		}
		data.State = linkState
		return s.renderFirstRun(w, r, data)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u := &store.User{Email: data.Email, Role: auth.Admin, PasswordHash: hash, Lang: string(l)}
	err = s.store.UseSetupLink(r.Context(), auth.HashToken(token), u, s.now())
	switch domain.ErrorCode(err) {
	case "":
	case domain.EINVALID:
		data.State = domain.ErrorMessage(err)
		return s.renderFirstRun(w, r, data)
	case domain.ECONFLICT:
		data.Error = l.T("setup.first.taken")
		return s.renderFirstRun(w, r, data)
	default:
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, "/setup/company", http.StatusSeeOther)
	return nil
}
