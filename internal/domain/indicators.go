package domain

import (
	"bytes"
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

// ParseIndicator returns the indicator named s when s can name one: a
// base, or a valid own indicator id. Whether a workspace's regulation
// defines an own one on a given day is for IndicatorAt to say.
func ParseIndicator(s string) (Indicator, bool) {
	if IsBase(Indicator(s)) || ValidIndicatorID(s) {
		return Indicator(s), true
	}
	return "", false
}

// IndicatorAt returns the definition of ind on day d: a built-in, or an
// indicator of the regulation version in force that day.
func (w *Workspace) IndicatorAt(d Date, ind Indicator) (IndicatorDef, bool) {
	version, _ := w.Regulation.At(d)
	return version.Indicator(ind)
}

// IndicatorsAt lists the indicators a day sheet of day d shows: the
// built-ins, then the own indicators of the version in force.
func (w *Workspace) IndicatorsAt(d Date) []IndicatorDef {
	out := make([]IndicatorDef, 0, len(Indicators))
	for _, ind := range Indicators {
		out = append(out, IndicatorDef{ID: ind, Base: ind})
	}
	if version, ok := w.Regulation.At(d); ok {
		out = append(out, version.Own()...)
	}
	return out
}

// Values holds one manager's indicator values for one working day. Counts
// are integers; WonAmount is an exact decimal in the workspace currency.
// Own indicators (DESIGN.md section 10) follow the built-ins, in the order
// of their definition.
type Values struct {
	counts    [len(indicatorSlots)]int64
	WonAmount decimal.Decimal
	own       []ownValue
}

// ownValue is the value of one own indicator: a count, or an amount when
// its base is won_amount.
type ownValue struct {
	id       Indicator
	count    int64
	amount   decimal.Decimal
	isAmount bool
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

// ownValue returns the own value of ind, or nil.
func (v *Values) ownValue(ind Indicator) *ownValue {
	for i := range v.own {
		if v.own[i].id == ind {
			return &v.own[i]
		}
	}
	return nil
}

// addOwn makes room for own indicator ind (an amount when isAmount),
// keeping an existing value.
func (v *Values) addOwn(ind Indicator, isAmount bool) *ownValue {
	if o := v.ownValue(ind); o != nil {
		return o
	}
	v.own = append(v.own, ownValue{id: ind, isAmount: isAmount})
	return &v.own[len(v.own)-1]
}

// Has reports whether the values hold ind: every built-in, and the own
// indicators the sheet was computed with.
func (v *Values) Has(ind Indicator) bool { return IsBuiltin(ind) || v.ownValue(ind) != nil }

// Own lists the own indicators the values hold, in definition order.
func (v *Values) Own() []Indicator {
	out := make([]Indicator, len(v.own))
	for i, o := range v.own {
		out[i] = o.id
	}
	return out
}

// isAmount reports whether ind is a sum of money (won_amount, or an own
// indicator based on it) rather than a count.
func (v *Values) isAmount(ind Indicator) bool {
	if ind == WonAmount {
		return true
	}
	o := v.ownValue(ind)
	return o != nil && o.isAmount
}

// Count returns the value of a counted indicator (0 for an amount or an
// indicator the values do not hold).
func (v *Values) Count(ind Indicator) int64 {
	if i := slotOf(ind); i >= 0 {
		return v.counts[i]
	}
	if o := v.ownValue(ind); o != nil {
		return o.count
	}
	return 0
}

// SetCount sets the value of a counted indicator; an own one is added
// when the values do not hold it yet.
func (v *Values) SetCount(ind Indicator, n int64) {
	if i := slotOf(ind); i >= 0 {
		v.counts[i] = n
		return
	}
	if ind != WonAmount {
		v.addOwn(ind, false).count = n
	}
}

// SetAmount sets the value of an own indicator that sums money.
func (v *Values) SetAmount(ind Indicator, d decimal.Decimal) {
	if ind == WonAmount {
		v.WonAmount = d
		return
	}
	v.addOwn(ind, true).amount = d
}

// Get returns the value of any indicator as a decimal, for rule comparison.
func (v *Values) Get(ind Indicator) decimal.Decimal {
	if ind == WonAmount {
		return v.WonAmount
	}
	if o := v.ownValue(ind); o != nil && o.isAmount {
		return o.amount
	}
	return decimal.NewFromInt(v.Count(ind))
}

// Format returns the value as shown to people: an integer, or an amount with
// two decimals.
func (v *Values) Format(ind Indicator) string {
	if v.isAmount(ind) {
		return v.Get(ind).StringFixed(2)
	}
	return strconv.FormatInt(v.Count(ind), 10)
}

// MarshalJSON writes the values as an object in display order, the own
// indicators after the built-ins; amounts are decimal strings.
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
			b = appendAmount(b, v.WonAmount)
		} else {
			b = strconv.AppendInt(b, v.Count(ind), 10)
		}
	}
	for _, o := range v.own {
		b = append(b, ',')
		b = strconv.AppendQuote(b, string(o.id))
		b = append(b, ':')
		if o.isAmount {
			b = appendAmount(b, o.amount)
		} else {
			b = strconv.AppendInt(b, o.count, 10)
		}
	}
	return append(b, '}'), nil
}

