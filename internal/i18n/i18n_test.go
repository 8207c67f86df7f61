package i18n

import (
	"strings"
	"testing"

	"reglament/internal/domain"
)

func TestEveryKeyHasBothLanguages(t *testing.T) {
	for _, k := range Keys() {
		pair := catalog[k]
		if strings.TrimSpace(pair[0]) == "" || strings.TrimSpace(pair[1]) == "" {
			t.Errorf("key %q: want both ru and en texts, got %q", k, pair)
		}
		if strings.Count(pair[0], "%") != strings.Count(pair[1], "%") {
			t.Errorf("key %q: ru and en take different arguments: %q vs %q", k, pair[0], pair[1])
		}
	}
}

func TestEveryIndicatorAndReasonIsTranslated(t *testing.T) {
	reasons := []string{domain.ReasonCounted, domain.ReasonEnteredLate, domain.ReasonDeleted, domain.ReasonNotHeld,
		domain.ReasonTooShort, domain.ReasonLateEntry, domain.ReasonOpenAtCutoff, domain.ReasonHasOpenTask,
		domain.ReasonNoOpenTask, domain.ReasonOverdue, domain.ReasonNotDue,
		domain.ReasonOtherPipeline, domain.ReasonOtherStage, domain.ReasonOtherFromStage, domain.ReasonOtherToStage,
		domain.ReasonNoDeal, domain.ReasonOtherDirection, domain.ReasonTooLong, domain.ReasonMoved, domain.ReasonCreated,
		domain.ReasonCompleted, domain.ReasonIdle, domain.ReasonTouched}
	for _, l := range []Lang{RU, EN} {
		for _, k := range []string{domain.KindCompany, domain.KindDeal, domain.KindTask, domain.KindActivity, domain.KindDealMove} {
			if got := l.T("kind." + k); got == "kind."+k {
				t.Errorf("%s: kind %s has no name", l, k)
			}
		}
		for _, ind := range domain.Bases {
			if got := l.Indicator(ind); got == "ind."+string(ind) {
				t.Errorf("%s: indicator %s has no name", l, ind)
			}
			if got := l.IndicatorShort(ind); got == "short."+string(ind) {
				t.Errorf("%s: indicator %s has no short name", l, ind)
			}
		}
		for _, r := range reasons {
			if got := l.Reason(r); got == "reason."+r {
				t.Errorf("%s: reason %s has no text", l, r)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"ru": RU, "ru_RU.UTF-8": RU, "en_US.UTF-8": EN, "EN": EN} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := Parse("de"); ok {
		t.Errorf("Parse(de): want not ok")
	}
	if got := FromEnv("C.UTF-8"); got != EN {
		t.Errorf("FromEnv(C.UTF-8) = %q, want en", got)
	}
}
