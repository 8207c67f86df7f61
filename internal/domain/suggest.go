package domain

import (
	"slices"

	"github.com/shopspring/decimal"
)

// SuggestDays is how many working days a suggestion looks back over when no
// period is given.
const SuggestDays = 20

// SuggestShare is the share of manager-days a suggested at_least (or flow
// at_most) target lets pass, as a fraction: a typical manager passes about
// three days in four.
const (
	suggestShareNum = 3
	suggestShareDen = 4
)

// Suggestion is the target the history proposes for one rule: what
// `reglament suggest` prints and the Norms step prefills.
type Suggestion struct {
	Indicator Indicator `json:"indicator"`
	Op        Op        `json:"op"`
	// Current is the rule's target now; null when the regulation has no
	// such rule.
	Current decimal.NullDecimal `json:"current"`
	// Target is the suggested target; null when no manager-day holds a
	// value to learn from (and the rule compares with equals and has none).
	Target decimal.NullDecimal `json:"target"`
	// PassRate is the share of the manager-days the suggested target
	// passes, CurrentPassRate the share the current targets (per manager
	// where the rule sets one) pass.
	PassRate        Share `json:"pass_rate"`
	CurrentPassRate Share `json:"current_pass_rate"`
}

// Share is Of out of Total manager-days. It is written in JSON as a
// fraction with four decimals (0.75), or null when Total is 0.
type Share struct {
	Of, Total int
}

// Rate returns the share as an exact decimal rounded to four places; ok is
// false when there is nothing to share.
func (s Share) Rate() (decimal.Decimal, bool) {
	if s.Total == 0 {
		return decimal.Zero, false
	}
	return decimal.NewFromInt(int64(s.Of)).DivRound(decimal.NewFromInt(int64(s.Total)), 4), true
}

// Percent returns the share in whole percent, rounded half up; 0 when empty.
func (s Share) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return (200*s.Of + s.Total) / (2 * s.Total)
}

// MarshalJSON writes the rate as a JSON number, or null.
func (s Share) MarshalJSON() ([]byte, error) {
	r, ok := s.Rate()
	if !ok {
		return []byte("null"), nil
	}
	return []byte(r.String()), nil
}

// presenceBases are the state indicators the article writes as "presence
// of": an at_most rule on them (or on an own indicator built from them) is
// suggested 0 whatever the history.
var presenceBases = []Indicator{OverdueTasks, DealsWithoutTasks, DealsIdle}

// DefaultOp is the comparison a rule on a built-in indicator takes when
// nobody chose one: at_most for what should be rare (overdue tasks, deals
// without tasks, idle deals, lost deals, late entries), at_least otherwise.
func DefaultOp(base Indicator) Op {
	switch base {
	case OverdueTasks, DealsWithoutTasks, DealsIdle, DealsLost, LateEntries:
		return AtMost
	}
	return AtLeast
}

// ArticleIndicators are the nine daily indicators of the source article, in
// its order: the starter regulation's rules.
var ArticleIndicators = []Indicator{
	CompaniesAdded, MeetingsHeld, CallsHeld, DealsWon, DealsLost,
	DealsInProgress, WonAmount, OverdueTasks, DealsWithoutTasks,
}

// StarterRules returns the article's nine rules with their default
// comparison and points and a zero target, for a workspace that has no
// regulation yet: SuggestTargets fills the targets.
func StarterRules() []Rule {
	rules := make([]Rule, len(ArticleIndicators))
	for i, ind := range ArticleIndicators {
		rules[i] = Rule{Indicator: ind, Op: DefaultOp(ind), Target: decimal.Zero, Pass: DefaultPass, Fail: DefaultFail}
	}
	return rules
}

// SuggestRules returns the rules a suggestion is made for on day today:
// those of the version in force, or, when none is, one rule per built-in
// indicator with its default comparison and no current target (hasCurrent
// false).
func SuggestRules(ws *Workspace, today Date) (rules []Rule, version *RegulationVersion, hasCurrent bool) {
	if v, ok := ws.Regulation.At(today); ok && len(v.Rules) > 0 {
		return v.Rules, v, true
	}
	for _, ind := range Indicators {
		rules = append(rules, Rule{Indicator: ind, Op: DefaultOp(ind), Target: decimal.Zero, Pass: DefaultPass, Fail: DefaultFail})
	}
	return rules, nil, false
}