func appendAmount(b []byte, d decimal.Decimal) []byte {
	if d.IsZero() {
		return append(b, `"0.00"`...) // StringFixed(2) of zero, without its allocations
	}
	return strconv.AppendQuote(b, d.StringFixed(2))
}

// UnmarshalJSON reads what MarshalJSON writes, keeping the order of the own
// indicators. A key that is neither a built-in nor a valid indicator id is
// an error, so that a stored sheet is never silently misread.
func (v *Values) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("indicator values: want an object")
	}
	*v = Values{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := t.(string)
		ind := Indicator(k)
		if !IsBuiltin(ind) && !ValidIndicatorID(k) && !IsBase(ind) {
			return fmt.Errorf("unknown indicator %q", k)
		}
		var msg json.RawMessage
		if err := dec.Decode(&msg); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if len(msg) > 0 && msg[0] == '"' {
			if ind != WonAmount && IsBuiltin(ind) {
				return fmt.Errorf("%s: want a number", k)
			}
			var s string
			if err := json.Unmarshal(msg, &s); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			d, err := decimal.NewFromString(s)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			v.SetAmount(ind, d)
			continue
		}
		if ind == WonAmount {
			return fmt.Errorf("won_amount: want a decimal string")
		}
		var n int64
		if err := json.Unmarshal(msg, &n); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		v.SetCount(ind, n)
	}
	if _, err := dec.Token(); err != nil {
		return err
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
	Kind       string // company, deal, task, activity, deal_move
	Source     string
	ExternalID string
	Title      string
	Happened   time.Time
	Entered    time.Time
	Amount     decimal.Decimal
	Counted    bool
	Reason     string

	// What own indicators' filters looked at: the deal's pipeline and
	// stage at the moment that counts (Placed when it is known), a call's
	// direction and duration, a move's stage of departure, a deal's latest
	// touch before the cutoff.
	Placed    bool
	Pipeline  string
	Stage     string
	FromStage string
	Direction string
	Seconds   int
	Touched   time.Time

	// What the telephone bases (DESIGN.md section 12) looked at: the
	// other party's number (a PBX call's as the PBX gave it, an unknown
	// number normalized), and a PBX call's CRM call: its match, or the
	// nearest and why it did not match; for an unknown number, the contact
	// or company that has it.
	Phone string
	Match *CallMatch
}

// Evaluate classifies every record of data for working day win.Day and calls
// emit once per (record, indicator) it takes part in: the built-ins, and
// the own indicators of the regulation version in force on the day, each
// a base's evidence narrowed by its filter. It is the single definition of
// the indicators: day sheets count its evidence and the "why" command lists
// it.
func Evaluate(ws *Workspace, win Window, data *DayData, emit func(Evidence)) {
	version, _ := ws.Regulation.At(win.Day)
	ev := &evaluator{ws: ws, win: win, managers: ws.ManagerIndex(), emit: emit}
	if version != nil {
		for _, d := range version.Own() {
			if ev.own == nil {
				ev.own = make(map[Indicator][]IndicatorDef)
			}
			ev.own[d.Base] = append(ev.own[d.Base], d)
		}
	}
	if ev.own != nil {
		ev.deals = newDealIndex(data)
	}
	ev.run(data)
}

// evaluator holds what Evaluate needs across records.
type evaluator struct {
	ws       *Workspace
	win      Window
	managers map[string]string
	emit     func(Evidence)
	own      map[Indicator][]IndicatorDef // by base; nil when the version defines none
	deals    dealIndex                    // set when own is
}

