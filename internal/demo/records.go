package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// habits describe how one demo manager works; the history is drawn from them.
type habits struct {
	calls        span    // call attempts on a working day
	callShare    float64 // share of calls entered into the CRM at all; 0 means all
	eveningCalls float64 // share of calls made after the deadline
	meetings     span    // meetings on a working day
	companies    span    // companies added on a working day
	newDeals     float64 // expected new deals on a working day
	amount       span    // deal amounts in roubles
	winRate      float64 // share of closed deals that are won
	entry        entryHabit
	weekendRate  float64 // chance of a few calls on a weekend day

	lateTaskRate     float64 // share of tasks completed after their deadline
	lostTaskRate     float64 // share of tasks never completed
	maxLateDays      int     // how many working days a late task may lag; 0 means 2
	taskGapRate      float64 // share of completed tasks not followed at once by the next one
	firstTaskGapRate float64 // share of new deals left without a first task for a few days
	secondID         float64 // share of records made under the manager's second CRM id
}

// span is an inclusive range of integers.
type span struct{ lo, hi int64 }

func (s span) draw(r *rand.Rand) int64 { return s.lo + r.Int64N(s.hi-s.lo+1) }

// entryHabit says when a manager records calls, meetings and new companies.
type entryHabit int

const (
	enterAtOnce               entryHabit = iota // right after the fact
	enterInEvening                              // in one go after the deadline, rarely the next morning
	enterNextMorningSometimes                   // now and then the afternoon's work the next morning
)

// Records returns the demo's CRM history up to now (truncated to the minute)
// for the workspace ws, which Workspace built: calls, meetings, companies,
// deals and tasks of every demo manager of ws. Nothing in it happened or was
// entered after now; today's work is there up to now, so the live table fills
// up during the day.
//
// The history starts on the earliest effective day of ws's regulation (or
// HistoryDays before today, if that is earlier) and follows ws's calendar
// and absences. Each day's work is drawn from a generator seeded by the
// manager and the date alone, and record ids are made of the same, so for
// one workspace a later now only adds records and carries existing ones on
// (a task gets completed, a deal closed); what happened keeps its id and
// times. A demo database reused on a later day therefore stays consistent
// when it passes the workspace it stored, not a new Workspace(today).
func Records(ws *domain.Workspace, now time.Time) *domain.RecordBatch {
	now = now.Truncate(time.Minute)
	today := ws.Today(now)
	start := today.AddDays(-HistoryDays)
	for _, v := range ws.Regulation {
		if v.Effective.Before(start) {
			start = v.Effective
		}
	}
	g := &generator{ws: ws, now: now, horizon: local(ws, today.AddDays(1), 0, 0)}
	habitsOf := make(map[string]habits)
	for _, s := range roster() {
		habitsOf[s.manager.ID] = s.habits
	}
	var workers []*worker
	for i := range ws.Managers {
		m := &ws.Managers[i]
		h, ok := habitsOf[m.ID]
		if !ok || len(m.CRMIDs) == 0 {
			continue
		}
		workers = append(workers, &worker{g: g, m: m, h: h, seed: seedOf(m.ID), contacted: make(map[int]bool)})
	}
	for d := start; !d.After(today); d = d.AddDays(1) {
		for _, w := range workers {
			w.day(d)
		}
	}
	g.sort()
	return &g.batch
}

// generator collects the records of every manager and drops what lies after now.
type generator struct {
	ws      *domain.Workspace
	now     time.Time
	horizon time.Time // the end of today: nothing later is planned
	batch   domain.RecordBatch
}

// worker draws the history of one manager.
type worker struct {
	g       *generator
	m       *domain.Manager
	h       habits
	seed    uint64
	started bool
	deals   []*dealPlan

	// contacted marks the clients (demo's telephone) already talked to.
	contacted map[int]bool

	// The state of the day being drawn.
	r     *rand.Rand
	date  domain.Date
	seq   map[string]int
	enter func(end time.Time, lag time.Duration) time.Time
}

