package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// Codes of the web layer beyond the domain's vocabulary.
const (
	eTooMany     = "too_many_requests"
	eUnavailable = "unavailable"
	eTooLarge    = "too_large"
)

// statusOf is the one map from an error code to an HTTP status.
var statusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.EINTERNAL:     http.StatusInternalServerError,
	eTooMany:             http.StatusTooManyRequests,
	eUnavailable:         http.StatusServiceUnavailable,
	eTooLarge:            http.StatusRequestEntityTooLarge,
}

// localError is an error of the web layer that says itself in each
// language: code is one of statusOf's, English is what the API and the
// log say, and a page says it in the reader's language.
type localError struct {
	code string
	key  string
	args []any
}

func (e *localError) Error() string { return i18n.EN.T(e.key, e.args...) }

// Text says the error in l.
func (e *localError) Text(l i18n.Lang) string { return l.T(e.key, e.args...) }

// tooLargeError is a request body over limit bytes.
func tooLargeError(limit int64) error {
	return &localError{code: eTooLarge, key: "web.too_large", args: []any{limit >> 10}}
}

func notFound(msg string) error { return &domain.Error{Code: domain.ENOTFOUND, Message: msg} }

func invalid(format string, args ...any) error {
	return domain.Errorf(domain.EINVALID, format, args...)
}

// classify maps transport-level errors (timeouts, oversized bodies) to
// codes people can act on, and everything else through the domain.
func classify(err error) (code, message string) {
	var tooLarge *http.MaxBytesError
	var local *localError
	switch {
	case errors.As(err, &local):
		return local.code, local.Error()
	case errors.As(err, &tooLarge):
		return eTooLarge, tooLargeError(tooLarge.Limit).Error()
	case errors.Is(err, context.DeadlineExceeded):
		return eUnavailable, "the request took too long; try again"
	case overloaded(err):
		return eUnavailable, "the server is busy; try again in a few seconds"
	}
	return domain.ErrorCode(err), domain.ErrorMessage(err)
}

// errorText is what an editor page (settings, regulation) says of a
// refused file in the page's language: the file's problems, or the
// refusal to change a regulation version final sheets use.
func errorText(err error, lang i18n.Lang) string {
	var inUse *store.RegulationInUseError
	if errors.As(err, &inUse) {
		return lang.T("web.reg.in_use", inUse.Version, inUse.LastFinal)
	}
	return i18n.ErrorText(err, lang)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// renderError is the one place an error becomes a response: JSON for the
// API, a page otherwise. Internal errors are logged in full and shown as
// "internal error".
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := classify(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusServiceUnavailable {
		setRetryAfter(w, err)
	}
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "route", state(r).pattern, "code", code, "err", err.Error())
	}
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	if code == domain.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	st := state(r)
	// A page says an error in the reader's language: one that can say
	// itself, or the sentence the domain wrote, said (i18n.Said).
	var loc i18n.Localized
	if errors.As(err, &loc) && status < 500 {
		msg = st.lang.Said(loc.Text(st.lang))
	} else {
		msg = st.lang.Said(msg)
	}
	s.renderStatus(w, r, status, "error", &page{Title: st.lang.T("web.error.title"), WS: s.errorWorkspace(r), Data: errorData{Status: status, Code: code, Message: msg}})
}

// errorWorkspace is the workspace whose menu an error page shows, so that
// a refused day or a missing page keeps the reader in the application:
// the request's workspace when the user may see it, else the user's own;
// nil when there is none.
func (s *Server) errorWorkspace(r *http.Request) *domain.Workspace {
	st := state(r)
	if st.principal == nil || st.user == nil {
		return nil
	}
	id := r.PathValue("ws")
	if id == "" || st.principal.Can(id, auth.SeeWall, "") != nil {
		id = st.user.Workspace
	}
	if id == "" {
		return nil
	}
	ws, err := s.eng.Workspace(r.Context(), id)
	if err != nil {
		return nil
	}
	return ws
}

type errorData struct {
	Status  int
	Code    string
	Message string
}
