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

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// ApplyResult says what ApplyWorkspace did. Changes are human-readable, in
// the order they were made; no changes means nothing was written.
type ApplyResult struct {
	Created bool
	Changes []string
}

// ApplyWorkspace makes the stored workspace equal to ws: its settings, its
// managers (ws lists all of them; the others are removed) and its
// regulation. It is idempotent: applying the same workspace again changes
// nothing and writes nothing. A regulation version that final sheets depend
// on (a sheet dated on or after its effective day exists) cannot be changed
// or removed: that is a conflict, and the fix is a new version. Likewise
// the pay settings (domain.PayVersion): once the workspace has final sheets
// before the first day after every ended period, a version dated before
// that day cannot be added, changed or removed (PayInUseError): the
// statements of ended periods are issued and keep their money.
func (s *Store) ApplyWorkspace(ctx context.Context, ws *domain.Workspace, actor string, at time.Time) (ApplyResult, error) {
	var res ApplyResult
	want, err := newWorkspaceRow(ws)
	if err == nil {
		err = validateWorkspace(ws)
	}
	if err == nil {
		err = validateContacts(ws)
	}
	if err == nil {
		err = validatePay(ws)
	}
	if err != nil {
		return res, fmt.Errorf("store: apply workspace %q: %w", ws.ID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkspace(ctx, tx, ws.ID); err != nil {
			return err
		}
		var old *domain.Workspace
		switch found, err := findWorkspace(ctx, tx, ws.ID); {
		case err == nil:
			old = found
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			res.Created = true
			old = &domain.Workspace{ID: ws.ID}
		default:
			return err
		}

		havePay, wantPay := old.PayHistory(), ws.PayHistory()
		if res.Created {
			if err := want.insert(ctx, tx, at); err != nil {
				return err
			}
			if err := writePay(ctx, tx, ws.ID, wantPay); err != nil {
				return err
			}
			res.Changes = append(res.Changes, fmt.Sprintf("workspace %s created", ws.ID))
		} else {
			payChanges, payNames := payDiff(havePay, wantPay)
			if len(payChanges) > 0 || len(payNames) > 0 {
				// A change of pay never reaches an issued statement.
				loc, _ := time.LoadLocation(want.timezone)
				issuedBefore, err := payIssuedBefore(ctx, tx, ws.ID, domain.DateOf(at.In(loc)))
				if err != nil {
					return err
				}
				if err := guardPay(havePay, wantPay, issuedBefore); err != nil {
					return err
				}
				if err := writePay(ctx, tx, ws.ID, wantPay); err != nil {
					return err
				}
			}
			changed := append(settingsDiff(old, ws), payNames...)
			if len(changed) > 0 || len(payChanges) > 0 {
				if err := want.update(ctx, tx, at); err != nil {
					return err
				}
			}
			if len(changed) > 0 {
				res.Changes = append(res.Changes, "settings changed: "+strings.Join(changed, ", "))
			}
			res.Changes = append(res.Changes, payChanges...)
		}

		changes, err := applyCRM(ctx, tx, ws.ID, old.CRM, ws.CRM)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, changes...)

		changes, err = applyManagers(ctx, tx, ws.ID, old.Managers, ws.Managers)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, changes...)

		changes, err = applyTelephony(ctx, tx, old, ws)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, changes...)

		changes, err = applyRegulation(ctx, tx, ws.ID, old.Regulation, ws.Regulation)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, changes...)

		changes, err = applyContacts(ctx, tx, old, ws)
		if err != nil {
			return err
		}
		res.Changes = append(res.Changes, changes...)

		if len(res.Changes) == 0 {
			return nil
		}
		if !res.Created {
			if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET updated_at = $1 WHERE id = $2`, at.UnixMicro(), ws.ID); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: ws.ID, Actor: actor, Action: "apply",
			Detail: strings.Join(res.Changes, "; "), At: at})
	})
	if err != nil {
		return ApplyResult{}, fmt.Errorf("store: apply workspace %q: %w", ws.ID, err)
	}
	return res, nil
}

// validateWorkspace checks what the schema relies on: unique manager ids,
// each CRM user id mapped to one manager, unique regulation days.
func validateWorkspace(ws *domain.Workspace) error {
	if ws.ID == "" {
		return domain.Errorf(domain.EINVALID, "workspace id is required")
	}
	managers := make(map[string]bool)
	crmOwner := make(map[string]string)
	for _, m := range ws.Managers {
		if m.ID == "" {
			return domain.Errorf(domain.EINVALID, "workspace %q: a manager has no id", ws.ID)
		}
		if managers[m.ID] {
			return domain.Errorf(domain.EINVALID, "workspace %q: manager %q is listed twice", ws.ID, m.ID)
		}
		managers[m.ID] = true
		for _, c := range m.CRMIDs {
			if other, ok := crmOwner[c]; ok && other == m.ID {
				return domain.Errorf(domain.EINVALID, "workspace %q: crm user id %q is listed twice for manager %q", ws.ID, c, m.ID)
			} else if ok {
				return domain.Errorf(domain.ECONFLICT, "workspace %q: crm user id %q is mapped to both manager %q and manager %q", ws.ID, c, other, m.ID)
			}
			crmOwner[c] = m.ID
		}
	}
	if c := ws.CRM; c != nil {
		if !domain.KnownCRM(c.Kind) {
			return domain.Errorf(domain.EINVALID, "workspace %q: unknown CRM %q", ws.ID, c.Kind)
		}
		if c.BaseURL == "" {
			return domain.Errorf(domain.EINVALID, "workspace %q: the CRM base URL is required", ws.ID)
		}
		if c.SyncEvery < time.Second {
			return domain.Errorf(domain.EINVALID, "workspace %q: the CRM sync interval must be at least a second", ws.ID)
		}
		// Without a client secret file, the secret is the one stored sealed
		// from the setup page (crm_client_secrets).
		if c.OAuth != nil && c.OAuth.ClientID == "" {
			return domain.Errorf(domain.EINVALID, "workspace %q: the CRM OAuth application needs a client id", ws.ID)
		}
	}
	days := make(map[domain.Date]bool)
	for _, v := range ws.Regulation {
		if v.Effective.IsZero() {
			return domain.Errorf(domain.EINVALID, "workspace %q: a regulation version has no effective date", ws.ID)
		}
		if days[v.Effective] {
			return domain.Errorf(domain.EINVALID, "workspace %q: regulation version %s is listed twice", ws.ID, v.Effective)
		}
		days[v.Effective] = true
	}
	return nil
}

// workspaceRow is a workspace's settings as stored.
type workspaceRow struct {
	id, name, timezone, deadline string
	graceSeconds                 int64
	weekdays                     string
	holidays, extraDays          string
	minCallSeconds               int
	currency, pointValue         string
	bonusCap, fineCap            any
	payMode, baseMonth, baseWeek string
	adjustmentLimit              int
}

func newWorkspaceRow(ws *domain.Workspace) (*workspaceRow, error) {
	tz := ws.Timezone
	if tz == "" && ws.Location != nil {
		tz = ws.Location.String()
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "" {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q: unknown timezone %q", ws.ID, tz)
	}
	// The row keeps the newest pay settings; all of them are in
	// pay_versions.
	h := ws.PayHistory()
	pay := h[len(h)-1]
	if m := pay.Pay.Mode; m != "" && m != domain.PayPoints && m != domain.PayBonus {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q: unknown pay mode %q", ws.ID, m)
	}
	weekdays := []byte("0000000")
	for d, working := range ws.WorkingWeekdays {
		if working {
			weekdays[d] = '1'
		}
	}
	return &workspaceRow{
		id: ws.ID, name: ws.Name, timezone: tz, deadline: ws.Deadline.String(),
		graceSeconds: int64(ws.Grace / time.Second), weekdays: string(weekdays),
		holidays: datesJSON(ws.Holidays), extraDays: datesJSON(ws.ExtraWorkingDays),
		minCallSeconds: ws.MinCallSeconds, currency: pay.Currency, pointValue: pay.PointValue.String(),
		bonusCap: nullDecimal(pay.BonusCap), fineCap: nullDecimal(pay.FineCap),
		payMode: pay.Pay.Mode, baseMonth: pay.Pay.BaseMonth.String(), baseWeek: pay.Pay.BaseWeek.String(),
		adjustmentLimit: ws.AdjustmentLimit,
	}, nil
}

func (r *workspaceRow) insert(ctx context.Context, tx *sql.Tx, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, timezone, deadline, grace_seconds,
		working_weekdays, holidays, extra_working_days, min_call_seconds, currency, point_value, bonus_cap, fine_cap,
		created_at, updated_at, pay_mode, pay_base_month, pay_base_week, adjustment_limit)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18)`,
		r.id, r.name, r.timezone, r.deadline, r.graceSeconds, r.weekdays, r.holidays, r.extraDays,
		r.minCallSeconds, r.currency, r.pointValue, r.bonusCap, r.fineCap, at.UnixMicro(), r.payMode, r.baseMonth, r.baseWeek,
		r.adjustmentLimit)
	return err
}