// dealPlan is the whole life of a deal, decided when it is created; the
// record shows the part of it that has happened by now.
type dealPlan struct {
	deal     domain.Deal
	created  time.Time
	closed   time.Time // zero: stays open
	status   string    // won or lost, once closed
	reopened time.Time // zero: not reopened
	deleted  time.Time // zero: not deleted
	pipeline string    // Продажи or Сервис
	moves    []stageMove
}

// stageMove is one planned change of a deal's stage.
type stageMove struct {
	at       time.Time
	from, to string
}

// openAt reports whether the deal is in progress at t, for linking calls.
func (p *dealPlan) openAt(t time.Time) bool {
	if t.Before(p.created) || (!p.deleted.IsZero() && !t.Before(p.deleted)) {
		return false
	}
	return p.closed.IsZero() || t.Before(p.closed) || (!p.reopened.IsZero() && !t.Before(p.reopened))
}

// day draws the manager's work on local date d.
func (w *worker) day(d domain.Date) {
	w.r = rand.New(rand.NewPCG(w.seed, uint64(d.Year*10000+int(d.Month)*100+d.Day)))
	w.date = d
	w.seq = make(map[string]int)
	switch {
	case w.works(d):
		w.enter = w.entryClock(d)
		if !w.started {
			w.started = true
			w.openingPipeline(d)
		}
		w.calls(d, w.h.calls.draw(w.r), 9*60+5, 17*60+40)
		w.meetings(d)
		w.companies(d)
		w.newDeals(d)
		w.chores(d)
	case w.m.AbsentOn(d) || slices.Contains(w.g.ws.Holidays, d):
		// Nobody works on a holiday or on vacation.
	case w.r.Float64() < w.h.weekendRate:
		w.enter = w.entryClock(d)
		w.calls(d, 2+w.r.Int64N(4), 11*60, 15*60)
	}
}

// works reports whether d is a working day of the manager.
func (w *worker) works(d domain.Date) bool { return w.g.ws.IsWorkingDay(d) && !w.m.AbsentOn(d) }

// afterWorkDays returns the n-th working day of the manager after d.
func (w *worker) afterWorkDays(d domain.Date, n int) domain.Date {
	for i := 1; i <= 400; i++ {
		if x := d.AddDays(i); w.works(x) {
			if n--; n <= 0 {
				return x
			}
		}
	}
	return d.AddDays(n)
}

// clock returns a random instant on local date d between the given minutes
// of the day.
func (w *worker) clock(r *rand.Rand, d domain.Date, fromMinute, toMinute int) time.Time {
	m := fromMinute
	if toMinute > fromMinute {
		m += r.IntN(toMinute - fromMinute)
	}
	return local(w.g.ws, d, m/60, m%60).Add(time.Duration(r.IntN(60)) * time.Second)
}

// crm returns the CRM user id a record is made under.
func (w *worker) crm(r *rand.Rand) string {
	if len(w.m.CRMIDs) > 1 && r.Float64() < w.h.secondID {
		return w.m.CRMIDs[1]
	}
	return w.m.CRMIDs[0]
}

// id returns the next external id of the given prefix for the current day.
func (w *worker) id(prefix string) string {
	w.seq[prefix]++
	return fmt.Sprintf("%s-%s-%s-%d", prefix, w.date, w.m.ID, w.seq[prefix])
}

