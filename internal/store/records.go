package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// UpsertResult counts what UpsertRecords did: Written records were inserted
// or changed, Unchanged ones were stored already exactly as sent.
type UpsertResult struct {
	Written, Unchanged int
}

// chunkRows is how many records one INSERT carries. Multi-row statements
// keep the per-record cost low: one round trip to PostgreSQL, one statement
// step in SQLite, per chunk rather than per record.
const chunkRows = 100

// recordTable describes one record table for upserts.
type recordTable struct {
	name    string
	columns []string // workspace, source and external_id first
	dialect string
	full    string // the INSERT for chunkRows rows
}

func recordTables(dialect string) map[string]*recordTable {
	tables := map[string]*recordTable{
		domain.KindCompany: {name: "companies", columns: []string{"workspace", "source", "external_id", "name",
			"responsible", "created_by", "created_at", "updated_at", "deleted_at"}},
		domain.KindDeal: {name: "deals", columns: []string{"workspace", "source", "external_id", "title",
			"responsible", "amount", "status", "created_at", "closed_at", "updated_at", "deleted_at"}},
		domain.KindTask: {name: "tasks", columns: []string{"workspace", "source", "external_id", "title",
			"responsible", "deal_id", "deadline", "created_at", "completed_at", "updated_at", "deleted_at"}},
		domain.KindActivity: {name: "activities", columns: []string{"workspace", "source", "external_id", "kind",
			"responsible", "happened_at", "entered_at", "duration_seconds", "outcome", "deal_id", "updated_at", "deleted_at"}},
	}
	for _, t := range tables {
		t.dialect = dialect
		t.full = t.insertSQL(chunkRows)
	}
	return tables
}

// insertSQL returns the upsert of n records. A record already stored with
// the same values is left alone, so that the affected row count is the
// number of records written.
//
// SQLite gets anonymous ? placeholders: looking up a numbered one by its
// name costs time linear in the number of parameters, which made binding a
// chunk quadratic.
func (t *recordTable) insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.columns, ", ") + ") VALUES ")
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j := range t.columns {
			if j > 0 {
				b.WriteString(", ")
			}
			if t.dialect == SQLite {
				b.WriteString("?")
			} else {
				b.WriteString("$" + strconv.Itoa(p))
			}
			p++
		}
		b.WriteString(")")
	}
	b.WriteString(" ON CONFLICT (workspace, source, external_id) DO UPDATE SET ")
	data := t.columns[3:]
	for i, c := range data {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = excluded." + c)
	}
	distinct := " IS DISTINCT FROM "
	if t.dialect == SQLite {
		distinct = " IS NOT "
	}
	b.WriteString(" WHERE ")
	for i, c := range data {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(t.name + "." + c + distinct + "excluded." + c)
	}
	return b.String()
}

// upserter collects the records of one kind into chunks and writes them.
type upserter struct {
	ctx       context.Context
	tx        *sql.Tx
	t         *recordTable
	workspace any
	args      []any
	keys      map[string]bool
	stmt      *sql.Stmt // the full-chunk statement, prepared on first use
	written   int
}

func (s *Store) newUpserter(ctx context.Context, tx *sql.Tx, kind, workspace string) *upserter {
	t := s.upserts[kind]
	return &upserter{ctx: ctx, tx: tx, t: t, workspace: workspace,
		args: make([]any, 0, chunkRows*len(t.columns)), keys: make(map[string]bool, chunkRows)}
}

// add queues one record; values follow source and external id in column
// order. A record whose key is already in the chunk starts a new chunk, as
// one statement cannot upsert a row twice.
func (u *upserter) add(source, externalID string, values ...any) error {
	key := source + "\x00" + externalID
	if u.keys[key] {
		if err := u.flush(); err != nil {
			return err
		}
	}
	u.keys[key] = true
	u.args = append(u.args, u.workspace, source, externalID)
	u.args = append(u.args, values...)
	if len(u.keys) == chunkRows {
		return u.flush()
	}
	return nil
}