func (r *workspaceRow) update(ctx context.Context, tx *sql.Tx, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = $2, timezone = $3, deadline = $4, grace_seconds = $5,
		working_weekdays = $6, holidays = $7, extra_working_days = $8, min_call_seconds = $9, currency = $10,
		point_value = $11, bonus_cap = $12, fine_cap = $13, updated_at = $14,
		pay_mode = $15, pay_base_month = $16, pay_base_week = $17, adjustment_limit = $18 WHERE id = $1`,
		r.id, r.name, r.timezone, r.deadline, r.graceSeconds, r.weekdays, r.holidays, r.extraDays,
		r.minCallSeconds, r.currency, r.pointValue, r.bonusCap, r.fineCap, at.UnixMicro(), r.payMode, r.baseMonth, r.baseWeek,
		r.adjustmentLimit)
	return err
}

// settingsDiff names the settings in which ws differs from the stored old;
// the pay settings are compared version by version (payDiff).
func settingsDiff(old, ws *domain.Workspace) []string {
	tz := ws.Timezone
	if tz == "" && ws.Location != nil {
		tz = ws.Location.String()
	}
	var changed []string
	check := func(name string, same bool) {
		if !same {
			changed = append(changed, name)
		}
	}
	check("name", old.Name == ws.Name)
	check("timezone", old.Timezone == tz)
	check("deadline", old.Deadline == ws.Deadline)
	check("grace", old.Grace == ws.Grace.Truncate(time.Second))
	check("working weekdays", old.WorkingWeekdays == ws.WorkingWeekdays)
	check("holidays", slices.Equal(old.Holidays, ws.Holidays))
	check("extra working days", slices.Equal(old.ExtraWorkingDays, ws.ExtraWorkingDays))
	check("min call seconds", old.MinCallSeconds == ws.MinCallSeconds)
	check("adjustment limit", old.AdjustmentLimit == ws.AdjustmentLimit)
	return changed
}

func nullDecimal(d decimal.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return d.Decimal.String()
}

func datesJSON(days []domain.Date) string {
	if days == nil {
		days = []domain.Date{}
	}
	b, _ := json.Marshal(days)
	return string(b)
}

// applyManagers makes the stored managers equal to want, keeping want's
// order. CRM ids of changed and removed managers are deleted before any is
// inserted, so that a CRM id may move from one manager to another.
func applyManagers(ctx context.Context, tx *sql.Tx, workspace string, have, want []domain.Manager) ([]string, error) {
	var changes []string
	old := make(map[string]int, len(have))
	for i, m := range have {
		old[m.ID] = i
	}
	keep := make(map[string]bool, len(want))
	var rewrite []int      // indexes into want of added or changed managers
	var kept, was []string // managers in both lists, in the new and the old order
	for i := range want {
		m := &want[i]
		keep[m.ID] = true
		j, ok := old[m.ID]
		switch {
		case !ok:
			changes = append(changes, fmt.Sprintf("manager %s added", m.ID))
			rewrite = append(rewrite, i)
			continue
		case !sameManager(&have[j], m):
			changes = append(changes, fmt.Sprintf("manager %s changed", m.ID))
			rewrite = append(rewrite, i)
		}
		kept = append(kept, m.ID)
	}
	for _, m := range have {
		if keep[m.ID] {
			was = append(was, m.ID)
		}
	}
	if !slices.Equal(kept, was) {
		changes = append(changes, "managers reordered")
	}
	for _, m := range have {
		if !keep[m.ID] {
			changes = append(changes, fmt.Sprintf("manager %s removed", m.ID))
			if _, err := tx.ExecContext(ctx, `DELETE FROM managers WHERE workspace = $1 AND id = $2`, workspace, m.ID); err != nil {
				return nil, err
			}
		}
	}
	for _, i := range rewrite {
		for _, q := range []string{
			`DELETE FROM manager_crm_ids WHERE workspace = $1 AND manager = $2`,
			`DELETE FROM absences WHERE workspace = $1 AND manager = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, workspace, want[i].ID); err != nil {
				return nil, err
			}
		}
	}
	for _, i := range rewrite {
		m := &want[i]
		if _, err := tx.ExecContext(ctx, `INSERT INTO managers (workspace, id, position, name, team) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (workspace, id) DO UPDATE SET position = excluded.position, name = excluded.name, team = excluded.team`,
			workspace, m.ID, i, m.Name, m.Team); err != nil {
			return nil, err
		}
		for k, c := range m.CRMIDs {
			_, err := tx.ExecContext(ctx, `INSERT INTO manager_crm_ids (workspace, crm_id, manager, position) VALUES ($1, $2, $3, $4)`,
				workspace, c, m.ID, k)
			if isUniqueViolation(err) {
				return nil, domain.Errorf(domain.ECONFLICT, "crm user id %q is mapped to more than one manager", c)
			} else if err != nil {
				return nil, err
			}
		}
		for k, a := range m.Absences {
			if _, err := tx.ExecContext(ctx, `INSERT INTO absences (workspace, manager, position, from_day, to_day, reason)
				VALUES ($1, $2, $3, $4, $5, $6)`, workspace, m.ID, k, a.From.String(), a.To.String(), a.Reason); err != nil {
				return nil, err
			}
		}
	}
	if len(changes) > 0 {
		// Renumber: positions stay 0..n-1 in the order of want.
		for i, m := range want {
			if _, err := tx.ExecContext(ctx, `UPDATE managers SET position = $3 WHERE workspace = $1 AND id = $2 AND position <> $3`,
				workspace, m.ID, i); err != nil {
				return nil, err
			}
		}
	}
	return changes, nil
}

