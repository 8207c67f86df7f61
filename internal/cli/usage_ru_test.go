package cli

import (
	"testing"

	"reglament/internal/i18n/i18ntest"
)

// Every usage problem of the command line is said in Russian too.
func TestEveryUsageProblemSaysItInRussian(t *testing.T) {
	i18ntest.RequireRussian(t, map[string]int{"usagef": 0}, ruUsage)
}
