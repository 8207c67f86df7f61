// Package config reads a workspace — its calendar, deadline, managers and
// versioned regulation — from the YAML format that `reglament apply`
// accepts, and writes a regulation back in the same format.
//
// Every problem is reported with the file, the line and the field path, for
// example
//
//	workspace.yaml:14: managers[1].id: duplicate manager "anna" (first at line 9)
//
// and all problems of a file are reported at once, so that a head of sales
// fixes a file in one pass rather than one error at a time.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// maxProblems bounds how many problems one error lists; past it the message
// says how many more there are.
const maxProblems = 50

// maxAliases bounds how many YAML aliases a file may dereference, so that a
// small file of nested aliases cannot expand into an enormous document.
const maxAliases = 1000

// problem is one error found in a file, at a line and column: the field
// path and the message, kept as its format and arguments so that it can be
// said in each language (parser.text).
type problem struct {
	line, column int
	path         string
	format       string
	args         []any
}

// text says the problem in lang: the Russian format of ruFormats when
// there is one, with the arguments that are phrases (describe) in Russian
// too; else in English.
func (pr problem) text(lang i18n.Lang) string {
	format, args := pr.format, pr.args
	if lang == i18n.RU {
		if ru, ok := ruFormats[format]; ok {
			format = ru
			args = slices.Clone(args)
			for i, a := range args {
				if ph, ok := a.(phrase); ok {
					if ru, ok := ruPhrases[ph]; ok {
						args[i] = ru
					}
				}
			}
		}
	}
	msg := fmt.Sprintf(format, args...)
	if pr.path != "" {
		msg = pr.path + ": " + msg
	}
	return msg
}

// text says every problem in lang, one a line, prefixed with the file and
// line.
func (p *parser) text(lang i18n.Lang) string {
	var b strings.Builder
	shown := p.problems[:min(len(p.problems), maxProblems)]
	for i, pr := range shown {
		if i > 0 {
			b.WriteByte('\n')
		}
		if pr.line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", p.file, pr.line, pr.text(lang))
		} else {
			fmt.Fprintf(&b, "%s: %s", p.file, pr.text(lang))
		}
	}
	if more := len(p.problems) - len(shown); more > 0 {
		text := fmt.Sprintf("and %d more problems", more)
		if lang == i18n.RU {
			text = fmt.Sprintf("и ещё проблем: %d", more)
		}
		fmt.Fprintf(&b, "\n%s: %s", p.file, text)
	}
	return b.String()
}

// parser walks a decoded YAML node tree and collects problems instead of
// stopping at the first one.
type parser struct {
	file     string
	problems []problem
	aliases  int
}

// errorf records a problem at node n for the field at path.
func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	pr := problem{path: path, format: format, args: args}
	if n != nil {
		pr.line, pr.column = n.Line, n.Column
	}
	p.problems = append(p.problems, pr)
}

// err returns every recorded problem as one *i18n.FileError, in file
// order, or nil when there is none.
func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(p.problems, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.column, b.column))
	})
	return i18n.NewFileError(p.text)
}

var syntaxErrorPattern = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document decodes data and returns its top-level mapping, or nil after
// recording a problem.
func (p *parser) document(data []byte) *yaml.Node {
	if !p.fileSize(data) {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(&yaml.Node{Line: 1}, "", "empty document")
		} else {
			p.syntaxError(err)
		}
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		p.errorf(&next, "", "only one YAML document is allowed")
		return nil
	} else if !errors.Is(err, io.EOF) {
		p.syntaxError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		p.errorf(&yaml.Node{Line: 1}, "", "empty document")
		return nil
	}
	root := p.resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "want a mapping of fields at the top level, got %s", describe(root))
		return nil
	}
	return root
}

// syntaxError records a YAML syntax error, keeping the line it names.
func (p *parser) syntaxError(err error) {
	if m := syntaxErrorPattern.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.errorf(&yaml.Node{Line: line}, "", "invalid YAML: %s", m[2])
		return
	}
	p.errorf(nil, "", "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// resolve follows aliases to the node they name. Past maxAliases it records
// a problem once and returns an empty node.
func (p *parser) resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		p.aliases++
		if p.aliases > maxAliases {
			if p.aliases == maxAliases+1 {
				p.errorf(n, "", "too many aliases (more than %d)", maxAliases)
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
		}
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an empty value (`key:` or `key: null`),
// which counts as absent.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n is, for "want X, got Y" messages.
func describe(n *yaml.Node) phrase {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return phrase(strconv.Quote(n.Value))
	}
	return "something else"
}

// phrase is an argument of a problem that is itself words (describe), said
// in Russian through ruPhrases.
type phrase string

// fields is the content of a YAML mapping with a fixed set of keys.
type fields struct {
	node   *yaml.Node
	path   string
	ok     bool // the node was a mapping
	values map[string]*yaml.Node
}

// get returns the value of key and its path; ok is false when the key is
// absent or its value is empty.
func (f fields) get(key string) (*yaml.Node, string, bool) {
	n, ok := f.values[key]
	if !ok || isNull(n) {
		return nil, "", false
	}
	return n, join(f.path, key), true
}

// mapping reads n as a mapping whose keys must be among known. Unknown and
// repeated keys are recorded as problems.
func (p *parser) mapping(n *yaml.Node, path string, known []string) fields {
	f := fields{node: n, path: path, values: make(map[string]*yaml.Node, len(known))}
	pairs, ok := p.pairs(n, path)
	if !ok {
		return f
	}
	f.ok = true
	for _, kv := range pairs {
		if !slices.Contains(known, kv.key) {
			p.errorf(kv.keyNode, path, "unknown field %q (known: %s)", kv.key, strings.Join(known, ", "))
			continue
		}
		f.values[kv.key] = kv.value
	}
	return f
}

// pair is one key and value of a mapping.
type pair struct {
	key     string
	keyNode *yaml.Node
	value   *yaml.Node
}

// pairs reads n as a mapping with scalar keys, recording a problem for a
// repeated key (keeping the first). ok is false when n is not a mapping.
func (p *parser) pairs(n *yaml.Node, path string) ([]pair, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping, got %s", describe(n))
		return nil, false
	}
	out := make([]pair, 0, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.resolve(n.Content[i]), p.resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "want a field name, got %s", describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, join(path, k.Value), "field given twice (first at line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, keyNode: k, value: v})
	}
	return out, true
}