func sameManager(a, b *domain.Manager) bool {
	return a.Name == b.Name && a.Team == b.Team && slices.Equal(a.CRMIDs, b.CRMIDs) && slices.Equal(a.Absences, b.Absences)
}

// RegulationInUseError refuses a change or removal of a regulation version
// that a final sheet may have been scored by: one dated on or after its
// effective day. It is a conflict (domain.ECONFLICT).
type RegulationInUseError struct {
	Version   domain.Date
	LastFinal string // the day of the latest final sheet, YYYY-MM-DD
}

func (e *RegulationInUseError) Error() string {
	return fmt.Sprintf("regulation version %s is used by final sheets up to %s; add a version with a later effective date",
		e.Version, e.LastFinal)
}

// Unwrap is the domain error of the conflict, with the English text.
func (e *RegulationInUseError) Unwrap() error {
	return &domain.Error{Code: domain.ECONFLICT, Message: e.Error()}
}

// applyRegulation makes the stored regulation equal to want. Changing or
// removing a version is refused once a final sheet is dated on or after its
// effective day: that sheet may have been scored by it.
func applyRegulation(ctx context.Context, tx *sql.Tx, workspace string, have, want domain.Regulation) ([]string, error) {
	var lastFinal sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT MAX(day) FROM day_sheets WHERE workspace = $1`, workspace).Scan(&lastFinal); err != nil {
		return nil, err
	}
	guard := func(effective domain.Date) error {
		if lastFinal.Valid && lastFinal.String >= effective.String() {
			return &RegulationInUseError{Version: effective, LastFinal: lastFinal.String}
		}
		return nil
	}
	old := make(map[domain.Date]string, len(have))
	for _, v := range have {
		old[v.Effective] = rulesJSON(v.Rules) + indicatorsJSON(v.Indicators)
	}
	want = slices.Clone(want)
	want.Sort()
	var changes []string
	keep := make(map[domain.Date]bool, len(want))
	for _, v := range want {
		keep[v.Effective] = true
		rules, indicators := rulesJSON(v.Rules), indicatorsJSON(v.Indicators)
		stored, ok := old[v.Effective]
		switch {
		case !ok:
			if _, err := tx.ExecContext(ctx, `INSERT INTO regulation_versions (workspace, effective, rules, indicators) VALUES ($1, $2, $3, $4)`,
				workspace, v.Effective.String(), rules, indicators); err != nil {
				return nil, err
			}
			changes = append(changes, fmt.Sprintf("regulation %s added", v.Effective))
		case stored != rules+indicators:
			// Indicators belong to the version: changing one changes the
			// version, under the same guard as its rules.
			if err := guard(v.Effective); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE regulation_versions SET rules = $3, indicators = $4 WHERE workspace = $1 AND effective = $2`,
				workspace, v.Effective.String(), rules, indicators); err != nil {
				return nil, err
			}
			changes = append(changes, fmt.Sprintf("regulation %s changed", v.Effective))
		}
	}
	for _, v := range have {
		if keep[v.Effective] {
			continue
		}
		if err := guard(v.Effective); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM regulation_versions WHERE workspace = $1 AND effective = $2`,
			workspace, v.Effective.String()); err != nil {
			return nil, err
		}
		changes = append(changes, fmt.Sprintf("regulation %s removed", v.Effective))
	}
	return changes, nil
}

// rulesJSON is the stored form of a version's rules; it is also how two
// versions are compared, as domain.RegulationVersion.Equal does.
func rulesJSON(rules []domain.Rule) string {
	if rules == nil {
		rules = []domain.Rule{}
	}
	b, err := json.Marshal(rules)
	if err != nil {
		panic(fmt.Sprintf("store: marshal rules: %v", err)) // rules hold only strings, ints and decimals
	}
	return string(b)
}

// indicatorsJSON is the stored form of a version's own indicators, and how
// two versions' indicators are compared.
func indicatorsJSON(defs []domain.IndicatorDef) string {
	if defs == nil {
		defs = []domain.IndicatorDef{}
	}
	b, err := json.Marshal(defs)
	if err != nil {
		panic(fmt.Sprintf("store: marshal indicators: %v", err)) // definitions hold only strings and ints
	}
	return string(b)
}

// FindWorkspace returns the workspace with the given id, complete with its
// settings, managers (in their configured order) and regulation (by
// effective day).
func (s *Store) FindWorkspace(ctx context.Context, id string) (*domain.Workspace, error) {
	var ws *domain.Workspace
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		ws, err = findWorkspace(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find workspace %q: %w", id, err)
	}
	return ws, nil
}

// ListWorkspaces returns every workspace, complete, ordered by id.
func (s *Store) ListWorkspaces(ctx context.Context) ([]*domain.Workspace, error) {
	var list []*domain.Workspace
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM workspaces ORDER BY id`)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			ws, err := findWorkspace(ctx, tx, id)
			if err != nil {
				return err
			}
			list = append(list, ws)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: list workspaces: %w", err)
	}
	return list, nil
}