// entryClock returns how the day's calls, meetings and companies reach the
// CRM: given when a thing ended and the usual lag, it returns when it is
// entered.
func (w *worker) entryClock(d domain.Date) func(end time.Time, lag time.Duration) time.Time {
	atOnce := func(end time.Time, lag time.Duration) time.Time { return end.Add(lag) }
	batch := func(at time.Time) func(time.Time, time.Duration) time.Time {
		return func(time.Time, time.Duration) time.Time {
			at = at.Add(time.Duration(20+w.r.IntN(70)) * time.Second)
			return at
		}
	}
	switch w.h.entry {
	case enterInEvening:
		if w.r.Float64() < 0.85 {
			return batch(w.clock(w.r, d, 19*60, 22*60+30))
		}
		return batch(w.clock(w.r, w.afterWorkDays(d, 1), 9*60+5, 9*60+40))
	case enterNextMorningSometimes:
		if w.r.Float64() < 0.15 {
			late := batch(w.clock(w.r, w.afterWorkDays(d, 1), 9*60+10, 9*60+50))
			afternoon := local(w.g.ws, d, 15, 0)
			return func(end time.Time, lag time.Duration) time.Time {
				if end.After(afternoon) {
					return late(end, lag)
				}
				return atOnce(end, lag)
			}
		}
	}
	return atOnce
}

