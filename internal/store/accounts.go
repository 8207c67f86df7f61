package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"reglament/internal/domain"
)

// User is an account of the web application. The store keeps what the web
// layer decided: the role's meaning and the password hashing live in
// internal/auth.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	Role         string // admin, head, manager, viewer
	Workspace    string // empty for an admin
	Manager      string // the manager id of a manager user
	Lang         string // ru, en, or empty for "from the browser"
	CreatedAt    time.Time
}

// Session is a logged-in browser: the cookie holds a random token, the
// store only its hash, so a leaked database opens no session.
type Session struct {
	TokenHash string
	UserID    int64
	CSRF      string // the per-session token every form must send back
	CreatedAt time.Time
	ExpiresAt time.Time
}

const userColumns = `id, email, password_hash, role, COALESCE(workspace, ''), manager, lang, created_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	var created sql.NullInt64
	if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Role, &u.Workspace, &u.Manager, &u.Lang, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}

// CreateUser stores u and sets its ID, and audits that actor did it. The
// email is kept lower-case; a second user with the same email is a
// conflict. A user of a workspace needs the workspace to exist, and a
// manager user a manager of it.
func (s *Store) CreateUser(ctx context.Context, u *User, actor string) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var ws any
		if u.Workspace != "" {
			ws = u.Workspace
			if err := requireWorkspace(ctx, tx, u.Workspace); err != nil {
				return err
			}
		}
		if u.Manager != "" {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM managers WHERE workspace = $1 AND id = $2`, u.Workspace, u.Manager).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return domain.Errorf(domain.ENOTFOUND, "manager %q not found in workspace %q", u.Manager, u.Workspace)
			}
			if err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, workspace, manager, lang, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.Email, u.PasswordHash, u.Role, ws, u.Manager, u.Lang, u.CreatedAt.UnixMicro()).Scan(&u.ID)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a user with email %q already exists", u.Email)
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: u.Workspace, Actor: actor, Action: "user.create",
			Detail: fmt.Sprintf("%s (%s)", u.Email, u.Role), At: u.CreatedAt})
	})
	if err != nil {
		return fmt.Errorf("store: create user %s: %w", u.Email, err)
	}
	return nil
}

// FindUser returns the user with the given id.
func (s *Store) FindUser(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the given email, compared without
// regard to case.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "user %q not found", email)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find user %s: %w", email, err)
	}
	return u, nil
}

// FindUsers returns the users of a workspace (every user when workspace is
// empty), by id.
func (s *Store) FindUsers(ctx context.Context, workspace string) ([]User, error) {
	query := `SELECT ` + userColumns + ` FROM users`
	var args []any
	if workspace != "" {
		query += ` WHERE workspace = $1`
		args = append(args, workspace)
	}
	query += ` ORDER BY id`
	var users []User
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			users = append(users, *u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: find users of %q: %w", workspace, err)
	}
	return users, nil
}

// SetUserLang stores the language a user chose ("" for "from the browser").
func (s *Store) SetUserLang(ctx context.Context, id int64, lang string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, lang, id); err != nil {
		return fmt.Errorf("store: set language of user %d: %w", id, err)
	}
	return nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		sess.TokenHash, sess.UserID, sess.CSRF, sess.CreatedAt.UnixMicro(), sess.ExpiresAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: create session of user %d: %w", sess.UserID, err)
	}
	return nil
}

// FindSession returns the session with the given token hash and its user,
// unless it expired by now.
func (s *Store) FindSession(ctx context.Context, tokenHash string, now time.Time) (*Session, *User, error) {
	sess := &Session{TokenHash: tokenHash}
	var created, expires sql.NullInt64
	var u *User
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
			tokenHash, now.UnixMicro()).Scan(&sess.UserID, &sess.CSRF, &created, &expires)
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, sess.UserID))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, domain.Errorf(domain.EUNAUTHORIZED, "session expired or unknown")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: find session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMicros(created), fromMicros(expires)
	return sess, u, nil
}

// DeleteSession ends a session; ending an unknown one is not an error.
// Expired sessions are removed on the way.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2`, tokenHash, now.UnixMicro()); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// CreateAPIToken stores the hash of an API token of user userID.
func (s *Store) CreateAPIToken(ctx context.Context, tokenHash string, userID int64, name string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, name, at.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: create API token of user %d: %w", userID, err)
	}
	return nil
}

