package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// CreateFinalSheet stores sheet as version 1 of its day's final sheet,
// exactly once however many callers race: when the day is final already it
// stores nothing and returns created=false and the latest stored version.
// It sets sheet.Status and sheet.Version and audits "finalize".
func (s *Store) CreateFinalSheet(ctx context.Context, sheet *domain.DaySheet) (created bool, existing *domain.DaySheet, err error) {
	if err := validateSheet(sheet); err != nil {
		return false, nil, fmt.Errorf("store: finalize sheet %s: %w", sheet.Date, err)
	}
	err = s.writeConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		if err := s.lockWorkspace(ctx, tx, sheet.Workspace); err != nil {
			return err
		}
		if err := requireWorkspace(ctx, tx, sheet.Workspace); err != nil {
			return err
		}
		inserted, err := s.insertSheet(ctx, conn, tx, sheet, 1)
		if err != nil {
			return err
		}
		if !inserted {
			sheets, err := findSheets(ctx, tx, sheet.Workspace, sheet.Date, sheet.Date, true)
			if err != nil {
				return err
			}
			if len(sheets) != 1 {
				return fmt.Errorf("sheet of %s vanished", sheet.Date)
			}
			existing = &sheets[0]
			return nil
		}
		created = true
		return appendAudit(ctx, tx, AuditEntry{Workspace: sheet.Workspace, Actor: sheet.RequestedBy, Action: "finalize",
			Detail: sheetDetail(sheet, 1), At: auditTime(sheet.ComputedAt)})
	})
	if err != nil {
		return false, nil, fmt.Errorf("store: finalize sheet %s: %w", sheet.Date, err)
	}
	if created {
		sheet.Status, sheet.Version = domain.SheetFinal, 1
	}
	return created, existing, nil
}

// AddSheetVersion stores a recomputation of a final day as its next version,
// keeping every earlier one. Who asked (RequestedBy) and why (Reason) are
// required. It sets sheet.Version and audits "recompute".
func (s *Store) AddSheetVersion(ctx context.Context, sheet *domain.DaySheet) error {
	return s.AddSheetVersions(ctx, []*domain.DaySheet{sheet})
}

