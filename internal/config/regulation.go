package config

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

var (
	versionFields   = []string{"effective", "indicators", "rules"}
	indicatorFields = []string{"id", "name", "from", "where", "idle_days"}
	ruleFields      = []string{"indicator", "at_least", "at_most", "equals", "pass", "fail", "teams", "managers", "targets"}
	opList          = "at_least, at_most, equals"
)

// ParseRegulation reads the regulation of a file whose top level has a
// regulation key, as `reglament backtest -f` takes it: either a full
// workspace file, which is then checked as a whole, or a file holding only
// the regulation. In the second case the teams and managers that rules name
// cannot be checked here; the caller checks them against the stored
// workspace. Errors are reported as by ParseWorkspace.
func ParseRegulation(filename string, data []byte) (domain.Regulation, error) {
	p := &parser{file: filename}
	root := p.document(data)
	if root == nil {
		return nil, p.err()
	}
	var reg domain.Regulation
	if hasKey(root, "workspace") {
		ws := p.workspace(root)
		reg = ws.Regulation
		if _, ok := hasValue(root, "regulation"); !ok {
			p.errorf(root, "regulation", "required field is missing")
		}
	} else {
		f := p.mapping(root, "", []string{"regulation"})
		if n, path, ok := p.required(f, "regulation"); ok {
			reg = p.regulation(n, path, nil)
		}
	}
	p.limits(root)
	if err := p.err(); err != nil {
		return nil, err
	}
	return reg, nil
}

// hasKey reports whether mapping n has the given key.
func hasKey(n *yaml.Node, key string) bool {
	_, ok := lookup(n, key)
	return ok
}

// hasValue reports whether mapping n has the given key with a non-empty value.
func hasValue(n *yaml.Node, key string) (*yaml.Node, bool) {
	v, ok := lookup(n, key)
	return v, ok && !isNull(v)
}

func lookup(n *yaml.Node, key string) (*yaml.Node, bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return n.Content[i+1], true
		}
	}
	return nil, false
}

// managerRefs is what rules may refer to: the workspace's managers and the
// teams they belong to. A nil *managerRefs means the managers are not known
// (a file holding only a regulation) and references are not checked.
type managerRefs struct {
	managers map[string]*domain.Manager
	teams    []string // sorted
}

func newManagerRefs(managers []domain.Manager) *managerRefs {
	r := &managerRefs{managers: make(map[string]*domain.Manager, len(managers))}
	for i := range managers {
		m := &managers[i]
		if m.ID != "" {
			r.managers[m.ID] = m
		}
		if m.Team != "" && !slices.Contains(r.teams, m.Team) {
			r.teams = append(r.teams, m.Team)
		}
	}
	sort.Strings(r.teams)
	return r
}

// regulation reads the list of regulation versions and returns them sorted
// by effective day.
func (p *parser) regulation(n *yaml.Node, path string, refs *managerRefs) domain.Regulation {
	items, ok := p.list(n, path)
	if !ok {
		return domain.Regulation{}
	}
	reg := make(domain.Regulation, 0, len(items))
	effective := make(map[domain.Date]int, len(items))
	for i, item := range items {
		vp := index(path, i)
		f := p.mapping(item, vp, versionFields)
		if !f.ok {
			continue
		}
		v := domain.RegulationVersion{Rules: []domain.Rule{}}
		if n, path, ok := p.required(f, "effective"); ok {
			if d, ok := p.date(n, path); ok {
				if line, dup := effective[d]; dup {
					p.errorf(n, path, "duplicate effective date %s (first at line %d)", d, line)
				} else {
					effective[d] = n.Line
				}
				v.Effective = d
			}
		}
		if n, path, ok := f.get("indicators"); ok {
			v.Indicators = p.indicators(n, path)
		}
		if n, path, ok := p.required(f, "rules"); ok {
			if rules, ok := p.list(n, path); ok {
				for j, rule := range rules {
					if r, ok := p.rule(rule, index(path, j), refs, v.Indicators); ok {
						v.Rules = append(v.Rules, r)
					}
				}
			}
		}
		reg = append(reg, v)
	}
	slices.SortStableFunc(reg, func(a, b domain.RegulationVersion) int { return a.Effective.Compare(b.Effective) })
	return reg
}