func (u *upserter) flush() error {
	n := len(u.keys)
	if n == 0 {
		return nil
	}
	var res sql.Result
	var err error
	if n == chunkRows {
		if u.stmt == nil {
			if u.stmt, err = u.tx.PrepareContext(u.ctx, u.t.full); err != nil {
				return err
			}
		}
		res, err = u.stmt.ExecContext(u.ctx, u.args...)
	} else {
		res, err = u.tx.ExecContext(u.ctx, u.t.insertSQL(n), u.args...)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", u.t.name, err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return err
	}
	u.written += int(affected)
	clear(u.keys)
	clear(u.args)
	u.args = u.args[:0]
	return nil
}

func (u *upserter) close() {
	if u.stmt != nil {
		u.stmt.Close()
	}
}

// UpsertRecords stores a batch of records of workspace, all or none. A
// record is identified by its source and external id; one sent again
// unchanged is not rewritten. The workspace's data watermark rises to
// watermark when that is later (it never goes back), and an "import" audit
// entry counts the records of each kind.
func (s *Store) UpsertRecords(ctx context.Context, workspace string, batch *domain.RecordBatch, watermark time.Time, actor string, at time.Time) (UpsertResult, error) {
	var res UpsertResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		written, err := s.upsertBatch(ctx, tx, workspace, batch)
		if err != nil {
			return err
		}
		res = UpsertResult{Written: written, Unchanged: batch.Len() - written}
		if !watermark.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET watermark = $2 WHERE id = $1 AND (watermark IS NULL OR watermark < $2)`,
				workspace, watermark.UnixMicro()); err != nil {
				return err
			}
		}
		if batch.Len() == 0 {
			return nil
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "import", At: at,
			Detail: fmt.Sprintf("companies %d, deals %d, tasks %d, activities %d: %d written, %d unchanged",
				len(batch.Companies), len(batch.Deals), len(batch.Tasks), len(batch.Activities), res.Written, res.Unchanged)})
	})
	if err != nil {
		return UpsertResult{}, fmt.Errorf("store: upsert records of %q: %w", workspace, err)
	}
	return res, nil
}

func (s *Store) upsertBatch(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch) (int, error) {
	invalid := func(kind string, i int, m domain.RecordMeta, what string) error {
		return domain.Errorf(domain.EINVALID, "%s %d (%s %q): %s", kind, i+1, m.Source, m.ExternalID, what)
	}
	written := 0
	run := func(kind string, n int, add func(u *upserter, i int) error) error {
		if n == 0 {
			return nil
		}
		u := s.newUpserter(ctx, tx, kind, workspace)
		defer u.close()
		for i := range n {
			if err := add(u, i); err != nil {
				return err
			}
		}
		if err := u.flush(); err != nil {
			return err
		}
		written += u.written
		return nil
	}
	err := run(domain.KindCompany, len(batch.Companies), func(u *upserter, i int) error {
		c := &batch.Companies[i]
		if c.Source == "" || c.ExternalID == "" || c.CreatedAt.IsZero() {
			return invalid(domain.KindCompany, i, c.RecordMeta, "source, external id and creation time are required")
		}
		return u.add(c.Source, c.ExternalID, c.Name, c.Responsible, c.CreatedBy, c.CreatedAt.UnixMicro(),
			micros(c.UpdatedAt), micros(c.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	err = run(domain.KindDeal, len(batch.Deals), func(u *upserter, i int) error {
		d := &batch.Deals[i]
		if d.Source == "" || d.ExternalID == "" || d.CreatedAt.IsZero() {
			return invalid(domain.KindDeal, i, d.RecordMeta, "source, external id and creation time are required")
		}
		return u.add(d.Source, d.ExternalID, d.Title, d.Responsible, d.Amount.String(), d.Status,
			d.CreatedAt.UnixMicro(), micros(d.ClosedAt), micros(d.UpdatedAt), micros(d.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	err = run(domain.KindTask, len(batch.Tasks), func(u *upserter, i int) error {
		k := &batch.Tasks[i]
		if k.Source == "" || k.ExternalID == "" || k.CreatedAt.IsZero() {
			return invalid(domain.KindTask, i, k.RecordMeta, "source, external id and creation time are required")
		}
		return u.add(k.Source, k.ExternalID, k.Title, k.Responsible, k.DealID, micros(k.Deadline),
			k.CreatedAt.UnixMicro(), micros(k.CompletedAt), micros(k.UpdatedAt), micros(k.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	err = run(domain.KindActivity, len(batch.Activities), func(u *upserter, i int) error {
		a := &batch.Activities[i]
		if a.Source == "" || a.ExternalID == "" || a.HappenedAt.IsZero() || a.EnteredAt.IsZero() {
			return invalid(domain.KindActivity, i, a.RecordMeta, "source, external id, happened and entered times are required")
		}
		return u.add(a.Source, a.ExternalID, a.Kind, a.Responsible, a.HappenedAt.UnixMicro(), a.EnteredAt.UnixMicro(),
			int64(a.DurationSeconds), a.Outcome, a.DealID, micros(a.UpdatedAt), micros(a.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// Watermark returns the moment up to which the workspace's CRM data is known
// complete, or the zero time when no import has set it.
func (s *Store) Watermark(ctx context.Context, workspace string) (time.Time, error) {
	var w sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT watermark FROM workspaces WHERE id = $1`, workspace).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		err = domain.Errorf(domain.ENOTFOUND, "workspace %q not found", workspace)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: watermark of %q: %w", workspace, err)
	}
	return fromMicros(w), nil
}

