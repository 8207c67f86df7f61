package crm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
)

func TestLimiterSpacesRequestsAfterTheBurst(t *testing.T) {
	clock := crmtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	start := clock.Now()
	l := crm.NewLimiter(2, 5, clock.Now, clock.Sleep)
	var at []time.Duration
	for range 9 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		at = append(at, clock.Now().Sub(start).Round(time.Millisecond))
	}
	want := []time.Duration{0, 0, 0, 0, 0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}
	if diff := cmp.Diff(want, at); diff != "" {
		t.Errorf("request times (-want +got):\n%s", diff)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx); err == nil {
		t.Error("Wait on a canceled context with an empty bucket: got nil error")
	}
}

func TestBackoffDelay(t *testing.T) {
	b := crm.Backoff{Base: time.Second, Max: 8 * time.Second, MaxRetryAfter: time.Minute, Rand: func() float64 { return 0.999999 }}.WithDefaults()
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		if got := b.Delay(attempt, 0); got < want/2 || got > want {
			t.Errorf("Delay(%d) = %s, want within [%s, %s]", attempt, got, want/2, want)
		}
	}
	if got := b.Delay(0, 30*time.Second); got != 30*time.Second {
		t.Errorf("Delay with Retry-After 30s = %s, want 30s", got)
	}
	if got := b.Delay(0, time.Hour); got != time.Minute {
		t.Errorf("Delay with Retry-After 1h = %s, want the cap 1m", got)
	}
	if b.Tries != 6 {
		t.Errorf("default tries = %d, want 6", b.Tries)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":     0,
		"7":    7 * time.Second,
		"soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		if got := crm.ParseRetryAfter(h, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestLenientScalars(t *testing.T) {
	var v struct {
		A, B, C crm.ID
		N, M, K crm.Int
		D, E    crm.Decimal
		Y, F, O crm.Bool
	}
	in := `{"A":"37","B":25813923,"C":null,"N":"12","M":1692861891,"K":"","D":"19999.99","E":1250000,"Y":"Y","F":false,"O":"0"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "37" || v.B != "25813923" || v.C != "" || v.N != 12 || v.M != 1692861891 || v.K != 0 ||
		v.D.String() != "19999.99" || v.E.String() != "1250000" || !bool(v.Y) || bool(v.F) || bool(v.O) {
		t.Errorf("decoded %+v", v)
	}
	var d crm.Decimal
	if err := json.Unmarshal([]byte(`"12,5"`), &d); err == nil {
		t.Error(`Decimal "12,5": got nil error`)
	}
}

func TestKeepFirst(t *testing.T) {
	t1, t2 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	if got := crm.KeepFirstCompletion(domain.Task{CompletedAt: t1}, domain.Task{CompletedAt: t2}); !got.CompletedAt.Equal(t1) {
		t.Errorf("completed, then edited: CompletedAt = %s, want the first %s", got.CompletedAt, t1)
	}
	if got := crm.KeepFirstCompletion(domain.Task{CompletedAt: t1}, domain.Task{}); !got.CompletedAt.IsZero() {
		t.Errorf("reopened: CompletedAt = %s, want zero", got.CompletedAt)
	}
	held := domain.Activity{Kind: domain.ActivityMeeting, Outcome: domain.OutcomeHeld}
	prev, next := held, held
	prev.EnteredAt, next.EnteredAt = t1, t2
	if got := crm.KeepFirstEntry(prev, next); !got.EnteredAt.Equal(t1) {
		t.Errorf("held meeting edited: EnteredAt = %s, want the first %s", got.EnteredAt, t1)
	}
}
