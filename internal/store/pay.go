package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// PayInUseError refuses a change of the pay settings that would change a
// statement already issued: a version added, changed or removed with an
// effective date before FirstOpen, the first day after every period that
// has ended (domain.FirstUnissuedDay). It is a conflict (domain.ECONFLICT)
// and says itself in each language.
type PayInUseError struct {
	Effective domain.Date // the version refused; zero for the version from the start
	FirstOpen domain.Date
}

func (e *PayInUseError) Error() string { return e.Text(i18n.EN) }

// Text says the refusal in l.
func (e *PayInUseError) Text(l i18n.Lang) string {
	if e.Effective.IsZero() {
		return l.T("pay.in_use_start", e.FirstOpen)
	}
	return l.T("pay.in_use", e.Effective, e.FirstOpen)
}

// Unwrap is the domain error of the conflict, with the English text.
func (e *PayInUseError) Unwrap() error {
	return &domain.Error{Code: domain.ECONFLICT, Message: e.Error()}
}

// payIssuedBefore returns the day before which statements of workspace
// count as issued when the apply happens on day today: the first day
// after every ended period, once the workspace has a final sheet dated
// before it. A workspace with no final sheet before that day has issued
// no statement that pay settings could change: it returns the zero date.
func payIssuedBefore(ctx context.Context, tx *sql.Tx, workspace string, today domain.Date) (domain.Date, error) {
	first := domain.FirstUnissuedDay(today)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM day_sheets WHERE workspace = $1 AND day < $2`,
		workspace, first.String()).Scan(&n); err != nil {
		return domain.Date{}, err
	}
	if n == 0 {
		return domain.Date{}, nil
	}
	return first, nil
}

// payDiff says how want differs from have. When both are one version from
// the start, the changed settings are returned as names to join the
// workspace's "settings changed" line (as before pay was versioned);
// otherwise each version added, changed or removed is a change of its own.
func payDiff(have, want []domain.PayVersion) (changes, names []string) {
	if len(have) == 1 && len(want) == 1 && have[0].Effective.IsZero() && want[0].Effective.IsZero() {
		return nil, have[0].Changed(want[0])
	}
	old := make(map[domain.Date]domain.PayVersion, len(have))
	for _, v := range have {
		old[v.Effective] = v
	}
	keep := make(map[domain.Date]bool, len(want))
	for _, v := range want {
		keep[v.Effective] = true
		o, ok := old[v.Effective]
		switch {
		case !ok:
			changes = append(changes, fmt.Sprintf("pay settings %s added: %s", payName(v.Effective), paySummary(v)))
		case !o.SameSettings(v):
			changes = append(changes, fmt.Sprintf("pay settings %s changed: %s", payName(v.Effective), strings.Join(o.Changed(v), ", ")))
		}
	}
	for _, v := range have {
		if !keep[v.Effective] {
			changes = append(changes, fmt.Sprintf("pay settings %s removed", payName(v.Effective)))
		}
	}
	return changes, nil
}

func payName(d domain.Date) string {
	if d.IsZero() {
		return "from the start"
	}
	return "from " + d.String()
}

// paySummary is a version's settings in one line, for the audit log.
func paySummary(v domain.PayVersion) string {
	s := fmt.Sprintf("point value %s %s, pay mode %s", v.PointValue, v.Currency, v.Pay.ModeName())
	if v.Pay.Mode == domain.PayBonus {
		s += fmt.Sprintf(" (base month %s, week %s)", v.Pay.BaseMonth, v.Pay.BaseWeek)
	}
	if v.BonusCap.Valid {
		s += ", bonus cap " + v.BonusCap.Decimal.String()
	}
	if v.FineCap.Valid {
		s += ", fine cap " + v.FineCap.Decimal.String()
	}
	return s
}

// guardPay refuses a change of a version in force before issuedBefore
// (zero: nothing issued): the versions dated before it, the earliest one
// counted as "from the start" whatever its date, must stay as they are.
func guardPay(have, want []domain.PayVersion, issuedBefore domain.Date) error {
	if issuedBefore.IsZero() {
		return nil
	}
	before := func(h []domain.PayVersion) map[domain.Date]domain.PayVersion {
		m := make(map[domain.Date]domain.PayVersion)
		for i, v := range h {
			if i == 0 {
				v.Effective = domain.Date{}
			}
			if v.Effective.Before(issuedBefore) {
				m[v.Effective] = v
			}
		}
		return m
	}
	old, now := before(have), before(want)
	refuse := func(d domain.Date) error { return &PayInUseError{Effective: d, FirstOpen: issuedBefore} }
	for d, v := range now {
		if o, ok := old[d]; !ok || !o.SameSettings(v) {
			return refuse(d)
		}
	}
	for d := range old {
		if _, ok := now[d]; !ok {
			return refuse(d)
		}
	}
	return nil
}

// writePay makes the stored pay versions of workspace equal to want.
func writePay(ctx context.Context, tx *sql.Tx, workspace string, want []domain.PayVersion) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM pay_versions WHERE workspace = $1`, workspace); err != nil {
		return err
	}
	for _, v := range want {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pay_versions (workspace, effective, currency, point_value, bonus_cap, fine_cap,
			pay_mode, pay_base_month, pay_base_week) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			workspace, v.Effective.String(), v.Currency, v.PointValue.String(), nullDecimal(v.BonusCap), nullDecimal(v.FineCap),
			v.Pay.Mode, v.Pay.BaseMonth.String(), v.Pay.BaseWeek.String()); err != nil {
			return err
		}
	}
	return nil
}