// AddSheetVersions stores a new version of each final sheet, all in one
// transaction: every day gets its new version, or none does. Each sheet
// needs who asks and why; a day that is not final is ENOTFOUND.
func (s *Store) AddSheetVersions(ctx context.Context, sheets []*domain.DaySheet) error {
	for _, sheet := range sheets {
		err := validateSheet(sheet)
		if err == nil && (sheet.RequestedBy == "" || sheet.Reason == "") {
			err = domain.Errorf(domain.EINVALID, "a new sheet version needs who asks for it and why")
		}
		if err != nil {
			return fmt.Errorf("store: add sheet version %s: %w", sheet.Date, err)
		}
	}
	versions := make([]int, len(sheets))
	var failed *domain.DaySheet
	err := s.writeConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		locked := map[string]bool{}
		for i, sheet := range sheets {
			failed = sheet
			if !locked[sheet.Workspace] {
				if err := s.lockWorkspace(ctx, tx, sheet.Workspace); err != nil {
					return err
				}
				locked[sheet.Workspace] = true
			}
			var last sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM day_sheets WHERE workspace = $1 AND day = $2`,
				sheet.Workspace, sheet.Date.String()).Scan(&last); err != nil {
				return err
			}
			if !last.Valid {
				return domain.Errorf(domain.ENOTFOUND, "day %s of workspace %q has no final sheet: finalize it first", sheet.Date, sheet.Workspace)
			}
			version := int(last.Int64) + 1
			inserted, err := s.insertSheet(ctx, conn, tx, sheet, version)
			if err != nil {
				return err
			}
			if !inserted {
				return domain.Errorf(domain.ECONFLICT, "version %d of day %s was stored concurrently", version, sheet.Date)
			}
			if err := appendAudit(ctx, tx, AuditEntry{Workspace: sheet.Workspace, Actor: sheet.RequestedBy, Action: "recompute",
				Detail: sheetDetail(sheet, version) + ": " + sheet.Reason, At: auditTime(sheet.ComputedAt)}); err != nil {
				return err
			}
			versions[i] = version
		}
		return nil
	})
	if err != nil {
		if failed != nil {
			return fmt.Errorf("store: add sheet version %s: %w", failed.Date, err)
		}
		return fmt.Errorf("store: add sheet versions: %w", err)
	}
	for i, sheet := range sheets {
		sheet.Status, sheet.Version = domain.SheetFinal, versions[i]
	}
	return nil
}

func validateSheet(sheet *domain.DaySheet) error {
	if sheet.Workspace == "" || sheet.Date.IsZero() || sheet.Cutoff.IsZero() {
		return domain.Errorf(domain.EINVALID, "a sheet needs a workspace, a date and a cutoff")
	}
	return nil
}

func sheetDetail(sheet *domain.DaySheet, version int) string {
	d := fmt.Sprintf("%s version %d", sheet.Date, version)
	if sheet.Stale {
		d += " (stale)"
	}
	return d
}

func auditTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// insertSheet inserts sheet as the given version with its lines, unless that
// version exists; inserted reports which. conn is the connection tx runs on.
func (s *Store) insertSheet(ctx context.Context, conn *sql.Conn, tx *sql.Tx, sheet *domain.DaySheet, version int) (inserted bool, err error) {
	unknown, err := json.Marshal(sheet.UnknownUsers)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO day_sheets (workspace, day, version, status, regulation_version, cutoff,
		watermark, stale, computed_at, requested_by, reason, unknown_users)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (workspace, day, version) DO NOTHING`,
		sheet.Workspace, sheet.Date.String(), version, domain.SheetFinal, nullDate(sheet.RegulationVersion),
		sheet.Cutoff.UnixMicro(), micros(sheet.Watermark), sheet.Stale, micros(sheet.ComputedAt),
		sheet.RequestedBy, sheet.Reason, string(unknown))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	day := sheet.Date.String()
	// line returns the column values of line i, encoded as it is sent.
	// The rules are written into one buffer for every line, copied once.
	var rules []byte
	line := func(i int) ([]any, error) {
		l := &sheet.Lines[i]
		values, err := l.Values.MarshalJSON()
		if err != nil {
			return nil, err
		}
		rules = domain.AppendRulesJSON(rules[:0], l.Rules)
		return []any{sheet.Workspace, day, version, i, l.Manager, l.Absent, string(values),
			string(rules), l.Points}, nil
	}
	// PostgreSQL takes the lines by COPY, on the transaction's connection,
	// encoding each as COPY sends it, so that the encoding overlaps the
	// server's work on the lines sent before: for a day of 1,000 managers
	// that wrote in about half the time of multi-row INSERTs
	// (internal/bench). SQLite takes them in multi-row INSERTs: one
	// statement per sheetLineChunk lines instead of one round trip per
	// manager.
	if s.dialect == Postgres && len(sheet.Lines) > 0 {
		next := 0
		return true, copyFrom(ctx, conn, "sheet_lines", sheetLineColumns, pgx.CopyFromFunc(func() ([]any, error) {
			if next == len(sheet.Lines) {
				return nil, nil
			}
			next++
			return line(next - 1)
		}))
	}
	args := make([]any, 0, min(len(sheet.Lines), sheetLineChunk)*len(sheetLineColumns))
	for i := range sheet.Lines {
		values, err := line(i)
		if err != nil {
			return false, err
		}
		args = append(args, values...)
		if n := len(args) / len(sheetLineColumns); n == sheetLineChunk || i == len(sheet.Lines)-1 {
			if _, err := tx.ExecContext(ctx, s.sheetLinesSQL(n), args...); err != nil {
				return false, err
			}
			args = args[:0]
		}
	}
	return true, nil
}

// sheetLineChunk is how many sheet lines one INSERT carries.
const sheetLineChunk = 200

// sheetLineColumns are the columns of sheet_lines, in the order
// insertSheet gives their values.
var sheetLineColumns = []string{"workspace", "day", "version", "position", "manager", "absent", "indicators", "rules", "points"}

