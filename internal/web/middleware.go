package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one structured line per request and feeds the metrics.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		st := &reqState{}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := st.pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(r.Method, route, sw.status, elapsed)
		path := r.URL.Path
		if strings.HasPrefix(path, "/t/") {
			path = "/t/…" // a wall screen token is a credential: never log it
		}
		attrs := []any{"method", r.Method, "path", path, "route", route, "status", sw.status,
			"bytes", sw.bytes, "duration_ms", float64(elapsed.Microseconds()) / 1000, "remote", r.RemoteAddr}
		if st.user != nil {
			attrs = append(attrs, "user", st.user.ID)
		}
		s.log.Info("request", attrs...)
	})
}

// recoverPanics turns a panic into a logged internal error, so that one
// bad request never takes the server down and no stack reaches the user.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			s.log.Error("panic", "method", r.Method, "route", state(r).pattern, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.renderError(w, r, fmt.Errorf("web: panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing inline and nothing foreign: styles
// come from /static, there are no scripts at all, and no one may frame us.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// limit bounds the request body and the time a request may take. A handler
// past its deadline fails its next store call with the context's error,
// which renders as 503.
func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// readForm reads the body of an unsafe request that carries a form before
// authentication looks for its CSRF token in it. A form over the body
// limit is answered 413 (issue 14): read later, inside PostFormValue, the
// limit's error was lost and the missing token said "the form expired"
// (403). A body that declares a length over the limit is refused unread.
func (s *Server) readForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !unsafeMethod(r.Method) || isAPI(r) {
			next.ServeHTTP(w, r)
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
			next.ServeHTTP(w, r)
			return
		}
		var err error
		if r.ContentLength > s.cfg.MaxBodyBytes {
			err = &http.MaxBytesError{Limit: s.cfg.MaxBodyBytes}
		} else if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(s.cfg.MaxBodyBytes)
		} else {
			err = r.ParseForm()
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			// The language is the browser's: the session is not read yet.
			st := state(r)
			st.lang = s.language(r, nil)
			r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
			s.renderError(w, r, tooLargeError(s.cfg.MaxBodyBytes))
			return
		}
		if err == nil {
			if err := formLimits(r.PostForm); err != nil {
				st := state(r)
				st.lang = s.language(r, nil)
				r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
				s.renderError(w, r, err)
				return
			}
		}
		// Any other problem is the handler's to report, as before.
		next.ServeHTTP(w, r)
	})
}

// formFieldLimits bounds the fields of every form to what a person writes
// (issue 14), in characters: names, an e-mail address (RFC 5321's 254), a
// reason; a workspace or regulation file ("yaml") is bounded by the body
// limit and by its parser; any other field by formFieldMax.
var formFieldLimits = map[string]int{
	"name": domain.MaxNameRunes, "manager": domain.MaxNameRunes, "user": domain.MaxNameRunes,
	"email": 254, "reason": domain.MaxTextRunes, "yaml": -1,
}

const formFieldMax = 2048

// formLimits refuses a form with a field longer than its limit, naming it.
func formLimits(form url.Values) error {
	for name, values := range form {
		max, ok := formFieldLimits[name]
		if !ok {
			max = formFieldMax
		}
		if max < 0 {
			continue
		}
		for _, v := range values {
			if n := domain.Runes(v); n > max {
				return i18n.Invalid("limit.text", name, max, n)
			}
		}
	}
	return nil
}
