// Package jobs runs reglament's daily rhythm on River, a job queue kept in
// the same database as everything else (PostgreSQL or SQLite). A planner
// runs every minute and inserts the events that have come due as unique
// jobs, so each reminder, finalization, digest and statement happens once
// however many instances run and however often they plan.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"reglament/internal/crmlink"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/notify"
	"reglament/internal/schedule"
	"reglament/internal/store"
)

// Recipient is whom a delivery is for: one manager, one head (by name), the
// workspace's webhook channel, or — with Head set and no name — everyone
// who receives the head's messages.
//
// Jobs always address one person or the webhook: a message for the heads
// is fanned out into one delivery per head and one for the webhook when it
// is queued (see Runner.deliverLater), so that a retry after one of them
// failed never repeats the ones that succeeded.
type Recipient struct {
	Head    bool   `json:"head,omitempty"`
	Name    string `json:"name,omitempty"` // the head's name, with Head
	Webhook bool   `json:"webhook,omitempty"`
	Manager string `json:"manager,omitempty"`
}

// String names the recipient for logs.
func (r Recipient) String() string {
	switch {
	case r.Manager != "":
		return "manager " + r.Manager
	case r.Webhook:
		return "webhook"
	case r.Name != "":
		return "head " + r.Name
	default:
		return "heads"
	}
}

// Notifier delivers a message, composed in every language, to a recipient
// through that person's channel in their language. It returns nil when the
// person has no channel or opted out, and a notify.DeliveryError otherwise.
type Notifier interface {
	Deliver(ctx context.Context, ws *domain.Workspace, to Recipient, msgs map[i18n.Lang]notify.Message) error
}

// Config wires the runner.
type Config struct {
	Engine   *engine.Engine
	Notifier Notifier
	// Schedule is the default rhythm (zero: schedule.DefaultConfig); a
	// workspace's own reminders and statements_at win over it.
	Schedule schedule.Config
	Logger   *slog.Logger
	// Lookback is how far back the planner looks on every run; events in
	// it that already ran are skipped by uniqueness. It covers downtime.
	Lookback time.Duration
	// PollInterval is how often idle workers look for jobs.
	PollInterval time.Duration
	// Telegram, when set, polls the bot's updates and answers them (one
	// process at a time; see telegram.go).
	Telegram *TelegramConfig

	// CRM syncs the workspaces that have a CRM connection: every sync_every
	// of their connection (SyncEvery when unset, default 5 min) and before
	// each finalization. Nil: no syncing.
	CRM       CRM
	PBX       PBX // the telephone exchange's call log, synced with the CRM (pbx.go); nil: none
	SyncEvery time.Duration
	// SyncTimeout bounds a sync (default 2 min), so that an unreachable CRM
	// does not hold a finalization hostage: the day is then frozen stale.
	SyncTimeout time.Duration
	// PlanEvery is how often the planner runs (default 1 min). Tests that
	// move a process's clock by minutes plan more often.
	PlanEvery time.Duration
	// ManualPlan leaves planning to the caller's Plan: no planner runs by
	// itself, not even on start. For tests that move the clock and count
	// what each Plan queues, which a planner run on start, landing after
	// the clock moved, would take from them.
	ManualPlan bool
	// JobTimeout and RescueStuckJobsAfter are River's (defaults 1 min and
	// 1 h): a job still running after RescueStuckJobsAfter — its process
	// died — is retried by another instance. RescueStuckJobsAfter must
	// exceed the longest job's timeout (a finalization: SyncTimeout +
	// JobTimeout), or a live job would be run twice.
	JobTimeout           time.Duration
	RescueStuckJobsAfter time.Duration
	// ID names this process in the jobs table (attempted_by); default
	// River's host name and start time.
	ID string
}

// Runner owns the River client. Start it once per process; Stop waits for
// running jobs.
type Runner struct {
	cfg    Config
	client *river.Client[*sql.Tx]
	// store and crmLocks serve lockCRM.
	store    *store.Store
	crmLocks crmLocks
}

// retention keeps finished jobs longer than the planner looks back, so that
// a replanned event always finds its job and is skipped.
const retention = 8 * 24 * time.Hour

