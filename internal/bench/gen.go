// Package bench generates deterministic sales-floor data at the sizes of the
// performance issue (S, M, L) and holds the benchmark suite that measures
// reglament on it, on SQLite and PostgreSQL. See docs/benchmarks.md for the
// command and the figures.
package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
)

// Size is one scale of the suite: how many managers, over how many working
// days of history.
type Size struct {
	Name     string
	Managers int
	Days     int
}

// YearDays is the working days of "one year" of history: the 256 weekdays
// ending on LastDay. It is also 16 × the 16 days of the 1× history of the
// scaling benchmark, so the year data set serves as its 16×.
const YearDays = 256

// Sizes are the scales of the performance issue.
var Sizes = map[string]Size{
	"S": {Name: "S", Managers: 20, Days: YearDays},
	"M": {Name: "M", Managers: 200, Days: YearDays},
	"L": {Name: "L", Managers: 1000, Days: YearDays},
}

// LastDay is the last working day with data: the day the benchmarks
// finalize. Now is the evening of that day, after its deadline.
var LastDay = domain.MustDate("2026-11-27")

// Per manager and working day.
const (
	ActivitiesPerDay = 100
	TasksPerDay      = 20
)

var moscow = mustLocation("Europe/Moscow")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Now is the moment the benchmarks stand at: 20:00 on LastDay in Moscow.
func Now() time.Time { return LastDay.In(moscow, 20, 0) }

// Workspace returns the benchmark workspace "bench" of n managers (CRM user
// ids 100000, 100001, …), Monday to Friday with an 18:00 deadline in Moscow,
// and the article's regulation.
func Workspace(n int) *domain.Workspace {
	ws := &domain.Workspace{
		ID: "bench", Name: "bench", Timezone: "Europe/Moscow", Location: moscow,
		Deadline: domain.Clock{Hour: 18}, Grace: 10 * time.Minute, MinCallSeconds: 10,
		Currency: "RUB", PointValue: decimal.NewFromInt(100),
	}
	for d := time.Monday; d <= time.Friday; d++ {
		ws.WorkingWeekdays[d] = true
	}
	for i := range n {
		id := "m" + strconv.Itoa(i)
		ws.Managers = append(ws.Managers, domain.Manager{ID: id, Name: id, CRMIDs: []string{crmID(i)}})
	}
	rule := func(ind domain.Indicator, op domain.Op, target int64) domain.Rule {
		return domain.Rule{Indicator: ind, Op: op, Target: decimal.NewFromInt(target), Pass: 1, Fail: -2}
	}
	ws.Regulation = domain.Regulation{{Effective: domain.MustDate("2024-01-01"), Rules: []domain.Rule{
		rule(domain.CompaniesAdded, domain.AtLeast, 1), rule(domain.MeetingsHeld, domain.AtLeast, 1),
		rule(domain.CallsHeld, domain.AtLeast, 60), rule(domain.DealsWon, domain.AtLeast, 1),
		rule(domain.OverdueTasks, domain.AtMost, 0), rule(domain.DealsWithoutTasks, domain.AtMost, 0),
		rule(domain.LateEntries, domain.AtMost, 0),
	}}}
	return ws
}

func crmID(manager int) string { return strconv.Itoa(100000 + manager) }

