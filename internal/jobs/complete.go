package jobs

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
)

// completeAtOnce records a delivery job as completed in its own transaction
// the moment the message was accepted, instead of in River's completion
// batch a little later. A process killed in between would otherwise leave
// the job "running"; River rescues it and another instance sends the
// message again. Deliveries are the only jobs with an effect outside the
// database, so only they need it. What remains is the instant between the
// channel's answer and this commit: a crash exactly there still repeats
// one message (Telegram and SMTP take no idempotency key).
type completeAtOnce struct {
	river.MiddlewareDefaults
	r *Runner
}

func (m *completeAtOnce) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	if err := doInner(ctx); err != nil || job.Kind != (DeliverArgs{}).Kind() {
		return err
	}
	// The message is out: a failure to record it now is logged, not
	// returned, since an error would send it again; River's own
	// completion still follows.
	err := m.complete(ctx, job)
	if err != nil {
		m.r.cfg.Logger.Warn("delivery sent but not yet recorded as done", "job", job.ID, "error", err)
	}
	return nil
}

func (m *completeAtOnce) complete(ctx context.Context, job *rivertype.JobRow) error {
	tx, err := m.r.store.DB().BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, &river.Job[DeliverArgs]{JobRow: job}); err != nil {
		return err
	}
	return tx.Commit()
}

var _ rivertype.WorkerMiddleware = (*completeAtOnce)(nil)
