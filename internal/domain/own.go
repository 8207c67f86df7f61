package domain

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The bases of DESIGN.md section 10 beside the built-ins: an own indicator
// narrows one of them (or a built-in) with a filter, and a rule may also
// name one of them directly, as it names a built-in.
const (
	DealsCreated   Indicator = "deals_created"
	DealMoves      Indicator = "deal_moves"
	TasksCompleted Indicator = "tasks_completed"
	DealsIdle      Indicator = "deals_idle"
)

// Bases lists every base an indicator can be built from: the built-ins in
// display order, then the bases of section 10, then the telephone's of
// section 12 (telephony.go).
var Bases = append(slices.Clip(Indicators), DealsCreated, DealMoves, TasksCompleted, DealsIdle,
	PBXCalls, CallsUnlogged, UnknownNumbers)

// IsBase reports whether ind names a base.
func IsBase(ind Indicator) bool { return slices.Contains(Bases, ind) }

// IsBuiltin reports whether ind is one of the ten built-in indicators, which
// every day sheet carries.
func IsBuiltin(ind Indicator) bool { return slotOf(ind) >= 0 || ind == WonAmount }

// DefaultIdleDays is how long a deal in progress may go without a touch
// before deals_idle counts it.
const DefaultIdleDays = 7

// IndicatorDef is an indicator of a regulation version: a base narrowed by
// a filter. A built-in is an indicator with no filter; own indicators are
// defined in the version and rules use them as they use built-ins.
type IndicatorDef struct {
	ID       Indicator `json:"id"`
	Name     string    `json:"name,omitempty"` // what tables show; empty: the id
	Base     Indicator `json:"from"`
	Where    Filter    `json:"where,omitzero"`
	IdleDays int       `json:"idle_days,omitempty"` // deals_idle only; 0: DefaultIdleDays
}

// Label returns what tables show for the indicator.
func (d *IndicatorDef) Label() string {
	if d.Name != "" {
		return d.Name
	}
	return string(d.ID)
}

// IdleDaysOrDefault returns the indicator's idle span in days.
func (d *IndicatorDef) IdleDaysOrDefault() int {
	if d.IdleDays > 0 {
		return d.IdleDays
	}
	return DefaultIdleDays
}

// Equal reports whether d and o define the same indicator.
func (d *IndicatorDef) Equal(o *IndicatorDef) bool {
	return d.ID == o.ID && d.Name == o.Name && d.Base == o.Base && d.IdleDays == o.IdleDays && d.Where.Equal(&o.Where)
}

// Filter narrows a base (the `where:` of an indicator). Every part is
// optional and they combine with AND; a list matches any of its names,
// exact text with surrounding spaces ignored.
type Filter struct {
	Pipeline   []string `json:"pipeline,omitempty"`
	Stage      []string `json:"stage,omitempty"`
	FromStage  []string `json:"from_stage,omitempty"`
	ToStage    []string `json:"to_stage,omitempty"`
	Direction  string   `json:"direction,omitempty"`
	MinSeconds *int     `json:"min_seconds,omitempty"`
	MaxSeconds *int     `json:"max_seconds,omitempty"`
	// MatchMinutes (calls_unlogged only) is how far a CRM call may be
	// from a PBX call to match it; nil: DefaultMatchMinutes.
	MatchMinutes *int `json:"match_minutes,omitempty"`
}

// IsZero reports whether the filter narrows nothing.
func (f Filter) IsZero() bool {
	return len(f.Pipeline) == 0 && len(f.Stage) == 0 && len(f.FromStage) == 0 && len(f.ToStage) == 0 &&
		f.Direction == "" && f.MinSeconds == nil && f.MaxSeconds == nil && f.MatchMinutes == nil
}

