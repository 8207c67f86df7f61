package i18n

import (
	"testing"
	"time"

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

// A why line of a telephone base says the CRM call that matched a PBX
// call, or the nearest and why not, and a number's talk time and holder.
func TestTelephonyBecause(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Moscow")
	ws := &domain.Workspace{Location: loc, MinCallSeconds: 10}
	at := time.Date(2026, 11, 16, 7, 2, 0, 0, time.UTC)
	ten := 10
	def := &domain.IndicatorDef{ID: "u", Base: domain.CallsUnlogged, Where: domain.Filter{MatchMinutes: &ten}}
	crm := func(reason string) *domain.CallMatch {
		return &domain.CallMatch{Reason: reason, Kind: domain.KindActivity, ExternalID: "a1", Happened: at,
			Entered: at.Add(9 * time.Hour), Phone: "+7 912 000-00-01"}
	}
	for _, c := range []struct {
		d    *domain.IndicatorDef
		e    domain.Evidence
		want string
	}{
		{nil, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonLogged, Match: crm("")},
			"внесён в CRM · звонок в CRM #a1, 16 ноября 2026, 10:02, +7 912 000-00-01"},
		{def, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonUnlogged, Seconds: 95, Match: crm(domain.MatchTooFar)},
			"не внесён в CRM · разговор 95 с · ближайший звонок в CRM #a1, 16 ноября 2026, 10:02, +7 912 000-00-01 — дальше 10 мин"},
		{nil, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonUnlogged, Seconds: 95, Match: crm(domain.MatchEnteredLate)},
			"не внесён в CRM · разговор 95 с · ближайший звонок в CRM #a1, 16 ноября 2026, 10:02, +7 912 000-00-01 внесён после дедлайна (16 ноября 2026, 19:02)"},
		{nil, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonUnlogged, Seconds: 20, Match: &domain.CallMatch{Reason: domain.MatchNone}},
			"не внесён в CRM · разговор 20 с · звонков в CRM рядом нет"},
		{nil, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonTooShort, Seconds: 5}, "короче 10 с (5 с)"},
		{nil, domain.Evidence{Kind: domain.KindPBXCall, Reason: domain.ReasonInternal}, "внутренний звонок"},
		{nil, domain.Evidence{Kind: domain.KindPhone, Reason: domain.ReasonUnknownNumber, Seconds: 90,
			Match: &domain.CallMatch{Reason: domain.MatchEnteredLate, Kind: domain.KindPerson, Title: "Пётр", Entered: at.Add(10 * time.Hour)}},
			"номера нет ни у одного контакта и компании · разговоры 90 с всего · контакт «Пётр» внесён после дедлайна (16 ноября 2026, 20:02)"},
		{nil, domain.Evidence{Kind: domain.KindPhone, Reason: domain.ReasonKnownNumber, Match: &domain.CallMatch{Kind: domain.KindCompany, Title: "ООО Два"}},
			"номер есть в CRM: компания «ООО Два»"},
		{nil, domain.Evidence{Kind: domain.KindPhone, Reason: domain.ReasonTooShort, Seconds: 5}, "короче 30 с (5 с)"},
	} {
		if got := RU.Because(ws, c.d, &c.e); got != c.want {
			t.Errorf("Because(%s %s):\n got %q\nwant %q", c.e.Kind, c.e.Reason, got, c.want)
		}
	}
}
