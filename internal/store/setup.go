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

// The guided setup in the browser (issue 15) keeps four things: the
// one-time link that creates the first admin, the state of a CRM
// authorization in flight, the sealed client secret of an OAuth
// application entered on a page, and how the first sync stands.

// Setup link states, as SetupLinkState reports them.
const (
	SetupLinkValid   = "valid"
	SetupLinkUsed    = "used"
	SetupLinkExpired = "expired"
	SetupLinkUnknown = "unknown"
)

// HasAccounts reports whether any web account exists: serve prints a
// setup link only while none does.
func (s *Store) HasAccounts(ctx context.Context) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM users LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("store: has accounts: %w", err)
	}
	return true, nil
}

// CreateSetupLink stores the hash of a new one-time setup link valid until
// expires.
func (s *Store) CreateSetupLink(ctx context.Context, tokenHash string, now, expires time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO setup_links (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`,
			tokenHash, now.UnixMicro(), expires.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create setup link: %w", err)
	}
	return nil
}

// SetupLinkState says whether the setup link of tokenHash may be used at
// now: SetupLinkValid, SetupLinkUsed, SetupLinkExpired or SetupLinkUnknown.
func (s *Store) SetupLinkState(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var expires int64
	var used sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT expires_at, used_at FROM setup_links WHERE token_hash = $1`, tokenHash).Scan(&expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return SetupLinkUnknown, nil
	case err != nil:
		return "", fmt.Errorf("store: setup link: %w", err)
	case used.Valid:
		return SetupLinkUsed, nil
	case now.UnixMicro() >= expires:
		return SetupLinkExpired, nil
	}
	return SetupLinkValid, nil
}

// UseSetupLink spends the setup link of tokenHash and creates the first
// admin u in the same transaction: of two browsers sending the form at
// once, one gets the account and the other an EINVALID error whose
// message is the link's state (SetupLinkUsed, SetupLinkExpired or
// SetupLinkUnknown). u must be an admin.
func (s *Store) UseSetupLink(ctx context.Context, tokenHash string, u *User, now time.Time) error {
	if u.Role != "admin" || u.Workspace != "" {
		return fmt.Errorf("store: use setup link: the first account must be an admin")
	}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.CreatedAt = now
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE setup_links SET used_at = $2, used_by = $3
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, now.UnixMicro(), u.Email)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			var expires int64
			var used sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT expires_at, used_at FROM setup_links WHERE token_hash = $1`, tokenHash).Scan(&expires, &used)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return domain.Errorf(domain.EINVALID, "%s", SetupLinkUnknown)
			case err != nil:
				return err
			case used.Valid:
				return domain.Errorf(domain.EINVALID, "%s", SetupLinkUsed)
			}
			return domain.Errorf(domain.EINVALID, "%s", SetupLinkExpired)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, workspace, manager, lang, created_at)
			VALUES ($1, $2, 'admin', NULL, '', $3, $4) RETURNING id`, u.Email, u.PasswordHash, u.Lang, now.UnixMicro()).Scan(&u.ID)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a user with email %q already exists", u.Email)
		} else if err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Actor: u.Email, Action: "user.create",
			Detail: fmt.Sprintf("%s (admin)", u.Email), At: now})
	})
	if err != nil {
		return fmt.Errorf("store: use setup link: %w", err)
	}
	return nil
}

// OAuthState is a CRM authorization started from the setup page: the
// callback must come back with its state, in the session that started it,
// before it expires, and only once.
type OAuthState struct {
	StateHash   string
	SessionHash string // the hash of the session token that started it
	UserID      int64
	Workspace   string
	Kind        string // the CRM
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateOAuthState stores a new authorization state.
func (s *Store) CreateOAuthState(ctx context.Context, st OAuthState) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		// States a day past their expiry tell nothing any more: each visit
		// of the CRM page makes one, so the old ones go here.
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at < $1`, st.CreatedAt.Add(-24*time.Hour).UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_states (state_hash, session_hash, user_id, workspace, kind, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, st.StateHash, st.SessionHash, st.UserID, st.Workspace, st.Kind,
			st.CreatedAt.UnixMicro(), st.ExpiresAt.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create oauth state: %w", err)
	}
	return nil
}

// UseOAuthState spends the state of stateHash when it belongs to the
// session of sessionHash and has not expired or been used, and returns
// it. Anything else is an EFORBIDDEN error saying which: a callback with
// another browser's state, a replayed one, or one too late.
func (s *Store) UseOAuthState(ctx context.Context, stateHash, sessionHash string, now time.Time) (OAuthState, error) {
	var st OAuthState
	err := s.write(ctx, func(tx *sql.Tx) error {
		var created, expires int64
		var used sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT state_hash, session_hash, user_id, workspace, kind, created_at, expires_at, used_at
			FROM oauth_states WHERE state_hash = $1`, stateHash).Scan(&st.StateHash, &st.SessionHash, &st.UserID, &st.Workspace,
			&st.Kind, &created, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return domain.Errorf(domain.EFORBIDDEN, "unknown authorization state")
		case err != nil:
			return err
		case st.SessionHash != sessionHash:
			return domain.Errorf(domain.EFORBIDDEN, "the authorization was started in another session")
		case used.Valid:
			return domain.Errorf(domain.EFORBIDDEN, "the authorization was completed already")
		case now.UnixMicro() >= expires:
			return domain.Errorf(domain.EFORBIDDEN, "the authorization expired")
		}
		st.CreatedAt, st.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC()
		res, err := tx.ExecContext(ctx, `UPDATE oauth_states SET used_at = $2 WHERE state_hash = $1 AND used_at IS NULL`, stateHash, now.UnixMicro())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "the authorization was completed already")
		}
		return nil
	})
	if err != nil {
		return OAuthState{}, fmt.Errorf("store: use oauth state: %w", err)
	}
	return st, nil
}

