package config

import (
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

// payVersionFields are the keys of an item of pay_versions: the pay
// settings of the top level, from an effective date.
var payVersionFields = []string{"effective", "currency", "point_value", "caps", "pay"}

// payItem is one item of pay_versions as written: the settings it gives
// (nil: kept from the version before it).
type payItem struct {
	effective domain.Date
	currency  *string
	point     *decimal.Decimal
	caps      *[2]decimal.NullDecimal // bonus, fine
	pay       *domain.Pay
}

// payVersions reads `pay_versions:`, the pay settings that take effect
// later than the top level's (the version from the start). A version
// leaves out what it keeps of the one before it: `caps: {}` removes the
// caps, `pay: {mode: points}` returns to points.
func (p *parser) payVersions(n *yaml.Node, path string, start domain.PayVersion) []domain.PayVersion {
	nodes, ok := p.list(n, path)
	if !ok {
		return nil
	}
	var items []payItem
	seen := make(map[domain.Date]int)
	for i, node := range nodes {
		f := p.mapping(node, index(path, i), payVersionFields)
		if !f.ok {
			continue
		}
		var it payItem
		if n, path, ok := p.required(f, "effective"); ok {
			if d, ok := p.date(n, path); ok {
				if line, dup := seen[d]; dup {
					p.errorf(n, path, "duplicate effective date %s (first at line %d)", d, line)
				}
				seen[d] = n.Line
				it.effective = d
			}
		}
		if n, path, ok := f.get("currency"); ok {
			if s, ok := p.str(n, path); ok {
				if !currencyPattern.MatchString(s) {
					p.errorf(n, path, "invalid currency %q: want a three-letter upper-case code such as RUB", s)
				}
				it.currency = &s
			}
		}
		if n, path, ok := f.get("point_value"); ok {
			if d, ok := p.amount(n, path); ok {
				it.point = &d
			}
		}
		if n, path, ok := f.get("caps"); ok {
			it.caps = &[2]decimal.NullDecimal{}
			cf := p.mapping(n, path, capsFields)
			for k, key := range []string{"bonus", "fine"} {
				if n, path, ok := cf.get(key); ok {
					if d, ok := p.amount(n, path); ok {
						it.caps[k] = decimal.NewNullDecimal(d)
					}
				}
			}
		}
		if n, path, ok := f.get("pay"); ok {
			pay := p.pay(n, path)
			it.pay = &pay
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b payItem) int { return a.effective.Compare(b.effective) })
	out := make([]domain.PayVersion, 0, len(items)+1)
	out = append(out, start)
	prev := start
	for _, it := range items {
		v := prev
		v.Effective = it.effective
		if it.currency != nil {
			v.Currency = *it.currency
		}
		if it.point != nil {
			v.PointValue = *it.point
		}
		if it.caps != nil {
			v.BonusCap, v.FineCap = it.caps[0], it.caps[1]
		}
		if it.pay != nil {
			v.Pay = *it.pay
		}
		out = append(out, v)
		prev = v
	}
	return out
}

// adjustmentLimit reads `adjustment_limit:`, the most points a manager's
// adjustments of one day may add up to, either way.
func (p *parser) adjustmentLimit(n *yaml.Node, path string) int {
	v, ok := p.integer(n, path)
	if !ok {
		return 0
	}
	if v < 1 || v > domain.MaxAdjustmentPoints {
		p.errorf(n, path, "must be between 1 and %d points, got %d", domain.MaxAdjustmentPoints, v)
		return 0
	}
	return v
}

// formatPay adds the pay settings of ws to root: the version from the
// start as the top level's currency, point_value, caps and pay, the later
// versions as pay_versions, each written in full.
func formatPay(root *yaml.Node, ws *domain.Workspace) {
	h := ws.PayHistory()
	start := h[0]
	root.Content = append(root.Content, stringNode("currency"), stringNode(start.Currency),
		stringNode("point_value"), plainNode(start.PointValue.String()))
	if start.BonusCap.Valid || start.FineCap.Valid {
		root.Content = append(root.Content, stringNode("caps"), capsNode(start))
	}
	if start.Pay.Mode == domain.PayBonus {
		root.Content = append(root.Content, stringNode("pay"), payNode(start.Pay))
	}
	if ws.AdjustmentLimit != 0 {
		root.Content = append(root.Content, stringNode("adjustment_limit"), plainNode(strconv.Itoa(ws.AdjustmentLimit)))
	}
	if len(h) == 1 {
		return
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, v := range h[1:] {
		list.Content = append(list.Content, mappingNode(yaml.FlowStyle,
			"effective", plainNode(v.Effective.String()),
			"currency", stringNode(v.Currency),
			"point_value", plainNode(v.PointValue.String()),
			"caps", capsNode(v),
			"pay", payNode(v.Pay)))
	}
	root.Content = append(root.Content, stringNode("pay_versions"), list)
}

func capsNode(v domain.PayVersion) *yaml.Node {
	caps := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	if v.BonusCap.Valid {
		caps.Content = append(caps.Content, stringNode("bonus"), plainNode(v.BonusCap.Decimal.String()))
	}
	if v.FineCap.Valid {
		caps.Content = append(caps.Content, stringNode("fine"), plainNode(v.FineCap.Decimal.String()))
	}
	return caps
}

func payNode(pay domain.Pay) *yaml.Node {
	if pay.Mode != domain.PayBonus {
		return mappingNode(yaml.FlowStyle, "mode", stringNode(domain.PayPoints))
	}
	base := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	base.Content = append(base.Content, stringNode("month"), plainNode(pay.BaseMonth.String()),
		stringNode("week"), plainNode(pay.BaseWeek.String()))
	return mappingNode(yaml.FlowStyle, "mode", stringNode(domain.PayBonus), "base", base)
}