// sheetLinesSQL returns the INSERT of n sheet lines, with anonymous ?
// placeholders on SQLite (see recordTable.insertSQL).
func (s *Store) sheetLinesSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO sheet_lines (` + strings.Join(sheetLineColumns, ", ") + `) VALUES `)
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range sheetLineColumns {
			if j > 0 {
				b.WriteString(", ")
			}
			if s.dialect == SQLite {
				b.WriteByte('?')
			} else {
				b.WriteString("$" + strconv.Itoa(p))
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// FindSheet returns the latest version of the final sheet of day.
func (s *Store) FindSheet(ctx context.Context, workspace string, day domain.Date) (*domain.DaySheet, error) {
	var sheets []domain.DaySheet
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		sheets, err = findSheets(ctx, tx, workspace, day, day, true)
		return err
	})
	if err == nil && len(sheets) == 0 {
		err = domain.Errorf(domain.ENOTFOUND, "day %s of workspace %q has no final sheet", day, workspace)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find sheet %s: %w", day, err)
	}
	return &sheets[0], nil
}

// LatestSheetVersion returns the number of the latest stored version of
// the final sheet of day, without loading it; ENOTFOUND when the day is not
// final.
func (s *Store) LatestSheetVersion(ctx context.Context, workspace string, day domain.Date) (int, error) {
	var last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM day_sheets WHERE workspace = $1 AND day = $2`,
		workspace, day.String()).Scan(&last)
	if err == nil && !last.Valid {
		err = domain.Errorf(domain.ENOTFOUND, "day %s of workspace %q has no final sheet", day, workspace)
	}
	if err != nil {
		return 0, fmt.Errorf("store: latest sheet version %s: %w", day, err)
	}
	return int(last.Int64), nil
}

// FindSheetVersions returns every stored version of the final sheet of day,
// oldest first; none when the day is not final.
func (s *Store) FindSheetVersions(ctx context.Context, workspace string, day domain.Date) ([]domain.DaySheet, error) {
	var sheets []domain.DaySheet
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		sheets, err = findSheets(ctx, tx, workspace, day, day, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find sheet versions %s: %w", day, err)
	}
	return sheets, nil
}

// FindSheets returns the latest version of each final sheet dated from from
// to to inclusive, by date.
func (s *Store) FindSheets(ctx context.Context, workspace string, from, to domain.Date) ([]domain.DaySheet, error) {
	var sheets []domain.DaySheet
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		sheets, err = findSheets(ctx, tx, workspace, from, to, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find sheets %s..%s: %w", from, to, err)
	}
	return sheets, nil
}

// FindSheetPoints is FindSheets for statements: the lines carry the
// manager, the absence and the points only, without indicator values and
// rule outcomes, whose decoding was most of a month statement's time.
func (s *Store) FindSheetPoints(ctx context.Context, workspace string, from, to domain.Date) ([]domain.DaySheet, error) {
	var sheets []domain.DaySheet
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		sheets, err = findSheetsLines(ctx, tx, workspace, from, to, true, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find sheet points %s..%s: %w", from, to, err)
	}
	return sheets, nil
}

// FindStatementTotals sums, per manager, the points, the days scored and
// the days absent over the latest version of each day from..to, and lists
// those days: what domain.BuildStatementTotals needs, in one row a manager
// instead of one a line. Managers come in the order of their first line (by
// day, then position), as domain.SumSheets orders them.
func (s *Store) FindStatementTotals(ctx context.Context, workspace string, from, to domain.Date) (domain.StatementTotals, error) {
	var t domain.StatementTotals
	args := []any{workspace, from.String(), to.String()}
	err := s.read(ctx, func(tx *sql.Tx) error {
		t = domain.StatementTotals{}
		err := queryRows(ctx, tx, `SELECT DISTINCT x.day FROM day_sheets x
			WHERE x.workspace = $1 AND x.day >= $2 AND x.day <= $3 ORDER BY x.day`, args, func(rows *sql.Rows) error {
			var day string
			if err := rows.Scan(&day); err != nil {
				return err
			}
			d, err := domain.ParseDate(day)
			if err != nil {
				return err
			}
			t.FinalDays = append(t.FinalDays, d)
			return nil
		})
		if err != nil || len(t.FinalDays) == 0 {
			return err
		}
		// The first line of a manager is the least day and position; a day
		// YYYY-MM-DD as the number YYYYMMDD times a million plus the
		// position orders both in one integer on both dialects. The CROSS
		// JOIN makes SQLite look up the lines of each latest version by key
		// rather than read the lines of every version of the period (at L,
		// 133,000 lines to keep 20,000); PostgreSQL plans it as any join.
		return queryRows(ctx, tx, `SELECT x.manager, SUM(x.points),
			SUM(CASE WHEN x.absent THEN 0 ELSE 1 END), SUM(CASE WHEN x.absent THEN 1 ELSE 0 END),
			MIN(CAST(REPLACE(x.day, '-', '') AS BIGINT) * 1000000 + x.position) AS first
			FROM (SELECT v.day AS day, MAX(v.version) AS version FROM day_sheets v
				WHERE v.workspace = $1 AND v.day >= $2 AND v.day <= $3 GROUP BY v.day) l
			CROSS JOIN sheet_lines x
			WHERE x.workspace = $1 AND x.day = l.day AND x.version = l.version
			GROUP BY x.manager ORDER BY first`, args, func(rows *sql.Rows) error {
			var m domain.ManagerTotals
			var first int64
			if err := rows.Scan(&m.Manager, &m.Points, &m.DaysScored, &m.DaysAbsent, &first); err != nil {
				return err
			}
			t.Managers = append(t.Managers, m)
			return nil
		})
	})
	if err != nil {
		return domain.StatementTotals{}, fmt.Errorf("store: find statement totals %s..%s: %w", from, to, err)
	}
	return t, nil
}