// The columns LoadDay reads, in the order the scanners expect.
const (
	companyColumns  = `source, external_id, name, responsible, created_by, created_at, updated_at, deleted_at`
	dealColumns     = `source, external_id, title, responsible, amount, status, created_at, closed_at, updated_at, deleted_at`
	taskColumns     = `source, external_id, title, responsible, deal_id, deadline, created_at, completed_at, updated_at, deleted_at`
	activityColumns = `source, external_id, kind, responsible, happened_at, entered_at, duration_seconds, outcome, deal_id, updated_at, deleted_at`
)

// The queries of LoadDay; each branch is a range scan of one index.
// Companies and deals take the workspace, From and To; activities also
// From+Grace and To+Grace; tasks take the workspace and To.
const (
	companiesDayQuery = `SELECT ` + companyColumns + ` FROM companies
	WHERE workspace = $1 AND created_at > $2 AND created_at <= $3
	ORDER BY external_id, source`
	activitiesDayQuery = `SELECT ` + activityColumns + ` FROM activities
	WHERE workspace = $1 AND happened_at > $2 AND happened_at <= $3
	UNION ALL
	SELECT ` + activityColumns + ` FROM activities
	WHERE workspace = $1 AND entered_at > $4 AND entered_at <= $5 AND happened_at <= $2
	ORDER BY external_id, source`
	dealsDayQuery = `SELECT ` + dealColumns + ` FROM deals
	WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $2)
	UNION ALL
	SELECT ` + dealColumns + ` FROM deals
	WHERE workspace = $1 AND closed_at > $2 AND status IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $2)
	ORDER BY external_id, source`
	tasksDayQuery = `SELECT ` + taskColumns + ` FROM tasks
	WHERE workspace = $1 AND completed_at IS NULL AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
	UNION ALL
	SELECT ` + taskColumns + ` FROM tasks
	WHERE workspace = $1 AND completed_at > $2 AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
	ORDER BY external_id, source`
)

