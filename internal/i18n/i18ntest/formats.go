// Package i18ntest checks, for the packages that say a file's problems in
// Russian, that every problem has its Russian words.
package i18ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// RequireRussian fails t unless every format literal of the package in the
// current directory has a Russian format in ru with the same verbs in the
// same order. The formats are the string literals passed to the methods
// or functions named in calls, as the argument at the given index, and
// also.
func RequireRussian(t *testing.T, calls map[string]int, ru map[string]string, also ...string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	formats := slices.Clone(also)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr: // a method
				name = fn.Sel.Name
			case *ast.Ident: // a function
				name = fn.Name
			}
			arg, named := calls[name]
			if !named || len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: %s with a format that is not a literal cannot be said in Russian", fset.Position(call.Pos()), name)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			formats = append(formats, s)
			return true
		})
	}
	if len(formats) <= len(also) {
		t.Fatalf("found no format passed to %v; the search is broken", calls)
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, f := range formats {
		r, ok := ru[f]
		if !ok {
			t.Errorf("no Russian for %q", f)
			continue
		}
		if en, rv := verbs.FindAllString(f, -1), verbs.FindAllString(r, -1); !slices.Equal(en, rv) {
			t.Errorf("%q: verbs %v, the Russian %q has %v", f, en, r, rv)
		}
	}
}
