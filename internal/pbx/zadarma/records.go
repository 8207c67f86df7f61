package zadarma

import (
	"context"
	"encoding/json"
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
// the destination of an outgoing one. A row with no internal number, or
// whose other party is an internal number too (an internal call), is no
// PBX call (ok false). Only an answered call has talk time. The external
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
	if c.PBXUser == "" || c.Phone == "" || internal[c.Phone] {
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

// Read reads the calls started in [from, to): the internal numbers once,
// then per window of at most a month the incoming and the outgoing calls,
// page by page.
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
	for _, w := range pbx.Slice(from, to, windowEnd) {
		var calls []domain.PBXCall
		for _, ct := range []string{CallTypeIn, CallTypeOut} {
			got, err := c.window(ctx, w, ct, loc, internal)
			if err != nil {
				return fmt.Errorf("zadarma: read %s calls from %s to %s: %w", ct, w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), err)
			}
			calls = append(calls, got...)
		}
		if err := each(ctx, w, pbx.Dedupe(calls)); err != nil {
			return err
		}
	}
	return nil
}

// window pages through the statistics of one window and call type. The
// API's end is inclusive, to the second: the request asks up to the second
// before the window's end and keeps the calls the window holds.
func (c *Client) window(ctx context.Context, w pbx.Window, callType string, loc *time.Location, internal map[string]bool) ([]domain.PBXCall, error) {
	start := w.From.Truncate(time.Second)
	if start.Before(w.From) {
		start = start.Add(time.Second)
	}
	end := w.To.Add(-time.Nanosecond).Truncate(time.Second)
	var out []domain.PBXCall
	for page, skip := 0, 0; ; page, skip = page+1, skip+c.cfg.PageSize {
		if page == pbx.MaxPages {
			return nil, pbx.ErrTooManyPages(Source, w)
		}
		body, err := c.get(ctx, MethodStatistics, url.Values{
			"start": {start.In(loc).Format(TimeLayout)}, "end": {end.In(loc).Format(TimeLayout)},
			"version": {"2"}, "call_type": {callType},
			"skip": {strconv.Itoa(skip)}, "limit": {strconv.Itoa(c.cfg.PageSize)},
		}, c.stats)
		if err != nil {
			return nil, err
		}
		var p struct {
			Stats []row `json:"stats"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, &crm.Error{CRM: Source, Method: MethodStatistics, Status: 200, Message: "decode: " + err.Error()}
		}
		for _, r := range p.Stats {
			call, ok, err := r.call(callType, loc, internal)
			if err != nil {
				return nil, &crm.Error{CRM: Source, Method: MethodStatistics, Status: 200, Message: err.Error()}
			}
			if ok && !call.StartedAt.Before(w.From) && call.StartedAt.Before(w.To) {
				out = append(out, call)
			}
		}
		if len(p.Stats) < c.cfg.PageSize {
			return out, nil
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
