package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"reglament/internal/store"
)

// defaultRetryAfter is what a 503 without a better estimate suggests: a
// request that ran out of time may find the server less busy by then.
const defaultRetryAfter = 5 * time.Second

// overloaded reports whether err is the store refusing an operation
// because its connections were all in use (store.OverloadedError): the
// server is busy, not broken, so the answer is 503 rather than 500.
func overloaded(err error) bool {
	var o *store.OverloadedError
	return errors.As(err, &o)
}

// setRetryAfter tells the client of a 503 when to try again: the store's
// estimate when it refused, else defaultRetryAfter. Retry-After is in
// whole seconds, at least one.
func setRetryAfter(w http.ResponseWriter, err error) {
	wait := defaultRetryAfter
	var o *store.OverloadedError
	if errors.As(err, &o) && o.RetryAfter > 0 {
		wait = o.RetryAfter
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
}
