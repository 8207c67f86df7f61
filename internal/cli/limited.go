package cli

import (
	"errors"
	"net/http"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// temporaryError is a command that failed for a while, said in each
// language; report exits exitTemporary with it.
type temporaryError struct {
	key  string
	args []any
	err  error
}

func (e *temporaryError) Error() string           { return i18n.EN.T(e.key, e.args...) }
func (e *temporaryError) Text(l i18n.Lang) string { return l.T(e.key, e.args...) }
func (e *temporaryError) Unwrap() error           { return e.err }

// rateLimitWait is how long to wait before syncing again after a CRM kept
// limiting requests through every retry: amoCRM blocks a client that
// keeps exceeding its limit for about a minute; Bitrix24 blocks a method
// that used too much time (OPERATION_TIME_LIMIT) for ten.
func rateLimitWait(e *crm.Error) time.Duration {
	if e.Code == "OPERATION_TIME_LIMIT" {
		return 10 * time.Minute
	}
	return 2 * time.Minute
}

// rateLimited returns, for a sync that failed because the CRM limited its
// requests through every retry (429, or Bitrix24's QUERY_LIMIT_EXCEEDED and
// OPERATION_TIME_LIMIT), an error that says so and when to try again, and
// nil for any other error (issue 14).
func rateLimited(ws *domain.Workspace, now time.Time, err error) error {
	var e *crm.Error
	if !errors.As(err, &e) {
		return nil
	}
	limited := e.Status == http.StatusTooManyRequests || e.Code == "QUERY_LIMIT_EXCEEDED" ||
		e.Code == "OPERATION_TIME_LIMIT" || e.Code == "OVERLOAD_LIMIT" || e.Code == pipedrive.CodeBlocked
	if !limited {
		return nil
	}
	wait := rateLimitWait(e)
	at := now.Add(wait).In(ws.Location).Format("15:04")
	return &temporaryError{key: "sync.rate_limited", args: []any{ws.CRM.Kind, e.Status, max(e.Tries, 1), at, int(wait / time.Minute)}, err: err}
}

// textFlag is a text flag's name, value and limit in characters.
type textFlag struct {
	name, value string
	max         int
}

// textLimits refuses a text flag longer than what a person writes (issue
// 14), in the reader's language.
func textLimits(flags ...textFlag) error {
	for _, f := range flags {
		if n := domain.Runes(f.value); n > f.max {
			return i18n.Invalid("limit.text", f.name, f.max, n)
		}
	}
	return nil
}