// New migrates River's tables in the store's database and builds the client.
func New(ctx context.Context, s *store.Store, cfg Config) (*Runner, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Lookback == 0 {
		cfg.Lookback = 7 * 24 * time.Hour
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.SyncEvery <= 0 {
		cfg.SyncEvery = DefaultSyncEvery
	}
	if cfg.SyncTimeout <= 0 {
		cfg.SyncTimeout = DefaultSyncTimeout
	}
	if cfg.PlanEvery <= 0 {
		cfg.PlanEvery = time.Minute
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = river.JobTimeoutDefault
	}
	if longest := cfg.SyncTimeout + cfg.JobTimeout; cfg.RescueStuckJobsAfter != 0 && cfg.RescueStuckJobsAfter <= longest {
		return nil, fmt.Errorf("jobs: RescueStuckJobsAfter %s must exceed the longest job's timeout %s (sync timeout + job timeout)", cfg.RescueStuckJobsAfter, longest)
	}
	var driver riverdriver.Driver[*sql.Tx]
	switch s.Dialect() {
	case store.Postgres:
		driver = riverdatabasesql.New(s.DB())
	default:
		driver = riversqlite.New(s.DB())
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quiet(cfg.Logger)})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrator: %w", err)
	}
	if err := migrateOnce(ctx, s, migrator); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, store: s}
	workers := river.NewWorkers()
	river.AddWorker(workers, &planWorker{r: r})
	river.AddWorker(workers, &reminderWorker{r: r})
	river.AddWorker(workers, &finalizeWorker{r: r})
	river.AddWorker(workers, &statementWorker{r: r})
	river.AddWorker(workers, &deliverWorker{r: r})
	addTelegramWorker(workers, r)
	addSyncWorkers(workers, r)
	var periodic []*river.PeriodicJob
	if !cfg.ManualPlan {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.PlanEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PlanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	r.client, err = river.NewClient(driver, &river.Config{
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:                     workers,
		Logger:                      quiet(cfg.Logger),
		PollOnly:                    true,
		FetchPollInterval:           cfg.PollInterval,
		FetchCooldown:               cfg.PollInterval / 2,
		CompletedJobRetentionPeriod: retention,
		MaxAttempts:                 10,
		ID:                          cfg.ID,
		Middleware:                  []rivertype.Middleware{&completeAtOnce{r: r}},
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.RescueStuckJobsAfter,
		PeriodicJobs:                periodic,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: client: %w", err)
	}
	r.addTelegramPeriodic()
	return r, nil
}

// quiet passes River's warnings and errors on and drops its chatter.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{l.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

// Start starts working jobs until Stop.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop stops fetching jobs and waits for the running ones.
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }

// Client exposes the River client to tests and the web's status page.
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }

func (r *Runner) now() time.Time { return r.cfg.Engine.Now() }

// unique makes a job unique by its arguments for as long as finished jobs
// are kept.
var unique = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// Plan inserts every event that has come due for every workspace. It is what
// the periodic planner job runs; tests call it directly at a chosen moment.
func (r *Runner) Plan(ctx context.Context) (inserted int, err error) {
	workspaces, err := r.cfg.Engine.Store.ListWorkspaces(ctx)
	if err != nil {
		return 0, err
	}
	now := r.now()
	for _, ws := range workspaces {
		for _, e := range schedule.Due(ws, r.cfg.Schedule, now.Add(-r.cfg.Lookback), now) {
			var args river.JobArgs
			switch e.Kind {
			case schedule.Reminder:
				args = ReminderArgs{Workspace: e.Workspace, Day: e.Day.String(), OffsetMinutes: int(e.Offset / time.Minute)}
			case schedule.Finalize:
				args = FinalizeArgs{Workspace: e.Workspace, Day: e.Day.String()}
			case schedule.WeekStatement, schedule.MonthStatement:
				args = StatementArgs{Workspace: e.Workspace, Period: e.Period}
			default:
				continue
			}
			res, err := r.client.Insert(ctx, args, unique)
			if err != nil {
				return inserted, fmt.Errorf("jobs: plan %s: %w", e.Key(), err)
			}
			if !res.UniqueSkippedAsDuplicate {
				inserted++
			}
		}
		planned, err := r.planSync(ctx, ws, now)
		if err != nil {
			return inserted, err
		}
		if planned {
			inserted++
		}
	}
	return inserted, nil
}

// PlanArgs is the periodic planner.
type PlanArgs struct{}