func findWorkspace(ctx context.Context, tx *sql.Tx, id string) (*domain.Workspace, error) {
	ws := &domain.Workspace{ID: id}
	var (
		deadline, weekdays, holidays, extra, pointValue string
		graceSeconds                                    int64
		bonusCap, fineCap                               sql.NullString
		baseMonth, baseWeek                             string
	)
	err := tx.QueryRowContext(ctx, `SELECT name, timezone, deadline, grace_seconds, working_weekdays, holidays,
		extra_working_days, min_call_seconds, currency, point_value, bonus_cap, fine_cap,
		pay_mode, pay_base_month, pay_base_week, adjustment_limit FROM workspaces WHERE id = $1`, id).
		Scan(&ws.Name, &ws.Timezone, &deadline, &graceSeconds, &weekdays, &holidays, &extra,
			&ws.MinCallSeconds, &ws.Currency, &pointValue, &bonusCap, &fineCap, &ws.Pay.Mode, &baseMonth, &baseWeek,
			&ws.AdjustmentLimit)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "workspace %q not found", id)
	} else if err != nil {
		return nil, err
	}
	if ws.Location, err = time.LoadLocation(ws.Timezone); err != nil {
		return nil, err
	}
	if _, err := fmt.Sscanf(deadline, "%d:%d", &ws.Deadline.Hour, &ws.Deadline.Minute); err != nil {
		return nil, fmt.Errorf("deadline %q: %w", deadline, err)
	}
	ws.Grace = time.Duration(graceSeconds) * time.Second
	for d := range ws.WorkingWeekdays {
		ws.WorkingWeekdays[d] = d < len(weekdays) && weekdays[d] == '1'
	}
	if err := json.Unmarshal([]byte(holidays), &ws.Holidays); err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	if err := json.Unmarshal([]byte(extra), &ws.ExtraWorkingDays); err != nil {
		return nil, fmt.Errorf("extra working days: %w", err)
	}
	if len(ws.Holidays) == 0 {
		ws.Holidays = nil
	}
	if len(ws.ExtraWorkingDays) == 0 {
		ws.ExtraWorkingDays = nil
	}
	if ws.PointValue, err = decimal.NewFromString(pointValue); err != nil {
		return nil, fmt.Errorf("point value: %w", err)
	}
	if ws.BonusCap, err = parseNullDecimal(bonusCap); err != nil {
		return nil, fmt.Errorf("bonus cap: %w", err)
	}
	if ws.FineCap, err = parseNullDecimal(fineCap); err != nil {
		return nil, fmt.Errorf("fine cap: %w", err)
	}
	if ws.Pay.BaseMonth, err = parseAmount(baseMonth); err != nil {
		return nil, fmt.Errorf("pay base month: %w", err)
	}
	if ws.Pay.BaseWeek, err = parseAmount(baseWeek); err != nil {
		return nil, fmt.Errorf("pay base week: %w", err)
	}
	if err := findPayVersions(ctx, tx, ws); err != nil {
		return nil, fmt.Errorf("pay settings: %w", err)
	}
	if ws.Managers, err = findManagers(ctx, tx, id); err != nil {
		return nil, err
	}
	if err := findTelephony(ctx, tx, ws); err != nil {
		return nil, err
	}
	if ws.Regulation, err = findRegulation(ctx, tx, id); err != nil {
		return nil, err
	}
	if ws.CRM, err = findCRM(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("crm connection: %w", err)
	}
	if err := findContacts(ctx, tx, ws); err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	return ws, nil
}

