package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"reglament/internal/notify"
	"reglament/internal/telegram"
)

// TelegramConfig is the bot's receive side: where to read updates, how to
// answer, and how long one poll job listens.
type TelegramConfig struct {
	Client *telegram.Client // getUpdates
	Sender notify.Sender    // sendMessage (a *notify.Telegram with the same token)
	Bot    *telegram.Bot
	// LongPoll is getUpdates' timeout (default 25 s; negative: answer at
	// once). PollFor is how long one job keeps polling before it ends and
	// the next one takes over (default 50 s; negative: one getUpdates).
	LongPoll time.Duration
	PollFor  time.Duration
	// Every is how often the leader queues a poll job (default 5 s); while
	// one is queued or running, queuing another is skipped.
	Every time.Duration
}

func (c *TelegramConfig) defaults() {
	if c.LongPoll < 0 {
		c.LongPoll = 0
	} else if c.LongPoll == 0 {
		c.LongPoll = 25 * time.Second
	}
	if c.PollFor < 0 {
		c.PollFor = 0
	} else if c.PollFor == 0 {
		c.PollFor = 50 * time.Second
	}
	if c.Every <= 0 {
		c.Every = 5 * time.Second
	}
}

// TelegramPollArgs reads and answers the bot's messages for a while.
type TelegramPollArgs struct{}

// Kind implements river.JobArgs.
func (TelegramPollArgs) Kind() string { return "telegram_poll" }

// pollOnce is unique while a poll job waits or runs (its arguments are
// always the same), so that one process polls at a time: two getUpdates on
// the same bot make Telegram answer 409.
var pollOnce = uniqueWhileUnfinished

// PollTelegram queues a poll job unless one is queued or running. The
// periodic schedule calls it; tests call it directly.
func (r *Runner) PollTelegram(ctx context.Context) error {
	if r.cfg.Telegram == nil {
		return nil
	}
	_, err := r.client.Insert(ctx, TelegramPollArgs{}, pollOnce)
	return err
}

// addTelegramWorker registers the poller when a bot is configured, with
// its defaults filled in on the runner's own copy of the configuration.
func addTelegramWorker(workers *river.Workers, r *Runner) {
	if r.cfg.Telegram == nil {
		return
	}
	tc := *r.cfg.Telegram
	tc.defaults()
	r.cfg.Telegram = &tc
	river.AddWorker(workers, &telegramWorker{r: r})
}

// addTelegramPeriodic makes the leader queue a poll job every few seconds;
// uniqueness skips it while one waits or runs.
func (r *Runner) addTelegramPeriodic() {
	if r.cfg.Telegram == nil {
		return
	}
	r.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(r.cfg.Telegram.Every),
		func() (river.JobArgs, *river.InsertOpts) { return TelegramPollArgs{}, pollOnce },
		&river.PeriodicJobOpts{RunOnStart: true}))
}

type telegramWorker struct {
	river.WorkerDefaults[TelegramPollArgs]
	r *Runner
}

// Timeout leaves the long polls room to finish.
func (w *telegramWorker) Timeout(*river.Job[TelegramPollArgs]) time.Duration {
	t := w.r.cfg.Telegram
	return t.PollFor + t.LongPoll + 30*time.Second
}

// Work polls getUpdates from the stored offset, answers each message and
// stores the offset after each, until PollFor has passed. An update whose
// answer failed inside is answered with an apology and not retried: one
// bad message must not stop the bot.
func (w *telegramWorker) Work(ctx context.Context, _ *river.Job[TelegramPollArgs]) error {
	t := w.r.cfg.Telegram
	st := w.r.cfg.Engine.Store
	log := w.r.cfg.Logger
	bot := t.Client.BotID()
	until := time.Now().Add(t.PollFor)
	for first := true; first || time.Now().Before(until); first = false {
		offset, err := st.TelegramOffset(ctx, bot)
		if err != nil {
			return err
		}
		wait := min(t.LongPoll, max(time.Until(until), 0))
		updates, err := t.Client.GetUpdates(ctx, offset, wait)
		if errors.Is(err, telegram.ErrConflict) {
			log.Warn("telegram: another process polls this bot; stopping this poll", "bot", bot)
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, u := range updates {
			reply, ok, err := t.Bot.Handle(ctx, u)
			if err != nil {
				log.Error("telegram: answer failed", "bot", bot, "update", u.UpdateID, "error", err)
				reply, ok = telegram.SorryHTML(u)
			}
			if ok {
				if err := t.Sender.Send(ctx, reply.ChatID, notify.Message{HTML: reply.HTML}); err != nil {
					log.Warn("telegram: reply not sent", "bot", bot, "update", u.UpdateID, "error", err)
				}
			}
			if err := st.SetTelegramOffset(ctx, bot, u.UpdateID+1); err != nil {
				return err
			}
		}
	}
	return nil
}
