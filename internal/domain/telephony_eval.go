package domain

import (
	"slices"
	"strings"
	"time"
)

// The telephone bases of DESIGN.md section 12: what the PBX logged,
// compared with what the CRM holds. Like the bases of section 10 they are
// used as own indicators (with `where: {direction, min_seconds,
// max_seconds}`, calls_unlogged also `match_minutes`) and by rules
// directly.
const (
	// PBXCalls counts a manager's PBX calls started in the window that
	// talked at least min_seconds (default: the workspace's
	// min_call_seconds).
	PBXCalls Indicator = "pbx_calls"
	// CallsUnlogged counts those no CRM call of the manager matches.
	CallsUnlogged Indicator = "calls_unlogged"
	// UnknownNumbers counts the distinct numbers a manager talked to in
	// the window for at least min_seconds (default 30) in all that belong
	// to no contact or company entered by the deadline.
	UnknownNumbers Indicator = "unknown_numbers"
)

// isTelephoneBase reports whether base is one of section 12's.
func isTelephoneBase(base Indicator) bool {
	return base == PBXCalls || base == CallsUnlogged || base == UnknownNumbers
}

// Defaults and bounds of the telephone bases' filters.
const (
	// DefaultMatchMinutes is how far (either way) a CRM call's happened
	// time may be from a PBX call's start to match it.
	DefaultMatchMinutes = 5
	// MaxMatchMinutes bounds match_minutes; the store reads the CRM calls
	// this far around the window.
	MaxMatchMinutes = 60
	// DefaultUnknownMinSeconds is how long in all a manager must have
	// talked to a number for unknown_numbers to count it.
	DefaultUnknownMinSeconds = 30
	// maxExtensionDigits is the longest number taken for an extension: a
	// call whose other party is that short is internal.
	maxExtensionDigits = 6
)

// KindPhone is the kind of an unknown_numbers evidence line: a number,
// not a record.
const KindPhone = "phone"

// Reasons of the telephone bases.
const (
	ReasonInternal      = "internal"       // the other party is an extension: not a PBX call
	ReasonLogged        = "logged"         // a CRM call of the manager matches the PBX call
	ReasonUnlogged      = "unlogged"       // no CRM call of the manager matches it
	ReasonUnknownNumber = "unknown_number" // no contact or company had the number at the deadline
	ReasonKnownNumber   = "known_number"   // a contact or company had it
	ReasonIgnoredPhone  = "ignored_phone"  // one of the workspace's ignore_phones
	ReasonNoPhone       = "no_phone"       // the PBX gave no number (withheld)
)

// Why the nearest CRM call did not match a PBX call (CallMatch.Reason).
const (
	MatchTooFar      = "too_far"     // more than match_minutes away
	MatchOtherPhone  = "other_phone" // both have a number, and they differ
	MatchEnteredLate = ReasonEnteredLate
	MatchDeleted     = ReasonDeleted
	MatchTaken       = "taken" // it matched an earlier PBX call
	MatchNone        = "none"  // the manager has no CRM call near it
)

// CallMatch is the CRM side of a telephone evidence line. For a PBX call
// (calls_unlogged): the CRM call that matched it, or the nearest of the
// manager's CRM calls and why it did not match (Reason; MatchNone and no
// call when there is none). For an unknown number: the contact or company
// that has it but was entered late or deleted (Reason), or, for a known
// number, the one that has it.
type CallMatch struct {
	Matched    bool
	Reason     string
	Kind       string // KindActivity, KindPerson or KindCompany; empty: none
	Source     string
	ExternalID string
	Title      string // a contact's or company's name
	Happened   time.Time
	Entered    time.Time
	Deleted    time.Time
	Phone      string // as the CRM holds it
}

// TelephonyData is what the telephone bases need of one day: the PBX
// calls started in the window (every PBX user's), the CRM calls (call
// activities, any outcome, entered whenever) that happened within
// MaxMatchMinutes of it, and the contacts and companies holding a number
// of those PBX calls.
type TelephonyData struct {
	PBXCalls  []PBXCall
	CRMCalls  []Activity
	Persons   []Person
	Companies []Company
}

