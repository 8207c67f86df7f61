package config

import (
	"errors"
	"strings"
	"testing"

	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/i18n/i18ntest"
)

// Every problem a workspace file can have is said in Russian too: each
// format this package passes to errorf has a Russian format with the same
// verbs in the same order.
func TestEveryProblemSaysItInRussian(t *testing.T) {
	i18ntest.RequireRussian(t, map[string]int{"errorf": 2}, ruFormats)
}

// A file's problems are said in the reader's language, and the error stays
// invalid input in English for everything else.
func TestProblemsInRussian(t *testing.T) {
	_, err := ParseWorkspace("workspace.yaml", []byte("workspace: Acme!\ntimezone: Mars/Olympus\nmanagers: {anna: 1}\nsurprise: 1\n"))
	var e *i18n.FileError
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