// latestOnly restricts a query on day_sheets or sheet_lines aliased x to the
// latest version of each day from $2 to $3. It is a join on the latest
// versions computed once, so that only their lines are read (a correlated
// MAX per row read the lines of every version).
const latestOnly = ` JOIN (SELECT v.day AS day, MAX(v.version) AS version FROM day_sheets v
	WHERE v.workspace = $1 AND v.day >= $2 AND v.day <= $3 GROUP BY v.day) l ON l.day = x.day AND l.version = x.version`

// findSheets loads the sheets of days from..to, with their lines, in two
// queries: sheets, then all their lines in order.
func findSheets(ctx context.Context, tx *sql.Tx, workspace string, from, to domain.Date, latest bool) ([]domain.DaySheet, error) {
	return findSheetsLines(ctx, tx, workspace, from, to, latest, true)
}

// findSheetsLines is findSheets; without full, lines carry no indicator
// values and no rule outcomes.
func findSheetsLines(ctx context.Context, tx *sql.Tx, workspace string, from, to domain.Date, latest, full bool) ([]domain.DaySheet, error) {
	filter := ` WHERE x.workspace = $1 AND x.day >= $2 AND x.day <= $3`
	if latest {
		filter = latestOnly + filter
	}
	args := []any{workspace, from.String(), to.String()}
	var sheets []domain.DaySheet
	type key struct {
		day     string
		version int
	}
	index := make(map[key]int)
	err := queryRows(ctx, tx, `SELECT x.day, x.version, x.status, x.regulation_version, x.cutoff, x.watermark, x.stale,
		x.computed_at, x.requested_by, x.reason, x.unknown_users FROM day_sheets x`+filter+` ORDER BY x.day, x.version`,
		args, func(rows *sql.Rows) error {
			sh := domain.DaySheet{Workspace: workspace}
			var day, unknown string
			var regulation sql.NullString
			var cutoff, watermark, computed sql.NullInt64
			if err := rows.Scan(&day, &sh.Version, &sh.Status, &regulation, &cutoff, &watermark, &sh.Stale,
				&computed, &sh.RequestedBy, &sh.Reason, &unknown); err != nil {
				return err
			}
			var err error
			if sh.Date, err = domain.ParseDate(day); err != nil {
				return err
			}
			if sh.RegulationVersion, err = parseNullDate(regulation); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(unknown), &sh.UnknownUsers); err != nil {
				return fmt.Errorf("sheet %s unknown users: %w", day, err)
			}
			sh.Cutoff, sh.Watermark, sh.ComputedAt = fromMicros(cutoff), fromMicros(watermark), fromMicros(computed)
			index[key{day, sh.Version}] = len(sheets)
			sheets = append(sheets, sh)
			return nil
		})
	if err != nil || len(sheets) == 0 {
		return sheets, err
	}
	columns := `x.day, x.version, x.manager, x.absent, x.points`
	if full {
		columns += `, x.indicators, x.rules`
	}
	err = queryRows(ctx, tx, `SELECT `+columns+`
		FROM sheet_lines x`+filter+` ORDER BY x.day, x.version, x.position`, args, func(rows *sql.Rows) error {
		var k key
		var l domain.SheetLine
		if !full {
			if err := rows.Scan(&k.day, &k.version, &l.Manager, &l.Absent, &l.Points); err != nil {
				return err
			}
		} else {
			var values, rules []byte
			if err := rows.Scan(&k.day, &k.version, &l.Manager, &l.Absent, &l.Points, &values, &rules); err != nil {
				return err
			}
			if err := json.Unmarshal(values, &l.Values); err != nil {
				return fmt.Errorf("sheet %s line %s indicators: %w", k.day, l.Manager, err)
			}
			if err := json.Unmarshal(rules, &l.Rules); err != nil {
				return fmt.Errorf("sheet %s line %s rules: %w", k.day, l.Manager, err)
			}
		}
		l.Total = l.Points
		i, ok := index[k]
		if !ok {
			return fmt.Errorf("sheet %s version %d: lines without a sheet", k.day, k.version)
		}
		sheets[i].Lines = append(sheets[i].Lines, l)
		return nil
	})
	return sheets, err
}