// PBXIndex maps PBX user ids (pbx_ids) to manager ids.
func (w *Workspace) PBXIndex() map[string]string {
	idx := make(map[string]string)
	for _, m := range w.Managers {
		for _, p := range m.PBXIDs {
			idx[p] = m.ID
		}
	}
	return idx
}

// MatchMinutesOrDefault is the filter's match_minutes, DefaultMatchMinutes
// when it sets none.
func (f *Filter) MatchMinutesOrDefault() int {
	if f.MatchMinutes != nil {
		return *f.MatchMinutes
	}
	return DefaultMatchMinutes
}

// UsesTelephony reports whether the version has an indicator on a
// telephone base: the store then reads the day's PBX calls.
func (v *RegulationVersion) UsesTelephony() bool {
	return v != nil && (v.Uses(PBXCalls) || v.Uses(CallsUnlogged) || v.Uses(UnknownNumbers))
}

// pbxCall is a PBX call of a manager in the window, as the telephone
// bases see it.
type pbxCall struct {
	*PBXCall
	manager string
	phone   string // normalized
	base    Evidence
}

// telephony emits the evidence of the telephone bases the version uses.
func (ev *evaluator) telephony(data *DayData) {
	t := data.Telephony
	if t == nil || len(ev.own[PBXCalls])+len(ev.own[CallsUnlogged])+len(ev.own[UnknownNumbers]) == 0 {
		return
	}
	ws, win := ev.ws, ev.win
	cutoff := win.To
	owners := ws.PBXIndex()
	var calls []pbxCall
	for i := range t.PBXCalls {
		c := &t.PBXCalls[i]
		m, ok := owners[c.PBXUser]
		if !ok || !win.Contains(c.StartedAt) {
			continue
		}
		p := pbxCall{PBXCall: c, manager: m, phone: NormalizePhone(c.Phone, ws.PhoneCountry)}
		e := Evidence{Manager: m, Kind: KindPBXCall, Source: c.Source, ExternalID: c.ExternalID, Title: c.Phone,
			Happened: c.StartedAt, Entered: c.StartedAt, Direction: c.Direction, Seconds: c.TalkSeconds, Phone: c.Phone}
		e.Counted, e.Reason = true, ReasonCounted
		switch {
		case c.deletedBy(cutoff):
			e.Counted, e.Reason = false, ReasonDeleted
		case isInternal(c.Phone, p.phone, owners):
			e.Counted, e.Reason = false, ReasonInternal
		}
		p.base = e
		calls = append(calls, p)
	}
	slices.SortFunc(calls, func(a, b pbxCall) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ExternalID, b.ExternalID)
	})

	for i := range ev.own[PBXCalls] {
		d := &ev.own[PBXCalls][i]
		for _, c := range calls {
			f := c.base
			f.Indicator = d.ID
			filterCall(d, &f, ws.MinCallSeconds)
			ev.emit(f)
		}
	}
	if len(ev.own[CallsUnlogged]) > 0 {
		crm := ev.crmCallsByManager(t.CRMCalls)
		for i := range ev.own[CallsUnlogged] {
			ev.unlogged(&ev.own[CallsUnlogged][i], calls, crm)
		}
	}
	if len(ev.own[UnknownNumbers]) > 0 {
		holders := phoneHolders(t, ws.PhoneCountry)
		ignored := make(map[string]bool, len(ws.IgnorePhones))
		for _, p := range ws.IgnorePhones {
			ignored[NormalizePhone(p, ws.PhoneCountry)] = true
		}
		for i := range ev.own[UnknownNumbers] {
			ev.unknownNumbers(&ev.own[UnknownNumbers][i], calls, holders, ignored)
		}
	}
}

// isInternal reports whether a PBX call's other party is an extension:
// one of the workspace's pbx_ids, or a number of at most
// maxExtensionDigits digits.
func isInternal(raw, normalized string, owners map[string]string) bool {
	if _, ok := owners[strings.TrimSpace(raw)]; ok {
		return true
	}
	return normalized != "" && len(normalized) <= maxExtensionDigits
}

