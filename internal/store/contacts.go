package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"reglament/internal/domain"
)

// Roles of a row in the contacts table.
const (
	contactManager = "manager"
	contactHead    = "head"
)

// contactRow is one stored contact.
type contactRow struct {
	role, person string
	domain.Contact
}

// wantContacts lists the contacts a workspace should have stored, managers
// first in their order, then the heads in theirs.
func wantContacts(ws *domain.Workspace) []contactRow {
	var out []contactRow
	for _, m := range ws.Managers {
		if m.Contact != nil {
			out = append(out, contactRow{contactManager, m.ID, withLang(*m.Contact)})
		}
	}
	for _, h := range ws.Notifications.Heads {
		out = append(out, contactRow{contactHead, h.Name, withLang(h.Contact)})
	}
	return out
}

// withLang gives a contact without a language the default one.
func withLang(c domain.Contact) domain.Contact {
	if c.Lang == "" {
		c.Lang = domain.DefaultLang
	}
	return c
}

// applyContacts makes the stored contacts and webhook equal to ws's and
// reports what changed. Nothing is written when nothing changed.
func applyContacts(ctx context.Context, tx *sql.Tx, old, ws *domain.Workspace) ([]string, error) {
	have, want := wantContacts(old), wantContacts(ws)
	var changes []string
	find := func(list []contactRow, role, person string) (contactRow, bool) {
		for _, c := range list {
			if c.role == role && c.person == person {
				return c, true
			}
		}
		return contactRow{}, false
	}
	describe := func(c contactRow) string {
		if c.role == contactManager {
			return "contact of manager " + c.person
		}
		return "head " + c.person
	}
	for _, c := range want {
		switch h, ok := find(have, c.role, c.person); {
		case !ok:
			changes = append(changes, describe(c)+" added")
		case h.Contact != c.Contact:
			changes = append(changes, describe(c)+" changed")
		}
	}
	for _, h := range have {
		if _, ok := find(want, h.role, h.person); !ok {
			changes = append(changes, describe(h)+" removed")
		}
	}
	if len(changes) == 0 && !slices.Equal(have, want) {
		changes = append(changes, "heads reordered")
	}
	if len(changes) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE workspace = $1`, ws.ID); err != nil {
			return nil, err
		}
		for i, c := range want {
			notify := 0
			if c.Notify {
				notify = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (workspace, role, person, position, telegram, email, lang, notify)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ws.ID, c.role, c.person, i, c.Telegram, c.Email, c.Lang, notify); err != nil {
				return nil, fmt.Errorf("contact %s %s: %w", c.role, c.person, err)
			}
		}
	}
	oldURL, newURL := old.Notifications.WebhookURL, ws.Notifications.WebhookURL
	if oldURL != newURL {
		switch {
		case newURL == "":
			changes = append(changes, "notification webhook removed")
		case oldURL == "":
			changes = append(changes, "notification webhook added")
		default:
			changes = append(changes, "notification webhook changed")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notification_webhooks WHERE workspace = $1`, ws.ID); err != nil {
			return nil, err
		}
		if newURL != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_webhooks (workspace, url) VALUES ($1, $2)`, ws.ID, newURL); err != nil {
				return nil, err
			}
		}
	}
	return changes, nil
}

// findContacts fills in ws's manager contacts, heads and webhook.
func findContacts(ctx context.Context, tx *sql.Tx, ws *domain.Workspace) error {
	var heads []domain.Head
	err := queryRows(ctx, tx, `SELECT role, person, telegram, email, lang, notify FROM contacts WHERE workspace = $1 ORDER BY position`,
		[]any{ws.ID}, func(rows *sql.Rows) error {
			var (
				role, person string
				c            domain.Contact
				notify       int64
			)
			if err := rows.Scan(&role, &person, &c.Telegram, &c.Email, &c.Lang, &notify); err != nil {
				return err
			}
			c.Notify = notify != 0
			switch role {
			case contactHead:
				heads = append(heads, domain.Head{Name: person, Contact: c})
			default:
				if m, ok := ws.Manager(person); ok {
					m.Contact = &c
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	ws.Notifications.Heads = heads
	err = tx.QueryRowContext(ctx, `SELECT url FROM notification_webhooks WHERE workspace = $1`, ws.ID).Scan(&ws.Notifications.WebhookURL)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// validateContacts checks what the database relies on: a known language,
// contacts only for listed managers, one head per name.
func validateContacts(ws *domain.Workspace) error {
	for _, c := range wantContacts(ws) {
		if c.Lang != "ru" && c.Lang != "en" {
			return domain.Errorf(domain.EINVALID, "workspace %q: %s %q: unknown language %q", ws.ID, c.role, c.person, c.Lang)
		}
	}
	seen := make(map[string]bool)
	for _, h := range ws.Notifications.Heads {
		if h.Name == "" {
			return domain.Errorf(domain.EINVALID, "workspace %q: a head needs a name", ws.ID)
		}
		if seen[h.Name] {
			return domain.Errorf(domain.EINVALID, "workspace %q: head %q is listed twice", ws.ID, h.Name)
		}
		seen[h.Name] = true
	}
	return nil
}