// FindUserByToken returns the user owning the API token with the given hash.
func (s *Store) FindUserByToken(ctx context.Context, tokenHash string) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.password_hash, u.role, COALESCE(u.workspace, ''), u.manager, u.lang, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "unknown API token")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find API token: %w", err)
	}
	return u, nil
}

// SetUserPassword replaces the password hash of the user with the given
// email, and ends that user's sessions.
func (s *Store) SetUserPassword(ctx context.Context, email, passwordHash string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	err := s.write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1 WHERE email = $2 RETURNING id`, passwordHash, email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "user %q not found", email)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set password of %s: %w", email, err)
	}
	return nil
}

// APIToken is a stored API token as a head sees it: never the token, only
// its hash (which identifies it for revocation and opens nothing), its
// name, its user and when it was made.
type APIToken struct {
	TokenHash string
	UserID    int64
	Email     string
	Role      string
	Name      string
	CreatedAt time.Time
}

// FindAPITokens returns the API tokens of the users of a workspace, newest
// first.
func (s *Store) FindAPITokens(ctx context.Context, workspace string) ([]APIToken, error) {
	var tokens []APIToken
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT t.token_hash, t.user_id, u.email, u.role, t.name, t.created_at
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.workspace = $1 ORDER BY t.created_at DESC, u.email, t.token_hash`,
			[]any{workspace}, func(rows *sql.Rows) error {
				var t APIToken
				var created sql.NullInt64
				if err := rows.Scan(&t.TokenHash, &t.UserID, &t.Email, &t.Role, &t.Name, &created); err != nil {
					return err
				}
				t.CreatedAt = fromMicros(created)
				tokens = append(tokens, t)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: find API tokens of %q: %w", workspace, err)
	}
	return tokens, nil
}

// DeleteAPIToken revokes the API token with the given hash if it belongs to
// a user of workspace, and audits that actor did it. A token of another
// workspace is not found, so that tokens cannot be probed across tenants.
func (s *Store) DeleteAPIToken(ctx context.Context, workspace, tokenHash, actor string, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var email, name string
		err := tx.QueryRowContext(ctx, `SELECT u.email, t.name FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND u.workspace = $2`, tokenHash, workspace).Scan(&email, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "API token not found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE token_hash = $1`, tokenHash); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "token.revoke",
			Detail: fmt.Sprintf("%s (%s)", email, name), At: at})
	})
	if err != nil {
		return fmt.Errorf("store: delete API token: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired by now and returns how
// many there were.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}

// userOf returns the email and role of user id if it belongs to workspace:
// a user of another workspace is not found, so that accounts cannot be
// probed or changed across tenants.
func userOf(ctx context.Context, tx *sql.Tx, workspace string, id int64) (email, role string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT email, role FROM users WHERE id = $1 AND workspace = $2`, id, workspace).Scan(&email, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", domain.Errorf(domain.ENOTFOUND, "user %d not found in workspace %q", id, workspace)
	}
	return email, role, err
}

// SetUserRole makes user id of workspace a head, or the manager account of
// manager, and audits that actor did it. Sessions and tokens stay: every
// request reads the user's role anew. A manager account needs a manager of
// the workspace.
func (s *Store) SetUserRole(ctx context.Context, workspace string, id int64, role, manager, actor string, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		email, old, err := userOf(ctx, tx, workspace, id)
		if err != nil {
			return err
		}
		if manager != "" {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM managers WHERE workspace = $1 AND id = $2`, workspace, manager).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return domain.Errorf(domain.ENOTFOUND, "manager %q not found in workspace %q", manager, workspace)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, manager = $2 WHERE id = $3`, role, manager, id); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s: %s → %s", email, old, role)
		if manager != "" {
			detail += " " + manager
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "user.role", Detail: detail, At: at})
	})
	if err != nil {
		return fmt.Errorf("store: set role of user %d: %w", id, err)
	}
	return nil
}

// DeleteUser removes user id of workspace, and with it the user's sessions
// and API tokens, so that the access ends at once (someone who left); it
// audits that actor did it. The audit trail keeps the email.
func (s *Store) DeleteUser(ctx context.Context, workspace string, id int64, actor string, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		email, role, err := userOf(ctx, tx, workspace, id)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = $1`, `DELETE FROM api_tokens WHERE user_id = $1`,
			`DELETE FROM users WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "user.remove",
			Detail: fmt.Sprintf("%s (%s)", email, role), At: at})
	})
	if err != nil {
		return fmt.Errorf("store: remove user %d: %w", id, err)
	}
	return nil
}