// SuggestTargets proposes a target for each rule from the values the final
// sheets kept (issue 15): over the manager-days the rule applies
// to, absent days excluded,
//   - at_least: the largest whole t such that at least 75 % of the
//     manager-days have a value ≥ t;
//   - at_most on a "presence of" state indicator (overdue tasks, deals
//     without tasks, idle deals, and own indicators built from them): 0;
//   - at_most on any other: the smallest whole t such that at least 75 %
//     have a value ≤ t;
//   - equals: the current target (nothing to learn from a spread).
//
// version defines the own indicators the rules may name (nil: built-ins
// only); hasCurrent says whether the rules' targets are the targets now.
// Days whose sheet lacks an indicator (an own indicator defined later) do
// not count for it.
func SuggestTargets(ws *Workspace, version *RegulationVersion, rules []Rule, hasCurrent bool, sheets []DaySheet) []Suggestion {
	out := make([]Suggestion, 0, len(rules))
	for i := range rules {
		r := &rules[i]
		s := Suggestion{Indicator: r.Indicator, Op: r.Op}
		if hasCurrent {
			s.Current = decimal.NewNullDecimal(r.Target)
		}
		var values []decimal.Decimal
		var currentPass int
		for _, sheet := range sheets {
			for j := range sheet.Lines {
				l := &sheet.Lines[j]
				if l.Absent || !l.Values.Has(r.Indicator) {
					continue
				}
				m, known := ws.Manager(l.Manager)
				if !known {
					m = &Manager{ID: l.Manager}
				}
				if !r.AppliesTo(m) {
					continue
				}
				v := l.Values.Get(r.Indicator)
				values = append(values, v)
				if hasCurrent && r.Holds(v, r.TargetFor(m.ID)) {
					currentPass++
				}
			}
		}
		if hasCurrent {
			s.CurrentPassRate = Share{Of: currentPass, Total: len(values)}
		}
		target, ok := suggestTarget(r, version, values, hasCurrent)
		if ok {
			s.Target = decimal.NewNullDecimal(target)
			pass := 0
			for _, v := range values {
				if r.Holds(v, target) {
					pass++
				}
			}
			s.PassRate = Share{Of: pass, Total: len(values)}
		}
		out = append(out, s)
	}
	return out
}

func suggestTarget(r *Rule, version *RegulationVersion, values []decimal.Decimal, hasCurrent bool) (decimal.Decimal, bool) {
	base := r.Indicator
	if version != nil {
		if d, ok := version.Indicator(r.Indicator); ok {
			base = d.Base
		}
	}
	switch r.Op {
	case AtMost:
		if slices.Contains(presenceBases, base) {
			return decimal.Zero, true
		}
	case Equals:
		return r.Target, hasCurrent
	}
	if len(values) == 0 {
		return decimal.Decimal{}, false
	}
	sorted := slices.Clone(values)
	slices.SortFunc(sorted, decimal.Decimal.Cmp)
	// k is the number of manager-days that must pass: ⌈75 % of n⌉.
	n := len(sorted)
	k := (suggestShareNum*n + suggestShareDen - 1) / suggestShareDen
	if r.Op == AtLeast {
		// The k-th largest value, rounded down to a whole t: at least k
		// values are ≥ t, and any t+1 exceeds it, so fewer than k are ≥ t+1.
		return sorted[n-k].Floor(), true
	}
	// at_most: the k-th smallest value, rounded up.
	return sorted[k-1].Ceil(), true
}

// SuggestPeriod returns the last n working days of the workspace before
// today, as the span from its first to its last day; ok is false when the
// calendar has none within a year.
func SuggestPeriod(ws *Workspace, today Date, n int) (from, to Date, ok bool) {
	d := today
	for i := 0; i < n; i++ {
		p, found := ws.PrevWorkingDay(d)
		if !found {
			if i == 0 {
				return Date{}, Date{}, false
			}
			break
		}
		if i == 0 {
			to = p
		}
		from, d = p, p
	}
	return from, to, true
}

// SpanLabel writes a span of days as FROM..TO, the period label of a
// suggestion over days that are not a month or a week.
func SpanLabel(from, to Date) string { return from.String() + ".." + to.String() }
