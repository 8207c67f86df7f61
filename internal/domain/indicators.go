package domain

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Indicator names one of the built-in daily measures of DESIGN.md section 4.
type Indicator string

// The built-in indicators, in the order the day sheet shows them.
const (
	CompaniesAdded    Indicator = "companies_added"
	MeetingsHeld      Indicator = "meetings_held"
	CallsHeld         Indicator = "calls_held"
	DealsWon          Indicator = "deals_won"
	DealsLost         Indicator = "deals_lost"
	DealsInProgress   Indicator = "deals_in_progress"
	WonAmount         Indicator = "won_amount"
	OverdueTasks      Indicator = "overdue_tasks"
	DealsWithoutTasks Indicator = "deals_without_tasks"
	LateEntries       Indicator = "late_entries"
)

// Indicators lists every indicator in display order.
var Indicators = []Indicator{
	CompaniesAdded, MeetingsHeld, CallsHeld, DealsWon, DealsLost,
	DealsInProgress, WonAmount, OverdueTasks, DealsWithoutTasks, LateEntries,
}

// ParseIndicator returns the indicator named s.
func ParseIndicator(s string) (Indicator, bool) {
	for _, ind := range Indicators {
		if string(ind) == s {
			return ind, true
		}
	}
	return "", false
}

// Values holds one manager's indicator values for one working day. Counts
// are integers; WonAmount is an exact decimal in the workspace currency.
type Values struct {
	counts    [len(indicatorSlots)]int64
	WonAmount decimal.Decimal
}

// indicatorSlots maps every counted indicator to its slot in Values.counts.
var indicatorSlots = [...]Indicator{
	CompaniesAdded, MeetingsHeld, CallsHeld, DealsWon, DealsLost,
	DealsInProgress, OverdueTasks, DealsWithoutTasks, LateEntries,
}

func slotOf(ind Indicator) int {
	for i, s := range indicatorSlots {
		if s == ind {
			return i
		}
	}
	return -1
}

// Count returns the value of a counted indicator (0 for won_amount).
func (v *Values) Count(ind Indicator) int64 {
	if i := slotOf(ind); i >= 0 {
		return v.counts[i]
	}
	return 0
}

// SetCount sets the value of a counted indicator.
func (v *Values) SetCount(ind Indicator, n int64) {
	if i := slotOf(ind); i >= 0 {
		v.counts[i] = n
	}
}

// Get returns the value of any indicator as a decimal, for rule comparison.
func (v *Values) Get(ind Indicator) decimal.Decimal {
	if ind == WonAmount {
		return v.WonAmount
	}
	return decimal.NewFromInt(v.Count(ind))
}

// Format returns the value as shown to people: an integer, or an amount with
// two decimals.
func (v *Values) Format(ind Indicator) string {
	if ind == WonAmount {
		return v.WonAmount.StringFixed(2)
	}
	return strconv.FormatInt(v.Count(ind), 10)
}

// MarshalJSON writes the values as an object in display order; won_amount is
// a decimal string.
func (v Values) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, ind := range Indicators {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, string(ind))
		b = append(b, ':')
		if ind == WonAmount {
			if v.WonAmount.IsZero() {
				b = append(b, `"0.00"`...) // StringFixed(2) of zero, without its allocations
			} else {
				b = strconv.AppendQuote(b, v.WonAmount.StringFixed(2))
			}
		} else {
			b = strconv.AppendInt(b, v.Count(ind), 10)
		}
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes. Unknown keys are an error so
// that a stored sheet is never silently misread.
func (v *Values) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*v = Values{}
	for k, msg := range raw {
		ind, ok := ParseIndicator(k)
		if !ok {
			return fmt.Errorf("unknown indicator %q", k)
		}
		if ind == WonAmount {
			var s string
			if err := json.Unmarshal(msg, &s); err != nil {
				return fmt.Errorf("won_amount: %w", err)
			}
			d, err := decimal.NewFromString(s)
			if err != nil {
				return fmt.Errorf("won_amount: %w", err)
			}
			v.WonAmount = d
			continue
		}
		var n int64
		if err := json.Unmarshal(msg, &n); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		v.SetCount(ind, n)
	}
	return nil
}

