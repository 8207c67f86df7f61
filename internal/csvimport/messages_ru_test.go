package csvimport

import (
	"errors"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/i18n/i18ntest"
)

// Every problem a CSV file can have is said in Russian too: each format
// this package passes to add or fail has a Russian format with the same
// verbs in the same order.
func TestEveryProblemSaysItInRussian(t *testing.T) {
	i18ntest.RequireRussian(t, map[string]int{"add": 1, "fail": 1, "stopAt": 2}, ruFormats, "too many errors, stopped here")
}

// A CSV file's problems are said in the reader's language; the error is
// invalid input in English for everything else.
func TestProblemsInRussian(t *testing.T) {
	csv := "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
		"a1,call,101,yesterday,2026-11-16 10:00,5,held,,\n" +
		"a1,call,101,2026-11-16 10:00,2026-11-16 10:00,-5,held,,\n"
	_, err := Parse(Activities, "calls.csv", strings.NewReader(csv), time.UTC)
	var e *i18n.FileError
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

// A file a Russian Excel saved in its default Windows-1251 is told, in
// Russian, how to save it instead.
func TestEncodingInRussian(t *testing.T) {
	tests := []struct{ data, want string }{
		{companiesHeader + "c1," + cp1251 + ",101,,2026-11-16 10:00,\n",
			"companies.csv:2: колонка name: файл не в UTF-8: сохраните как «CSV UTF-8» (Excel по умолчанию сохраняет CSV в Windows-1251)"},
		{companiesHeader + "c1,Acme\x00,101,,2026-11-16 10:00,\n",
			"companies.csv:2: колонка name: нулевой байт (NUL): файл не в UTF-8 (UTF-16?): сохраните как «CSV UTF-8»"},
	}
	for _, tt := range tests {
		_, err := Parse(Companies, "companies.csv", strings.NewReader(tt.data), time.UTC)
		if got := i18n.ErrorText(err, i18n.RU); got != tt.want {
			t.Errorf("got %q; want %q", got, tt.want)
		}
	}
}
