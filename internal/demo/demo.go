// Package demo builds the deterministic demo company ООО «Ромашка»: a
// workspace with eight managers whose habits differ, and about sixty days of
// CRM history in which those habits show in the daily control table. The
// demo depends only on its arguments, so tests, the CLI and screenshots see
// the same company.
package demo

import (
	"slices"
	"time"
	// The demo lives in Europe/Moscow and must work on a machine without a
	// zoneinfo database.
	_ "time/tzdata"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// Identifiers of the demo.
const (
	// ID is the id of the demo workspace.
	ID = "demo"
	// Source is the source of every demo record.
	Source = "demo"
	// HistoryDays is how many days before today the demo history starts.
	HistoryDays = 60
	// timezone is the demo's IANA time zone.
	timezone = "Europe/Moscow"
)

// The demo's managers, in the order the day sheet lists them.
const (
	Disciplined   = "anna"   // meets every norm, enters everything in time
	LateEntrant   = "boris"  // enters calls, meetings and companies after the deadline
	HalfCaller    = "viktor" // enters only half of his calls
	OverdueTasker = "galina" // leaves piles of overdue tasks
	Vacationer    = "dmitry" // on vacation for a week in the recent past
	TaskForgetter = "elena"  // leaves deals without a next task
	Closer        = "igor"   // wins big deals, makes fewer calls
	Newcomer      = "ksenia" // average, with a lower call norm
)

// Placement of the dated events relative to today, in days.
const (
	vacationEndAgo      = 3  // the vacation ended at least three days ago…
	vacationWorkingDays = 5  // …and took a working week
	raiseAgo            = 14 // the call norm was raised two weeks ago (from that Monday)
	fallbackHoliday     = 21 // the company's own day off, when no public holiday is in range
)

// Workspace returns the demo workspace "demo" for a demo whose today is
// today, a local date in Europe/Moscow. The calendar, the vacation and the
// regulation versions are placed relative to today, so every demo has a
// holiday, a recent absence and a norm that was raised two weeks ago.
func Workspace(today domain.Date) *domain.Workspace {
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		// Unreachable: time/tzdata embeds the zone.
		panic("demo: load " + timezone + ": " + err.Error())
	}
	ws := &domain.Workspace{
		ID:               ID,
		Name:             "ООО «Ромашка»",
		Timezone:         timezone,
		Location:         loc,
		Deadline:         domain.Clock{Hour: 18},
		Grace:            10 * time.Minute,
		WorkingWeekdays:  [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		Holidays:         holidays(today),
		ExtraWorkingDays: []domain.Date{},
		MinCallSeconds:   10,
		Currency:         "RUB",
		PointValue:       decimal.NewFromInt(200),
		BonusCap:         decimal.NewNullDecimal(decimal.NewFromInt(25000)),
		// A bonus raised or reduced by the points, never a fine from pay
		// (DESIGN.md section 11): the lawful form in Russia.
		Pay:        domain.Pay{Mode: domain.PayBonus, BaseMonth: decimal.NewFromInt(15000), BaseWeek: decimal.NewFromInt(3500)},
		Regulation: regulation(today),
	}
	for _, s := range roster() {
		if s.manager.ID == Vacationer {
			s.manager.Absences = []domain.Absence{vacation(ws, today)}
		}
		// Each manager's extension in the company's telephone exchange,
		// whose log is the second witness of DESIGN.md section 12.
		s.manager.PBXIDs = []string{pbxID(s.manager.CRMIDs[0])}
		ws.Managers = append(ws.Managers, s.manager)
	}
	return ws
}

// vacation returns Dmitry's vacation: the five working days that end on the
// last working day at least three days before today, so it always lies in
// the recent past and always takes a full working week, holidays or not.
func vacation(ws *domain.Workspace, today domain.Date) domain.Absence {
	to := today.AddDays(-vacationEndAgo)
	for !ws.IsWorkingDay(to) {
		to = to.AddDays(-1)
	}
	from := to
	for range vacationWorkingDays - 1 {
		from, _ = ws.PrevWorkingDay(from)
	}
	return domain.Absence{From: from, To: to, Reason: "vacation"}
}

// member is one demo manager and the habits the history gives them.
type member struct {
	manager domain.Manager
	habits  habits
}

// roster returns the demo's managers and their habits; Workspace adds
// Dmitry's vacation, which depends on the calendar.
func roster() []member {
	return []member{
		{
			manager: domain.Manager{ID: Disciplined, Name: "Анна Петрова", Team: "north", CRMIDs: []string{"101"}},
			habits: habits{calls: span{40, 46}, meetings: span{1, 3}, companies: span{1, 3}, newDeals: 0.8,
				amount: span{40000, 250000}, winRate: 0.5, weekendRate: 0.1},
		},
		{
			manager: domain.Manager{ID: LateEntrant, Name: "Борис Смирнов", Team: "north", CRMIDs: []string{"102"}},
			habits: habits{calls: span{30, 40}, meetings: span{1, 2}, companies: span{0, 2}, newDeals: 0.6,
				amount: span{30000, 200000}, winRate: 0.4, entry: enterInEvening, lateTaskRate: 0.02, weekendRate: 0.15},
		},
		{
			manager: domain.Manager{ID: HalfCaller, Name: "Виктор Кузнецов", Team: "north", CRMIDs: []string{"103", "113"}},
			habits: habits{calls: span{36, 44}, callShare: 0.5, meetings: span{1, 2}, companies: span{0, 2}, newDeals: 0.6,
				amount: span{30000, 180000}, winRate: 0.4, lateTaskRate: 0.02, secondID: 0.3},
		},
		{
			manager: domain.Manager{ID: OverdueTasker, Name: "Галина Орлова", Team: "north", CRMIDs: []string{"104"}},
			habits: habits{calls: span{30, 40}, meetings: span{0, 2}, companies: span{0, 2}, newDeals: 0.7,
				amount: span{30000, 200000}, winRate: 0.4, lateTaskRate: 0.5, lostTaskRate: 0.25, maxLateDays: 8},
		},
		{
			manager: domain.Manager{ID: Vacationer, Name: "Дмитрий Волков", Team: "south", CRMIDs: []string{"105"}},
			habits: habits{calls: span{30, 38}, meetings: span{0, 2}, companies: span{0, 2}, newDeals: 0.6,
				amount: span{30000, 200000}, winRate: 0.4, lateTaskRate: 0.03},
		},
		{
			manager: domain.Manager{ID: TaskForgetter, Name: "Елена Соколова", Team: "south", CRMIDs: []string{"106"}},
			habits: habits{calls: span{30, 40}, meetings: span{1, 2}, companies: span{0, 2}, newDeals: 0.8,
				amount: span{30000, 200000}, winRate: 0.4, taskGapRate: 0.55, firstTaskGapRate: 0.5},
		},
		{
			manager: domain.Manager{ID: Closer, Name: "Игорь Морозов", Team: "south", CRMIDs: []string{"107", "117"}},
			habits: habits{calls: span{22, 32}, meetings: span{1, 3}, companies: span{0, 1}, newDeals: 0.5,
				amount: span{250000, 1500000}, winRate: 0.65, eveningCalls: 0.1, weekendRate: 0.2,
				lateTaskRate: 0.04, secondID: 0.3},
		},
		{
			manager: domain.Manager{ID: Newcomer, Name: "Ксения Лебедева", Team: "south", CRMIDs: []string{"108"}},
			habits: habits{calls: span{22, 34}, meetings: span{0, 2}, companies: span{0, 2}, newDeals: 0.5,
				amount: span{20000, 120000}, winRate: 0.35, entry: enterNextMorningSometimes,
				lateTaskRate: 0.06, taskGapRate: 0.06},
		},
	}
}

// regulation returns two versions: the article's nine indicators (and late
// entries) as rules from the start of the history, and a version from the
// Monday of the week two weeks ago that raises the call norm, so the table
// shows that a changed norm never rescores the past. The newcomer has a lower
// call norm through per-manager targets.
func regulation(today domain.Date) domain.Regulation {
	rules := func(calls, newcomerCalls int64) []domain.Rule {
		n := func(v int64) decimal.Decimal { return decimal.NewFromInt(v) }
		rule := func(ind domain.Indicator, op domain.Op, target int64, pass, fail int) domain.Rule {
			return domain.Rule{Indicator: ind, Op: op, Target: n(target), Pass: pass, Fail: fail}
		}
		callsHeld := rule(domain.CallsHeld, domain.AtLeast, calls, domain.DefaultPass, domain.DefaultFail)
		callsHeld.Targets = map[string]decimal.Decimal{Newcomer: n(newcomerCalls)}
		return []domain.Rule{
			rule(domain.CompaniesAdded, domain.AtLeast, 1, domain.DefaultPass, domain.DefaultFail),
			rule(domain.MeetingsHeld, domain.AtLeast, 1, domain.DefaultPass, domain.DefaultFail),
			callsHeld,
			rule(domain.DealsWon, domain.AtLeast, 1, 1, 0),
			rule(domain.DealsLost, domain.AtMost, 2, 0, -1),
			rule(domain.DealsInProgress, domain.AtLeast, 5, domain.DefaultPass, domain.DefaultFail),
			rule(domain.WonAmount, domain.AtLeast, 100000, 2, 0),
			rule(domain.OverdueTasks, domain.AtMost, 0, domain.DefaultPass, domain.DefaultFail),
			rule(domain.DealsWithoutTasks, domain.AtMost, 0, domain.DefaultPass, domain.DefaultFail),
			rule(domain.LateEntries, domain.AtMost, 0, domain.DefaultPass, domain.DefaultFail),
		}
	}
	raised := today.AddDays(-raiseAgo)
	raised = raised.AddDays(-((int(raised.Weekday()) + 6) % 7)) // back to Monday
	// The raised version is also the company's own regulation (DESIGN.md
	// section 10): deals without a task count in the sales pipeline only,
	// a proposal sent earns a point, a sales deal with no sign of life for
	// a week costs one, and long outgoing calls are shown beside the norm.
	own := rules(25, 20)
	for i := range own {
		if own[i].Indicator == domain.DealsWithoutTasks {
			own[i].Indicator = "sales_without_tasks"
		}
	}
	own = append(own,
		domain.Rule{Indicator: "proposals_sent", Op: domain.AtLeast, Target: decimal.NewFromInt(1), Pass: 1, Fail: 0},
		domain.Rule{Indicator: "idle_sales", Op: domain.AtMost, Target: decimal.Zero, Pass: 0, Fail: -1},
		// The telephone exchange as a second witness (DESIGN.md section
		// 12): a conversation the PBX logged that no CRM call matches costs
		// a point, and the conversations and the numbers no contact has
		// are shown beside it.
		domain.Rule{Indicator: domain.CallsUnlogged, Op: domain.AtMost, Target: decimal.Zero, Pass: 0, Fail: -1})
	sixty := 60
	sales := []string{SalesPipeline}
	return domain.Regulation{
		{Effective: today.AddDays(-HistoryDays), Rules: rules(20, 15)},
		{Effective: raised, Rules: own, Indicators: []domain.IndicatorDef{
			{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves,
				Where: domain.Filter{Pipeline: sales, ToStage: []string{"КП отправлено"}}},
			{ID: "sales_without_tasks", Name: "Сделки продаж без задач", Base: domain.DealsWithoutTasks,
				Where: domain.Filter{Pipeline: sales}},
			{ID: "idle_sales", Name: "Без движения 7 дней", Base: domain.DealsIdle, IdleDays: 7,
				Where: domain.Filter{Pipeline: sales}},
			{ID: "long_calls", Name: "Исходящие от 60 с", Base: domain.CallsHeld,
				Where: domain.Filter{Direction: domain.DirectionOut, MinSeconds: &sixty}},
			{ID: "pbx_talks", Name: "Разговоров по АТС", Base: domain.PBXCalls},
			{ID: "unknown_clients", Name: "Номера без контакта", Base: domain.UnknownNumbers},
		}},
	}
}

// russianHolidays are the fixed Russian public holidays (month, day).
var russianHolidays = [...]struct {
	month time.Month
	day   int
}{
	{time.January, 1}, {time.January, 2}, {time.January, 3}, {time.January, 4},
	{time.January, 5}, {time.January, 6}, {time.January, 7}, {time.January, 8},
	{time.February, 23}, {time.March, 8}, {time.May, 1}, {time.May, 9},
	{time.June, 12}, {time.November, 4},
}

// holidays returns the Russian public holidays that fall on a weekday
// between the start of the history and today (both excluded, so that today
// stays a live working day). When none does, the company takes a day off of
// its own three weeks ago (the weekday on or before that day), so that every
// demo shows a holiday.
func holidays(today domain.Date) []domain.Date {
	start := today.AddDays(-HistoryDays)
	days := []domain.Date{}
	for y := start.Year; y <= today.Year; y++ {
		for _, h := range russianHolidays {
			d := domain.Date{Year: y, Month: h.month, Day: h.day}
			if d.After(start) && d.Before(today) && isWeekday(d) {
				days = append(days, d)
			}
		}
	}
	if len(days) == 0 {
		d := today.AddDays(-fallbackHoliday)
		for !isWeekday(d) {
			d = d.AddDays(-1)
		}
		days = append(days, d)
	}
	slices.SortFunc(days, domain.Date.Compare)
	return days
}

func isWeekday(d domain.Date) bool {
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}