// rule reads one rule, such as {indicator: calls_held, at_least: 30}. It
// may name a built-in, a base of DESIGN.md section 10, or one of own, the
// version's own indicators.
func (p *parser) rule(n *yaml.Node, path string, refs *managerRefs, own []domain.IndicatorDef) (domain.Rule, bool) {
	f := p.mapping(n, path, ruleFields)
	if !f.ok {
		return domain.Rule{}, false
	}
	r := domain.Rule{Pass: domain.DefaultPass, Fail: domain.DefaultFail}
	if n, path, ok := p.required(f, "indicator"); ok {
		if s, ok := p.str(n, path); ok {
			ind := domain.Indicator(s)
			switch {
			case domain.IsBase(ind) || slices.ContainsFunc(own, func(d domain.IndicatorDef) bool { return d.ID == ind }):
				r.Indicator = ind
			case len(own) > 0:
				p.errorf(n, path, "unknown indicator %q (known: %s; this version's own: %s)", s, indicatorList(), ownList(own))
			default:
				p.errorf(n, path, "unknown indicator %q (known: %s)", s, indicatorList())
			}
		}
	}

	// targetOK checks a target: counts are whole numbers, only won_amount
	// is an amount of money.
	isAmount := r.Indicator == domain.WonAmount ||
		slices.ContainsFunc(own, func(d domain.IndicatorDef) bool { return d.ID == r.Indicator && d.Base == domain.WonAmount })
	targetOK := func(n *yaml.Node, path string, d decimal.Decimal) bool {
		if r.Indicator != "" && !isAmount && !d.IsInteger() {
			p.errorf(n, path, "%s counts records: the target must be a whole number, got %s", r.Indicator, n.Value)
			return false
		}
		return true
	}

	var opNode *yaml.Node
	for _, op := range domain.Ops {
		n, path, ok := f.get(string(op))
		if !ok {
			continue
		}
		if r.Op != "" {
			p.errorf(n, path, "a rule has one comparison: %s is already given at line %d", r.Op, opNode.Line)
			continue
		}
		r.Op, opNode = op, n
		if d, ok := p.decimalValue(n, path); ok && targetOK(n, path, d) {
			r.Target = d
		}
	}
	if r.Op == "" {
		p.errorf(n, path, "missing comparison: give one of %s", opList)
	}

	if n, path, ok := f.get("pass"); ok {
		r.Pass, _ = p.points(n, path)
	}
	if n, path, ok := f.get("fail"); ok {
		r.Fail, _ = p.points(n, path)
	}

	if n, path, ok := f.get("teams"); ok {
		teams := p.stringList(n, path, "team")
		for _, t := range teams {
			if refs != nil && !slices.Contains(refs.teams, t.value) {
				if len(refs.teams) == 0 {
					p.errorf(t.node, t.path, "unknown team %q (no manager has a team)", t.value)
				} else {
					p.errorf(t.node, t.path, "unknown team %q (known: %s)", t.value, strings.Join(refs.teams, ", "))
				}
			}
		}
		r.Teams = values(teams)
	}
	if n, path, ok := f.get("managers"); ok {
		managers := p.stringList(n, path, "manager")
		for _, m := range managers {
			if refs != nil && refs.managers[m.value] == nil {
				p.errorf(m.node, m.path, "unknown manager %q", m.value)
			}
		}
		r.Managers = values(managers)
	}
	if n, path, ok := f.get("targets"); ok {
		if pairs, ok := p.pairs(n, path); ok {
			r.Targets = make(map[string]decimal.Decimal, len(pairs))
			for _, kv := range pairs {
				tp := join(path, kv.key)
				if refs != nil {
					m := refs.managers[kv.key]
					if m == nil {
						p.errorf(kv.keyNode, tp, "unknown manager %q", kv.key)
					} else if !r.AppliesTo(m) {
						p.errorf(kv.keyNode, tp, "the rule does not apply to manager %q (see its teams and managers)", kv.key)
					}
				}
				if isNull(kv.value) {
					p.errorf(kv.keyNode, tp, "target is missing")
					continue
				}
				if d, ok := p.decimalValue(kv.value, tp); ok && targetOK(kv.value, tp, d) {
					r.Targets[kv.key] = d
				}
			}
		}
	}
	return r, true
}

