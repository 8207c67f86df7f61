package web

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Today says where the day stands in time (issue 13, items 7 and 8):
// before the deadline the head sees the pace of the day, not who is "below
// zero" at 09:15; between the deadline and the freeze it says the deadline
// passed and when the sheet freezes; after, that it froze; on a day off it
// shows the working day today's records go to.
func TestTodaySaysTimeAndPace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		head := env.login("head@acme.example")
		moscow := mustLocation(t, "Europe/Moscow")
		for _, c := range []struct {
			at        time.Time
			want, not []string
		}{
			{time.Date(2026, 11, 20, 9, 15, 0, 0, moscow),
				[]string{"Сегодня, пятница, 20 ноября", "до дедлайна 18:00", "таблица замрёт в 18:10", `id="pace-done"`, "выполнили всё · в темпе · отстают"},
				[]string{`id="atrisk"`, "в минусе", "дедлайн 18:00 прошёл"}},
			{time.Date(2026, 11, 20, 15, 30, 0, 0, moscow),
				[]string{"до дедлайна 18:00", `id="pace-behind"`},
				[]string{`id="atrisk"`}},
			{time.Date(2026, 11, 20, 18, 5, 0, 0, moscow),
				[]string{"дедлайн 18:00 прошёл", "таблица замрёт в 18:10: записи, внесённые до этого, ещё засчитываются", `id="atrisk"`},
				[]string{"до дедлайна", `id="pace"`}},
			{time.Date(2026, 11, 20, 18, 15, 0, 0, moscow),
				[]string{"таблица заморожена", "в 18:10: баллы дня окончательные"},
				[]string{"до дедлайна", "прошёл"}},
			{time.Date(2026, 11, 22, 12, 0, 0, 0, moscow),
				[]string{"Сегодня, понедельник, 23 ноября", `id="instead"`, "идёт в таблицу за понедельник, 23 ноября", `id="sheet"`, "до дедлайна 18:00"},
				[]string{"Сегодня нерабочий день"}},
		} {
			env.clock.mu.Lock()
			env.clock.t = c.at
			env.clock.mu.Unlock()
			_, body := head.get("/w/acme/today")
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: Today lacks %q", c.at.Format("Mon 15:04"), w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("%s: Today says %q", c.at.Format("Mon 15:04"), n)
				}
			}
		}
	})
}

func TestPace(t *testing.T) {
	calls := func(n int64, passed bool, extra ...domain.RuleOutcome) *domain.SheetLine {
		l := &domain.SheetLine{Rules: append([]domain.RuleOutcome{{Indicator: domain.CallsHeld, Op: domain.AtLeast,
			Target: decimal.NewFromInt(40), Passed: passed}}, extra...)}
		l.Values.SetCount(domain.CallsHeld, n)
		return l
	}
	overdue := domain.RuleOutcome{Indicator: domain.OverdueTasks, Op: domain.AtMost, Passed: false}
	for _, c := range []struct {
		name    string
		line    *domain.SheetLine
		elapsed float64
		want    paceState
	}{
		{"no call at the start of the day", calls(0, false), 0, paceOnTrack},
		{"a quarter of the norm a fifth into the day", calls(10, false), 0.2, paceOnTrack},
		{"a quarter of the norm half into the day", calls(10, false), 0.5, paceBehind},
		{"the norm met", calls(40, true), 0.5, paceDone},
		{"an overdue task whatever the hour", calls(40, true, overdue), 0.01, paceBehind},
	} {
		if got := pace(c.line, c.elapsed); got != c.want {
			t.Errorf("%s: pace %d, want %d", c.name, got, c.want)
		}
	}
}

// A manager's checklist (issue 13, item 10) puts the most points at stake
// first, says what can still be won today, and groups overdue tasks by
// how long overdue they are.
func TestChecklistByStake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		_, body := env.login("anna@acme.example").get("/w/acme/today")
		list := body[strings.Index(body, `id="checklist"`):]
		list = list[:strings.Index(list, "</section>")]
		if !strings.Contains(list, `id="can-win"`) {
			t.Errorf("the checklist does not say what can still be won:\n%s", list)
		}
		last := 1 << 30
		for _, part := range strings.Split(list, "на кону ")[1:] {
			n := 0
			for _, r := range part {
				if r < '0' || r > '9' {
					break
				}
				n = n*10 + int(r-'0')
			}
			if n > last {
				t.Errorf("a rule with %d at stake follows one with %d:\n%s", n, last, list)
			}
			last = n
		}
		if last == 1<<30 {
			t.Errorf("no rule at stake:\n%s", list)
		}
	})
}

func TestOverdueByAge(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	task := func(id string, due time.Time) domain.Evidence { return domain.Evidence{ExternalID: id, Happened: due} }
	groups := overdueByAge([]domain.Evidence{
		task("later today", now.Add(3*time.Hour)), task("an hour", now.Add(-time.Hour)),
		task("two days", now.Add(-48*time.Hour)), task("a month", now.Add(-30*24*time.Hour)), task("eight days", now.Add(-8*24*time.Hour)),
	}, now)
	var got []string
	for _, g := range groups {
		var ids []string
		for _, e := range g.Tasks {
			ids = append(ids, e.ExternalID)
		}
		got = append(got, g.Span+": "+strings.Join(ids, ", "))
	}
	want := []string{"week: a month, eight days", "days: two days", "today: an hour, later today"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("groups %q, want %q", got, want)
	}
}

// The wall's board of the day names its day and when it freezes; on a
// Sunday it is Monday's, not Friday's (issue 13, item 8).
func TestWallNamesItsDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		wall := env.login("wall@acme.example")
		moscow := mustLocation(t, "Europe/Moscow")
		for _, c := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2026, 11, 20, 12, 0, 0, 0, moscow), "Сегодня · пятница, 20 ноября · таблица замрёт в 18:10"},
			{time.Date(2026, 11, 20, 19, 0, 0, 0, moscow), "Сегодня · пятница, 20 ноября · итог дня"},
			{time.Date(2026, 11, 22, 12, 0, 0, 0, moscow), "понедельник, 23 ноября · таблица замрёт в 18:10"},
		} {
			env.clock.mu.Lock()
			env.clock.t = c.at
			env.clock.mu.Unlock()
			_, body := wall.get("/w/acme/wall")
			if !strings.Contains(body, `<h2 id="wall-day">`+c.want+`</h2>`) {
				i := strings.Index(body, `id="wall-day"`)
				t.Errorf("%s: the wall's day says %.120q, want %q", c.at.Format("Mon 15:04"), body[max(0, i):], c.want)
			}
		}
	})
}
