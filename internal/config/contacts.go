package config

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

var (
	contactFields       = []string{"telegram", "email", "lang", "notify"}
	headFields          = []string{"name", "telegram", "email", "lang"}
	notificationsFields = []string{"heads", "webhook_url"}

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

// notifications reads the workspace's notifications section: the heads and
// the webhook channel.
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
	return out
}
