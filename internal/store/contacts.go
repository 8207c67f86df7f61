package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// applyContacts makes the stored contacts, webhook and notification rhythm
// equal to ws's and reports what changed. Nothing is written when nothing
// changed.
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
	rhythm, err := applyRhythm(ctx, tx, ws.ID, old.Notifications, ws.Notifications)
	if err != nil {
		return nil, fmt.Errorf("notification rhythm: %w", err)
	}
	return append(changes, rhythm...), nil
}

// applyRhythm makes the stored reminders and statement time equal to n's and
// reports what changed. A workspace that sets neither has no row.
func applyRhythm(ctx context.Context, tx *sql.Tx, workspace string, old, n domain.Notifications) ([]string, error) {
	var changes []string
	if !sameReminders(old.Reminders, n.Reminders) {
		switch {
		case n.Reminders == nil:
			changes = append(changes, "reminders reset to the default")
		case len(n.Reminders) == 0:
			changes = append(changes, "reminders turned off")
		default:
			changes = append(changes, "reminders set to "+formatReminders(n.Reminders))
		}
	}
	if !sameClock(old.StatementsAt, n.StatementsAt) {
		if n.StatementsAt == nil {
			changes = append(changes, "statements time reset to the default")
		} else {
			changes = append(changes, "statements time set to "+n.StatementsAt.String())
		}
	}
	if len(changes) == 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notification_rhythms WHERE workspace = $1`, workspace); err != nil {
		return nil, err
	}
	if n.Reminders == nil && n.StatementsAt == nil {
		return changes, nil
	}
	var reminders, statementsAt sql.NullString
	if n.Reminders != nil {
		minutes := make([]int64, len(n.Reminders))
		for i, d := range n.Reminders {
			minutes[i] = int64(d / time.Minute)
		}
		b, err := json.Marshal(minutes)
		if err != nil {
			return nil, err
		}
		reminders = sql.NullString{String: string(b), Valid: true}
	}
	if n.StatementsAt != nil {
		statementsAt = sql.NullString{String: n.StatementsAt.String(), Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notification_rhythms (workspace, reminders, statements_at) VALUES ($1, $2, $3)`,
		workspace, reminders, statementsAt); err != nil {
		return nil, err
	}
	return changes, nil
}

// sameReminders reports whether a and b are the same setting: both unset,
// or the same offsets in the same order (an empty list, reminders off, is
// not the same as unset).
func sameReminders(a, b []time.Duration) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

// sameClock reports whether a and b are both unset or the same time.
func sameClock(a, b *domain.Clock) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// formatReminders lists offsets as the workspace YAML writes them: 60m, 15m.
func formatReminders(offsets []time.Duration) string {
	parts := make([]string, len(offsets))
	for i, d := range offsets {
		parts[i] = fmt.Sprintf("%dm", d/time.Minute)
	}
	return strings.Join(parts, ", ")
}

// findRhythm fills in n's reminders and statement time; both stay nil when
// the workspace sets none.
func findRhythm(ctx context.Context, tx *sql.Tx, workspace string, n *domain.Notifications) error {
	var reminders, statementsAt sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT reminders, statements_at FROM notification_rhythms WHERE workspace = $1`, workspace).
		Scan(&reminders, &statementsAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if reminders.Valid {
		var minutes []int64
		if err := json.Unmarshal([]byte(reminders.String), &minutes); err != nil {
			return fmt.Errorf("reminders %q: %w", reminders.String, err)
		}
		n.Reminders = make([]time.Duration, len(minutes))
		for i, m := range minutes {
			n.Reminders[i] = time.Duration(m) * time.Minute
		}
	}
	if statementsAt.Valid {
		var c domain.Clock
		if _, err := fmt.Sscanf(statementsAt.String, "%d:%d", &c.Hour, &c.Minute); err != nil {
			return fmt.Errorf("statements time %q: %w", statementsAt.String, err)
		}
		n.StatementsAt = &c
	}
	return nil
}

// findContacts fills in ws's manager contacts, heads, webhook and
// notification rhythm.
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
	return findRhythm(ctx, tx, ws.ID, &ws.Notifications)
}

// maxReminder bounds a reminder's offset before the deadline, as the
// workspace YAML does.
const maxReminder = 12 * time.Hour

// validateContacts checks what the database relies on: a known language,
// contacts only for listed managers, one head per name, reminders in whole
// minutes (they are stored as such) given once, a valid statement time.
func validateContacts(ws *domain.Workspace) error {
	seenReminder := make(map[time.Duration]bool)
	for _, d := range ws.Notifications.Reminders {
		if d <= 0 || d >= maxReminder || d%time.Minute != 0 {
			return domain.Errorf(domain.EINVALID, "workspace %q: reminder %s before the deadline: want whole minutes, more than 0 and less than 12h", ws.ID, d)
		}
		if seenReminder[d] {
			return domain.Errorf(domain.EINVALID, "workspace %q: reminder %s is listed twice", ws.ID, d)
		}
		seenReminder[d] = true
	}
	if c := ws.Notifications.StatementsAt; c != nil && (c.Hour < 0 || c.Hour > 23 || c.Minute < 0 || c.Minute > 59) {
		return domain.Errorf(domain.EINVALID, "workspace %q: invalid statements time %02d:%02d", ws.ID, c.Hour, c.Minute)
	}
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