// points reads a rule's points: a whole number within
// ±domain.MaxRulePoints, so that no sum of a period can overflow.
func (p *parser) points(n *yaml.Node, path string) (int, bool) {
	v, ok := p.integer(n, path)
	if ok && (v > domain.MaxRulePoints || v < -domain.MaxRulePoints) {
		p.errorf(n, path, "points must be between -%d and %d, got %d", domain.MaxRulePoints, domain.MaxRulePoints, v)
		return 0, false
	}
	return v, ok
}

// indicatorList names every base a rule may name, for an "unknown
// indicator" message.
func indicatorList() string {
	names := make([]string, len(domain.Bases))
	for i, ind := range domain.Bases {
		names[i] = string(ind)
	}
	return strings.Join(names, ", ")
}

// ownList names a version's own indicators.
func ownList(own []domain.IndicatorDef) string {
	names := make([]string, len(own))
	for i, d := range own {
		names[i] = string(d.ID)
	}
	return strings.Join(names, ", ")
}

// indicators reads a version's own indicators (DESIGN.md section 10), such
// as {id: proposals_sent, from: deal_moves, where: {to_stage: [КП]}}.
func (p *parser) indicators(n *yaml.Node, path string) []domain.IndicatorDef {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	var out []domain.IndicatorDef
	seen := make(map[domain.Indicator]int, len(items))
	for i, item := range items {
		ip := index(path, i)
		f := p.mapping(item, ip, indicatorFields)
		if !f.ok {
			continue
		}
		var d domain.IndicatorDef
		good := true
		if n, path, ok := p.required(f, "id"); ok {
			if id, ok := p.nonEmpty(n, path); ok {
				switch {
				case domain.IsBase(domain.Indicator(id)):
					p.errorf(n, path, "%q is the name of a built-in indicator: choose another id", id)
					good = false
				case !domain.ValidIndicatorID(id):
					p.errorf(n, path, "invalid indicator id %q: use lower-case letters, digits and '_', starting with a letter", id)
					good = false
				default:
					if line, dup := seen[domain.Indicator(id)]; dup {
						p.errorf(n, path, "indicator %q is defined twice (first at line %d)", id, line)
						good = false
					}
					seen[domain.Indicator(id)] = n.Line
				}
				d.ID = domain.Indicator(id)
			} else {
				good = false
			}
		} else {
			good = false
		}
		if n, path, ok := f.get("name"); ok {
			if s, ok := p.str(n, path); ok {
				if utf8.RuneCountInString(s) > maxIndicatorName {
					p.errorf(n, path, "a name of at most %d characters, got %d", maxIndicatorName, utf8.RuneCountInString(s))
				}
				d.Name = strings.TrimSpace(s)
			}
		}
		if n, path, ok := p.required(f, "from"); ok {
			if s, ok := p.nonEmpty(n, path); ok {
				if domain.IsBase(domain.Indicator(s)) {
					d.Base = domain.Indicator(s)
				} else {
					p.errorf(n, path, "unknown base %q (known: %s)", s, indicatorList())
					good = false
				}
			}
		} else {
			good = false
		}
		if n, path, ok := f.get("where"); ok {
			d.Where = p.filter(n, path, d.Base)
		}
		if n, path, ok := f.get("idle_days"); ok {
			if v, ok := p.integer(n, path); ok {
				switch {
				case d.Base != "" && d.Base != domain.DealsIdle:
					p.errorf(n, path, "idle_days applies only to deals_idle, not to %s", d.Base)
				case v < 1 || v > 365:
					p.errorf(n, path, "must be between 1 and 365 days, got %d", v)
				default:
					d.IdleDays = v
				}
			}
		}
		if good {
			out = append(out, d)
		}
	}
	return out
}

