package csvimport

import (
	"errors"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// Every problem a CSV file can have is said in Russian too: each format
// this package passes to add or fail has a Russian format with the same
// verbs in the same order.
func TestEveryProblemSaysItInRussian(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	formats := []string{"too many errors, stopped here"}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := goparser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, isSel := call.Fun.(*ast.SelectorExpr)
			if !isSel || (sel.Sel.Name != "add" && sel.Sel.Name != "fail") || len(call.Args) < 2 {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: %s with a format that is not a literal cannot be said in Russian", fset.Position(call.Pos()), sel.Sel.Name)
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
	if len(formats) < 15 {
		t.Fatalf("found %d formats; the search is broken", len(formats))
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, f := range formats {
		ru, ok := ruFormats[f]
		if !ok {
			t.Errorf("no Russian for %q", f)
			continue
		}
		if en, r := verbs.FindAllString(f, -1), verbs.FindAllString(ru, -1); !slices.Equal(en, r) {
			t.Errorf("%q: verbs %v, the Russian %q has %v", f, en, ru, r)
		}
	}
}

// A CSV file's problems are said in the reader's language; the error is
// invalid input in English for everything else.
func TestProblemsInRussian(t *testing.T) {
	csv := "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
		"a1,call,101,yesterday,2026-11-16 10:00,5,held,,\n" +
		"a1,call,101,2026-11-16 10:00,2026-11-16 10:00,-5,held,,\n"
	_, err := Parse(Activities, "calls.csv", strings.NewReader(csv), time.UTC)
	var e *Error
	if !errors.As(err, &e) || domain.ErrorCode(err) != domain.EINVALID || domain.ErrorMessage(err) != err.Error() {
		t.Fatalf("err = %v; want a csvimport *Error that is invalid input", err)
	}
	ru := i18n.ErrorText(err, i18n.RU)
	for _, want := range []string{
		`calls.csv:2: колонка happened_at: неверное время "yesterday"`,
		`calls.csv:3: колонка external_id: external id "a1" повторяется (впервые в строке 2)`,
		`calls.csv:3: колонка duration_seconds: не может быть отрицательным`,
	} {
		if !strings.Contains(ru, want) {
			t.Errorf("Russian problems lack %q:\n%s", want, ru)
		}
	}
	if en := i18n.ErrorText(err, i18n.EN); en != err.Error() || !strings.Contains(en, "calls.csv:2: column happened_at: invalid time") {
		t.Errorf("English problems:\n%s", en)
	}
}