// validatePay checks the versions' pay modes and that no two share a day.
func validatePay(ws *domain.Workspace) error {
	seen := make(map[domain.Date]bool)
	for _, v := range ws.PayHistory() {
		if m := v.Pay.Mode; m != "" && m != domain.PayPoints && m != domain.PayBonus {
			return domain.Errorf(domain.EINVALID, "workspace %q: unknown pay mode %q", ws.ID, m)
		}
		if seen[v.Effective] {
			return domain.Errorf(domain.EINVALID, "workspace %q: pay settings %s are listed twice", ws.ID, payName(v.Effective))
		}
		seen[v.Effective] = true
	}
	return nil
}

// findPayVersions reads the workspace's pay versions into ws, whose flat
// fields hold the workspaces row's settings: a workspace without stored
// versions keeps them as its one version from the start.
func findPayVersions(ctx context.Context, tx *sql.Tx, ws *domain.Workspace) error {
	var h []domain.PayVersion
	err := queryRows(ctx, tx, `SELECT effective, currency, point_value, bonus_cap, fine_cap, pay_mode, pay_base_month, pay_base_week
		FROM pay_versions WHERE workspace = $1 ORDER BY effective`, []any{ws.ID}, func(rows *sql.Rows) error {
		var (
			v                             domain.PayVersion
			effective, point, month, week string
			bonusCap, fineCap             sql.NullString
			err                           error
		)
		if err := rows.Scan(&effective, &v.Currency, &point, &bonusCap, &fineCap, &v.Pay.Mode, &month, &week); err != nil {
			return err
		}
		if effective != "" {
			if v.Effective, err = domain.ParseDate(effective); err != nil {
				return err
			}
		}
		if v.PointValue, err = decimal.NewFromString(point); err != nil {
			return fmt.Errorf("pay %s point value: %w", effective, err)
		}
		if v.BonusCap, err = parseNullDecimal(bonusCap); err != nil {
			return fmt.Errorf("pay %s bonus cap: %w", effective, err)
		}
		if v.FineCap, err = parseNullDecimal(fineCap); err != nil {
			return fmt.Errorf("pay %s fine cap: %w", effective, err)
		}
		if v.Pay.BaseMonth, err = parseAmount(month); err != nil {
			return fmt.Errorf("pay %s base month: %w", effective, err)
		}
		if v.Pay.BaseWeek, err = parseAmount(week); err != nil {
			return fmt.Errorf("pay %s base week: %w", effective, err)
		}
		h = append(h, v)
		return nil
	})
	if err != nil || len(h) == 0 {
		return err
	}
	ws.SetPayHistory(h)
	return nil
}