// narrow applies an own indicator's filter to evidence f, whose base
// verdict it holds. A record the filter does not match is not counted,
// with the filter's reason.
type narrow func(d *IndicatorDef, f *Evidence)

// send emits base evidence e as the built-in base (when it is one) and as
// each own indicator of base, narrowed by filter.
func (ev *evaluator) send(e Evidence, base Indicator, filter narrow) {
	e.Manager = ev.managers[e.CRMUser]
	if IsBuiltin(base) {
		e.Indicator = base
		ev.emit(e)
	}
	for i := range ev.own[base] {
		d := &ev.own[base][i]
		f := e
		f.Indicator = d.ID
		if filter != nil {
			filter(d, &f)
		}
		ev.emit(f)
	}
}

// fail marks f as not counted for reason, unless an earlier part of the
// filter already did.
func fail(f *Evidence, reason string) {
	if !isFilterReason(f.Reason) {
		f.Counted, f.Reason = false, reason
	}
}

func isFilterReason(r string) bool {
	switch r {
	case ReasonOtherPipeline, ReasonOtherStage, ReasonOtherFromStage, ReasonOtherToStage, ReasonNoDeal,
		ReasonOtherDirection, ReasonTooLong, ReasonTooShort, ReasonInternal:
		return true
	}
	return false
}

// byDeal returns the filter of a record that belongs to deal (source, id)
// at moment t: its pipeline (and, when stage, its stage) at t must be
// among the filter's.
func (ev *evaluator) byDeal(source, id string, t time.Time, stage bool) narrow {
	return func(d *IndicatorDef, f *Evidence) {
		place, ok := ev.deals.place(source, id, t)
		if ok {
			f.Placed, f.Pipeline, f.Stage = true, place.Pipeline, place.Stage
		}
		if r := placeReason(&d.Where, ok, place, stage); r != "" {
			fail(f, r)
		}
	}
}

