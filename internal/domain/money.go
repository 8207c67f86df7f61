package domain

import (
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"
)

// Money is an exact amount in the workspace currency, shown and serialized
// with two decimals ("1200.00").
type Money struct{ decimal.Decimal }

// NewMoney wraps d rounded to two decimals.
func NewMoney(d decimal.Decimal) Money { return Money{d.Round(2)} }

func (m Money) String() string { return m.StringFixed(2) }

// Format makes every fmt verb print the two-decimal form; without it the
// embedded decimal's own Format would win.
func (m Money) Format(f fmt.State, _ rune) { io.WriteString(f, m.String()) }

// MarshalJSON writes the amount as a decimal string with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(m.StringFixed(2))), nil }

// UnmarshalJSON reads a decimal string or number.
func (m *Money) UnmarshalJSON(b []byte) error { return m.Decimal.UnmarshalJSON(b) }
