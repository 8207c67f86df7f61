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
	versionFields = []string{"effective", "rules"}
	ruleFields    = []string{"indicator", "at_least", "at_most", "equals", "pass", "fail", "teams", "managers", "targets"}
	opList        = "at_least, at_most, equals"
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
		if n, path, ok := p.required(f, "rules"); ok {
			if rules, ok := p.list(n, path); ok {
				for j, rule := range rules {
					if r, ok := p.rule(rule, index(path, j), refs); ok {
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

// rule reads one rule, such as {indicator: calls_held, at_least: 30}.
func (p *parser) rule(n *yaml.Node, path string, refs *managerRefs) (domain.Rule, bool) {
	f := p.mapping(n, path, ruleFields)
	if !f.ok {
		return domain.Rule{}, false
	}
	r := domain.Rule{Pass: domain.DefaultPass, Fail: domain.DefaultFail}
	if n, path, ok := p.required(f, "indicator"); ok {
		if s, ok := p.str(n, path); ok {
			if ind, ok := domain.ParseIndicator(s); ok {
				r.Indicator = ind
			} else {
				p.errorf(n, path, "unknown indicator %q (known: %s)", s, indicatorList())
			}
		}
	}

	// targetOK checks a target: counts are whole numbers, only won_amount
	// is an amount of money.
	targetOK := func(n *yaml.Node, path string, d decimal.Decimal) bool {
		if r.Indicator != "" && r.Indicator != domain.WonAmount && !d.IsInteger() {
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
		r.Pass, _ = p.integer(n, path)
	}
	if n, path, ok := f.get("fail"); ok {
		r.Fail, _ = p.integer(n, path)
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

// indicatorList names every indicator, for an "unknown indicator" message.
func indicatorList() string {
	names := make([]string, len(domain.Indicators))
	for i, ind := range domain.Indicators {
		names[i] = string(ind)
	}
	return strings.Join(names, ", ")
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
		versions.Content = append(versions.Content, mappingNode(0,
			"effective", plainNode(v.Effective.String()),
			"rules", rules))
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