// calls draws n call attempts between the given minutes of day d.
func (w *worker) calls(d domain.Date, n int64, fromMinute, toMinute int) {
	times := make([]time.Time, n)
	for i := range times {
		if w.r.Float64() < w.h.eveningCalls {
			times[i] = w.clock(w.r, d, 18*60+5, 19*60)
		} else {
			times[i] = w.clock(w.r, d, fromMinute, toMinute)
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	for i, t := range times {
		a := domain.Activity{Kind: domain.ActivityCall, Responsible: w.crm(w.r), HappenedAt: t, Outcome: domain.OutcomeHeld}
		switch x := w.r.Float64(); {
		case x < 0.15:
			a.Outcome = domain.OutcomeMissed
		case x < 0.20:
			a.DurationSeconds = 3 + w.r.IntN(7) // too short to be a conversation
		case x < 0.9:
			a.DurationSeconds = 20 + w.r.IntN(280)
		default:
			a.DurationSeconds = 300 + w.r.IntN(600)
		}
		if w.r.Float64() < 0.5 {
			a.DealID = w.linkDeal(t)
		}
		a.EnteredAt = w.enter(t.Add(time.Duration(a.DurationSeconds)*time.Second), time.Duration(15+w.r.IntN(225))*time.Second)
		if w.r.Float64() < 0.01 {
			a.DeletedAt = a.EnteredAt.Add(time.Duration(1+w.r.IntN(48)) * time.Hour) // a duplicate, removed later
		}
		if w.h.callShare > 0 && w.r.Float64() >= w.h.callShare {
			w.pbxCall(d, i, &a, false)
			continue // made, but never entered into the CRM
		}
		a.ExternalID = w.id("call")
		// Most calls are the manager's own; the direction is drawn from the
		// call's own generator, so the rest of the history stays the same.
		a.Direction = domain.DirectionOut
		if rand.New(rand.NewPCG(seedOf(a.ExternalID), 3)).Float64() < 0.2 {
			a.Direction = domain.DirectionIn
		}
		w.pbxCall(d, i, &a, true)
		w.g.addActivity(a)
	}
}

// meetings draws the day's meetings, held or canceled.
func (w *worker) meetings(d domain.Date) {
	for range w.h.meetings.draw(w.r) {
		start := local(w.g.ws, d, 10, 0).Add(time.Duration(15*w.r.IntN(25)) * time.Minute)
		a := domain.Activity{Kind: domain.ActivityMeeting, Responsible: w.crm(w.r), HappenedAt: start, Outcome: domain.OutcomeHeld}
		if w.r.Float64() < 0.15 {
			a.Outcome = domain.OutcomeCanceled
		} else {
			a.DurationSeconds = (30 + 15*w.r.IntN(5)) * 60
		}
		if w.r.Float64() < 0.7 {
			a.DealID = w.linkDeal(start)
		}
		a.EnteredAt = w.enter(start.Add(time.Duration(a.DurationSeconds)*time.Second), time.Duration(5+w.r.IntN(20))*time.Minute)
		a.ExternalID = w.id("meeting")
		w.g.addActivity(a)
	}
}

// companies draws the companies the manager adds; a company happens and is
// entered at its creation, so a late entrant's companies count a day late.
func (w *worker) companies(d domain.Date) {
	for range w.h.companies.draw(w.r) {
		crm := w.crm(w.r)
		c := domain.Company{Name: companyName(w.r), Responsible: crm, CreatedBy: crm}
		c.CreatedAt = w.enter(w.clock(w.r, d, 9*60+30, 17*60+30), 0)
		if w.r.Float64() < 0.04 {
			c.DeletedAt = c.CreatedAt.Add(time.Duration(1+w.r.IntN(72)) * time.Hour) // a duplicate
		}
		c.ExternalID = w.id("company")
		w.g.addCompany(c)
	}
}

// linkDeal returns a random deal of the manager in progress at t, or "".
func (w *worker) linkDeal(t time.Time) string {
	var open []*dealPlan
	for _, p := range w.deals {
		if p.openAt(t) {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		return ""
	}
	return open[w.r.IntN(len(open))].deal.ExternalID
}

// openingPipeline enters the deals the manager already had when the CRM
// was launched, on their first working day of the history.
func (w *worker) openingPipeline(d domain.Date) {
	for range 6 + w.r.IntN(4) {
		w.deal(w.clock(w.r, d, 9*60, 10*60+30), span{5, 25})
	}
}

// newDeals draws the deals the manager opens on day d.
func (w *worker) newDeals(d domain.Date) {
	for range 2 {
		if w.r.Float64() < w.h.newDeals/2 {
			w.deal(w.clock(w.r, d, 10*60, 17*60), span{3, 20})
		}
	}
}

// deal plans a deal created at created and lasting about life working days,
// and its tasks.
func (w *worker) deal(created time.Time, life span) {
	id := w.id("deal")
	p := &dealPlan{created: created}
	p.deal = domain.Deal{
		RecordMeta:  domain.RecordMeta{ExternalID: id},
		Title:       dealTitle(w.r),
		Responsible: w.crm(w.r),
		Amount:      w.amount(),
	}
	day := w.date
	switch x := w.r.Float64(); {
	case x < 0.03:
		p.deleted = w.clock(w.r, w.afterWorkDays(day, 1+w.r.IntN(2)), 10*60, 17*60) // created by mistake
	case x < 0.15:
		// A deal that stalls and stays open.
	default:
		p.closed = w.clock(w.r, w.afterWorkDays(day, int(life.draw(w.r))), 10*60, 17*60+30)
		p.status = domain.DealLost
		if w.r.Float64() < w.h.winRate {
			p.status = domain.DealWon
		}
		// Closed by mistake and reopened the same afternoon; the CRM keeps
		// the stale closing time.
		if p.closed.In(w.g.ws.Location).Hour() < 14 && w.r.Float64() < 0.06 {
			p.reopened = p.closed.Add(time.Duration(30+w.r.IntN(150)) * time.Minute)
		}
	}
	w.deals = append(w.deals, p)
	w.g.addDeal(p)

	first := created.Add(time.Duration(1+w.r.IntN(10)) * time.Minute)
	if w.r.Float64() < w.h.firstTaskGapRate {
		first = w.clock(w.r, w.afterWorkDays(day, 1+w.r.IntN(3)), 9*60+30, 11*60+30)
	}
	chain := &taskChain{w: w, deal: p, r: rand.New(rand.NewPCG(seedOf(id), 1))}
	end := p.closed
	if !p.deleted.IsZero() {
		end = p.deleted
	}
	chain.run(first, end)
	if !p.reopened.IsZero() {
		chain.run(p.reopened.Add(time.Duration(1+chain.r.IntN(5))*time.Minute), time.Time{})
	}
	w.planStages(p, id)
}

// The demo's pipelines and their stages, in order; the last two of each
// are the won and lost stages.
var (
	salesStages   = []string{"Новая", "Квалификация", "КП отправлено", "Счёт выставлен", "Успешно реализовано", "Закрыто и не реализовано"}
	serviceStages = []string{"Заявка", "В работе", "Выполнено", "Отказ"}
)

// Pipelines are the demo's pipeline names.
const (
	SalesPipeline   = "Продажи"
	ServicePipeline = "Сервис"
)

// planStages places the deal in a pipeline and plans its stage moves: a
// sales deal goes through qualification, a proposal and an invoice as its
// life allows, a service request into work; a close moves it to the won or
// lost stage and a reopening back. It draws from the deal's own generator,
// so the rest of the history is the same whatever it plans.
func (w *worker) planStages(p *dealPlan, id string) {
	r := rand.New(rand.NewPCG(seedOf(id), 2))
	stages := salesStages
	p.pipeline = SalesPipeline
	if r.Float64() < 0.25 {
		stages, p.pipeline = serviceStages, ServicePipeline
	}
	open := stages[:len(stages)-2]
	end := p.closed
	if end.IsZero() || !p.deleted.IsZero() && p.deleted.Before(end) {
		end = p.deleted
	}
	if end.IsZero() {
		end = w.g.horizon
	}
	// Each open stage after the first is reached at an even share of the
	// deal's life, or never when the deal stalls on its way (a deal with no
	// close stalls after its second stage or earlier).
	at := p.created
	step := end.Sub(p.created) / time.Duration(len(open)+1)
	stall := len(open)
	if p.closed.IsZero() {
		stall = 1 + r.IntN(len(open)-1)
	}
	for i := 1; i < len(open) && i <= stall; i++ {
		at = at.Add(step/2 + time.Duration(r.Int64N(int64(step/2)+1)))
		if !at.Before(end) {
			break
		}
		p.moves = append(p.moves, stageMove{at: at, from: open[i-1], to: open[i]})
	}
	if p.closed.IsZero() || !p.deleted.IsZero() && p.deleted.Before(p.closed) {
		return
	}
	last := open[0]
	if n := len(p.moves); n > 0 {
		last = p.moves[n-1].to
	}
	final := stages[len(stages)-1]
	if p.status == domain.DealWon {
		final = stages[len(stages)-2]
	}
	p.moves = append(p.moves, stageMove{at: p.closed, from: last, to: final})
	if !p.reopened.IsZero() {
		p.moves = append(p.moves, stageMove{at: p.reopened, from: final, to: last})
	}
}

// amount draws a deal amount in whole hundreds of roubles, sometimes with kopecks.
func (w *worker) amount() decimal.Decimal {
	rub := w.h.amount.lo + w.r.Int64N((w.h.amount.hi-w.h.amount.lo)/100+1)*100
	kop := [...]int64{0, 0, 0, 0, 50, 50, 90, 25}[w.r.IntN(8)]
	return decimal.New(rub*100+kop, -2)
}

// taskChain plans the tasks of one deal: each completed task is followed by
// the next step until the deal closes. It draws from the deal's own
// generator, so that planning further ahead never changes earlier days.
type taskChain struct {
	w    *worker
	deal *dealPlan
	r    *rand.Rand
	n    int
}

// run plans tasks from t until stop (zero: until the horizon).
func (c *taskChain) run(t, stop time.Time) {
	w, h, p := c.w, c.w.h, c.deal
	for t.Before(w.g.horizon) && (stop.IsZero() || t.Before(stop)) {
		day := domain.DateOf(t.In(w.g.ws.Location))
		due := w.afterWorkDays(day, 1+c.r.IntN(3))
		c.n++
		k := domain.Task{
			RecordMeta:  domain.RecordMeta{ExternalID: fmt.Sprintf("%s-task-%d", p.deal.ExternalID, c.n)},
			Title:       taskTitle(c.r),
			Responsible: w.crm(c.r),
			DealID:      p.deal.ExternalID,
			Deadline:    w.clock(c.r, due, 10*60, 17*60).Truncate(time.Minute),
			CreatedAt:   t,
		}
		k.CompletedAt = w.completion(c.r, due, k.Deadline)
		last := k.CompletedAt.IsZero()
		if !stop.IsZero() && (k.CompletedAt.IsZero() || k.CompletedAt.After(stop)) {
			last = true
			k.CompletedAt = time.Time{}
			// Closing a deal completes its task, unless the manager leaves
			// tasks behind; a deleted deal takes its tasks with it.
			if p.deleted.IsZero() && (h.lostTaskRate == 0 || c.r.Float64() >= 0.5) {
				k.CompletedAt = stop
			}
		}
		if !p.deleted.IsZero() {
			k.DeletedAt = p.deleted
		}
		w.g.addTask(k)
		if last {
			return
		}
		t = k.CompletedAt.Add(time.Duration(c.r.IntN(180)) * time.Second)
		if c.r.Float64() < h.taskGapRate {
			done := domain.DateOf(k.CompletedAt.In(w.g.ws.Location))
			t = w.clock(c.r, w.afterWorkDays(done, 1+c.r.IntN(4)), 9*60+30, 11*60+30)
		}
	}
}

// completion returns when a task due on day due at deadline gets completed
// by the manager, or zero if never.
func (w *worker) completion(r *rand.Rand, due domain.Date, deadline time.Time) time.Time {
	maxLate := w.h.maxLateDays
	if maxLate == 0 {
		maxLate = 2
	}
	switch x := r.Float64(); {
	case x < w.h.lostTaskRate:
		return time.Time{}
	case x < w.h.lostTaskRate+w.h.lateTaskRate:
		return w.clock(r, w.afterWorkDays(due, 1+r.IntN(maxLate)), 9*60+30, 17*60+30)
	default:
		dl := deadline.In(w.g.ws.Location)
		return w.clock(r, due, 9*60, dl.Hour()*60+dl.Minute())
	}
}

// chores draws tasks not linked to a deal: calls back, documents, payments.
func (w *worker) chores(d domain.Date) {
	for range w.r.IntN(3) {
		due := w.afterWorkDays(d, 1+w.r.IntN(2))
		k := domain.Task{
			RecordMeta:  domain.RecordMeta{ExternalID: w.id("task")},
			Title:       taskTitle(w.r),
			Responsible: w.crm(w.r),
			Deadline:    w.clock(w.r, due, 10*60, 17*60).Truncate(time.Minute),
			CreatedAt:   w.clock(w.r, d, 9*60+30, 16*60+30),
		}
		k.CompletedAt = w.completion(w.r, due, k.Deadline)
		w.g.addTask(k)
	}
}

// addActivity keeps an activity that happened and was entered by now.
func (g *generator) addActivity(a domain.Activity) {
	if a.HappenedAt.After(g.now) || a.EnteredAt.After(g.now) {
		return
	}
	a.Source = Source
	a.DeletedAt = g.past(a.DeletedAt)
	a.UpdatedAt = latest(a.EnteredAt, a.DeletedAt)
	g.batch.Activities = append(g.batch.Activities, a)
}

// addCompany keeps a company created by now.
func (g *generator) addCompany(c domain.Company) {
	if c.CreatedAt.After(g.now) {
		return
	}
	c.Source = Source
	c.DeletedAt = g.past(c.DeletedAt)
	c.UpdatedAt = latest(c.CreatedAt, c.DeletedAt)
	g.batch.Companies = append(g.batch.Companies, c)
}

// addTask keeps a task created by now, as it stands now.
func (g *generator) addTask(k domain.Task) {
	if k.CreatedAt.After(g.now) {
		return
	}
	k.Source = Source
	k.CompletedAt = g.past(k.CompletedAt)
	k.DeletedAt = g.past(k.DeletedAt)
	k.UpdatedAt = latest(k.CreatedAt, k.CompletedAt, k.DeletedAt)
	g.batch.Tasks = append(g.batch.Tasks, k)
}

// addDeal keeps a deal created by now, with the status it has now.
func (g *generator) addDeal(p *dealPlan) {
	if p.created.After(g.now) {
		return
	}
	d := p.deal
	d.Source = Source
	d.CreatedAt = p.created
	d.Status = domain.DealOpen
	if c := g.past(p.closed); !c.IsZero() {
		d.Status, d.ClosedAt = p.status, c
		if !g.past(p.reopened).IsZero() {
			d.Status = domain.DealOpen // reopened; ClosedAt stays as the CRM kept it
		}
	}
	d.DeletedAt = g.past(p.deleted)
	d.UpdatedAt = latest(d.CreatedAt, d.ClosedAt, g.past(p.reopened), d.DeletedAt)
	stages := salesStages
	if p.pipeline == ServicePipeline {
		stages = serviceStages
	}
	d.PipelineID, d.Pipeline = p.pipeline, p.pipeline
	d.StageID, d.Stage = stages[0], stages[0]
	for i, m := range p.moves {
		if m.at.After(g.now) {
			break
		}
		d.StageID, d.Stage = m.to, m.to
		d.UpdatedAt = latest(d.UpdatedAt, m.at)
		g.batch.Moves = append(g.batch.Moves, domain.DealMove{
			RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: fmt.Sprintf("%s-move-%d", d.ExternalID, i+1), UpdatedAt: m.at},
			DealID:      d.ExternalID,
			Responsible: d.Responsible,
			MovedAt:     m.at,
			PipelineID:  p.pipeline, Pipeline: p.pipeline,
			StageID: m.to, Stage: m.to,
			FromStageID: m.from, FromStage: m.from,
		})
	}
	g.batch.Deals = append(g.batch.Deals, d)
}

// past returns t if it is not after now, else zero: what has not happened yet
// is not in the CRM.
func (g *generator) past(t time.Time) time.Time {
	if t.After(g.now) {
		return time.Time{}
	}
	return t
}

// sort orders every kind of record by the time it happened, then by id.
func (g *generator) sort() {
	b := &g.batch
	sortByTime(b.Companies, func(c *domain.Company) (time.Time, string) { return c.CreatedAt, c.ExternalID })
	sortByTime(b.Deals, func(d *domain.Deal) (time.Time, string) { return d.CreatedAt, d.ExternalID })
	sortByTime(b.Tasks, func(k *domain.Task) (time.Time, string) { return k.CreatedAt, k.ExternalID })
	sortByTime(b.Activities, func(a *domain.Activity) (time.Time, string) { return a.HappenedAt, a.ExternalID })
	sortByTime(b.Moves, func(m *domain.DealMove) (time.Time, string) { return m.MovedAt, m.ExternalID })
	sortByTime(b.PBXCalls, func(c *domain.PBXCall) (time.Time, string) { return c.StartedAt, c.ExternalID })
	sortByTime(b.Persons, func(p *domain.Person) (time.Time, string) { return p.CreatedAt, p.ExternalID })
}

// sortByTime sorts records by the time and id that key returns.
func sortByTime[T any](s []T, key func(*T) (time.Time, string)) {
	slices.SortFunc(s, func(a, b T) int {
		ta, ia := key(&a)
		tb, ib := key(&b)
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return strings.Compare(ia, ib)
	})
}

// latest returns the latest of the given times.
func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// local returns the instant of hour:minute on local date d in the
// workspace's time zone, in UTC as records store it.
func local(ws *domain.Workspace, d domain.Date, hour, minute int) time.Time {
	return d.In(ws.Location, hour, minute).UTC()
}

// seedOf hashes s into a generator seed.
func seedOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