// Kind implements river.JobArgs.
func (PlanArgs) Kind() string { return "plan" }

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	r *Runner
}

func (w *planWorker) Work(ctx context.Context, _ *river.Job[PlanArgs]) error {
	_, err := w.r.Plan(ctx)
	return err
}

// ReminderArgs warns the managers at risk before a deadline.
type ReminderArgs struct {
	Workspace     string `json:"workspace"`
	Day           string `json:"day"`
	OffsetMinutes int    `json:"offset_minutes"`
}

// Kind implements river.JobArgs.
func (ReminderArgs) Kind() string { return "reminder" }

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	r *Runner
}

// Work computes the live sheet once and fans out one delivery job per
// manager at risk, so that a failed delivery is retried alone.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	a := job.Args
	ws, day, err := w.r.load(ctx, a.Workspace, a.Day)
	if err != nil {
		return err
	}
	now := w.r.now()
	cutoff := ws.Cutoff(day)
	if !now.Before(cutoff) {
		return nil // the deadline passed while the job waited: a late warning only annoys
	}
	win := ws.Window(day)
	data, err := w.r.cfg.Engine.Store.LoadDay(ctx, ws.ID, win)
	if err != nil {
		return err
	}
	sheet := domain.BuildSheet(ws, day, data)
	// The records a manager can act on before the deadline: deals without
	// a task and overdue tasks, and the same narrowed by an own indicator
	// (sales deals without a task, say).
	actionable := make(map[domain.Indicator]bool)
	for _, def := range ws.IndicatorsAt(day) {
		actionable[def.ID] = def.Base == domain.DealsWithoutTasks || def.Base == domain.OverdueTasks
	}
	evidence := make(map[string]map[domain.Indicator][]domain.Evidence)
	domain.Evaluate(ws, win, data, func(e domain.Evidence) {
		if e.Manager == "" || !e.Counted || !actionable[e.Indicator] {
			return
		}
		if evidence[e.Manager] == nil {
			evidence[e.Manager] = make(map[domain.Indicator][]domain.Evidence)
		}
		evidence[e.Manager][e.Indicator] = append(evidence[e.Manager][e.Indicator], e)
	})
	left := cutoff.Sub(now)
	for i := range sheet.Lines {
		line := &sheet.Lines[i]
		m, ok := ws.Manager(line.Manager)
		if !ok || line.Absent {
			continue
		}
		gaps := notify.GapsOn(ws, day, line, evidence[line.Manager], func(e domain.Evidence) string { return crmlink.Record(ws.CRM, e) })
		msgs := make(map[i18n.Lang]notify.Message)
		for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
			if msg, ok := notify.Reminder(lang, ws, m, gaps, left); ok {
				msgs[lang] = msg
			}
		}
		if len(msgs) == 0 {
			continue // compliant: not disturbed
		}
		key := fmt.Sprintf("%s/reminder/%s/%dm/%s", ws.ID, day, a.OffsetMinutes, m.ID)
		if err := w.r.deliverLater(ctx, key, ws, Recipient{Manager: m.ID}, msgs); err != nil {
			return err
		}
	}
	return nil
}

// FinalizeArgs freezes a day's sheet and sends the head's digest.
type FinalizeArgs struct {
	Workspace string `json:"workspace"`
	Day       string `json:"day"`
}

// Kind implements river.JobArgs.
func (FinalizeArgs) Kind() string { return "finalize" }

type finalizeWorker struct {
	river.WorkerDefaults[FinalizeArgs]
	r *Runner
}

// schedulerActor is who the ledger says finalized a day the scheduler froze.
const schedulerActor = "scheduler"

// Timeout leaves room for the sync that comes first.
func (w *finalizeWorker) Timeout(*river.Job[FinalizeArgs]) time.Duration {
	return w.r.cfg.SyncTimeout + w.r.cfg.JobTimeout
}

