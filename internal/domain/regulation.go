package domain

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"

	"github.com/shopspring/decimal"
)

// Op is a rule's comparison.
type Op string

// The comparisons a rule may use.
const (
	AtLeast Op = "at_least"
	AtMost  Op = "at_most"
	Equals  Op = "equals"
)

// Ops lists every comparison.
var Ops = []Op{AtLeast, AtMost, Equals}

// Default points of a rule, as the source article proposes: meeting the
// norm earns one point, missing it costs two.
const (
	DefaultPass = 1
	DefaultFail = -2
)

// MaxRulePoints bounds a rule's pass and fail points and MaxAdjustmentPoints
// an adjustment's: far beyond what a regulation means, and small enough that
// no period's sum can overflow (a thousand rules a day for a century stays
// within 2^31).
const (
	MaxRulePoints       = 1000
	MaxAdjustmentPoints = 10000
)

// Rule is one line of the regulation: an indicator compared with a target,
// and the points given when the comparison holds or not. A rule with Teams
// or Managers applies only to them; Targets overrides Target per manager.
type Rule struct {
	Indicator Indicator                  `json:"indicator"`
	Op        Op                         `json:"op"`
	Target    decimal.Decimal            `json:"target"`
	Pass      int                        `json:"pass"`
	Fail      int                        `json:"fail"`
	Teams     []string                   `json:"teams,omitempty"`
	Managers  []string                   `json:"managers,omitempty"`
	Targets   map[string]decimal.Decimal `json:"targets,omitempty"`
}

// AppliesTo reports whether the rule scores manager m.
func (r *Rule) AppliesTo(m *Manager) bool {
	if len(r.Teams) == 0 && len(r.Managers) == 0 {
		return true
	}
	return slices.Contains(r.Managers, m.ID) || (m.Team != "" && slices.Contains(r.Teams, m.Team))
}

// TargetFor returns the target for manager id, honouring per-manager targets.
func (r *Rule) TargetFor(manager string) decimal.Decimal {
	if t, ok := r.Targets[manager]; ok {
		return t
	}
	return r.Target
}

// Holds reports whether value meets the rule against target.
func (r *Rule) Holds(value, target decimal.Decimal) bool {
	switch r.Op {
	case AtLeast:
		return value.GreaterThanOrEqual(target)
	case AtMost:
		return value.LessThanOrEqual(target)
	case Equals:
		return value.Equal(target)
	}
	return false
}

// holds is Holds for the rule's indicator in values. A count against a
// whole target is compared as integers, without the decimal allocations
// (a thousand managers times every rule at each finalization).
func (r *Rule) holds(values *Values, target decimal.Decimal) bool {
	if values.isAmount(r.Indicator) || target.Exponent() != 0 || target.NumDigits() > 18 {
		return r.Holds(values.Get(r.Indicator), target)
	}
	c, t := values.Count(r.Indicator), target.CoefficientInt64()
	switch r.Op {
	case AtLeast:
		return c >= t
	case AtMost:
		return c <= t
	case Equals:
		return c == t
	}
	return false
}

// RegulationVersion is the set of rules in force from Effective until the
// next version's effective day.
type RegulationVersion struct {
	Effective Date   `json:"effective"`
	Rules     []Rule `json:"rules"`
	// Indicators are the version's own indicators (DESIGN.md section 10):
	// they belong to the version, so changing one is a new version.
	Indicators []IndicatorDef `json:"indicators,omitempty"`
}

// Equal reports whether v and w hold the same rules from the same day,
// comparing targets as numbers (30 equals 30.0).
func (v *RegulationVersion) Equal(w *RegulationVersion) bool {
	if v.Effective != w.Effective || len(v.Rules) != len(w.Rules) || len(v.Indicators) != len(w.Indicators) {
		return false
	}
	for i := range v.Indicators {
		if !v.Indicators[i].Equal(&w.Indicators[i]) {
			return false
		}
	}
	for i := range v.Rules {
		if !v.Rules[i].equal(&w.Rules[i]) {
			return false
		}
	}
	return true
}

