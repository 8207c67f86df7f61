package engine

import (
	"context"
	"slices"
	"time"

	"reglament/internal/domain"
)

// TelephonyReport is a manager's PBX conversations of a period against
// their CRM calls (DESIGN.md section 12): each working day's PBX calls
// with the CRM call that matched each or why none did, and the numbers
// talked to that no contact or company had, with their talk time in all:
// the likely clients never entered.
type TelephonyReport struct {
	Workspace *domain.Workspace
	Manager   *domain.Manager
	Period    domain.Period
	Defs      []domain.IndicatorDef // what was evaluated (domain.TelephonyDefs)

	Days    []TelephonyDay
	Numbers []UnknownNumber

	// Talked counts the PBX calls pbx_calls counts, Unlogged those no CRM
	// call matched, CRMCalls the manager's CRM calls that happened in the
	// days' windows (any outcome, entered whenever).
	Talked, Unlogged, CRMCalls int
}

// TelephonyDay is one working day of a TelephonyReport.
type TelephonyDay struct {
	Day   domain.Date
	Calls []domain.Evidence // calls_unlogged evidence, by start
}

// UnknownNumber is a number the manager talked to in the period that no
// contact or company held on the days of the calls.
type UnknownNumber struct {
	Phone      string // as the exchange gave it (its first call's)
	Normalized string
	Seconds    int       // talk time in all
	Days       int       // days it was talked to
	Counted    int       // days unknown_numbers counted it
	First      time.Time // the first call of its first day
	Last       time.Time // the first call of its last day
}

// Telephony reports manager's PBX conversations of period p, its working
// days up to today, under the telephone indicators of the regulation in
// force each day (or the bases with no filter).
func (e *Engine) Telephony(ctx context.Context, workspace, manager string, p domain.Period) (*TelephonyReport, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	m, ok := ws.Manager(manager)
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "manager %q not found in workspace %q", manager, ws.ID)
	}
	rep := &TelephonyReport{Workspace: ws, Manager: m, Period: p}
	today := ws.Today(e.Now())
	crmIDs := make(map[string]bool, len(m.CRMIDs))
	for _, id := range m.CRMIDs {
		crmIDs[id] = true
	}
	numbers := make(map[string]*UnknownNumber)
	for _, d := range ws.WorkingDays(p.From, p.To) {
		if d.After(today) {
			break
		}
		win := ws.Window(d)
		tel, err := e.Store.LoadTelephony(ctx, ws.ID, win)
		if err != nil {
			return nil, err
		}
		if tel == nil {
			continue
		}
		version, _ := ws.Regulation.At(d)
		rep.Defs = domain.TelephonyDefs(version)
		calls, nums := domain.TelephonyDay(ws, win, &domain.DayData{Telephony: tel}, m.ID, rep.Defs)
		for _, a := range tel.CRMCalls {
			if crmIDs[a.Responsible] && win.Contains(a.HappenedAt) && (a.DeletedAt.IsZero() || a.DeletedAt.After(win.To)) {
				rep.CRMCalls++
			}
		}
		for _, c := range calls {
			switch {
			case c.Reason == domain.ReasonLogged:
				rep.Talked++
			case c.Counted:
				rep.Talked++
				rep.Unlogged++
			}
		}
		if len(calls) > 0 {
			slices.SortStableFunc(calls, func(a, b domain.Evidence) int { return a.Happened.Compare(b.Happened) })
			rep.Days = append(rep.Days, TelephonyDay{Day: d, Calls: calls})
		}
		for _, n := range nums {
			if n.Reason != domain.ReasonUnknownNumber && n.Reason != domain.ReasonTooShort {
				continue // known, or ignored
			}
			u := numbers[n.Phone]
			if u == nil {
				u = &UnknownNumber{Phone: n.Title, Normalized: n.Phone, First: n.Happened}
				numbers[n.Phone] = u
			}
			u.Seconds += n.Seconds
			u.Days++
			if n.Counted {
				u.Counted++
			}
			u.Last = n.Happened
		}
	}
	for _, u := range numbers {
		rep.Numbers = append(rep.Numbers, *u)
	}
	slices.SortFunc(rep.Numbers, func(a, b UnknownNumber) int {
		if a.Seconds != b.Seconds {
			return b.Seconds - a.Seconds
		}
		return a.First.Compare(b.First)
	})
	if rep.Defs == nil {
		version, _ := ws.Regulation.At(p.To)
		rep.Defs = domain.TelephonyDefs(version)
	}
	return rep, nil
}
