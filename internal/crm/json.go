package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// ID is an identifier the CRM sends as a JSON number or a string (both CRMs
// do both). null and "" decode to "".
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*id = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(strings.TrimSpace(s))
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id: %w", err)
		}
		*id = ID(n.String())
	}
	return nil
}

// Int is an integer sent as a number or a string; null, "" and false are 0.
type Int int64

// UnmarshalJSON accepts a number, a numeric string, a boolean or null.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	switch s {
	case "null", "false", `""`:
		*n = 0
		return nil
	case "true":
		*n = 1
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("integer %q: %w", s, err)
	}
	*n = Int(f)
	return nil
}

// Decimal is an exact amount sent as a JSON number or a string decimal. It
// never passes through float64.
type Decimal struct{ decimal.Decimal }

// UnmarshalJSON accepts a number, a decimal string or null (zero).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if s == "null" || s == `""` {
		d.Decimal = decimal.Decimal{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			d.Decimal = decimal.Decimal{}
			return nil
		}
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount %q: %w", s, err)
	}
	d.Decimal = v
	return nil
}

// Bool is a boolean sent as true/false, "Y"/"N", 1/0 or "1"/"0".
type Bool bool

// UnmarshalJSON accepts the spellings both CRMs use.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	switch strings.ToLower(s) {
	case "true", "y", "1", "yes":
		*v = true
	case "false", "n", "0", "no", "", "null":
		*v = false
	default:
		return fmt.Errorf("boolean %q", s)
	}
	return nil
}
