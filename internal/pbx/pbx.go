// Package pbx is what the telephone exchanges' connectors share (DESIGN.md
// section 12): the extension a manager is mapped by, the reading of a call
// log by windows of start time, and the dedupe of the calls read. Each
// exchange is a package below it (mango, zadarma) standing on the same
// skeleton as the CRM connectors (internal/crm: crm.Client's limiter,
// retries and errors); its fake server is a package below that.
//
// A PBX logs a call when it ends, under the time it started: a call read
// again is the same call, so reads overlap freely and the store dedupes by
// external id. docs/telephony.md says what each exchange offers and costs.
package pbx

import (
	"context"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// Extension is an employee's line on the exchange: ID is what a manager
// lists in pbx_ids and what domain.PBXCall.PBXUser holds.
type Extension struct {
	ID   string // the extension (Mango Office) or PBX internal number (Zadarma)
	Name string // the employee's name, when the exchange knows it
}

// Window is a span of call start times, [From, To).
type Window struct{ From, To time.Time }

// WindowFunc receives the calls started in one window, oldest window first,
// once the window is read in full: a caller that stores them can resume
// from w.To.
type WindowFunc func(ctx context.Context, w Window, calls []domain.PBXCall) error

// Client is a PBX connector.
type Client interface {
	// Read reads the calls that started in [from, to), window by window,
	// oldest first, calling each after every window. It stops at the first
	// error, each's included; the windows before it were delivered.
	Read(ctx context.Context, from, to time.Time, each WindowFunc) error
	// Extensions lists the exchange's extensions, to map managers to.
	Extensions(ctx context.Context) ([]Extension, error)
	// Requests counts the HTTP requests sent so far, retries included.
	Requests() int64
}

// Defaults of reading a call log.
const (
	// DefaultOverlap is re-read before a cursor: a call is logged when it
	// ends, under the time it started, so a call under way at the last
	// read appears behind the cursor. A call longer than the overlap that
	// was under way at a read is read only by a full read.
	DefaultOverlap = 3 * time.Hour
	// DefaultBackfill is how far back the first read of a log goes.
	DefaultBackfill = 92 * 24 * time.Hour
)

// Slice cuts [from, to) into windows no longer than next allows: next
// returns the end of a window starting at t (after t). A window never
// passes to.
func Slice(from, to time.Time, next func(t time.Time) time.Time) []Window {
	var ws []Window
	for t := from; t.Before(to); {
		end := next(t)
		if !end.After(t) {
			panic("pbx: a window must advance")
		}
		if end.After(to) {
			end = to
		}
		ws = append(ws, Window{t, end})
		t = end
	}
	return ws
}

// Dedupe returns calls with each external id once, the last read winning,
// in the order first seen.
func Dedupe(calls []domain.PBXCall) []domain.PBXCall {
	at := make(map[string]int, len(calls))
	out := calls[:0:0]
	for _, c := range calls {
		if i, ok := at[c.ExternalID]; ok {
			out[i] = c
			continue
		}
		at[c.ExternalID] = len(out)
		out = append(out, c)
	}
	return out
}

// MaxPages bounds the pages of one window, so that a server that keeps
// saying "more" cannot keep a sync running.
const MaxPages = 200

// ErrTooManyPages is returned by a pager past MaxPages.
func ErrTooManyPages(source string, w Window) error {
	return fmt.Errorf("%s: more than %d pages of calls between %s and %s", source, MaxPages,
		w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339))
}
