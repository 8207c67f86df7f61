package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// Roles a linked Telegram chat can belong to: a manager (by id) or a head
// (by the name the workspace YAML gives).
const (
	RoleManager = contactManager
	RoleHead    = contactHead
)

// TelegramPerson is whom a Telegram chat or link code belongs to.
type TelegramPerson struct {
	Workspace string
	Role      string // RoleManager or RoleHead
	Person    string // the manager id, or the head's name
}

// String names the person for logs and the audit trail.
func (p TelegramPerson) String() string { return p.Role + " " + p.Person }

func (p TelegramPerson) validate() error {
	if p.Workspace == "" || p.Person == "" || (p.Role != RoleManager && p.Role != RoleHead) {
		return domain.Errorf(domain.EINVALID, "telegram person %q %q of workspace %q: want a role manager or head and a name", p.Role, p.Person, p.Workspace)
	}
	return nil
}

// CreateLinkCode stores the hash of a one-time link code for p, valid until
// expires. Any earlier unused code of p stops working: only the latest code
// shown to a person links their chat.
func (s *Store) CreateLinkCode(ctx context.Context, p TelegramPerson, codeHash string, now, expires time.Time) error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("store: create link code: %w", err)
	}
	if codeHash == "" || !expires.After(now) {
		return fmt.Errorf("store: create link code: %w", domain.Errorf(domain.EINVALID, "link code: a hash and an expiry after now are required"))
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, p.Workspace); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM telegram_link_codes WHERE workspace = $1 AND role = $2 AND person = $3 AND used_at IS NULL`,
			p.Workspace, p.Role, p.Person); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO telegram_link_codes (code_hash, workspace, role, person, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, codeHash, p.Workspace, p.Role, p.Person, now.UnixMicro(), expires.UnixMicro())
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "link code already exists")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create link code for %s: %w", p, err)
	}
	return nil
}

// Messages of UseLinkCode's domain errors.
const (
	errCodeUnknown = "link code not found"
	errCodeUsed    = "link code already used"
	errCodeExpired = "link code expired"
)

// UseLinkCode links chatID to the person whose code hashes to codeHash, and
// spends the code. An unknown code is ENOTFOUND; a used or expired one is
// EINVALID; nothing is linked then. A chat belongs to one person: linking it
// again moves it, and the person's earlier chat is replaced.
func (s *Store) UseLinkCode(ctx context.Context, codeHash, chatID string, now time.Time) (TelegramPerson, error) {
	var p TelegramPerson
	err := s.write(ctx, func(tx *sql.Tx) error {
		var (
			expires int64
			used    sql.NullInt64
		)
		err := tx.QueryRowContext(ctx, `SELECT workspace, role, person, expires_at, used_at FROM telegram_link_codes WHERE code_hash = $1`, codeHash).
			Scan(&p.Workspace, &p.Role, &p.Person, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return domain.Errorf(domain.ENOTFOUND, "%s", errCodeUnknown)
		case err != nil:
			return err
		case used.Valid:
			return domain.Errorf(domain.EINVALID, "%s", errCodeUsed)
		case now.UnixMicro() >= expires:
			return domain.Errorf(domain.EINVALID, "%s", errCodeExpired)
		}
		res, err := tx.ExecContext(ctx, `UPDATE telegram_link_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL`, now.UnixMicro(), codeHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EINVALID, "%s", errCodeUsed)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM telegram_chats WHERE chat_id = $1`, chatID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO telegram_chats (workspace, role, person, chat_id, linked_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (workspace, role, person) DO UPDATE SET chat_id = excluded.chat_id, linked_at = excluded.linked_at`,
			p.Workspace, p.Role, p.Person, chatID, now.UnixMicro()); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: p.Workspace, Actor: "telegram", Action: "telegram linked", Detail: p.String(), At: now})
	})
	if err != nil {
		return TelegramPerson{}, fmt.Errorf("store: use link code: %w", err)
	}
	return p, nil
}

// FindTelegramChat returns the chat linked to p, or ENOTFOUND.
func (s *Store) FindTelegramChat(ctx context.Context, p TelegramPerson) (string, error) {
	var chat string
	err := s.db.QueryRowContext(ctx, `SELECT chat_id FROM telegram_chats WHERE workspace = $1 AND role = $2 AND person = $3`,
		p.Workspace, p.Role, p.Person).Scan(&chat)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: find telegram chat: %w", domain.Errorf(domain.ENOTFOUND, "no telegram chat linked for %s of workspace %q", p, p.Workspace))
	}
	if err != nil {
		return "", fmt.Errorf("store: find telegram chat of %s: %w", p, err)
	}
	return chat, nil
}

// FindTelegramPerson returns whom chatID is linked to, or ENOTFOUND.
func (s *Store) FindTelegramPerson(ctx context.Context, chatID string) (TelegramPerson, error) {
	var p TelegramPerson
	err := s.db.QueryRowContext(ctx, `SELECT workspace, role, person FROM telegram_chats WHERE chat_id = $1`, chatID).
		Scan(&p.Workspace, &p.Role, &p.Person)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("store: find telegram person: %w", domain.Errorf(domain.ENOTFOUND, "chat not linked"))
	}
	if err != nil {
		return p, fmt.Errorf("store: find telegram person: %w", err)
	}
	return p, nil
}

// TelegramOffset returns the next getUpdates offset of bot (0 when none is
// stored yet).
func (s *Store) TelegramOffset(ctx context.Context, bot string) (int64, error) {
	var next int64
	err := s.db.QueryRowContext(ctx, `SELECT next_update FROM telegram_offsets WHERE bot = $1`, bot).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: telegram offset: %w", err)
	}
	return next, nil
}

// SetTelegramOffset records that bot's updates before next are handled.
// The offset never goes back.
func (s *Store) SetTelegramOffset(ctx context.Context, bot string, next int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO telegram_offsets (bot, next_update) VALUES ($1, $2)
		ON CONFLICT (bot) DO UPDATE SET next_update = excluded.next_update WHERE excluded.next_update > telegram_offsets.next_update`, bot, next)
	if err != nil {
		return fmt.Errorf("store: set telegram offset: %w", err)
	}
	return nil
}