// filterCall narrows a PBX call's evidence by the filter's direction and
// talk time; minimum is min_seconds' default.
func filterCall(d *IndicatorDef, f *Evidence, minimum int) {
	w := &d.Where
	if w.MinSeconds != nil {
		minimum = *w.MinSeconds
	}
	switch {
	case w.Direction != "" && f.Direction != w.Direction:
		fail(f, ReasonOtherDirection)
	case f.Seconds < minimum:
		fail(f, ReasonTooShort)
	case w.MaxSeconds != nil && f.Seconds > *w.MaxSeconds:
		fail(f, ReasonTooLong)
	}
}

// crmCall is a CRM call a PBX call may match.
type crmCall struct {
	*Activity
	phone string // normalized
}

// crmCallsByManager groups the CRM calls by the manager responsible,
// each group by happened time.
func (ev *evaluator) crmCallsByManager(activities []Activity) map[string][]crmCall {
	out := make(map[string][]crmCall)
	for i := range activities {
		a := &activities[i]
		m, ok := ev.managers[a.Responsible]
		if !ok || a.Kind != ActivityCall {
			continue
		}
		out[m] = append(out[m], crmCall{Activity: a, phone: NormalizePhone(a.Phone, ev.ws.PhoneCountry)})
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b crmCall) int {
			if c := a.HappenedAt.Compare(b.HappenedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ExternalID, b.ExternalID)
		})
	}
	return out
}

// unlogged emits calls_unlogged indicator d: the PBX calls pbx_calls
// would count under d's filter, earliest first, each matched to the
// nearest CRM call of its manager that no earlier PBX call took, that
// was entered by the cutoff plus grace and not deleted by the cutoff,
// that happened within match_minutes of the PBX call's start and, when
// both have a number, has the same number. A PBX call with no match
// counts, and says which CRM call was nearest and why it did not match.
func (ev *evaluator) unlogged(d *IndicatorDef, calls []pbxCall, crm map[string][]crmCall) {
	reach := time.Duration(d.Where.MatchMinutesOrDefault()) * time.Minute
	taken := make(map[*Activity]bool)
	for _, c := range calls {
		f := c.base
		f.Indicator = d.ID
		filterCall(d, &f, ev.ws.MinCallSeconds)
		if !f.Counted {
			ev.emit(f)
			continue
		}
		var best, nearest *crmCall
		var bestOff, nearestOff time.Duration
		for j := range crm[c.manager] {
			a := &crm[c.manager][j]
			off := a.HappenedAt.Sub(c.StartedAt).Abs()
			if nearest == nil || off < nearestOff {
				nearest, nearestOff = a, off
			}
			if ev.whyNot(c, a, off, reach, taken) == "" && (best == nil || off < bestOff) {
				best, bestOff = a, off
			}
		}
		switch {
		case best != nil:
			taken[best.Activity] = true
			f.Counted, f.Reason = false, ReasonLogged
			f.Match = crmMatch(best, true, "")
		case nearest != nil:
			f.Reason = ReasonUnlogged
			f.Match = crmMatch(nearest, false, ev.whyNot(c, nearest, nearestOff, reach, taken))
		default:
			f.Reason = ReasonUnlogged
			f.Match = &CallMatch{Reason: MatchNone}
		}
		ev.emit(f)
	}
}

// whyNot says why CRM call a cannot match PBX call c, off apart; "" when
// it can.
func (ev *evaluator) whyNot(c pbxCall, a *crmCall, off, reach time.Duration, taken map[*Activity]bool) string {
	switch {
	case off > reach:
		return MatchTooFar
	case c.phone != "" && a.phone != "" && c.phone != a.phone:
		return MatchOtherPhone
	case !ev.win.EnteredInTime(a.EnteredAt):
		return MatchEnteredLate
	case a.deletedBy(ev.win.To):
		return MatchDeleted
	case taken[a.Activity]:
		return MatchTaken
	}
	return ""
}

func crmMatch(a *crmCall, matched bool, reason string) *CallMatch {
	return &CallMatch{Matched: matched, Reason: reason, Kind: KindActivity, Source: a.Source, ExternalID: a.ExternalID,
		Happened: a.HappenedAt, Entered: a.EnteredAt, Deleted: a.DeletedAt, Phone: a.Phone}
}