// LoadDay returns every record of workspace that can matter for the sheet
// of win.Day, a superset the domain narrows down. Each part is a range scan
// on an index, so its cost follows the day's records, not the history:
//   - companies created in (From, To];
//   - activities that happened in (From, To], or earlier but were entered
//     in (From+Grace, To+Grace] (late entries);
//   - deals created by To, not deleted by From, open or closed after From;
//   - tasks created by To and neither deleted nor completed by To.
//
// Records are ordered by external id.
func (s *Store) LoadDay(ctx context.Context, workspace string, win domain.Window) (*domain.DayData, error) {
	from, to := win.From.UnixMicro(), win.To.UnixMicro()
	data := &domain.DayData{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		err := queryRows(ctx, tx, companiesDayQuery, []any{workspace, from, to}, func(rows *sql.Rows) error {
			var c domain.Company
			var created, updated, deleted sql.NullInt64
			if err := rows.Scan(&c.Source, &c.ExternalID, &c.Name, &c.Responsible, &c.CreatedBy, &created, &updated, &deleted); err != nil {
				return err
			}
			c.CreatedAt, c.UpdatedAt, c.DeletedAt = fromMicros(created), fromMicros(updated), fromMicros(deleted)
			data.Companies = append(data.Companies, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("companies: %w", err)
		}
		err = queryRows(ctx, tx, activitiesDayQuery,
			[]any{workspace, from, to, win.From.Add(win.Grace).UnixMicro(), win.To.Add(win.Grace).UnixMicro()},
			func(rows *sql.Rows) error {
				var a domain.Activity
				var happened, entered, updated, deleted sql.NullInt64
				var duration int64
				if err := rows.Scan(&a.Source, &a.ExternalID, &a.Kind, &a.Responsible, &happened, &entered, &duration,
					&a.Outcome, &a.DealID, &updated, &deleted); err != nil {
					return err
				}
				a.DurationSeconds = int(duration)
				a.HappenedAt, a.EnteredAt = fromMicros(happened), fromMicros(entered)
				a.UpdatedAt, a.DeletedAt = fromMicros(updated), fromMicros(deleted)
				data.Activities = append(data.Activities, a)
				return nil
			})
		if err != nil {
			return fmt.Errorf("activities: %w", err)
		}
		err = queryRows(ctx, tx, dealsDayQuery, []any{workspace, from, to}, func(rows *sql.Rows) error {
			var d domain.Deal
			var amount string
			var created, closed, updated, deleted sql.NullInt64
			if err := rows.Scan(&d.Source, &d.ExternalID, &d.Title, &d.Responsible, &amount, &d.Status,
				&created, &closed, &updated, &deleted); err != nil {
				return err
			}
			var err error
			if d.Amount, err = decimal.NewFromString(amount); err != nil {
				return fmt.Errorf("deal %s amount: %w", d.ExternalID, err)
			}
			d.CreatedAt, d.ClosedAt = fromMicros(created), fromMicros(closed)
			d.UpdatedAt, d.DeletedAt = fromMicros(updated), fromMicros(deleted)
			data.Deals = append(data.Deals, d)
			return nil
		})
		if err != nil {
			return fmt.Errorf("deals: %w", err)
		}
		err = queryRows(ctx, tx, tasksDayQuery, []any{workspace, to}, func(rows *sql.Rows) error {
			var k domain.Task
			var deadline, created, completed, updated, deleted sql.NullInt64
			if err := rows.Scan(&k.Source, &k.ExternalID, &k.Title, &k.Responsible, &k.DealID, &deadline,
				&created, &completed, &updated, &deleted); err != nil {
				return err
			}
			k.Deadline, k.CreatedAt, k.CompletedAt = fromMicros(deadline), fromMicros(created), fromMicros(completed)
			k.UpdatedAt, k.DeletedAt = fromMicros(updated), fromMicros(deleted)
			data.Tasks = append(data.Tasks, k)
			return nil
		})
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: load day %s: %w", win.Day, err)
	}
	return data, nil
}