// Reasons say why a record counts for an indicator or not.
const (
	ReasonCounted      = "counted"        // met every condition
	ReasonEnteredLate  = "entered_late"   // entered after cutoff+grace
	ReasonDeleted      = "deleted"        // deleted by the cutoff
	ReasonNotHeld      = "not_held"       // outcome is missed or canceled
	ReasonTooShort     = "too_short"      // call shorter than min_call_seconds
	ReasonLateEntry    = "late_entry"     // happened in an earlier window, entered in this one
	ReasonOpenAtCutoff = "open_at_cutoff" // deal in progress at the cutoff
	ReasonHasOpenTask  = "has_open_task"  // deal has a task open at the cutoff
	ReasonNoOpenTask   = "no_open_task"   // deal has no task open at the cutoff
	ReasonOverdue      = "overdue"        // open at the cutoff with a deadline before it
	ReasonNotDue       = "not_due"        // open at the cutoff, deadline not yet passed
)

// Evidence is one record's part in one indicator of one manager's day: the
// line of a "why" answer. Every number of a day sheet is the count (or, for
// won_amount, the sum) of the counted evidence behind it.
type Evidence struct {
	Manager    string // manager id; empty when the CRM user maps to no manager
	CRMUser    string
	Indicator  Indicator
	Kind       string // company, deal, task, activity
	Source     string
	ExternalID string
	Title      string
	Happened   time.Time
	Entered    time.Time
	Amount     decimal.Decimal
	Counted    bool
	Reason     string
}

// Evaluate classifies every record of data for working day win.Day and calls
// emit once per (record, indicator) it takes part in. It is the single
// definition of the indicators: day sheets count its evidence and the "why"
// command lists it.
func Evaluate(ws *Workspace, win Window, data *DayData, emit func(Evidence)) {
	managers := ws.ManagerIndex()
	send := func(e Evidence) {
		e.Manager = managers[e.CRMUser]
		emit(e)
	}
	cutoff := win.To

	for i := range data.Companies {
		c := &data.Companies[i]
		if !win.Contains(c.CreatedAt) {
			continue
		}
		e := Evidence{CRMUser: c.Owner(), Indicator: CompaniesAdded, Kind: KindCompany, Source: c.Source,
			ExternalID: c.ExternalID, Title: c.Name, Happened: c.CreatedAt, Entered: c.CreatedAt}
		e.Counted, e.Reason = verdict(c.deletedBy(cutoff), ReasonDeleted)
		send(e)
	}

	for i := range data.Activities {
		a := &data.Activities[i]
		e := Evidence{CRMUser: a.Responsible, Kind: KindActivity, Source: a.Source, ExternalID: a.ExternalID,
			Title: a.Kind, Happened: a.HappenedAt, Entered: a.EnteredAt}
		switch {
		case win.Contains(a.HappenedAt):
			switch a.Kind {
			case ActivityCall:
				e.Indicator = CallsHeld
			case ActivityMeeting:
				e.Indicator = MeetingsHeld
			default:
				continue
			}
			e.Counted, e.Reason = true, ReasonCounted
			switch {
			case a.deletedBy(cutoff):
				e.Counted, e.Reason = false, ReasonDeleted
			case !win.EnteredInTime(a.EnteredAt):
				e.Counted, e.Reason = false, ReasonEnteredLate
			case a.Outcome != OutcomeHeld:
				e.Counted, e.Reason = false, ReasonNotHeld
			case a.Kind == ActivityCall && a.DurationSeconds < ws.MinCallSeconds:
				e.Counted, e.Reason = false, ReasonTooShort
			}
			send(e)
		case !a.HappenedAt.After(win.From) && a.EnteredAt.After(win.From.Add(win.Grace)) && win.EnteredInTime(a.EnteredAt):
			e.Indicator = LateEntries
			e.Counted, e.Reason = verdict(a.deletedBy(cutoff), ReasonDeleted)
			if e.Counted {
				e.Reason = ReasonLateEntry
			}
			send(e)
		}
	}

	openTasks := make(map[string]bool)
	for _, t := range data.TaskTallies {
		if t.DealID != "" && t.Open > 0 {
			openTasks[t.Source+"\x00"+t.DealID] = true
		}
	}
	for i := range data.Tasks {
		k := &data.Tasks[i]
		if !k.openAt(cutoff) {
			continue
		}
		if k.DealID != "" {
			openTasks[k.Source+"\x00"+k.DealID] = true
		}
		e := Evidence{CRMUser: k.Responsible, Indicator: OverdueTasks, Kind: KindTask, Source: k.Source,
			ExternalID: k.ExternalID, Title: k.Title, Happened: k.Deadline, Entered: k.CreatedAt}
		if !k.Deadline.IsZero() && k.Deadline.Before(cutoff) {
			e.Counted, e.Reason = true, ReasonOverdue
		} else {
			e.Reason = ReasonNotDue
		}
		send(e)
	}

	for i := range data.Deals {
		d := &data.Deals[i]
		e := Evidence{CRMUser: d.Responsible, Kind: KindDeal, Source: d.Source, ExternalID: d.ExternalID,
			Title: d.Title, Entered: d.CreatedAt, Amount: d.Amount}
		if d.Closed() && win.Contains(d.ClosedAt) {
			e.Happened = d.ClosedAt
			e.Counted, e.Reason = verdict(d.deletedBy(cutoff), ReasonDeleted)
			if e.Counted && !win.EnteredInTime(d.CreatedAt) {
				// A close backdated into the window by a deal entered after
				// the deadline came too late to count.
				e.Counted, e.Reason = false, ReasonEnteredLate
			}
			if d.Status == DealWon {
				e.Indicator = DealsWon
				send(e)
				e.Indicator = WonAmount
				send(e)
			} else {
				e.Indicator = DealsLost
				send(e)
			}
		}
		if d.openAt(cutoff) {
			e.Happened = d.CreatedAt
			e.Indicator, e.Counted, e.Reason = DealsInProgress, true, ReasonOpenAtCutoff
			send(e)
			e.Indicator = DealsWithoutTasks
			if openTasks[d.Source+"\x00"+d.ExternalID] {
				e.Counted, e.Reason = false, ReasonHasOpenTask
			} else {
				e.Counted, e.Reason = true, ReasonNoOpenTask
			}
			send(e)
		}
	}
}