// SaveCRMClientSecret stores the sealed client secret of the workspace's
// OAuth application kind/clientID, replacing any other.
func (s *Store) SaveCRMClientSecret(ctx context.Context, workspace, kind, clientID string, sealed []byte, at time.Time) error {
	if len(sealed) == 0 || clientID == "" {
		return domain.Errorf(domain.EINVALID, "store: save crm client secret of %q: empty", workspace)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO crm_client_secrets (workspace, kind, client_id, sealed, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (workspace) DO UPDATE SET kind = excluded.kind, client_id = excluded.client_id, sealed = excluded.sealed,
			updated_at = excluded.updated_at`, workspace, kind, clientID, sealed, at.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save crm client secret of %q: %w", workspace, err)
	}
	return nil
}

// CRMClientSecret returns the sealed client secret stored for the
// workspace, with the CRM and client id it belongs to. ENOTFOUND when none
// is stored.
func (s *Store) CRMClientSecret(ctx context.Context, workspace string) (kind, clientID string, sealed []byte, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT kind, client_id, sealed FROM crm_client_secrets WHERE workspace = $1`, workspace).
		Scan(&kind, &clientID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, domain.Errorf(domain.ENOTFOUND, "workspace %q has no client secret stored: enter it on the setup page or name a client_secret_file", workspace)
	} else if err != nil {
		return "", "", nil, fmt.Errorf("store: crm client secret of %q: %w", workspace, err)
	}
	return kind, clientID, sealed, nil
}

// SetupSync is how the first sync started from the setup page stands.
type SetupSync struct {
	Workspace string
	Status    string // running, done, failed
	Kind      string // the kind of record being fetched
	Records   int
	Error     string
	StartedAt time.Time
	UpdatedAt time.Time
}

// Setup sync statuses.
const (
	SetupSyncRunning = "running"
	SetupSyncDone    = "done"
	SetupSyncFailed  = "failed"
)

// StartSetupSync records that the first sync of workspace starts at now.
// It fails with ECONFLICT while one is running (started less than stale
// ago: an older one belonged to a process that died).
func (s *Store) StartSetupSync(ctx context.Context, workspace string, now time.Time, stale time.Duration) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var status string
		var updated int64
		err := tx.QueryRowContext(ctx, `SELECT status, updated_at FROM setup_syncs WHERE workspace = $1`, workspace).Scan(&status, &updated)
		if err == nil && status == SetupSyncRunning && now.Sub(time.UnixMicro(updated)) < stale {
			return domain.Errorf(domain.ECONFLICT, "the first sync of %q is running", workspace)
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO setup_syncs (workspace, status, kind, records, error, started_at, updated_at)
			VALUES ($1, 'running', '', 0, '', $2, $2) ON CONFLICT (workspace) DO UPDATE SET status = 'running', kind = '', records = 0,
			error = '', started_at = excluded.started_at, updated_at = excluded.updated_at`, workspace, now.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: start setup sync of %q: %w", workspace, err)
	}
	return nil
}

// UpdateSetupSync records how the first sync of p.Workspace stands.
func (s *Store) UpdateSetupSync(ctx context.Context, p SetupSync) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE setup_syncs SET status = $2, kind = $3, records = $4, error = $5, updated_at = $6
			WHERE workspace = $1`, p.Workspace, p.Status, p.Kind, p.Records, p.Error, p.UpdatedAt.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: update setup sync of %q: %w", p.Workspace, err)
	}
	return nil
}

// FindSetupSync returns how the first sync of workspace stands; ENOTFOUND
// when none was started.
func (s *Store) FindSetupSync(ctx context.Context, workspace string) (SetupSync, error) {
	p := SetupSync{Workspace: workspace}
	var started, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT status, kind, records, error, started_at, updated_at FROM setup_syncs WHERE workspace = $1`,
		workspace).Scan(&p.Status, &p.Kind, &p.Records, &p.Error, &started, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, domain.Errorf(domain.ENOTFOUND, "no first sync of %q", workspace)
	} else if err != nil {
		return p, fmt.Errorf("store: setup sync of %q: %w", workspace, err)
	}
	p.StartedAt, p.UpdatedAt = time.UnixMicro(started).UTC(), time.UnixMicro(updated).UTC()
	return p, nil
}

// CRMUserCount is how many records a CRM user is responsible for.
type CRMUserCount struct {
	CRMID   string
	Records int
}

// CRMUserCounts counts, per CRM user, the workspace's records (companies,
// deals, tasks, activities) created or happened since since, deleted or
// not, most first: the People step of the setup shows who works in the
// CRM. Users with no record in the period are not listed.
func (s *Store) CRMUserCounts(ctx context.Context, workspace string, since time.Time) ([]CRMUserCount, error) {
	var out []CRMUserCount
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT responsible, COUNT(*) FROM (
				SELECT responsible FROM companies WHERE workspace = $1 AND created_at >= $2
				UNION ALL SELECT responsible FROM deals WHERE workspace = $1 AND created_at >= $2
				UNION ALL SELECT responsible FROM tasks WHERE workspace = $1 AND created_at >= $2
				UNION ALL SELECT responsible FROM activities WHERE workspace = $1 AND happened_at >= $2
			) r WHERE responsible <> '' GROUP BY responsible ORDER BY COUNT(*) DESC, responsible`,
			[]any{workspace, since.UnixMicro()}, func(rows *sql.Rows) error {
				var c CRMUserCount
				if err := rows.Scan(&c.CRMID, &c.Records); err != nil {
					return err
				}
				out = append(out, c)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: crm user counts of %q: %w", workspace, err)
	}
	return out, nil
}
