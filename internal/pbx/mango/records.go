package mango

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/pbx"
)

// line is one line of a report: a leg of a call, its fields in the order
// of Fields.
type line struct {
	Start, Finish, Answer     int64
	FromExtension, FromNumber string
	ToExtension, ToNumber     string
	DisconnectReason, EntryID string
}

// parseReport reads stats/result's text: a line per leg, fields separated
// by semicolons in the order of Fields. A line with another number of
// fields, or unreadable times, is an error (a body cut short).
func parseReport(body []byte) ([]line, error) {
	var out []line
	for i, raw := range bytes.Split(body, []byte("\n")) {
		s := strings.TrimRight(string(raw), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, ";")
		if len(f) != len(Fields) {
			return nil, fmt.Errorf("report line %d has %d fields, want %d", i+1, len(f), len(Fields))
		}
		var l line
		for j, p := range []*int64{&l.Start, &l.Finish, &l.Answer} {
			v := strings.TrimSpace(f[j])
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("report line %d: %s is not a Unix time", i+1, Fields[j])
			}
			*p = n
		}
		l.FromExtension, l.FromNumber = strings.TrimSpace(f[3]), strings.TrimSpace(f[4])
		l.ToExtension, l.ToNumber = strings.TrimSpace(f[5]), strings.TrimSpace(f[6])
		l.DisconnectReason, l.EntryID = strings.TrimSpace(f[7]), strings.TrimSpace(f[8])
		if l.Start == 0 || l.EntryID == "" {
			return nil, fmt.Errorf("report line %d has no start or entry_id", i+1)
		}
		out = append(out, l)
	}
	return out, nil
}

// call maps a leg to a PBX call: the side with an extension is the
// employee's (from: an outgoing call, to: an incoming one) and the other
// side's number is the phone. A leg with extensions on both sides is an
// internal call and one with none never reached an employee (a caller
// lost in the voice menu): neither is a PBX call (ok false). The talk
// time runs from the answer to the finish. The external id is the entry's
// with the extension and the start of the leg, which a re-read gives the
// same.
func (l line) call() (domain.PBXCall, bool) {
	c := domain.PBXCall{StartedAt: time.Unix(l.Start, 0).UTC()}
	switch {
	case l.FromExtension != "" && l.ToExtension == "":
		c.Direction, c.PBXUser, c.Phone = domain.DirectionOut, l.FromExtension, l.ToNumber
	case l.ToExtension != "" && l.FromExtension == "":
		c.Direction, c.PBXUser, c.Phone = domain.DirectionIn, l.ToExtension, l.FromNumber
	default:
		return c, false
	}
	if l.Answer > 0 && l.Finish > l.Answer {
		c.TalkSeconds = int(l.Finish - l.Answer)
	}
	c.RecordMeta = domain.RecordMeta{Source: Source,
		ExternalID: l.EntryID + ":" + c.PBXUser + ":" + strconv.FormatInt(l.Start, 10)}
	return c, true
}

// statsRequest is stats/request's json: the span of start times as Unix
// seconds and the fields of the report.
type statsRequest struct {
	DateFrom  int64  `json:"date_from"`
	DateTo    int64  `json:"date_to"`
	Fields    string `json:"fields"`
	RequestID string `json:"request_id"`
}

// Read reads the calls started in [from, to), a report per Window.
func (c *Client) Read(ctx context.Context, from, to time.Time, each pbx.WindowFunc) error {
	for _, w := range pbx.Slice(from, to, func(t time.Time) time.Time { return t.Add(c.cfg.Window) }) {
		calls, err := c.report(ctx, w)
		if err != nil {
			return fmt.Errorf("mango: read calls from %s to %s: %w", w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), err)
		}
		if err := each(ctx, w, calls); err != nil {
			return err
		}
	}
	return nil
}

// report orders the report of one window and polls for it. The API's
// date_to is taken as inclusive: the report asks up to the second before
// the window's end, and keeps only the calls the window holds.
func (c *Client) report(ctx context.Context, w pbx.Window) ([]domain.PBXCall, error) {
	from, to := w.From.Unix(), w.To.Add(-time.Nanosecond).Unix()
	if w.From.Nanosecond() > 0 {
		from++ // the first whole second in the window
	}
	body, err := c.call(ctx, MethodStatsRequest, statsRequest{DateFrom: from, DateTo: to,
		Fields: strings.Join(Fields, ","), RequestID: fmt.Sprintf("reglament-%d-%d", from, to)})
	if err != nil {
		return nil, err
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil || a.Key == "" {
		return nil, &crm.Error{CRM: Source, Method: MethodStatsRequest, Status: 200, Message: "no report key in the answer"}
	}
	delay := c.cfg.PollDelay
	for poll := 0; ; poll++ {
		if err := c.cfg.Sleep(ctx, delay); err != nil {
			return nil, err
		}
		body, err = c.call(ctx, MethodStatsResult, struct {
			Key string `json:"key"`
		}{a.Key})
		if errors.Is(err, errNotReady) {
			if poll+1 >= MaxPolls {
				return nil, &crm.Error{CRM: Source, Method: MethodStatsResult, Status: 204,
					Message: fmt.Sprintf("the report was not ready after %d polls", MaxPolls)}
			}
			delay = min(2*delay, 30*time.Second)
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	lines, err := parseReport(body)
	if err != nil {
		return nil, &crm.Error{CRM: Source, Method: MethodStatsResult, Status: 200, Message: err.Error()}
	}
	var calls []domain.PBXCall
	for _, l := range lines {
		call, ok := l.call()
		if !ok || call.StartedAt.Before(w.From) || !call.StartedAt.Before(w.To) {
			continue
		}
		calls = append(calls, call)
	}
	return pbx.Dedupe(calls), nil
}

// user is an employee of config/users/request's answer.
type user struct {
	General struct {
		Name string `json:"name"`
	} `json:"general"`
	Telephony struct {
		Extension crm.ID `json:"extension"`
	} `json:"telephony"`
}

// Extensions lists the employees that have an extension, by extension.
func (c *Client) Extensions(ctx context.Context) ([]pbx.Extension, error) {
	body, err := c.call(crm.WithoutProgress(ctx), MethodUsers, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("mango: list users: %w", err)
	}
	var a struct {
		Users []user `json:"users"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, &crm.Error{CRM: Source, Method: MethodUsers, Status: 200, Message: "decode: " + err.Error()}
	}
	var out []pbx.Extension
	for _, u := range a.Users {
		if u.Telephony.Extension != "" {
			out = append(out, pbx.Extension{ID: string(u.Telephony.Extension), Name: u.General.Name})
		}
	}
	return out, nil
}