// Work syncs the workspace's CRM so that the data reaches the cutoff (for
// at most SyncTimeout: past it the day is frozen stale and the digest says
// so), finalizes the day (idempotent in the ledger) and inserts the digest
// delivery, unique per day: a retry after a crash between the steps finds
// the sheet it froze itself and still sends exactly one digest.
func (w *finalizeWorker) Work(ctx context.Context, job *river.Job[FinalizeArgs]) error {
	ws, day, err := w.r.load(ctx, job.Args.Workspace, job.Args.Day)
	if err != nil {
		return err
	}
	w.r.syncBeforeFinalize(ctx, ws, day)
	res, err := w.r.cfg.Engine.Finalize(ctx, ws.ID, day, schedulerActor)
	if err != nil {
		return err
	}
	if !res.Created && res.Sheet.RequestedBy != schedulerActor {
		// Finalized by hand (snapshot, demo) before the scheduler came to it:
		// whoever did it has seen the sheet, and a late digest is noise.
		return nil
	}
	if res.Sheet.Stale {
		w.r.cfg.Logger.Warn("day finalized with stale CRM data", "workspace", ws.ID, "day", day, "watermark", res.Sheet.Watermark)
	}
	msgs := map[i18n.Lang]notify.Message{
		i18n.RU: notify.Digest(i18n.RU, ws, res.Sheet),
		i18n.EN: notify.Digest(i18n.EN, ws, res.Sheet),
	}
	return w.r.deliverLater(ctx, fmt.Sprintf("%s/digest/%s", ws.ID, day), ws, Recipient{Head: true}, msgs)
}

// StatementArgs sends a period's statement: the whole table to the head,
// each manager their own line.
type StatementArgs struct {
	Workspace string `json:"workspace"`
	Period    string `json:"period"`
}

// Kind implements river.JobArgs.
func (StatementArgs) Kind() string { return "statement" }

type statementWorker struct {
	river.WorkerDefaults[StatementArgs]
	r *Runner
}

func (w *statementWorker) Work(ctx context.Context, job *river.Job[StatementArgs]) error {
	ws, err := w.r.cfg.Engine.Workspace(ctx, job.Args.Workspace)
	if err != nil {
		return err
	}
	p, err := domain.ParsePeriod(job.Args.Period)
	if err != nil {
		return river.JobCancel(err)
	}
	st, err := w.r.cfg.Engine.Statement(ctx, ws.ID, p)
	if err != nil {
		return err
	}
	compose := func(manager string) map[i18n.Lang]notify.Message {
		return map[i18n.Lang]notify.Message{
			i18n.RU: notify.Statement(i18n.RU, ws, st, manager),
			i18n.EN: notify.Statement(i18n.EN, ws, st, manager),
		}
	}
	base := fmt.Sprintf("%s/statement/%s/", ws.ID, p.Label)
	if err := w.r.deliverLater(ctx, base+"head", ws, Recipient{Head: true}, compose("")); err != nil {
		return err
	}
	for _, m := range ws.Managers {
		if err := w.r.deliverLater(ctx, base+m.ID, ws, Recipient{Manager: m.ID}, compose(m.ID)); err != nil {
			return err
		}
	}
	return nil
}