func (r *Rule) equal(o *Rule) bool {
	if r.Indicator != o.Indicator || r.Op != o.Op || !r.Target.Equal(o.Target) || r.Pass != o.Pass || r.Fail != o.Fail ||
		!slices.Equal(r.Teams, o.Teams) || !slices.Equal(r.Managers, o.Managers) || len(r.Targets) != len(o.Targets) {
		return false
	}
	for id, t := range r.Targets {
		if u, ok := o.Targets[id]; !ok || !t.Equal(u) {
			return false
		}
	}
	return true
}

// Regulation is a workspace's versioned rules, ordered by effective day.
type Regulation []RegulationVersion

// Sort orders the versions by effective day.
func (g Regulation) Sort() {
	sort.Slice(g, func(i, j int) bool { return g[i].Effective.Before(g[j].Effective) })
}

// At returns the version in force on day d: the latest one effective on or
// before d. ok is false when no version is in force yet.
func (g Regulation) At(d Date) (*RegulationVersion, bool) {
	var found *RegulationVersion
	for i := range g {
		if !g[i].Effective.After(d) && (found == nil || g[i].Effective.After(found.Effective)) {
			found = &g[i]
		}
	}
	return found, found != nil
}

// RuleOutcome is one rule's result for one manager on one day.
type RuleOutcome struct {
	Indicator Indicator       `json:"indicator"`
	Op        Op              `json:"op"`
	Target    decimal.Decimal `json:"target"`
	Passed    bool            `json:"passed"`
	Points    int             `json:"points"`
}

// AppendRulesJSON appends rules to b exactly as json.Marshal writes them
// (null for nil), without reflection: every sheet stores each line's rules
// as JSON, a thousand lines a day at a large sales floor, and reflection
// was a fifth of the client's CPU in a finalization on PostgreSQL.
func AppendRulesJSON(b []byte, rules []RuleOutcome) []byte {
	if rules == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, r := range rules {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"indicator":`...)
		b = appendJSONString(b, string(r.Indicator))
		b = append(b, `,"op":`...)
		b = appendJSONString(b, string(r.Op))
		b = append(b, `,"target":"`...)
		b = appendDecimal(b, r.Target)
		b = append(b, '"')
		b = append(b, `,"passed":`...)
		b = strconv.AppendBool(b, r.Passed)
		b = append(b, `,"points":`...)
		b = strconv.AppendInt(b, int64(r.Points), 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendDecimal appends d.String(): a whole number of up to 18 digits (a
// target such as 60) without allocating, anything else through String.
// (String writes the coefficient of a decimal whose exponent is 0 as is.)
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	if d.Exponent() == 0 && d.NumDigits() <= 18 {
		return strconv.AppendInt(b, d.CoefficientInt64(), 10)
	}
	return append(b, d.String()...)
}

// appendJSONString appends s as a JSON string as json.Marshal writes it:
// printable ASCII other than the characters it escapes as is, anything
// else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Score applies the version's rules that concern manager m to values and
// returns each outcome and their sum.
func (v *RegulationVersion) Score(m *Manager, values *Values) ([]RuleOutcome, int) {
	outcomes := make([]RuleOutcome, 0, len(v.Rules))
	total := 0
	for i := range v.Rules {
		r := &v.Rules[i]
		if !r.AppliesTo(m) {
			continue
		}
		target := r.TargetFor(m.ID)
		o := RuleOutcome{Indicator: r.Indicator, Op: r.Op, Target: target, Passed: r.holds(values, target)}
		if o.Passed {
			o.Points = r.Pass
		} else {
			o.Points = r.Fail
		}
		total += o.Points
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		return nil, total // as stored before: no rule, null
	}
	return outcomes, total
}
