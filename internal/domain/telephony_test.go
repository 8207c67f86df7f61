package domain

import "testing"

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct{ in, country, want string }{
		{"+7 (912) 345-67-89", "", "79123456789"},
		{"8 912 345 67 89", "", "79123456789"},
		{"9123456789", "", "79123456789"},
		{"9123456789", "375", "3759123456789"},
		{"+44 20 7946 0958", "", "442079460958"},
		{"101", "", "101"},
		{"—", "", ""},
	} {
		if got := NormalizePhone(c.in, c.country); got != c.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, want %q", c.in, c.country, got, c.want)
		}
	}
}
