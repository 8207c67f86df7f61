package i18n

import (
	"testing"

	"reglament/internal/domain"
)

func TestTelephonyKeysOnce(t *testing.T) {
	if len(telephonyDuplicates) > 0 {
		t.Errorf("keys defined both in telephony.go and the main catalog: %q", telephonyDuplicates)
	}
	for k, v := range telephonyCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: want both Russian and English", k)
		}
	}
	for _, l := range []Lang{RU, EN} {
		for _, r := range []string{domain.ReasonInternal, domain.ReasonLogged, domain.ReasonUnlogged,
			domain.ReasonUnknownNumber, domain.ReasonKnownNumber, domain.ReasonIgnoredPhone, domain.ReasonNoPhone} {
			if got := l.Reason(r); got == "reason."+r {
				t.Errorf("%s: reason %s has no text", l, r)
			}
		}
		for _, k := range []string{domain.KindPBXCall, domain.KindPerson, domain.KindPhone} {
			if got := l.T("kind." + k); got == "kind."+k {
				t.Errorf("%s: kind %s has no name", l, k)
			}
		}
	}
}

func TestUnlogged(t *testing.T) {
	for _, c := range []struct {
		l    Lang
		n    int
		want string
	}{
		{RU, 1, "1\u00a0разговор не внесён в CRM"},
		{RU, 3, "3\u00a0разговора не внесены в CRM"},
		{RU, 11, "11\u00a0разговоров не внесены в CRM"},
		{EN, 1, "1\u00a0conversation not in the CRM"},
		{EN, 3, "3\u00a0conversations not in the CRM"},
	} {
		if got := c.l.Unlogged(c.n); got != c.want {
			t.Errorf("%s Unlogged(%d) = %q, want %q", c.l, c.n, got, c.want)
		}
	}
}