// CreateAdjustment stores an adjustment of a manager's points on a day,
// setting its ID (and CreatedAt when zero), and audits "adjust". Points must
// not be zero; a reason and an author are required.
func (s *Store) CreateAdjustment(ctx context.Context, a *domain.Adjustment) error {
	return s.CreateAdjustmentWithin(ctx, a, 0)
}

// CreateAdjustmentWithin is CreateAdjustment refusing (EINVALID, in each
// language) an adjustment that would take the sum of the manager's
// adjustments of that day beyond ±limit points; 0 means no limit. The sum
// is read and the adjustment written in one transaction, under the
// workspace's lock, so that two at once cannot pass it together.
func (s *Store) CreateAdjustmentWithin(ctx context.Context, a *domain.Adjustment, limit int) error {
	var err error
	switch {
	case a.Workspace == "" || a.Manager == "" || a.Date.IsZero():
		err = domain.Errorf(domain.EINVALID, "adjustment: workspace, manager and date are required")
	case a.Points == 0:
		err = domain.Errorf(domain.EINVALID, "adjustment: points must not be zero")
	case a.Reason == "":
		err = domain.Errorf(domain.EINVALID, "adjustment: a reason is required")
	case a.Author == "":
		err = domain.Errorf(domain.EINVALID, "adjustment: the author is required")
	}
	if err != nil {
		return fmt.Errorf("store: create adjustment: %w", err)
	}
	createdAt := a.CreatedAt
	if createdAt.IsZero() {
		createdAt = time.Now().UTC().Truncate(time.Microsecond)
	}
	var id int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, a.Workspace); err != nil {
			return err
		}
		if limit > 0 {
			if err := s.lockWorkspace(ctx, tx, a.Workspace); err != nil {
				return err
			}
			var sum int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM adjustments WHERE workspace = $1 AND manager = $2 AND day = $3`,
				a.Workspace, a.Manager, a.Date.String()).Scan(&sum); err != nil {
				return err
			}
			if total := sum + int64(a.Points); total > int64(limit) || total < -int64(limit) {
				return i18n.Invalid("adjust.over_limit", limit, a.Date, sum, a.Points)
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO adjustments (workspace, manager, day, points, reason, author, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.Workspace, a.Manager, a.Date.String(), a.Points, a.Reason, a.Author, createdAt.UnixMicro()).Scan(&id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: a.Workspace, Actor: a.Author, Action: "adjust", At: createdAt,
			Detail: fmt.Sprintf("adjustment %d: manager %s, %s, %+d points: %s", id, a.Manager, a.Date, a.Points, a.Reason)})
	})
	if err != nil {
		return fmt.Errorf("store: create adjustment: %w", err)
	}
	a.ID, a.CreatedAt = id, createdAt
	return nil
}

// FindAdjustments returns the adjustments dated from from to to inclusive,
// ordered by date, then by creation.
func (s *Store) FindAdjustments(ctx context.Context, workspace string, from, to domain.Date) ([]domain.Adjustment, error) {
	var adjs []domain.Adjustment
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT id, manager, day, points, reason, author, created_at FROM adjustments
			WHERE workspace = $1 AND day >= $2 AND day <= $3 ORDER BY day, id`,
			[]any{workspace, from.String(), to.String()}, func(rows *sql.Rows) error {
				a := domain.Adjustment{Workspace: workspace}
				var day string
				var created sql.NullInt64
				if err := rows.Scan(&a.ID, &a.Manager, &day, &a.Points, &a.Reason, &a.Author, &created); err != nil {
					return err
				}
				var err error
				if a.Date, err = domain.ParseDate(day); err != nil {
					return err
				}
				a.CreatedAt = fromMicros(created)
				adjs = append(adjs, a)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: find adjustments %s..%s: %w", from, to, err)
	}
	return adjs, nil
}