func (ev *evaluator) run(data *DayData) {
	ws, win := ev.ws, ev.win
	cutoff := win.To

	for i := range data.Companies {
		c := &data.Companies[i]
		if !win.Contains(c.CreatedAt) {
			continue
		}
		e := Evidence{CRMUser: c.Owner(), Kind: KindCompany, Source: c.Source,
			ExternalID: c.ExternalID, Title: c.Name, Happened: c.CreatedAt, Entered: c.CreatedAt}
		e.Counted, e.Reason = verdict(c.deletedBy(cutoff), ReasonDeleted)
		ev.send(e, CompaniesAdded, nil)
	}

	for i := range data.Activities {
		a := &data.Activities[i]
		e := Evidence{CRMUser: a.Responsible, Kind: KindActivity, Source: a.Source, ExternalID: a.ExternalID,
			Title: a.Kind, Happened: a.HappenedAt, Entered: a.EnteredAt, Direction: a.Direction, Seconds: a.DurationSeconds}
		switch {
		case win.Contains(a.HappenedAt):
			var base Indicator
			switch a.Kind {
			case ActivityCall:
				base = CallsHeld
			case ActivityMeeting:
				base = MeetingsHeld
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
			}
			if base != CallsHeld {
				ev.send(e, base, ev.byDeal(a.Source, a.DealID, a.HappenedAt, false))
				continue
			}
			// A call's duration is judged against the workspace's minimum,
			// or an own indicator's min_seconds and max_seconds.
			builtin := e
			if builtin.Counted && a.DurationSeconds < ws.MinCallSeconds {
				builtin.Counted, builtin.Reason = false, ReasonTooShort
			}
			builtin.Manager, builtin.Indicator = ev.managers[e.CRMUser], CallsHeld
			ev.emit(builtin)
			if len(ev.own[CallsHeld]) == 0 {
				continue
			}
			place := ev.byDeal(a.Source, a.DealID, a.HappenedAt, false)
			ev.sendOwnOnly(e, CallsHeld, func(d *IndicatorDef, f *Evidence) {
				w := &d.Where
				place(d, f)
				minimum := ws.MinCallSeconds
				if w.MinSeconds != nil {
					minimum = *w.MinSeconds
				}
				switch {
				case w.Direction != "" && a.Direction != w.Direction:
					fail(f, ReasonOtherDirection)
				case a.DurationSeconds < minimum:
					fail(f, ReasonTooShort)
				case w.MaxSeconds != nil && a.DurationSeconds > *w.MaxSeconds:
					fail(f, ReasonTooLong)
				}
			})
		case !a.HappenedAt.After(win.From) && a.EnteredAt.After(win.From.Add(win.Grace)) && win.EnteredInTime(a.EnteredAt):
			e.Counted, e.Reason = verdict(a.deletedBy(cutoff), ReasonDeleted)
			if e.Counted {
				e.Reason = ReasonLateEntry
			}
			ev.send(e, LateEntries, ev.byDeal(a.Source, a.DealID, a.HappenedAt, false))
		}
	}

	openTasks := make(map[recordKey]bool)
	for _, t := range data.TaskTallies {
		if t.DealID != "" && t.Open > 0 {
			openTasks[dealKey(t.Source, t.DealID)] = true
		}
	}
	for i := range data.Tasks {
		k := &data.Tasks[i]
		if ev.own[TasksCompleted] != nil && !k.CompletedAt.IsZero() && win.Contains(k.CompletedAt) {
			e := Evidence{CRMUser: k.Responsible, Kind: KindTask, Source: k.Source, ExternalID: k.ExternalID,
				Title: k.Title, Happened: k.CompletedAt, Entered: k.CompletedAt}
			e.Counted, e.Reason = verdict(k.deletedBy(cutoff), ReasonDeleted)
			if e.Counted {
				e.Reason = ReasonCompleted
			}
			ev.send(e, TasksCompleted, ev.byDeal(k.Source, k.DealID, k.CompletedAt, false))
		}
		if !k.openAt(cutoff) {
			continue
		}
		if k.DealID != "" {
			openTasks[dealKey(k.Source, k.DealID)] = true
		}
		e := Evidence{CRMUser: k.Responsible, Kind: KindTask, Source: k.Source,
			ExternalID: k.ExternalID, Title: k.Title, Happened: k.Deadline, Entered: k.CreatedAt}
		if !k.Deadline.IsZero() && k.Deadline.Before(cutoff) {
			e.Counted, e.Reason = true, ReasonOverdue
		} else {
			e.Reason = ReasonNotDue
		}
		ev.send(e, OverdueTasks, ev.byDeal(k.Source, k.DealID, cutoff, false))
	}

	var touched map[recordKey]time.Time
	if ev.own[DealsIdle] != nil {
		touched = make(map[recordKey]time.Time, len(data.Touches))
		for _, t := range data.Touches {
			if k := dealKey(t.Source, t.DealID); t.At.After(touched[k]) {
				touched[k] = t.At
			}
		}
	}
	for i := range data.Deals {
		d := &data.Deals[i]
		e := Evidence{CRMUser: d.Responsible, Kind: KindDeal, Source: d.Source, ExternalID: d.ExternalID,
			Title: d.Title, Entered: d.CreatedAt, Amount: d.Amount}
		if ev.own[DealsCreated] != nil && win.Contains(d.CreatedAt) {
			c := e
			c.Happened = d.CreatedAt
			c.Counted, c.Reason = verdict(d.deletedBy(cutoff), ReasonDeleted)
			if c.Counted {
				c.Reason = ReasonCreated
			}
			ev.send(c, DealsCreated, ev.byDeal(d.Source, d.ExternalID, d.CreatedAt, false))
		}
		if d.Closed() && win.Contains(d.ClosedAt) {
			e.Happened = d.ClosedAt
			e.Counted, e.Reason = verdict(d.deletedBy(cutoff), ReasonDeleted)
			if e.Counted && !win.EnteredInTime(d.CreatedAt) {
				// A close backdated into the window by a deal entered after
				// the deadline came too late to count.
				e.Counted, e.Reason = false, ReasonEnteredLate
			}
			at := ev.byDeal(d.Source, d.ExternalID, d.ClosedAt, false)
			if d.Status == DealWon {
				ev.send(e, DealsWon, at)
				ev.send(e, WonAmount, at)
			} else {
				ev.send(e, DealsLost, at)
			}
		}
		if d.openAt(cutoff) {
			// The state of a deal in progress is judged by DealState.baseVerdict,
			// as the store's groups of such deals are (DealGroup).
			at := ev.byDeal(d.Source, d.ExternalID, cutoff, true)
			e.Happened = d.CreatedAt
			st := DealState{OpenTask: openTasks[dealKey(d.Source, d.ExternalID)], Touched: d.CreatedAt}
			for _, base := range stateBases {
				f := e
				if base == DealsIdle {
					if touched == nil {
						continue
					}
					if t := touched[dealKey(d.Source, d.ExternalID)]; t.After(st.Touched) && !t.After(cutoff) {
						st.Touched = t
					}
					f.Touched = st.Touched
				}
				builtin := IndicatorDef{ID: base, Base: base}
				f.Counted, f.Reason = st.baseVerdict(&builtin, cutoff)
				ev.send(f, base, func(def *IndicatorDef, f *Evidence) {
					f.Counted, f.Reason = st.baseVerdict(def, cutoff)
					at(def, f)
				})
			}
		}
	}

	ev.telephony(data)

	if ev.own[DealMoves] != nil {
		seen := make(map[recordKey]bool)
		for i := range data.Moves {
			m := &data.Moves[i]
			k := dealKey(m.Source, m.ExternalID)
			if !win.Contains(m.MovedAt) || seen[k] {
				continue
			}
			seen[k] = true
			e := Evidence{CRMUser: m.Responsible, Kind: KindDealMove, Source: m.Source, ExternalID: m.ExternalID,
				Happened: m.MovedAt, Entered: m.MovedAt, Placed: true, Pipeline: m.Pipeline, Stage: m.Stage, FromStage: m.FromStage}
			if h := ev.deals[dealKey(m.Source, m.DealID)]; h != nil && h.deal != nil {
				e.Title = h.deal.Title
			}
			e.Counted, e.Reason = verdict(m.deletedBy(cutoff), ReasonDeleted)
			if e.Counted {
				e.Reason = ReasonMoved
			}
			ev.sendOwnOnly(e, DealMoves, func(d *IndicatorDef, f *Evidence) {
				w := &d.Where
				switch {
				case len(w.Pipeline) > 0 && !matchName(w.Pipeline, m.Pipeline):
					fail(f, ReasonOtherPipeline)
				case len(w.FromStage) > 0 && !matchName(w.FromStage, m.FromStage):
					fail(f, ReasonOtherFromStage)
				case len(w.ToStage) > 0 && !matchName(w.ToStage, m.Stage):
					fail(f, ReasonOtherToStage)
				}
			})
		}
	}
}