// maxIndicatorName bounds an indicator's name: a column header.
const maxIndicatorName = 60

// filter reads an indicator's `where:`; base is the indicator's base, empty
// when it was not read (then only the filter's own form is checked).
func (p *parser) filter(n *yaml.Node, path string, base domain.Indicator) domain.Filter {
	var w domain.Filter
	f := p.mapping(n, path, domain.FilterKeys)
	if !f.ok {
		return w
	}
	applies := func(key string, n *yaml.Node, path string) bool {
		if base == "" || domain.FilterApplies(key, base) {
			return true
		}
		p.errorf(n, path, "filter %s does not apply to %s (it applies to: %s)", key, base, strings.Join(domain.FilterBases(key), ", "))
		return false
	}
	names := func(key string) []string {
		n, path, ok := f.get(key)
		if !ok || !applies(key, n, path) {
			return nil
		}
		items := p.stringList(n, path, "name")
		if len(items) == 0 {
			p.errorf(n, path, "must list at least one name")
		}
		out := values(items)
		for i := range out {
			out[i] = strings.TrimSpace(out[i])
		}
		return out
	}
	w.Pipeline = names("pipeline")
	w.Stage = names("stage")
	w.FromStage = names("from_stage")
	w.ToStage = names("to_stage")
	if n, path, ok := f.get("direction"); ok && applies("direction", n, path) {
		if s, ok := p.str(n, path); ok {
			if s == domain.DirectionIn || s == domain.DirectionOut {
				w.Direction = s
			} else {
				p.errorf(n, path, "invalid direction %q: want in or out", s)
			}
		}
	}
	seconds := func(key string) *int {
		n, path, ok := f.get(key)
		if !ok || !applies(key, n, path) {
			return nil
		}
		v, ok := p.integer(n, path)
		if !ok {
			return nil
		}
		if v < 0 || v > 86400 {
			p.errorf(n, path, "must be between 0 and 86400 seconds, got %d", v)
			return nil
		}
		return &v
	}
	w.MinSeconds = seconds("min_seconds")
	w.MaxSeconds = seconds("max_seconds")
	if n, path, ok := f.get("match_minutes"); ok && applies("match_minutes", n, path) {
		if v, ok := p.integer(n, path); ok {
			if v < 0 || v > domain.MaxMatchMinutes {
				p.errorf(n, path, "must be between 0 and %d minutes, got %d", domain.MaxMatchMinutes, v)
			} else {
				w.MatchMinutes = &v
			}
		}
	}
	if w.MinSeconds != nil && w.MaxSeconds != nil && *w.MaxSeconds < *w.MinSeconds {
		n, path, _ := f.get("max_seconds")
		p.errorf(n, path, "max_seconds (%d) is less than min_seconds (%d)", *w.MaxSeconds, *w.MinSeconds)
	}
	return w
}

