package config

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

var (
	contactFields       = []string{"telegram", "email", "lang", "notify"}
	headFields          = []string{"name", "telegram", "email", "lang"}
	notificationsFields = []string{"heads", "webhook_url", "reminders", "statements_at"}

	// chatIDPattern is a Telegram chat id: a user's is positive, a group's
	// or channel's negative.
	chatIDPattern = regexp.MustCompile(`^-?[0-9]{1,20}$`)
)

// contact reads a manager's contact section. A contact notifies by default
// and speaks the default language unless it says otherwise.
func (p *parser) contact(n *yaml.Node, path string) *domain.Contact {
	f := p.mapping(n, path, contactFields)
	if !f.ok {
		return nil
	}
	c := &domain.Contact{Lang: domain.DefaultLang, Notify: true}
	p.channels(f, c)
	if n, path, ok := f.get("notify"); ok {
		var v bool
		if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
			p.errorf(n, path, "want true or false, got %s", describe(n))
		}
		c.Notify = v
	}
	return c
}

// channels reads the telegram, email and lang fields shared by a manager's
// contact and a head.
func (p *parser) channels(f fields, c *domain.Contact) {
	if n, path, ok := f.get("telegram"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			if !chatIDPattern.MatchString(s) {
				p.errorf(n, path, "invalid Telegram chat id %q: want digits, with a leading '-' for a group", s)
			}
			c.Telegram = s
		}
	}
	if n, path, ok := f.get("email"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
				p.errorf(n, path, "invalid e-mail address %q: want e.g. anna@acme.example", s)
			}
			c.Email = s
		}
	}
	if n, path, ok := f.get("lang"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			if s != "ru" && s != "en" {
				p.errorf(n, path, "unknown language %q (known: ru, en)", s)
			}
			c.Lang = s
		}
	}
}

// maxReminder bounds how long before the deadline a reminder may go out: a
// reminder belongs to its day.
const maxReminder = 12 * time.Hour

// defaultStatementsAt is the local time statements are sent when the
// workspace sets none; reminders default to 60 and 15 minutes before the
// deadline (see schedule.DefaultConfig, which applies both).
const defaultStatementsAt = "09:00"

// notifications reads the workspace's notifications section: the heads, the
// webhook channel, and the rhythm's reminders and statement time. Absent
// reminders and statements_at stay nil, so that the default rhythm applies.
func (p *parser) notifications(n *yaml.Node, path string) domain.Notifications {
	var out domain.Notifications
	f := p.mapping(n, path, notificationsFields)
	if !f.ok {
		return out
	}
	if n, path, ok := f.get("heads"); ok {
		if items, ok := p.list(n, path); ok {
			names := make(map[string]int)
			for i, item := range items {
				hp := index(path, i)
				hf := p.mapping(item, hp, headFields)
				if !hf.ok {
					continue
				}
				h := domain.Head{Contact: domain.Contact{Lang: domain.DefaultLang, Notify: true}}
				if n, path, ok := p.required(hf, "name"); ok {
					if s, ok := p.nonEmpty(n, path); ok {
						if line, dup := names[s]; dup {
							p.errorf(n, path, "duplicate head %q (first at line %d)", s, line)
						}
						names[s] = n.Line
						h.Name = s
					}
				}
				p.channels(hf, &h.Contact)
				if h.Telegram == "" && h.Email == "" {
					p.errorf(item, hp, "a head needs a telegram chat id or an e-mail address")
				}
				out.Heads = append(out.Heads, h)
			}
		}
	}
	if n, path, ok := f.get("webhook_url"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t") {
				p.errorf(n, path, "invalid URL %q: want e.g. https://hooks.slack.com/services/…", s)
			}
			out.WebhookURL = s
		}
	}
	if n, path, ok := f.get("reminders"); ok {
		out.Reminders = p.reminders(n, path)
	}
	if n, path, ok := f.get("statements_at"); ok {
		if s, ok := p.str(n, path); ok {
			if c, ok := parseClock(s); ok {
				out.StatementsAt = &c
			} else {
				p.errorf(n, path, "invalid time of day %q: want HH:MM, e.g. %q", s, defaultStatementsAt)
			}
		}
	}
	return out
}

// reminders reads the list of durations before the deadline at which the
// managers at risk are reminded. Each is a whole number of minutes (the
// reminder job is keyed by it), more than 0 and less than maxReminder, and
// given once. An empty list is kept as empty, not nil: it turns reminders off.
func (p *parser) reminders(n *yaml.Node, path string) []time.Duration {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	out := make([]time.Duration, 0, len(items))
	seen := make(map[time.Duration]int, len(items))
	for i, item := range items {
		ip := index(path, i)
		s, ok := p.nonEmpty(item, ip)
		if !ok {
			continue
		}
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			p.errorf(item, ip, "invalid duration %q: want e.g. 15m", s)
			continue
		case d <= 0 || d >= maxReminder:
			p.errorf(item, ip, "must be more than 0 and less than 12h before the deadline, got %s", s)
			continue
		case d%time.Minute != 0:
			p.errorf(item, ip, "want a whole number of minutes, got %s", s)
			continue
		}
		if line, dup := seen[d]; dup {
			p.errorf(item, ip, "reminder %s listed twice (first at line %d)", formatDuration(d), line)
			continue
		}
		seen[d] = item.Line
		out = append(out, d)
	}
	return out
}
