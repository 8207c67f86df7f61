// Package delivery routes a composed notification to the person it is for,
// through the channel their contact names and in their language: it is the
// jobs.Notifier that `reglament serve` uses once a channel is configured.
//
// Where a message goes is workspace data (each manager's contact, the heads
// and the webhook in the workspace YAML); how it gets there is the serving
// process's configuration (the bot token, the SMTP server and password),
// which never reaches the workspace file, the database or a log line.
package delivery

import (
	"context"
	"errors"
	"log/slog"

	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
)

// Router implements jobs.Notifier over the configured channels. A nil
// channel is not configured: a contact that can only be reached through it
// has no usable channel, and its messages are dropped with a debug line.
type Router struct {
	Telegram notify.Sender // sends to a chat id; nil without a bot token
	Email    notify.Sender // sends to an address; nil without an SMTP server
	// Webhook returns the sender for a workspace's webhook URL; nil means
	// a notify.Webhook with the default HTTP client.
	Webhook func(url string) notify.Sender
	// AllowPrivateWebhooks lets the default webhook sender post to
	// loopback, link-local and private addresses (serve
	// --allow-private-webhooks); without it they are refused.
	AllowPrivateWebhooks bool
	// LinkedChat finds the Telegram chat a person linked with the bot
	// (/start CODE): role is "manager" (person is the manager id) or "head"
	// (the head's name). It returns "" when none is linked; nil means no
	// linking. A chat named in the workspace YAML comes first: it is the
	// admin's explicit setting. A linked chat comes before e-mail, and
	// reaches a manager who has no contact in the YAML at all (in the
	// default language); an opt-out (notify: false) still wins.
	LinkedChat func(ctx context.Context, workspace, role, person string) (string, error)
	Logger     *slog.Logger
}

var _ jobs.Notifier = (*Router)(nil)

// Deliver sends the message for to in the recipient's language. It returns
// nil when the person opted out or has no usable channel, and the channel's
// *notify.DeliveryError when sending failed. A Recipient{Head: true} without
// a name (a job queued before fan-out) goes to every head and the webhook.
func (r *Router) Deliver(ctx context.Context, ws *domain.Workspace, to jobs.Recipient, msgs map[i18n.Lang]notify.Message) error {
	switch {
	case to.Manager != "":
		m, ok := ws.Manager(to.Manager)
		if !ok {
			r.logger().Debug("notification not sent: no such manager", "workspace", ws.ID, "to", to.String())
			return nil
		}
		if m.Contact == nil {
			chat, err := r.linkedChat(ctx, ws, "manager", m.ID)
			if err != nil {
				return err
			}
			if chat == "" {
				r.logger().Debug("notification not sent: no contact", "workspace", ws.ID, "to", to.String())
				return nil
			}
			return r.send(ctx, ws, to, domain.Contact{Telegram: chat, Lang: domain.DefaultLang, Notify: true}, msgs)
		}
		return r.send(ctx, ws, to, *m.Contact, msgs)
	case to.Webhook:
		return r.webhook(ctx, ws, msgs)
	case to.Head && to.Name != "":
		for _, h := range ws.Notifications.Heads {
			if h.Name == to.Name {
				return r.send(ctx, ws, to, h.Contact, msgs)
			}
		}
		r.logger().Debug("notification not sent: the head is no longer listed", "workspace", ws.ID, "to", to.String())
		return nil
	case to.Head:
		var errs []error
		for _, h := range ws.Notifications.Heads {
			errs = append(errs, r.send(ctx, ws, jobs.Recipient{Head: true, Name: h.Name}, h.Contact, msgs))
		}
		errs = append(errs, r.webhook(ctx, ws, msgs))
		return errors.Join(errs...)
	}
	return nil
}

// send delivers to one contact: by Telegram when it has a chat id and a bot
// is configured, else by e-mail when it has an address and SMTP is
// configured.
func (r *Router) send(ctx context.Context, ws *domain.Workspace, to jobs.Recipient, c domain.Contact, msgs map[i18n.Lang]notify.Message) error {
	log := r.logger().With("workspace", ws.ID, "to", to.String())
	if !c.Notify {
		log.Debug("notification not sent: the person opted out")
		return nil
	}
	msg, lang, ok := pick(msgs, c.Lang)
	if !ok {
		log.Debug("notification not sent: nothing composed")
		return nil
	}
	if c.Telegram == "" && r.Telegram != nil {
		role, person := "manager", to.Manager
		if to.Head {
			role, person = "head", to.Name
		}
		chat, err := r.linkedChat(ctx, ws, role, person)
		if err != nil {
			return err
		}
		c.Telegram = chat
	}
	var (
		sender  notify.Sender
		channel string
		address string
	)
	switch {
	case c.Telegram != "" && r.Telegram != nil:
		sender, channel, address = r.Telegram, "telegram", c.Telegram
	case c.Email != "" && r.Email != nil:
		sender, channel, address = r.Email, "email", c.Email
	default:
		log.Debug("notification not sent: the person has no usable channel")
		return nil
	}
	if err := sender.Send(ctx, address, msg); err != nil {
		return err
	}
	log.Info("notification sent", "channel", channel, "lang", string(lang), "subject", msg.Subject)
	return nil
}

// webhook posts the message to the workspace's webhook channel, in the
// default language, when the workspace has one.
func (r *Router) webhook(ctx context.Context, ws *domain.Workspace, msgs map[i18n.Lang]notify.Message) error {
	url := ws.Notifications.WebhookURL
	if url == "" {
		return nil
	}
	msg, lang, ok := pick(msgs, domain.DefaultLang)
	if !ok {
		return nil
	}
	var sender notify.Sender = &notify.Webhook{URL: url, PublicOnly: !r.AllowPrivateWebhooks}
	if r.Webhook != nil {
		sender = r.Webhook(url)
	}
	if err := sender.Send(ctx, "", msg); err != nil {
		return err
	}
	r.logger().Info("notification sent", "workspace", ws.ID, "to", "webhook", "channel", "webhook", "lang", string(lang), "subject", msg.Subject)
	return nil
}

// linkedChat returns the chat the person linked, or "" (also when linking
// is not wired). A lookup failure is a temporary delivery failure: the job
// is retried rather than the message sent elsewhere.
func (r *Router) linkedChat(ctx context.Context, ws *domain.Workspace, role, person string) (string, error) {
	if r.LinkedChat == nil || person == "" {
		return "", nil
	}
	chat, err := r.LinkedChat(ctx, ws.ID, role, person)
	if err != nil {
		r.logger().Error("linked telegram chat lookup failed", "workspace", ws.ID, "to", role+" "+person, "error", err)
		return "", &notify.DeliveryError{Channel: "telegram", Temporary: true, Reason: "linked chat lookup failed"}
	}
	return chat, nil
}

// pick returns the message in lang, or in the other language when only
// that one was composed.
func pick(msgs map[i18n.Lang]notify.Message, lang string) (notify.Message, i18n.Lang, bool) {
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.RU
	}
	if m, ok := msgs[l]; ok {
		return m, l, true
	}
	for _, other := range []i18n.Lang{i18n.RU, i18n.EN} {
		if m, ok := msgs[other]; ok {
			return m, other, true
		}
	}
	return notify.Message{}, "", false
}

func (r *Router) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