// Equal reports whether f and o narrow alike.
func (f *Filter) Equal(o *Filter) bool {
	intEq := func(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	return slices.Equal(f.Pipeline, o.Pipeline) && slices.Equal(f.Stage, o.Stage) &&
		slices.Equal(f.FromStage, o.FromStage) && slices.Equal(f.ToStage, o.ToStage) &&
		f.Direction == o.Direction && intEq(f.MinSeconds, o.MinSeconds) && intEq(f.MaxSeconds, o.MaxSeconds) &&
		intEq(f.MatchMinutes, o.MatchMinutes)
}

// FilterKeys are the keys of a `where:`, in the order DESIGN.md lists them.
var FilterKeys = []string{"pipeline", "stage", "from_stage", "to_stage", "direction", "min_seconds", "max_seconds",
	"match_minutes"}

// FilterApplies reports whether filter key may narrow base: pipeline every
// base but companies_added; stage the deal states at the cutoff; from_stage
// and to_stage deal moves; direction and the durations calls, CRM's and
// the PBX's; match_minutes calls_unlogged.
func FilterApplies(key string, base Indicator) bool {
	switch key {
	case "pipeline":
		return IsBase(base) && base != CompaniesAdded && !isTelephoneBase(base)
	case "stage":
		return base == DealsInProgress || base == DealsWithoutTasks || base == DealsIdle
	case "from_stage", "to_stage":
		return base == DealMoves
	case "direction", "min_seconds", "max_seconds":
		return base == CallsHeld || isTelephoneBase(base)
	case "match_minutes":
		return base == CallsUnlogged
	}
	return false
}

// FilterBases lists the bases filter key applies to, for messages.
func FilterBases(key string) []string {
	var out []string
	for _, b := range Bases {
		if FilterApplies(key, b) {
			out = append(out, string(b))
		}
	}
	return out
}

var indicatorIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// ValidIndicatorID reports whether id may name an own indicator: lower-case
// letters, digits and '_', starting with a letter, and never a base's name.
func ValidIndicatorID(id string) bool {
	return indicatorIDPattern.MatchString(id) && !IsBase(Indicator(id))
}

// Own returns the version's indicators beyond the built-ins: those it
// defines, then one for each base of section 10 a rule names directly (with
// no filter), in the order of the rules.
func (v *RegulationVersion) Own() []IndicatorDef {
	out := v.Indicators
	for i := range v.Rules {
		ind := v.Rules[i].Indicator
		if IsBuiltin(ind) || !IsBase(ind) {
			continue
		}
		if !slices.ContainsFunc(out, func(d IndicatorDef) bool { return d.ID == ind }) {
			out = append(slices.Clip(out), IndicatorDef{ID: ind, Base: ind})
		}
	}
	return out
}

// Indicator returns the version's definition of ind: its own definition,
// or a built-in's (a base with no filter).
func (v *RegulationVersion) Indicator(ind Indicator) (IndicatorDef, bool) {
	if v != nil {
		for _, d := range v.Own() {
			if d.ID == ind {
				return d, true
			}
		}
	}
	if IsBuiltin(ind) {
		return IndicatorDef{ID: ind, Base: ind}, true
	}
	return IndicatorDef{}, false
}

// NeedsRecords reports whether the version has indicators that only records
// can give (its own, or the bases of section 10): the store then loads the
// day's records, moves and deal history, not only its tallies.
func (v *RegulationVersion) NeedsRecords() bool { return v != nil && len(v.Own()) > 0 }

// Uses reports whether one of the version's own indicators is built on
// base.
func (v *RegulationVersion) Uses(base Indicator) bool {
	for _, d := range v.Own() {
		if d.Base == base {
			return true
		}
	}
	return false
}

// Reasons a record does not pass an own indicator's filter.
const (
	ReasonOtherPipeline  = "other_pipeline"   // the deal was in another pipeline at the moment that counts
	ReasonOtherStage     = "other_stage"      // the deal was at another stage at the cutoff
	ReasonOtherFromStage = "other_from_stage" // the move left another stage
	ReasonOtherToStage   = "other_to_stage"   // the move went to another stage
	ReasonNoDeal         = "no_deal"          // a task or activity with no (known) deal, under a pipeline filter
	ReasonOtherDirection = "other_direction"  // an incoming call under an outgoing filter, or unknown
	ReasonTooLong        = "too_long"         // a call longer than max_seconds
	ReasonMoved          = "moved"            // a deal move made in the window
	ReasonCreated        = "created"          // a deal created in the window
	ReasonCompleted      = "completed"        // a task completed in the window
	ReasonIdle           = "idle"             // no touch within idle_days before the cutoff
	ReasonTouched        = "touched"          // touched within idle_days before the cutoff
)

// matchName reports whether name is one of names, surrounding spaces
// ignored.
func matchName(names []string, name string) bool {
	name = trimSpace(name)
	for _, n := range names {
		if trimSpace(n) == name {
			return true
		}
	}
	return false
}

// trimSpace is strings.TrimSpace, without its slow path for a name that
// neither starts nor ends with a space (a Cyrillic name takes it).
func trimSpace(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// dealHistory is a deal with its moves, to say where it was at a moment.
type dealHistory struct {
	deal  *Deal
	moves []*DealMove // by MovedAt, then external id
}

// Place is where a deal was at a moment: its pipeline and stage names.
type Place struct {
	Pipeline string
	Stage    string
}

// at returns the deal's pipeline and stage at t: after its last move at or
// before t (of the moves not deleted by t); before its first such move,
// the first move's from-pipeline and from-stage; with no such move, the
// deal's stored pipeline and stage.
func (h *dealHistory) at(t time.Time) Place {
	var first, last *DealMove
	for _, m := range h.moves {
		if m.deletedBy(t) {
			continue
		}
		if first == nil {
			first = m
		}
		if !m.MovedAt.After(t) {
			last = m
		}
	}
	switch {
	case last != nil:
		return Place{Pipeline: last.Pipeline, Stage: last.Stage}
	case first != nil:
		return Place{Pipeline: first.fromPipeline(), Stage: first.FromStage}
	case h.deal != nil:
		return Place{Pipeline: h.deal.Pipeline, Stage: h.deal.Stage}
	}
	return Place{}
}

// dealIndex finds a deal's history by its source and external id.
type dealIndex map[recordKey]*dealHistory

func dealKey(source, id string) recordKey { return recordKey{source, id} }

// recordKey identifies a record of a source: a map key that costs no
// allocation.
type recordKey struct{ source, id string }

// newDealIndex indexes the deals of data (Deals and LinkedDeals) with
// every move of data, sorted by time.
func newDealIndex(data *DayData) dealIndex {
	idx := make(dealIndex, len(data.Deals)+len(data.LinkedDeals))
	for _, deals := range [][]Deal{data.Deals, data.LinkedDeals} {
		for i := range deals {
			d := &deals[i]
			idx[dealKey(d.Source, d.ExternalID)] = &dealHistory{deal: d}
		}
	}
	seen := make(map[recordKey]bool, len(data.Moves))
	for i := range data.Moves {
		m := &data.Moves[i]
		if k := dealKey(m.Source, m.ExternalID); seen[k] {
			continue
		} else {
			seen[k] = true
		}
		k := dealKey(m.Source, m.DealID)
		h := idx[k]
		if h == nil {
			h = &dealHistory{}
			idx[k] = h
		}
		h.moves = append(h.moves, m)
	}
	for _, h := range idx {
		sort.SliceStable(h.moves, func(i, j int) bool {
			a, b := h.moves[i], h.moves[j]
			if !a.MovedAt.Equal(b.MovedAt) {
				return a.MovedAt.Before(b.MovedAt)
			}
			return a.ExternalID < b.ExternalID
		})
	}
	return idx
}

// place returns where deal (source, id) was at t; ok is false when the
// record names no deal or one the data does not hold.
func (idx dealIndex) place(source, id string, t time.Time) (Place, bool) {
	if id == "" {
		return Place{}, false
	}
	h := idx[dealKey(source, id)]
	if h == nil || h.deal == nil && len(h.moves) == 0 {
		return Place{}, false
	}
	return h.at(t), true
}

// LastTouch is the definition DealTouch stands for: the latest moment at or
// before cutoff that touched deal, among its activities, tasks and moves
// given (any of them; those of other deals are ignored), not counting the
// deal's creation. The zero time means none.
func LastTouch(deal *Deal, cutoff time.Time, activities []Activity, tasks []Task, moves []DealMove) time.Time {
	var last time.Time
	touch := func(t time.Time) {
		if !t.After(cutoff) && t.After(last) {
			last = t
		}
	}
	for i := range activities {
		a := &activities[i]
		if a.Source == deal.Source && a.DealID == deal.ExternalID && !a.EnteredAt.After(cutoff) && !a.deletedBy(cutoff) {
			touch(a.HappenedAt)
		}
	}
	for i := range tasks {
		k := &tasks[i]
		if k.Source == deal.Source && k.DealID == deal.ExternalID && !k.CompletedAt.IsZero() && !k.deletedBy(cutoff) {
			touch(k.CompletedAt)
		}
	}
	for i := range moves {
		m := &moves[i]
		if m.Source == deal.Source && m.DealID == deal.ExternalID && !m.deletedBy(cutoff) {
			touch(m.MovedAt)
		}
	}
	return last
}

// PlaceWarning is a name an own indicator's filter gives that the
// workspace's catalogue and records do not know: the filter would match
// nothing, a silent zero in people's pay, so applying and syncing say so.
type PlaceWarning struct {
	Effective Date
	Indicator Indicator
	Field     string // pipeline, stage, from_stage or to_stage
	Name      string
}

// UnknownPlaces lists the pipeline and stage names the own indicators of
// reg's versions in force on or after from give that are neither among
// pipelines nor among stages (names compared as filters compare them).
// With no known name at all (no CRM catalogue, no deal with a pipeline)
// nothing can be checked and it returns nil.
func UnknownPlaces(reg Regulation, from Date, pipelines, stages []string) []PlaceWarning {
	if len(pipelines) == 0 && len(stages) == 0 {
		return nil
	}
	var out []PlaceWarning
	current, _ := reg.At(from)
	for i := range reg {
		v := &reg[i]
		if v.Effective.Before(from) && v != current {
			continue
		}
		for _, d := range v.Indicators {
			check := func(field string, names, known []string) {
				for _, n := range names {
					if !matchName(known, n) {
						out = append(out, PlaceWarning{Effective: v.Effective, Indicator: d.ID, Field: field, Name: strings.TrimSpace(n)})
					}
				}
			}
			check("pipeline", d.Where.Pipeline, pipelines)
			check("stage", d.Where.Stage, stages)
			check("from_stage", d.Where.FromStage, stages)
			check("to_stage", d.Where.ToStage, stages)
		}
	}
	return out
}

func (w PlaceWarning) String() string {
	return fmt.Sprintf("regulation %s, indicator %s: %s %q is not a name the CRM knows", w.Effective, w.Indicator, w.Field, w.Name)
}

// The state bases: what a deal in progress at the cutoff counts for.
var stateBases = [...]Indicator{DealsInProgress, DealsWithoutTasks, DealsIdle}

// DealState is what the state indicators (deals_in_progress,
// deals_without_tasks, deals_idle) look at of a deal in progress at the
// cutoff: where it was then, whether a task was open on it, and its
// latest touch by then, its creation included.
type DealState struct {
	Placed   bool  // the place is known (a deal the data holds)
	Place    Place // its pipeline and stage at the cutoff
	OpenTask bool
	Touched  time.Time
}

// Counts reports whether a deal in state st counts for def, a built-in or
// an own indicator of a state base, at cutoff: its base's verdict
// (baseVerdict) and its filter's (placeReason), as Evaluate judges a deal.
func (st *DealState) Counts(def *IndicatorDef, cutoff time.Time) bool {
	counted, _ := st.baseVerdict(def, cutoff)
	return counted && placeReason(&def.Where, st.Placed, st.Place, true) == ""
}

// baseVerdict says whether a deal in state st counts for the base of def
// at cutoff, before def's filter, and why: the one definition Evaluate's
// deals and the store's groups of deals (DealGroup) share.
func (st *DealState) baseVerdict(def *IndicatorDef, cutoff time.Time) (counted bool, reason string) {
	switch def.Base {
	case DealsInProgress:
		counted, reason = true, ReasonOpenAtCutoff
	case DealsWithoutTasks:
		if st.OpenTask {
			counted, reason = false, ReasonHasOpenTask
		} else {
			counted, reason = true, ReasonNoOpenTask
		}
	case DealsIdle:
		if st.Touched.After(cutoff.Add(-time.Duration(def.IdleDaysOrDefault()) * 24 * time.Hour)) {
			counted, reason = false, ReasonTouched
		} else {
			counted, reason = true, ReasonIdle
		}
	}
	return counted, reason
}

// placeReason is why a record whose deal was at place (known when placed)
// at the moment that counts fails filter w, or "" when it passes: its
// pipeline, and when stage its stage, must be among the filter's.
func placeReason(w *Filter, placed bool, place Place, stage bool) string {
	switch {
	case len(w.Pipeline) == 0 && (!stage || len(w.Stage) == 0):
		return ""
	case !placed:
		return ReasonNoDeal
	case len(w.Pipeline) > 0 && !matchName(w.Pipeline, place.Pipeline):
		return ReasonOtherPipeline
	case stage && len(w.Stage) > 0 && !matchName(w.Stage, place.Stage):
		return ReasonOtherStage
	}
	return ""
}

// DealGroup counts the deals of one CRM user in progress at the cutoff
// that are in one state, as far as the state indicators of the day's
// regulation version can tell them apart: the store groups them so that a
// day sheet reads counts instead of every deal, and DealState.Counts
// decides for a group as Evaluate does for a deal. Touched stands for each deal's latest
// touch: every idle_days bound of the version falls on the same side of
// it as of theirs. The place holds what the version's filters look at
// (the pipeline, the stage), and may leave the rest empty.
type DealGroup struct {
	CRMUser string
	DealState
	Count int64
}

// StateFilters reports what the version's indicators of the state bases
// look at of a deal's place: its pipeline, its stage. The store groups
// the deals in progress by no more than that (DealGroup).
func (v *RegulationVersion) StateFilters() (pipeline, stage bool) {
	for _, d := range v.Own() {
		if slices.Contains(stateBases[:], d.Base) {
			pipeline = pipeline || len(d.Where.Pipeline) > 0
			stage = stage || len(d.Where.Stage) > 0
		}
	}
	return pipeline, stage
}

// countDealGroups adds to values what the deals of data.DealGroups count
// for the built-in and own indicators of the state bases (own lists the
// version's own indicators), as Evaluate counts a deal in the same state,
// and lists the unknown CRM users they belong to.
func countDealGroups(groups []DealGroup, cutoff time.Time, own []IndicatorDef, values map[string]*Values, managers map[string]string, unknown map[string]bool) {
	for i := range groups {
		g := &groups[i]
		v := values[managers[g.CRMUser]]
		if v == nil {
			if g.CRMUser != "" && g.Count > 0 {
				unknown[g.CRMUser] = true
			}
			continue
		}
		for _, base := range stateBases {
			if !IsBuiltin(base) {
				continue
			}
			def := IndicatorDef{ID: base, Base: base}
			if g.Counts(&def, cutoff) {
				v.counts[slotOf(base)] += g.Count
			}
		}
		for j := range own {
			def := &own[j]
			if !slices.Contains(stateBases[:], def.Base) {
				continue
			}
			if g.Counts(def, cutoff) {
				if o := v.ownValue(def.ID); o != nil && !o.isAmount {
					o.count += g.Count
				}
			}
		}
	}
}

// PlaceTally counts the records of one CRM user that an own indicator of
// activities or tasks filtered by pipeline would count but for its
// filter, whose deals were at one place at the moment each record counts
// at (a call when it happened, a completed task when it was completed, an
// overdue task at the cutoff): the store counts them so that a day sheet
// reads no such record, and the domain applies the filter (placeReason)
// as Evaluate does for a record. Placed is false for records naming no
// deal the data holds.
type PlaceTally struct {
	Indicator Indicator
	CRMUser   string
	Placed    bool
	Place     Place
	Count     int64
}

// countPlaceTallies adds to values what data.PlaceTallies count for the
// own indicators (own lists the version's), and lists the unknown CRM
// users they belong to.
func countPlaceTallies(tallies []PlaceTally, own []IndicatorDef, values map[string]*Values, managers map[string]string, unknown map[string]bool) {
	defs := make(map[Indicator]*IndicatorDef, len(own))
	for i := range own {
		defs[own[i].ID] = &own[i]
	}
	for i := range tallies {
		t := &tallies[i]
		v := values[managers[t.CRMUser]]
		if v == nil {
			if t.CRMUser != "" && t.Count > 0 {
				unknown[t.CRMUser] = true
			}
			continue
		}
		def := defs[t.Indicator]
		if def == nil || placeReason(&def.Where, t.Placed, t.Place, false) != "" {
			continue
		}
		if o := v.ownValue(t.Indicator); o != nil && !o.isAmount {
			o.count += t.Count
		}
	}
}

// DealPlaces says where deals were at a moment, from the deals and moves
// a store read (the rule of dealHistory.at), for the records a store
// counts in PlaceTallies whose place their deal's latest move does not
// settle.
type DealPlaces struct{ idx dealIndex }

// NewDealPlaces indexes deals with moves.
func NewDealPlaces(deals []Deal, moves []DealMove) DealPlaces {
	return DealPlaces{newDealIndex(&DayData{Deals: deals, Moves: moves})}
}

// At returns where deal (source, id) was at t; ok is false when id is
// empty or the deals and moves do not hold the deal.
func (p DealPlaces) At(source, id string, t time.Time) (Place, bool) {
	return p.idx.place(source, id, t)
}
