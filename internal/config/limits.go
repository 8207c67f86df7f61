package config

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

// What a person writes in a workspace file, bounded (issue 14): a 50 MB
// workspace name took 361 MB of memory, 900 KB names and reasons were
// stored and shown, a rule's target could be a 401-digit number.
const (
	// MaxFileBytes bounds a workspace or regulation file before it is
	// parsed. A company of 500 managers writes about 100 KB.
	MaxFileBytes = 2 << 20
	// MaxNameRunes bounds a name: of the workspace, a manager, a team, a
	// head, an own indicator.
	MaxNameRunes = 200
	// MaxTextRunes bounds a reason (of an absence) and any other text.
	MaxTextRunes = 1000
	// maxValueRunes bounds every other value (an address, a path).
	maxValueRunes = 2048
)

// The formats of this file's problems in Russian.
func init() {
	for k, v := range map[string]string{
		"the file is %d bytes, more than the %d a workspace file may have": "файл занимает %d байт, а файл рабочего пространства может занимать не больше %d",
		"a name of at most %d characters, got %d":                          "название не длиннее %d символов, а указано %d",
		"a text of at most %d characters, got %d":                          "текст не длиннее %d символов, а указано %d",
		"a value of at most %d characters, got %d":                         "значение не длиннее %d символов, а указано %d",
		"a number of at most %s with at most 4 decimals, got %s":           "число не больше %s и не больше 4 знаков после запятой, а указано %s",
	} {
		if _, ok := ruFormats[k]; !ok {
			ruFormats[k] = v
		}
	}
}

// fileSize records a problem for a file over MaxFileBytes, which is then
// not parsed at all.
func (p *parser) fileSize(data []byte) bool {
	if len(data) > MaxFileBytes {
		p.errorf(&yaml.Node{Line: 1}, "", "the file is %d bytes, more than the %d a workspace file may have", len(data), MaxFileBytes)
		return false
	}
	return true
}

// maxNumber bounds every number of a file that no other check bounds (a
// rule's target): what a person writes, and what money and points can
// hold exactly.
var maxNumber = decimal.New(1, 12)

// limits walks the document under root and records a problem, with its
// line, for a name over MaxNameRunes, a reason over MaxTextRunes, any
// other value over maxValueRunes, and a rule's target over 10^12 or with
// more than 4 decimals. A line that has a problem already gets no second
// one.
func (p *parser) limits(root *yaml.Node) {
	has := map[int]bool{}
	for _, pr := range p.problems {
		has[pr.line] = true
	}
	var walk func(n *yaml.Node, path, key string)
	walk = func(n *yaml.Node, path, key string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, index(path, i), key)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				walk(n.Content[i+1], join(path, k), k)
			}
		case yaml.ScalarNode:
			if has[n.Line] {
				return
			}
			runes := utf8.RuneCountInString(n.Value)
			switch {
			case key == "name" && runes > MaxNameRunes:
				p.errorf(n, path, "a name of at most %d characters, got %d", MaxNameRunes, runes)
			case key == "reason" && runes > MaxTextRunes:
				p.errorf(n, path, "a text of at most %d characters, got %d", MaxTextRunes, runes)
			case runes > maxValueRunes:
				p.errorf(n, path, "a value of at most %d characters, got %d", maxValueRunes, runes)
			case slices.Contains(domain.Ops, domain.Op(key)):
				d, err := decimal.NewFromString(strings.TrimSpace(n.Value))
				if err == nil && (d.Abs().GreaterThan(maxNumber) || !d.Equal(d.Round(4))) {
					p.errorf(n, path, "a number of at most %s with at most 4 decimals, got %s", maxNumber.String(), n.Value)
				}
			}
		}
	}
	walk(root, "", "")
}
