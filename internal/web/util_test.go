package web

import (
	"strconv"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

func mustDate(s string) domain.Date { return domain.MustDate(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func sameDecimal(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}