// FormatRegulation writes reg as YAML in the format ParseRegulation and
// ParseWorkspace read: a top-level `regulation:` list of versions sorted by
// effective day, each rule on one line in flow style and default points
// left out, so that ParseRegulation(FormatRegulation(reg)) gives reg back.
func FormatRegulation(reg domain.Regulation) []byte {
	versions := &yaml.Node{Kind: yaml.SequenceNode}
	sorted := slices.Clone(reg)
	slices.SortStableFunc(sorted, func(a, b domain.RegulationVersion) int { return a.Effective.Compare(b.Effective) })
	for _, v := range sorted {
		rules := &yaml.Node{Kind: yaml.SequenceNode}
		if len(v.Rules) == 0 {
			rules.Style = yaml.FlowStyle
		}
		for i := range v.Rules {
			rules.Content = append(rules.Content, formatRule(&v.Rules[i]))
		}
		vn := mappingNode(0, "effective", plainNode(v.Effective.String()))
		if len(v.Indicators) > 0 {
			inds := &yaml.Node{Kind: yaml.SequenceNode}
			for i := range v.Indicators {
				inds.Content = append(inds.Content, formatIndicator(&v.Indicators[i]))
			}
			vn.Content = append(vn.Content, stringNode("indicators"), inds)
		}
		vn.Content = append(vn.Content, stringNode("rules"), rules)
		versions.Content = append(versions.Content, vn)
	}
	if len(versions.Content) == 0 {
		versions.Style = yaml.FlowStyle
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{mappingNode(0, "regulation", versions)}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	// Every node is built here from valid UTF-8 strings, so encoding cannot fail.
	if err := enc.Encode(doc); err != nil {
		panic("config: format regulation: " + err.Error())
	}
	_ = enc.Close()
	return b.Bytes()
}

// formatIndicator writes one own indicator as a flow mapping.
func formatIndicator(d *domain.IndicatorDef) *yaml.Node {
	n := mappingNode(yaml.FlowStyle, "id", stringNode(string(d.ID)))
	if d.Name != "" {
		n.Content = append(n.Content, stringNode("name"), stringNode(d.Name))
	}
	n.Content = append(n.Content, stringNode("from"), stringNode(string(d.Base)))
	if !d.Where.IsZero() {
		w := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		for _, kv := range []struct {
			key   string
			names []string
		}{{"pipeline", d.Where.Pipeline}, {"stage", d.Where.Stage}, {"from_stage", d.Where.FromStage}, {"to_stage", d.Where.ToStage}} {
			if len(kv.names) > 0 {
				w.Content = append(w.Content, stringNode(kv.key), listNode(kv.names))
			}
		}
		if d.Where.Direction != "" {
			w.Content = append(w.Content, stringNode("direction"), stringNode(d.Where.Direction))
		}
		if d.Where.MinSeconds != nil {
			w.Content = append(w.Content, stringNode("min_seconds"), plainNode(strconv.Itoa(*d.Where.MinSeconds)))
		}
		if d.Where.MaxSeconds != nil {
			w.Content = append(w.Content, stringNode("max_seconds"), plainNode(strconv.Itoa(*d.Where.MaxSeconds)))
		}
		if d.Where.MatchMinutes != nil {
			w.Content = append(w.Content, stringNode("match_minutes"), plainNode(strconv.Itoa(*d.Where.MatchMinutes)))
		}
		n.Content = append(n.Content, stringNode("where"), w)
	}
	if d.IdleDays != 0 {
		n.Content = append(n.Content, stringNode("idle_days"), plainNode(strconv.Itoa(d.IdleDays)))
	}
	return n
}

// formatRule writes one rule as a flow mapping.
func formatRule(r *domain.Rule) *yaml.Node {
	op := r.Op
	if op == "" {
		op = domain.AtLeast
	}
	n := mappingNode(yaml.FlowStyle,
		"indicator", stringNode(string(r.Indicator)),
		string(op), plainNode(r.Target.String()))
	if r.Pass != domain.DefaultPass {
		n.Content = append(n.Content, stringNode("pass"), plainNode(strconv.Itoa(r.Pass)))
	}
	if r.Fail != domain.DefaultFail {
		n.Content = append(n.Content, stringNode("fail"), plainNode(strconv.Itoa(r.Fail)))
	}
	if len(r.Teams) > 0 {
		n.Content = append(n.Content, stringNode("teams"), listNode(r.Teams))
	}
	if len(r.Managers) > 0 {
		n.Content = append(n.Content, stringNode("managers"), listNode(r.Managers))
	}
	if len(r.Targets) > 0 {
		ids := make([]string, 0, len(r.Targets))
		for id := range r.Targets {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		t := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		for _, id := range ids {
			t.Content = append(t.Content, stringNode(id), plainNode(r.Targets[id].String()))
		}
		n.Content = append(n.Content, stringNode("targets"), t)
	}
	return n
}

// mappingNode builds a mapping from alternating keys and value nodes.
func mappingNode(style yaml.Style, kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: style}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, stringNode(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// stringNode is a string scalar, quoted by the encoder only when its plain
// form would read as another type (a number, a boolean, null).
func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.ToValidUTF8(s, string(utf8.RuneError))}
}

// plainNode is an unquoted scalar: a number or a date.
func plainNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: s}
}

// listNode is a flow list of strings.
func listNode(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, stringNode(s))
	}
	return n
}