// phoneHolder is a contact or company that holds a number.
type phoneHolder struct {
	kind, source, id, title string
	created, deleted        time.Time
}

// phoneHolders indexes the contacts and companies of t by their
// normalized numbers.
func phoneHolders(t *TelephonyData, country string) map[string][]phoneHolder {
	out := make(map[string][]phoneHolder)
	add := func(h phoneHolder, phones []string) {
		for _, p := range phones {
			if n := NormalizePhone(p, country); n != "" {
				out[n] = append(out[n], h)
			}
		}
	}
	for i := range t.Persons {
		p := &t.Persons[i]
		add(phoneHolder{KindPerson, p.Source, p.ExternalID, p.Name, p.CreatedAt, p.DeletedAt}, p.Phones)
	}
	for i := range t.Companies {
		c := &t.Companies[i]
		add(phoneHolder{KindCompany, c.Source, c.ExternalID, c.Name, c.CreatedAt, c.DeletedAt}, c.Phones)
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b phoneHolder) int {
			if c := a.created.Compare(b.created); c != 0 {
				return c
			}
			return strings.Compare(a.kind+a.source+a.id, b.kind+b.source+b.id)
		})
	}
	return out
}

// number is one number a manager talked to in the window.
type number struct {
	manager, phone, raw string
	first               time.Time
	seconds             int
}

// unknownNumbers emits unknown_numbers indicator d: per manager, each
// number (normalized) of the PBX calls in the window that pass d's
// direction, with the talk time of those calls in all; it counts when
// that time is at least min_seconds (default DefaultUnknownMinSeconds)
// and at most max_seconds, the number is not ignored, and no contact or
// company entered by the cutoff plus grace and not deleted by then holds
// it.
func (ev *evaluator) unknownNumbers(d *IndicatorDef, calls []pbxCall, holders map[string][]phoneHolder, ignored map[string]bool) {
	w := &d.Where
	var numbers []*number
	seen := make(map[[2]string]*number)
	for _, c := range calls {
		if !c.base.Counted || c.phone == "" || w.Direction != "" && c.Direction != w.Direction {
			continue
		}
		k := [2]string{c.manager, c.phone}
		n := seen[k]
		if n == nil {
			n = &number{manager: c.manager, phone: c.phone, raw: c.Phone, first: c.StartedAt}
			seen[k] = n
			numbers = append(numbers, n)
		}
		n.seconds += c.TalkSeconds
	}
	minimum := DefaultUnknownMinSeconds
	if w.MinSeconds != nil {
		minimum = *w.MinSeconds
	}
	deadline := ev.win.To.Add(ev.win.Grace)
	for _, n := range numbers {
		e := Evidence{Manager: n.manager, Indicator: d.ID, Kind: KindPhone, ExternalID: n.phone, Title: n.raw,
			Happened: n.first, Entered: n.first, Seconds: n.seconds, Phone: n.phone}
		e.Counted, e.Reason = true, ReasonUnknownNumber
		var late *phoneHolder
		for i, h := range holders[n.phone] {
			if h.created.After(deadline) || !h.deleted.IsZero() && !h.deleted.After(deadline) {
				if late == nil {
					late = &holders[n.phone][i]
				}
				continue
			}
			e.Counted, e.Reason = false, ReasonKnownNumber
			e.Match = holderMatch(&h, "")
			break
		}
		if e.Counted && late != nil {
			reason := MatchEnteredLate
			if !late.created.After(deadline) {
				reason = MatchDeleted
			}
			e.Match = holderMatch(late, reason)
		}
		switch {
		case ignored[n.phone]:
			e.Counted, e.Reason = false, ReasonIgnoredPhone
		case !e.Counted: // known
		case n.seconds < minimum:
			e.Counted, e.Reason = false, ReasonTooShort
		case w.MaxSeconds != nil && n.seconds > *w.MaxSeconds:
			e.Counted, e.Reason = false, ReasonTooLong
		}
		ev.emit(e)
	}
}

func holderMatch(h *phoneHolder, reason string) *CallMatch {
	return &CallMatch{Matched: reason == "", Reason: reason, Kind: h.kind, Source: h.source, ExternalID: h.id,
		Title: h.title, Entered: h.created, Deleted: h.deleted}
}