// sendOwnOnly emits base evidence e as each own indicator of base only,
// narrowed by filter: for bases that are not built-ins, or whose built-in
// the caller emitted itself.
func (ev *evaluator) sendOwnOnly(e Evidence, base Indicator, filter narrow) {
	e.Manager = ev.managers[e.CRMUser]
	for i := range ev.own[base] {
		d := &ev.own[base][i]
		f := e
		f.Indicator = d.ID
		filter(d, &f)
		ev.emit(f)
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
// Activity, task, deal and own tallies the store counted
// (DayData.ActivityTallies, TaskTallies, DealTallies, OwnTallies) are added
// to what Evaluate finds.
func ComputeValues(ws *Workspace, win Window, data *DayData) (map[string]*Values, []string) {
	values := make(map[string]*Values, len(ws.Managers))
	var own []IndicatorDef
	if version, ok := ws.Regulation.At(win.Day); ok {
		own = version.Own()
	}
	for _, m := range ws.Managers {
		v := &Values{}
		if len(own) > 0 {
			v.own = make([]ownValue, len(own))
			for i, d := range own {
				v.own[i] = ownValue{id: d.ID, isAmount: d.Base == WonAmount}
			}
		}
		values[m.ID] = v
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
		if i := slotOf(e.Indicator); i >= 0 {
			v.counts[i]++
			return
		}
		if o := v.ownValue(e.Indicator); o != nil {
			if o.isAmount {
				o.amount = o.amount.Add(e.Amount)
			} else {
				o.count++
			}
		}
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
	for _, t := range data.OwnTallies {
		v := values[managers[t.CRMUser]]
		if v == nil {
			if t.CRMUser != "" && t.Count > 0 {
				unknown[t.CRMUser] = true
			}
			continue
		}
		if o := v.ownValue(t.Indicator); o != nil && !o.isAmount {
			o.count += t.Count
		}
	}
	countDealGroups(data.DealGroups, win.To, own, values, managers, unknown)
	countPlaceTallies(data.PlaceTallies, own, values, managers, unknown)
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