// DeliverArgs is one message to one person. Only Key takes part in
// uniqueness: the same message is never sent twice.
type DeliverArgs struct {
	Key       string                       `json:"key" river:"unique"`
	Workspace string                       `json:"workspace"`
	To        Recipient                    `json:"to"`
	Messages  map[i18n.Lang]notify.Message `json:"messages"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "deliver" }

// deliverLater queues msgs for to under key. A message for the heads
// becomes one job per head ("key/head:NAME") and one for the webhook
// ("key/webhook"), each unique, so that each person gets it exactly once
// even when another's delivery fails and is retried; a workspace with
// neither heads nor webhook gets one job for Recipient{Head: true}, which
// the notifier logs or drops.
func (r *Runner) deliverLater(ctx context.Context, key string, ws *domain.Workspace, to Recipient, msgs map[i18n.Lang]notify.Message) error {
	type job struct {
		key string
		to  Recipient
	}
	jobs := []job{{key, to}}
	if n := ws.Notifications; to.Head && to.Name == "" && !to.Webhook && (len(n.Heads) > 0 || n.WebhookURL != "") {
		jobs = jobs[:0]
		for _, h := range n.Heads {
			jobs = append(jobs, job{key + "/head:" + h.Name, Recipient{Head: true, Name: h.Name}})
		}
		if n.WebhookURL != "" {
			jobs = append(jobs, job{key + "/webhook", Recipient{Webhook: true}})
		}
	}
	for _, j := range jobs {
		_, err := r.client.Insert(ctx, DeliverArgs{Key: j.key, Workspace: ws.ID, To: j.to, Messages: msgs}, unique)
		if err != nil {
			return fmt.Errorf("jobs: queue delivery %s: %w", j.key, err)
		}
	}
	return nil
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	r *Runner
}

// Work delivers; a temporary failure is retried (after the channel's own
// retry-after when it gave one), a permanent one or the last attempt's is
// logged, recorded for the heads to see (Settings → failed deliveries) and
// dropped.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	ws, err := w.r.cfg.Engine.Workspace(ctx, job.Args.Workspace)
	if err != nil {
		return err
	}
	// Every attempt of the delivery carries its key, for receivers that
	// can drop a repeat (notify.Message.Key).
	msgs := make(map[i18n.Lang]notify.Message, len(job.Args.Messages))
	for lang, m := range job.Args.Messages {
		m.Key = job.Args.Key
		msgs[lang] = m
	}
	err = w.r.cfg.Notifier.Deliver(ctx, ws, job.Args.To, msgs)
	var d *notify.DeliveryError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &d) && d.Temporary && d.RetryAfter > 0 && time.Since(job.CreatedAt) < maxPostpone:
		// A snooze does not count as an attempt: past maxPostpone the
		// channel's retry-after no longer postpones, and attempts run out.
		w.r.cfg.Logger.Warn("delivery postponed", "key", job.Args.Key, "retry_after", d.RetryAfter, "error", err)
		return river.JobSnooze(d.RetryAfter)
	case errors.As(err, &d) && !d.Temporary:
		w.failed(ctx, job, err)
		return river.JobCancel(err)
	case job.Attempt >= job.MaxAttempts:
		w.failed(ctx, job, err)
		return err
	default:
		w.r.cfg.Logger.Warn("delivery failed, will retry", "key", job.Args.Key, "attempt", job.Attempt, "error", err)
		return err
	}
}

// maxPostpone bounds how long a channel's rate limit may postpone one
// delivery (by the queue's real clock, like the job's creation time).
const maxPostpone = 24 * time.Hour

// failed logs and records a delivery that will not be tried again. The
// error is a notify.DeliveryError, whose text never holds a secret.
func (w *deliverWorker) failed(ctx context.Context, job *river.Job[DeliverArgs], err error) {
	a := job.Args
	f := store.FailedDelivery{Key: a.Key, Workspace: a.Workspace, Recipient: a.To.String(), Kind: deliveryKind(a.Key),
		Error: err.Error(), Attempts: job.Attempt, At: w.r.now()}
	var d *notify.DeliveryError
	if errors.As(err, &d) {
		f.Channel = d.Channel
	}
	w.r.cfg.Logger.Error("delivery failed for good", "key", a.Key, "workspace", a.Workspace, "to", f.Recipient,
		"channel", f.Channel, "attempts", f.Attempts, "error", err)
	if rerr := w.r.cfg.Engine.Store.RecordFailedDelivery(ctx, f); rerr != nil {
		w.r.cfg.Logger.Error("failed delivery not recorded", "key", a.Key, "error", rerr)
	}
}

// deliveryKind reads the kind of message from a delivery key
// ("acme/digest/2026-11-16/head:Olga" is a digest).
func deliveryKind(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

func (r *Runner) load(ctx context.Context, workspace, day string) (*domain.Workspace, domain.Date, error) {
	ws, err := r.cfg.Engine.Workspace(ctx, workspace)
	if err != nil {
		return nil, domain.Date{}, err
	}
	d, err := domain.ParseDate(day)
	if err != nil {
		return nil, domain.Date{}, river.JobCancel(err)
	}
	return ws, d, nil
}

// Pending counts jobs not yet finished, for tests and the status page.
func (r *Runner) Pending(ctx context.Context) (int, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable,
		rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStatePending).First(1000))
	if err != nil {
		return 0, err
	}
	return len(res.Jobs), nil
}

// LogNotifier writes every delivery to the log instead of sending it: the
// rhythm is visible before any channel is configured.
type LogNotifier struct{ Logger *slog.Logger }

// Deliver implements Notifier.
func (n LogNotifier) Deliver(_ context.Context, ws *domain.Workspace, to Recipient, msgs map[i18n.Lang]notify.Message) error {
	msg := msgs[i18n.RU]
	n.Logger.Info("notification (no channel configured)", "workspace", ws.ID, "to", to.String(), "subject", msg.Subject)
	return nil
}