// Days returns the last n working days of ws ending on LastDay, oldest first.
func Days(ws *domain.Workspace, n int) []domain.Date {
	days := make([]domain.Date, 0, n)
	for d := LastDay; len(days) < n; d = d.AddDays(-1) {
		if ws.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	for i, j := 0, len(days)-1; i < j; i, j = i+1, j-1 {
		days[i], days[j] = days[j], days[i]
	}
	return days
}

// AppendDay appends to b the records of working day d for every manager of
// ws; age is the number of working days from d to LastDay. The data is a
// function of (age, manager) only, so the last days are the same records
// whether the history is 16 or 256 days long.
//
// Per manager and day: one company; one deal, closed 3 to 30 days later (a
// third won) or still open at Now; 20 tasks on recent deals, most completed
// within two days, one in ten only days after its deadline (overdue
// meanwhile); 100 activities between 09:00 and 18:00, one in ten a meeting,
// mostly held, 3 % entered only the next morning (late entries), 1 %
// deleted later. Nothing happens or is entered after Now. Open deals and
// open tasks stay bounded, as on a real sales floor, so the state
// indicators follow the day's work, not the length of the history.
func AppendDay(b *domain.RecordBatch, ws *domain.Workspace, d domain.Date, age int) {
	now := Now()
	start := d.In(moscow, 9, 0)
	dayKey := fmt.Sprintf("%05d", age)
	for mi := range ws.Managers {
		r := rand.New(rand.NewPCG(uint64(age), uint64(mi)))
		user := crmID(mi)
		key := dayKey + "-" + fmt.Sprintf("%05d", mi)
		meta := func(prefix string, k int) domain.RecordMeta {
			id := prefix + key
			if k >= 0 {
				id += "-" + strconv.Itoa(k)
			}
			return domain.RecordMeta{Source: "bench", ExternalID: id}
		}

		b.Companies = append(b.Companies, domain.Company{RecordMeta: meta("c", -1), Name: "company " + key,
			Responsible: user, CreatedAt: start.Add(time.Duration(r.IntN(8*3600)) * time.Second)})

		deal := domain.Deal{RecordMeta: meta("d", -1), Title: "deal " + key, Responsible: user,
			Amount: decimal.New(int64(r.IntN(10_000_000)), -2), Status: domain.DealOpen,
			CreatedAt: start.Add(time.Duration(r.IntN(3600)) * time.Second)}
		if closed := deal.CreatedAt.Add(time.Duration(3+r.IntN(28))*24*time.Hour + time.Duration(r.IntN(8*3600))*time.Second); closed.Before(now) {
			deal.ClosedAt, deal.Status = closed, domain.DealLost
			if r.IntN(3) == 0 {
				deal.Status = domain.DealWon
			}
		}
		// Where the deal goes, from a stream of its own, so that the
		// records above and below are those of the data sets before deals
		// had pipelines (data version v1).
		rm := rand.New(rand.NewPCG(uint64(age), uint64(mi)|1<<40))
		b.Moves = appendMoves(b.Moves, &deal, rm, meta("mv", -1).ExternalID, now)
		b.Deals = append(b.Deals, deal)

		for k := range TasksPerDay {
			created := start.Add(time.Duration(r.IntN(9*3600)) * time.Second)
			// Tasks belong to the manager's deals of the last ten days.
			dealDay := age + r.IntN(10)
			t := domain.Task{RecordMeta: meta("t", k), Title: "task", Responsible: user,
				DealID:    "d" + fmt.Sprintf("%05d-%05d", dealDay, mi),
				CreatedAt: created, Deadline: created.Add(time.Duration(1+r.IntN(3)) * 24 * time.Hour)}
			completed := created.Add(time.Duration(r.IntN(48*3600)) * time.Second)
			if r.IntN(10) == 0 {
				completed = t.Deadline.Add(time.Duration(1+r.IntN(10*24)) * time.Hour)
			}
			if completed.Before(now) {
				t.CompletedAt = completed
			}
			b.Tasks = append(b.Tasks, t)
		}

		for k := range ActivitiesPerDay {
			happened := start.Add(time.Duration(r.IntN(9*3600)) * time.Second)
			a := domain.Activity{RecordMeta: meta("a", k), Kind: domain.ActivityCall, Responsible: user,
				HappenedAt: happened, EnteredAt: happened.Add(time.Duration(r.IntN(600)) * time.Second),
				DurationSeconds: r.IntN(600), Outcome: domain.OutcomeHeld, DealID: deal.ExternalID}
			if k%10 == 0 {
				a.Kind = domain.ActivityMeeting
			} else {
				a.Direction = domain.DirectionOut
				if rm.IntN(10) < 3 {
					a.Direction = domain.DirectionIn
				}
			}
			switch x := r.IntN(100); {
			case x < 10:
				a.Outcome = domain.OutcomeMissed
			case x < 15:
				a.Outcome = domain.OutcomeCanceled
			}
			if late := happened.Add(16 * time.Hour); r.IntN(100) < 3 && late.Before(now) {
				a.EnteredAt = late
			}
			if del := a.EnteredAt.Add(48 * time.Hour); r.IntN(100) == 0 && del.Before(now) {
				a.DeletedAt = del
			}
			b.Activities = append(b.Activities, a)
		}
	}
}

// Pipelines is the benchmark CRM's catalogue: a sales pipeline with the
// stages a proposal and an invoice go through, and a service pipeline.
var Pipelines = []domain.Pipeline{
	{ID: "10", Name: "Продажи", Stages: []domain.Stage{{ID: "11", Name: "Новая"}, {ID: "12", Name: "КП отправлено"},
		{ID: "13", Name: "Счёт выставлен"}, {ID: "142", Name: "Успешно"}, {ID: "143", Name: "Закрыто и не реализовано"}}},
	{ID: "20", Name: "Сервис", Stages: []domain.Stage{{ID: "21", Name: "Новая"}, {ID: "22", Name: "В работе"},
		{ID: "142", Name: "Успешно"}, {ID: "143", Name: "Закрыто и не реализовано"}}},
}

// appendMoves places deal in a pipeline and appends the moves it makes by
// now: three in four deals are sales, which get a proposal a day to three
// after creation (four in five of them) and an invoice days later (half
// of those); one sales deal in twenty goes over to service; service deals
// go to work the next day; a closed deal moves to its pipeline's won or
// lost stage when it closes. The deal's stored place is where its last
// move took it. Move ids are prefix-1, prefix-2, …
func appendMoves(moves []domain.DealMove, deal *domain.Deal, r *rand.Rand, prefix string, now time.Time) []domain.DealMove {
	sales, service := &Pipelines[0], &Pipelines[1]
	p, st := sales, sales.Stages[0]
	if r.IntN(4) == 0 {
		p, st = service, service.Stages[0]
	}
	deal.PipelineID, deal.Pipeline, deal.StageID, deal.Stage = p.ID, p.Name, st.ID, st.Name
	end := now
	if !deal.ClosedAt.IsZero() {
		end = deal.ClosedAt
	}
	at := deal.CreatedAt
	start := len(moves)
	// Every move is made by end (a closed deal's last is its closing), so
	// by now.
	move := func(to *domain.Pipeline, stage domain.Stage, after time.Duration) {
		at = at.Add(after)
		if !at.Before(end) && !(stage.ID == "142" || stage.ID == "143") {
			return
		}
		m := domain.DealMove{RecordMeta: domain.RecordMeta{Source: deal.Source, ExternalID: prefix + "-" + strconv.Itoa(len(moves)-start+1)},
			DealID: deal.ExternalID, Responsible: deal.Responsible, MovedAt: at,
			PipelineID: to.ID, Pipeline: to.Name, StageID: stage.ID, Stage: stage.Name,
			FromStageID: deal.StageID, FromStage: deal.Stage}
		if to.ID != deal.PipelineID {
			m.FromPipelineID, m.FromPipeline = deal.PipelineID, deal.Pipeline
		}
		moves = append(moves, m)
		deal.PipelineID, deal.Pipeline, deal.StageID, deal.Stage = to.ID, to.Name, stage.ID, stage.Name
	}
	day := func(n int) time.Duration {
		return time.Duration(n)*24*time.Hour + time.Duration(r.IntN(8*3600))*time.Second
	}
	if p == sales {
		if r.IntN(5) < 4 {
			move(sales, sales.Stages[1], day(1+r.IntN(3)))
			if r.IntN(2) == 0 {
				move(sales, sales.Stages[2], day(1+r.IntN(5)))
			}
		}
		if r.IntN(20) == 0 {
			move(service, service.Stages[1], day(1))
		}
	} else {
		move(service, service.Stages[1], day(1))
	}
	if !deal.ClosedAt.IsZero() {
		at = deal.ClosedAt
		final := deal.PipelineID
		to := sales
		if final == service.ID {
			to = service
		}
		stage := to.Stages[len(to.Stages)-1]
		if deal.Status == domain.DealWon {
			stage = to.Stages[len(to.Stages)-2]
		}
		move(to, stage, 0)
	}
	return moves
}

// Populate applies ws and stores the records of days in batches of about
// batchRecords records, each batch through store.UpsertRecords (the path
// every connector takes). It sets the watermark to Now at the end, which
// marks the data set complete. progress, when not nil, is called after each
// batch with the number of days stored.
func Populate(ctx context.Context, s *store.Store, ws *domain.Workspace, days []domain.Date, progress func(done int)) error {
	return PopulateWith(ctx, s, ws, days, func(b *domain.RecordBatch) error {
		_, err := s.UpsertRecords(ctx, ws.ID, b, time.Time{}, "bench", Now())
		return err
	}, progress)
}

// PopulateWith is Populate storing each batch with write, for a faster
// bulk path where the store offers one.
func PopulateWith(ctx context.Context, s *store.Store, ws *domain.Workspace, days []domain.Date,
	write func(*domain.RecordBatch) error, progress func(done int)) error {
	now := Now()
	if _, err := s.ApplyWorkspace(ctx, ws, "bench", now); err != nil {
		return err
	}
	if err := s.ReplacePipelines(ctx, ws.ID, "bench", Pipelines); err != nil {
		return err
	}
	const batchRecords = 200_000
	perDay := len(ws.Managers) * (ActivitiesPerDay + TasksPerDay + 6)
	var b domain.RecordBatch
	for i, d := range days {
		AppendDay(&b, ws, d, len(days)-1-i)
		if b.Len()+perDay <= batchRecords && i < len(days)-1 {
			continue
		}
		if err := write(&b); err != nil {
			return err
		}
		b = domain.RecordBatch{}
		if progress != nil {
			progress(i + 1)
		}
	}
	if _, err := s.UpsertRecords(ctx, ws.ID, &domain.RecordBatch{}, now, "bench", now); err != nil {
		return err
	}
	// A bulk write (COPY) leaves the deals' bounds of their latest
	// activity and task to set once at the end.
	return s.RefreshDealBounds(ctx, ws.ID)
}