// findCRM returns the workspace's CRM connection, or nil when it has none.
func findCRM(ctx context.Context, tx *sql.Tx, workspace string) (*domain.CRMConnection, error) {
	c := &domain.CRMConnection{}
	var seconds int64
	var o domain.CRMOAuth
	err := tx.QueryRowContext(ctx, `SELECT kind, base_url, token_file, sync_every_seconds, application_token_file,
		oauth_client_id, oauth_client_secret_file, oauth_redirect_uri FROM crm_connections WHERE workspace = $1`,
		workspace).Scan(&c.Kind, &c.BaseURL, &c.TokenFile, &seconds, &c.ApplicationTokenFile,
		&o.ClientID, &o.ClientSecretFile, &o.RedirectURI)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c.SyncEvery = time.Duration(seconds) * time.Second
	if o.ClientID != "" {
		c.OAuth = &o
	}
	return c, nil
}

func oauthClientID(o *domain.CRMOAuth) string {
	if o == nil {
		return ""
	}
	return o.ClientID
}

// applyCRM makes the stored CRM connection equal to want (nil: none). The
// sync cursors are kept when only the interval or the token file changes;
// a connection to another CRM or account starts from zero, as its records
// are not the ones the cursors describe. The stored OAuth tokens (removed
// with the connection by the schema) are dropped when the account or the
// OAuth application changes: they belong to the old ones.
func applyCRM(ctx context.Context, tx *sql.Tx, workspace string, have, want *domain.CRMConnection) ([]string, error) {
	if want != nil {
		w := *want
		w.SyncEvery = w.SyncEvery.Truncate(time.Second)
		want = &w
	}
	switch {
	case have == nil && want == nil:
		return nil, nil
	case want == nil:
		for _, q := range []string{`DELETE FROM crm_connections WHERE workspace = $1`, `DELETE FROM sync_cursors WHERE workspace = $1`,
			`DELETE FROM webhook_changes WHERE workspace = $1`} {
			if _, err := tx.ExecContext(ctx, q, workspace); err != nil {
				return nil, err
			}
		}
		return []string{"crm connection removed"}, nil
	case have != nil && have.Equal(want):
		return nil, nil
	}
	var o domain.CRMOAuth
	if want.OAuth != nil {
		o = *want.OAuth
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO crm_connections (workspace, kind, base_url, token_file, sync_every_seconds,
		application_token_file, oauth_client_id, oauth_client_secret_file, oauth_redirect_uri)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url,
		token_file = excluded.token_file, sync_every_seconds = excluded.sync_every_seconds,
		application_token_file = excluded.application_token_file, oauth_client_id = excluded.oauth_client_id,
		oauth_client_secret_file = excluded.oauth_client_secret_file, oauth_redirect_uri = excluded.oauth_redirect_uri`,
		workspace, want.Kind, want.BaseURL, want.TokenFile, int64(want.SyncEvery/time.Second),
		want.ApplicationTokenFile, o.ClientID, o.ClientSecretFile, o.RedirectURI); err != nil {
		return nil, err
	}
	if have == nil {
		return []string{fmt.Sprintf("crm connection added: %s", want.Kind)}, nil
	}
	var changed []string
	check := func(name string, same bool) {
		if !same {
			changed = append(changed, name)
		}
	}
	check("kind", have.Kind == want.Kind)
	check("base url", have.BaseURL == want.BaseURL)
	check("token file", have.TokenFile == want.TokenFile)
	check("sync interval", have.SyncEvery == want.SyncEvery)
	check("application token file", have.ApplicationTokenFile == want.ApplicationTokenFile)
	check("oauth", have.OAuth.Equal(want.OAuth))
	if have.Kind != want.Kind || have.BaseURL != want.BaseURL {
		// Another CRM or account: the cursors and the pending webhook
		// changes describe records of the old one.
		for _, q := range []string{`DELETE FROM sync_cursors WHERE workspace = $1`, `DELETE FROM webhook_changes WHERE workspace = $1`} {
			if _, err := tx.ExecContext(ctx, q, workspace); err != nil {
				return nil, err
			}
		}
	}
	if have.Kind != want.Kind || have.BaseURL != want.BaseURL || oauthClientID(have.OAuth) != oauthClientID(want.OAuth) {
		res, err := tx.ExecContext(ctx, `DELETE FROM crm_tokens WHERE workspace = $1`, workspace)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err == nil && n > 0 {
			changed = append(changed, "stored oauth tokens dropped (run reglament connect again)")
		}
	}
	return []string{"crm connection changed: " + strings.Join(changed, ", ")}, nil
}

// parseAmount reads a stored decimal; "0", what the zero decimal is stored
// as, reads back as the zero decimal.
func parseAmount(s string) (decimal.Decimal, error) {
	if s == "0" {
		return decimal.Decimal{}, nil
	}
	return decimal.NewFromString(s)
}

func parseNullDecimal(s sql.NullString) (decimal.NullDecimal, error) {
	if !s.Valid {
		return decimal.NullDecimal{}, nil
	}
	d, err := decimal.NewFromString(s.String)
	return decimal.NullDecimal{Decimal: d, Valid: err == nil}, err
}

func findManagers(ctx context.Context, tx *sql.Tx, workspace string) ([]domain.Manager, error) {
	var managers []domain.Manager
	index := make(map[string]int)
	err := queryRows(ctx, tx, `SELECT id, name, team FROM managers WHERE workspace = $1 ORDER BY position, id`,
		[]any{workspace}, func(rows *sql.Rows) error {
			var m domain.Manager
			if err := rows.Scan(&m.ID, &m.Name, &m.Team); err != nil {
				return err
			}
			index[m.ID] = len(managers)
			managers = append(managers, m)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, tx, `SELECT manager, crm_id FROM manager_crm_ids WHERE workspace = $1 ORDER BY manager, position`,
		[]any{workspace}, func(rows *sql.Rows) error {
			var manager, crmID string
			if err := rows.Scan(&manager, &crmID); err != nil {
				return err
			}
			m := &managers[index[manager]]
			m.CRMIDs = append(m.CRMIDs, crmID)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, tx, `SELECT manager, from_day, to_day, reason FROM absences WHERE workspace = $1 ORDER BY manager, position`,
		[]any{workspace}, func(rows *sql.Rows) error {
			var manager, from, to string
			var a domain.Absence
			if err := rows.Scan(&manager, &from, &to, &a.Reason); err != nil {
				return err
			}
			var err error
			if a.From, err = domain.ParseDate(from); err != nil {
				return err
			}
			if a.To, err = domain.ParseDate(to); err != nil {
				return err
			}
			m := &managers[index[manager]]
			m.Absences = append(m.Absences, a)
			return nil
		})
	return managers, err
}

func findRegulation(ctx context.Context, tx *sql.Tx, workspace string) (domain.Regulation, error) {
	var reg domain.Regulation
	err := queryRows(ctx, tx, `SELECT effective, rules, indicators FROM regulation_versions WHERE workspace = $1 ORDER BY effective`,
		[]any{workspace}, func(rows *sql.Rows) error {
			var effective, rules, indicators string
			if err := rows.Scan(&effective, &rules, &indicators); err != nil {
				return err
			}
			v := domain.RegulationVersion{}
			var err error
			if v.Effective, err = domain.ParseDate(effective); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(rules), &v.Rules); err != nil {
				return fmt.Errorf("regulation %s: %w", effective, err)
			}
			if len(v.Rules) == 0 {
				v.Rules = nil
			}
			if err := json.Unmarshal([]byte(indicators), &v.Indicators); err != nil {
				return fmt.Errorf("regulation %s indicators: %w", effective, err)
			}
			if len(v.Indicators) == 0 {
				v.Indicators = nil
			}
			reg = append(reg, v)
			return nil
		})
	return reg, err
}

// queryRows runs query and calls scan for each row.
func queryRows(ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