func verdict(excluded bool, reason string) (bool, string) {
	if excluded {
		return false, reason
	}
	return true, ReasonCounted
}

// ComputeValues evaluates data for the window and returns each manager's
// values, plus the CRM user ids that had records but map to no manager.
// Activity, task and deal tallies the store counted (DayData.ActivityTallies,
// TaskTallies, DealTallies) are added to what Evaluate finds.
func ComputeValues(ws *Workspace, win Window, data *DayData) (map[string]*Values, []string) {
	values := make(map[string]*Values, len(ws.Managers))
	for _, m := range ws.Managers {
		values[m.ID] = &Values{}
	}
	unknown := make(map[string]bool)
	Evaluate(ws, win, data, func(e Evidence) {
		v := values[e.Manager]
		if v == nil {
			if e.CRMUser != "" {
				unknown[e.CRMUser] = true
			}
			return
		}
		if !e.Counted {
			return
		}
		if e.Indicator == WonAmount {
			v.WonAmount = v.WonAmount.Add(e.Amount)
			return
		}
		v.counts[slotOf(e.Indicator)]++
	})
	managers := ws.ManagerIndex()
	if len(data.ActivityTallies) > 0 {
		for _, t := range data.ActivityTallies {
			v := values[managers[t.CRMUser]]
			if v == nil {
				if t.CRMUser != "" && t.Evidence > 0 {
					unknown[t.CRMUser] = true
				}
				continue
			}
			v.counts[slotOf(MeetingsHeld)] += t.MeetingsHeld
			v.counts[slotOf(CallsHeld)] += t.CallsHeld
			v.counts[slotOf(LateEntries)] += t.LateEntries
		}
	}
	if len(data.TaskTallies) > 0 {
		for _, t := range data.TaskTallies {
			v := values[managers[t.CRMUser]]
			if v == nil {
				if t.CRMUser != "" && t.Open > 0 {
					unknown[t.CRMUser] = true
				}
				continue
			}
			v.counts[slotOf(OverdueTasks)] += t.Overdue
		}
	}
	for _, t := range data.DealTallies {
		v := values[managers[t.CRMUser]]
		if v == nil {
			if t.CRMUser != "" && t.InProgress > 0 {
				unknown[t.CRMUser] = true
			}
			continue
		}
		v.counts[slotOf(DealsInProgress)] += t.InProgress
		v.counts[slotOf(DealsWithoutTasks)] += t.WithoutTasks
	}
	users := make([]string, 0, len(unknown))
	for u := range unknown {
		users = append(users, u)
	}
	sort.Strings(users)
	return values, users
}

// Explain returns the evidence behind one indicator of one manager's day,
// counted records first, each group ordered by the time it happened.
func Explain(ws *Workspace, win Window, data *DayData, manager string, ind Indicator) []Evidence {
	var out []Evidence
	Evaluate(ws, win, data, func(e Evidence) {
		if e.Manager == manager && e.Indicator == ind {
			out = append(out, e)
		}
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Counted != out[j].Counted {
			return out[i].Counted
		}
		if !out[i].Happened.Equal(out[j].Happened) {
			return out[i].Happened.Before(out[j].Happened)
		}
		return out[i].ExternalID < out[j].ExternalID
	})
	return out
}
