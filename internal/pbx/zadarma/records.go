package zadarma

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/pbx"
)

// The statistics' call types, read apart so that every row's direction is
// the API's, not a guess.
const (
	CallTypeIn  = "in"
	CallTypeOut = "out"
)

// row is a row of the PBX statistics, version 2.
type row struct {
	CallID      crm.ID  `json:"call_id"`
	PBXCallID   crm.ID  `json:"pbx_call_id"`
	SIP         crm.ID  `json:"sip"` // the internal number
	CallStart   string  `json:"callstart"`
	CLID        crm.ID  `json:"clid"`        // the caller
	Destination crm.ID  `json:"destination"` // whom the call went to
	Disposition string  `json:"disposition"`
	Seconds     crm.Int `json:"seconds"`
}

// call maps a row read with callType to a PBX call: the internal number is
// the employee's; the other party is the caller of an incoming call and
// the destination of an outgoing one (empty when withheld). A row with no
// internal number, or whose other party is an internal number too (an
// internal call), is no PBX call (ok false). Only an answered call has talk time. The external
// id is the PBX call's with the internal number and the start, which a
// re-read gives the same.
func (r row) call(callType string, loc *time.Location, internal map[string]bool) (domain.PBXCall, bool, error) {
	start, err := time.ParseInLocation(TimeLayout, strings.TrimSpace(r.CallStart), loc)
	if err != nil {
		return domain.PBXCall{}, false, fmt.Errorf("callstart %q is not %s", r.CallStart, TimeLayout)
	}
	c := domain.PBXCall{PBXUser: string(r.SIP), StartedAt: start.UTC()}
	if callType == CallTypeIn {
		c.Direction, c.Phone = domain.DirectionIn, string(r.CLID)
	} else {
		c.Direction, c.Phone = domain.DirectionOut, string(r.Destination)
	}
	if c.PBXUser == "" || internal[c.Phone] {
		return c, false, nil
	}
	if r.Disposition == "answered" && r.Seconds > 0 {
		c.TalkSeconds = int(r.Seconds)
	}
	id := string(r.PBXCallID)
	if id == "" {
		id = string(r.CallID)
	}
	c.RecordMeta = domain.RecordMeta{Source: Source, ExternalID: id + ":" + c.PBXUser + ":" + strconv.FormatInt(start.Unix(), 10)}
	return c, true, nil
}

// windowEnd is the end of a statistics window starting at t: a month
// later, and never more than 30 days (the API's one month, which it
// otherwise cuts to 30 days without saying).
func windowEnd(t time.Time) time.Time {
	month, days := t.AddDate(0, 1, 0), t.Add(30*24*time.Hour)
	if month.Before(days) {
		return month
	}
	return days
}

// MinWindow is the shortest window Read narrows a dense span to; a window
// this short is paged through however many calls it holds.
const MinWindow = time.Hour

// Read reads the calls started in [from, to): the internal numbers once,
// then window by window the incoming and the outgoing calls. A window is
// at most a month; one whose first page of either type comes back full is
// halved and read again (down to MinWindow), and after a window of less
// than half a page of each the next one doubles: so a window costs about a
// request of each type, and a sync that a job's timeout cuts off has
// stored every window it read (the statistics allow a few requests a
// minute, so a window of many pages would never end inside one job).
func (c *Client) Read(ctx context.Context, from, to time.Time, each pbx.WindowFunc) error {
	loc, err := c.location(ctx)
	if err != nil {
		return err
	}
	exts, err := c.Extensions(ctx)
	if err != nil {
		return err
	}
	internal := make(map[string]bool, len(exts))
	for _, e := range exts {
		internal[e.ID] = true
	}
	span := 30 * 24 * time.Hour
	for t := from; t.Before(to); {
		end := windowEnd(t)
		if limit := t.Add(span); limit.Before(end) {
			end = limit
		}
		if to.Before(end) {
			end = to
		}
		w := pbx.Window{From: t, To: end}
		var calls []domain.PBXCall
		dense, sparse := false, true
		for _, ct := range []string{CallTypeIn, CallTypeOut} {
			got, rows, err := c.window(ctx, w, ct, loc, internal, w.To.Sub(w.From) > MinWindow)
			if errors.Is(err, errDense) {
				dense = true
				break
			}
			if err != nil {
				return fmt.Errorf("zadarma: read %s calls from %s to %s: %w", ct, w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), err)
			}
			calls = append(calls, got...)
			sparse = sparse && rows < c.cfg.PageSize/2
		}
		if dense {
			span = max(MinWindow, w.To.Sub(w.From)/2)
			continue
		}
		if err := each(ctx, w, pbx.Dedupe(calls)); err != nil {
			return err
		}
		t = end
		if sparse {
			span *= 2
		}
	}
	return nil
}

