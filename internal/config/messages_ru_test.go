package config

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

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// Every problem a workspace file can have is said in Russian too: each
// format this package passes to errorf has a Russian format with the same
// verbs in the same order.
func TestEveryProblemSaysItInRussian(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var formats []string
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
			if sel, isSel := call.Fun.(*ast.SelectorExpr); !isSel || sel.Sel.Name != "errorf" || len(call.Args) < 3 {
				return true
			}
			lit, ok := call.Args[2].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: errorf with a format that is not a literal cannot be said in Russian", fset.Position(call.Pos()))
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
	if len(formats) < 50 {
		t.Fatalf("found %d errorf formats; the search is broken", len(formats))
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

// A file's problems are said in the reader's language, and the error stays
// invalid input in English for everything else.
func TestProblemsInRussian(t *testing.T) {
	_, err := ParseWorkspace("workspace.yaml", []byte("workspace: Acme!\ntimezone: Mars/Olympus\nmanagers: {anna: 1}\nsurprise: 1\n"))
	var e *Error
	if !errors.As(err, &e) || domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("err = %v; want a config *Error that is invalid input", err)
	}
	en, ru := i18n.ErrorText(err, i18n.EN), i18n.ErrorText(err, i18n.RU)
	if en != err.Error() || domain.ErrorMessage(err) != en {
		t.Errorf("English: Message %q, Error %q, domain message %q; want one text", en, err.Error(), domain.ErrorMessage(err))
	}
	for _, want := range []string{
		`workspace.yaml:1: workspace: неверный id рабочего пространства "Acme!"`,
		`workspace.yaml:2: timezone: неизвестный часовой пояс "Mars/Olympus"`,
		`workspace.yaml:3: managers: нужен список, а здесь поля (mapping)`,
		`workspace.yaml:4: неизвестное поле "surprise"`,
	} {
		if !strings.Contains(ru, want) {
			t.Errorf("Russian problems lack %q:\n%s", want, ru)
		}
	}
	if strings.Contains(ru, "unknown") || strings.Contains(ru, "want") {
		t.Errorf("the Russian problems hold English:\n%s", ru)
	}
}