// FailedDelivery is a notification that could not be delivered after its
// last attempt. Error never holds a token or password.
type FailedDelivery struct {
	ID        int64
	Key       string // the delivery job's key: one record per message and person
	Workspace string
	Recipient string // "manager anna", "head Olga", "webhook"
	Channel   string // telegram, email, webhook
	Kind      string // reminder, digest, statement
	Error     string
	Attempts  int
	At        time.Time
}

// RecordFailedDelivery stores f once per key; recording the same key again
// changes nothing.
func (s *Store) RecordFailedDelivery(ctx context.Context, f FailedDelivery) error {
	if f.Key == "" || f.Workspace == "" {
		return fmt.Errorf("store: record failed delivery: %w", domain.Errorf(domain.EINVALID, "failed delivery: key and workspace are required"))
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO failed_deliveries (job_key, workspace, recipient, channel, kind, error, attempts, failed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_key) DO NOTHING`,
		f.Key, f.Workspace, f.Recipient, f.Channel, f.Kind, f.Error, f.Attempts, f.At.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: record failed delivery %s: %w", f.Key, err)
	}
	return nil
}

// FindFailedDeliveries returns a workspace's failed deliveries, newest
// first, at most limit of them.
func (s *Store) FindFailedDeliveries(ctx context.Context, workspace string, limit int) ([]FailedDelivery, error) {
	var out []FailedDelivery
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT id, job_key, workspace, recipient, channel, kind, error, attempts, failed_at
			FROM failed_deliveries WHERE workspace = $1 ORDER BY failed_at DESC, id DESC LIMIT $2`, []any{workspace, limit},
			func(rows *sql.Rows) error {
				var (
					f  FailedDelivery
					at int64
				)
				if err := rows.Scan(&f.ID, &f.Key, &f.Workspace, &f.Recipient, &f.Channel, &f.Kind, &f.Error, &f.Attempts, &at); err != nil {
					return err
				}
				f.At = time.UnixMicro(at).UTC()
				out = append(out, f)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: find failed deliveries of %q: %w", workspace, err)
	}
	return out, nil
}