// errDense is window's verdict on a window whose first page is full and
// that may be narrowed.
var errDense = errors.New("zadarma: window too dense")

// window pages through the statistics of one window and call type. The
// API's end is inclusive, to the second: the request asks up to the second
// before the window's end and keeps the calls the window holds.
// It returns errDense when narrow is set and the first page is full, and
// how many rows the pages held.
func (c *Client) window(ctx context.Context, w pbx.Window, callType string, loc *time.Location, internal map[string]bool, narrow bool) ([]domain.PBXCall, int, error) {
	start := w.From.Truncate(time.Second)
	if start.Before(w.From) {
		start = start.Add(time.Second)
	}
	end := w.To.Add(-time.Nanosecond).Truncate(time.Second)
	var out []domain.PBXCall
	rows := 0
	for page, skip := 0, 0; ; page, skip = page+1, skip+c.cfg.PageSize {
		if page == pbx.MaxPages {
			return nil, rows, pbx.ErrTooManyPages(Source, w)
		}
		body, err := c.get(ctx, MethodStatistics, url.Values{
			"start": {start.In(loc).Format(TimeLayout)}, "end": {end.In(loc).Format(TimeLayout)},
			"version": {"2"}, "call_type": {callType},
			"skip": {strconv.Itoa(skip)}, "limit": {strconv.Itoa(c.cfg.PageSize)},
		}, c.stats)
		if err != nil {
			return nil, rows, err
		}
		var p struct {
			Stats []row `json:"stats"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, rows, &crm.Error{CRM: Source, Method: MethodStatistics, Status: 200, Message: "decode: " + err.Error()}
		}
		rows += len(p.Stats)
		if page == 0 && narrow && len(p.Stats) >= c.cfg.PageSize {
			return nil, rows, errDense
		}
		for _, r := range p.Stats {
			call, ok, err := r.call(callType, loc, internal)
			if err != nil {
				return nil, rows, &crm.Error{CRM: Source, Method: MethodStatistics, Status: 200, Message: err.Error()}
			}
			if ok && !call.StartedAt.Before(w.From) && call.StartedAt.Before(w.To) {
				out = append(out, call)
			}
		}
		if len(p.Stats) < c.cfg.PageSize {
			return out, rows, nil
		}
	}
}

// Extensions lists the PBX's internal numbers (Zadarma names no employee).
func (c *Client) Extensions(ctx context.Context) ([]pbx.Extension, error) {
	body, err := c.get(crm.WithoutProgress(ctx), MethodInternal, nil)
	if err != nil {
		return nil, fmt.Errorf("zadarma: list internal numbers: %w", err)
	}
	var a struct {
		Numbers []crm.ID `json:"numbers"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, &crm.Error{CRM: Source, Method: MethodInternal, Status: 200, Message: "decode: " + err.Error()}
	}
	out := make([]pbx.Extension, 0, len(a.Numbers))
	for _, n := range a.Numbers {
		if n != "" {
			out = append(out, pbx.Extension{ID: string(n)})
		}
	}
	return out, nil
}