// required is get that records a problem when the key is missing.
func (p *parser) required(f fields, key string) (*yaml.Node, string, bool) {
	n, path, ok := f.get(key)
	if !ok && f.ok {
		at := f.node
		if v, present := f.values[key]; present {
			at = v
		}
		p.errorf(at, join(f.path, key), "required field is missing")
	}
	return n, path, ok
}

// list reads n as a sequence and returns its items with aliases resolved.
// ok is false when n is not a sequence.
func (p *parser) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list, got %s", describe(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = p.resolve(c)
	}
	return items, true
}

// str reads n as a single value. YAML numbers are accepted as their text,
// so that `crm_ids: [101]` means "101".
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, path, "want a single value, got %s", describe(n))
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return n.Value, true
}

// nonEmpty is str that records a problem for an empty value.
func (p *parser) nonEmpty(n *yaml.Node, path string) (string, bool) {
	s, ok := p.str(n, path)
	if ok && strings.TrimSpace(s) == "" {
		p.errorf(n, path, "must not be empty")
		return "", false
	}
	return s, ok
}

// listItem is a single value read from a list, with where it was written.
type listItem struct {
	value string
	node  *yaml.Node
	path  string
}

// stringList reads n as a list of non-empty single values, recording a
// problem for a value given twice (keeping the first).
func (p *parser) stringList(n *yaml.Node, path string, what phrase) []listItem {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	out := make([]listItem, 0, len(items))
	seen := make(map[string]int, len(items))
	for i, item := range items {
		ip := index(path, i)
		s, ok := p.nonEmpty(item, ip)
		if !ok {
			continue
		}
		if line, dup := seen[s]; dup {
			p.errorf(item, ip, "%s %q listed twice (first at line %d)", what, s, line)
			continue
		}
		seen[s] = item.Line
		out = append(out, listItem{value: s, node: item, path: ip})
	}
	return out
}

// values returns the values of items.
func values(items []listItem) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.value
	}
	return out
}

// integer reads n as a whole number.
func (p *parser) integer(n *yaml.Node, path string) (int, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		p.errorf(n, path, "invalid whole number %q", s)
		return 0, false
	}
	return v, true
}

// decimalValue reads n as a non-negative exact decimal, written as a YAML number
// or a string ("150000.50").
func (p *parser) decimalValue(n *yaml.Node, path string) (decimal.Decimal, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return decimal.Decimal{}, false
	}
	if tag := n.ShortTag(); tag != "!!int" && tag != "!!float" && tag != "!!str" {
		p.errorf(n, path, "invalid decimal %q", s)
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		p.errorf(n, path, "invalid decimal %q", s)
		return decimal.Decimal{}, false
	}
	if d.IsNegative() {
		p.errorf(n, path, "must not be negative, got %s", s)
		return decimal.Decimal{}, false
	}
	return d, true
}

// date reads n as a YYYY-MM-DD date.
func (p *parser) date(n *yaml.Node, path string) (domain.Date, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return domain.Date{}, false
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		p.errorf(n, path, "invalid date %q: want YYYY-MM-DD", s)
		return domain.Date{}, false
	}
	return d, true
}

// dates reads n as a list of dates, recording a problem for a date given
// twice. It returns each date with the node it came from, sorted by date.
func (p *parser) dates(n *yaml.Node, path string) []datedNode {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	out := make([]datedNode, 0, len(items))
	seen := make(map[domain.Date]int, len(items))
	for i, item := range items {
		ip := index(path, i)
		d, ok := p.date(item, ip)
		if !ok {
			continue
		}
		if line, dup := seen[d]; dup {
			p.errorf(item, ip, "date %s listed twice (first at line %d)", d, line)
			continue
		}
		seen[d] = item.Line
		out = append(out, datedNode{date: d, node: item, path: ip})
	}
	slices.SortFunc(out, func(a, b datedNode) int { return a.date.Compare(b.date) })
	return out
}

// datedNode is a date read from a list, with where it was written.
type datedNode struct {
	date domain.Date
	node *yaml.Node
	path string
}

// join appends a field name to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
