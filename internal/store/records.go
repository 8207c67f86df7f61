package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
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
// step in SQLite, per chunk rather than per record. (1,000 rows a chunk on
// SQLite used as much user CPU and three times the system time.)
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
			"responsible", "created_by", "created_at", "updated_at", "deleted_at", "phones"}},
		domain.KindDeal: {name: "deals", columns: []string{"workspace", "source", "external_id", "title",
			"responsible", "amount", "status", "created_at", "closed_at", "updated_at", "deleted_at",
			"pipeline_id", "pipeline", "stage_id", "stage"}},
		domain.KindTask: {name: "tasks", columns: []string{"workspace", "source", "external_id", "title",
			"responsible", "deal_id", "deadline", "created_at", "completed_at", "updated_at", "deleted_at"}},
		domain.KindActivity: {name: "activities", columns: []string{"workspace", "source", "external_id", "kind",
			"responsible", "happened_at", "entered_at", "duration_seconds", "outcome", "deal_id", "updated_at", "deleted_at",
			"direction", "phone"}},
		domain.KindDealMove: {name: "deal_moves", columns: []string{"workspace", "source", "external_id", "deal_id",
			"responsible", "moved_at", "pipeline_id", "pipeline", "stage_id", "stage",
			"from_pipeline_id", "from_pipeline", "from_stage_id", "from_stage", "updated_at", "deleted_at"}},
		domain.KindPerson: {name: "persons", columns: []string{"workspace", "source", "external_id", "name",
			"responsible", "company_id", "phones", "created_at", "updated_at", "deleted_at"}},
		domain.KindPBXCall: {name: "pbx_calls", columns: []string{"workspace", "source", "external_id", "pbx_user",
			"started_at", "talk_seconds", "direction", "phone", "updated_at", "deleted_at"}},
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
	b.WriteString(t.conflictSQL())
	return b.String()
}

// conflictSQL is the ON CONFLICT clause of an upsert into t: only a record
// whose values differ from the stored row is written.
func (t *recordTable) conflictSQL() string {
	var b strings.Builder
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
	conn      *sql.Conn // the connection of tx when rows may go through COPY, else nil
	rows      [][]any   // the records held for COPY
	duplicate bool      // whether rows hold a key twice
	t         *recordTable
	workspace any
	args      []any
	keys      map[string]bool
	stmt      *sql.Stmt // the full-chunk statement, prepared on first use
	written   int
}

// copyMinRows is the fewest records of one kind that go through COPY on
// PostgreSQL; below it, creating the staging table costs more than it saves.
const copyMinRows = 1000

// newUpserter returns an upserter of kind into tx. With conn, the
// connection tx runs on, PostgreSQL gets large batches through COPY.
func (s *Store) newUpserter(ctx context.Context, tx *sql.Tx, conn *sql.Conn, kind, workspace string, n int) *upserter {
	t := s.upserts[kind]
	u := &upserter{ctx: ctx, tx: tx, t: t, workspace: workspace,
		args: make([]any, 0, chunkRows*len(t.columns)), keys: make(map[string]bool, chunkRows)}
	if conn != nil && s.dialect == Postgres && n >= copyMinRows {
		u.conn, u.rows, u.keys = conn, make([][]any, 0, n), make(map[string]bool, n)
	}
	return u
}

// add queues one record; values follow source and external id in column
// order. A record whose key is already in the chunk starts a new chunk, as
// one statement cannot upsert a row twice.
func (u *upserter) add(source, externalID string, values ...any) error {
	key := source + "\x00" + externalID
	if u.conn != nil {
		if u.keys[key] {
			u.duplicate = true
		}
		u.keys[key] = true
		row := make([]any, 0, len(u.t.columns))
		row = append(row, u.workspace, source, externalID)
		u.rows = append(u.rows, append(row, values...))
		return nil
	}
	return u.addRow(key, u.workspace, source, externalID, values)
}

func (u *upserter) addRow(key string, workspace, source, externalID any, values []any) error {
	if u.keys[key] {
		if err := u.flush(); err != nil {
			return err
		}
	}
	u.keys[key] = true
	u.args = append(u.args, workspace, source, externalID)
	u.args = append(u.args, values...)
	if len(u.keys) == chunkRows {
		return u.flush()
	}
	return nil
}

// finish writes what add held. Records held for COPY go through a staging
// table unless a key came twice: then, as in chunks, a later record must
// overwrite an earlier one and count as written again, which one INSERT
// cannot do, so they take the chunked path.
func (u *upserter) finish() error {
	if u.conn == nil {
		return u.flush()
	}
	conn, rows := u.conn, u.rows
	u.conn, u.rows = nil, nil
	if !u.duplicate {
		return u.copy(conn, rows)
	}
	clear(u.keys)
	for _, r := range rows {
		if err := u.addRow(r[1].(string)+"\x00"+r[2].(string), r[0], r[1], r[2], r[3:]); err != nil {
			return err
		}
	}
	return u.flush()
}

// copy upserts rows, whose keys are distinct, by COPY into a temporary
// staging table and one INSERT … SELECT … ON CONFLICT, all in u.tx: the
// affected row count is still the number of records written, and a
// rollback takes everything back.
//
// When the workspace has no record of the kind yet, which is every first
// import, nothing can conflict: the rows are copied straight into the
// table, which takes half the server's work of the staging path (measured
// by internal/bench's ImportCSV). Should another transaction store records
// of the kind meanwhile, a key both send fails the COPY, and with it the
// whole batch, as a conflict to run again: never a silent merge.
func (u *upserter) copy(conn *sql.Conn, rows [][]any) error {
	var stored bool
	if err := u.tx.QueryRowContext(u.ctx, `SELECT EXISTS (SELECT 1 FROM `+u.t.name+` WHERE workspace = $1)`,
		u.workspace).Scan(&stored); err != nil {
		return fmt.Errorf("%s: %w", u.t.name, err)
	}
	if !stored {
		err := copyRows(u.ctx, conn, u.t.name, u.t.columns, rows)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "%s of workspace %q were stored by another import at the same time: import again",
				u.t.name, u.workspace)
		}
		if err != nil {
			return fmt.Errorf("%s: copy: %w", u.t.name, err)
		}
		u.written += len(rows)
		return nil
	}
	stage := "reglament_stage_" + u.t.name
	columns := strings.Join(u.t.columns, ", ")
	if _, err := u.tx.ExecContext(u.ctx, `CREATE TEMPORARY TABLE `+stage+` ON COMMIT DROP AS SELECT `+columns+
		` FROM `+u.t.name+` WITH NO DATA`); err != nil {
		return fmt.Errorf("%s: stage: %w", u.t.name, err)
	}
	if err := copyRows(u.ctx, conn, stage, u.t.columns, rows); err != nil {
		return fmt.Errorf("%s: copy: %w", u.t.name, err)
	}
	res, err := u.tx.ExecContext(u.ctx, `INSERT INTO `+u.t.name+` (`+columns+`) SELECT `+columns+` FROM `+stage+u.t.conflictSQL())
	if err != nil {
		return fmt.Errorf("%s: %w", u.t.name, err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return err
	}
	u.written += int(affected)
	_, err = u.tx.ExecContext(u.ctx, `DROP TABLE `+stage)
	return err
}

// copyRows copies rows into table by COPY on conn, a pgx connection.
func copyRows(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error {
	return copyFrom(ctx, conn, table, columns, pgx.CopyFromRows(rows))
}

// copyFrom copies what src yields into table by COPY on conn, a pgx
// connection.
func copyFrom(ctx context.Context, conn *sql.Conn, table string, columns []string, src pgx.CopyFromSource) error {
	return conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy needs a pgx connection, not %T", driverConn)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, src)
		return err
	})
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
	err := s.writeConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		written, err := s.upsertBatch(ctx, tx, conn, workspace, batch)
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
			Detail: fmt.Sprintf("%s: %d written, %d unchanged", batchCounts(batch), res.Written, res.Unchanged)})
	})
	if err != nil {
		return UpsertResult{}, fmt.Errorf("store: upsert records of %q: %w", workspace, err)
	}
	return res, nil
}

// batchCounts names how many records of each kind batch holds, for audit
// entries.
func batchCounts(batch *domain.RecordBatch) string {
	return fmt.Sprintf("companies %d, deals %d, tasks %d, activities %d, deal moves %d",
		len(batch.Companies), len(batch.Deals), len(batch.Tasks), len(batch.Activities), len(batch.Moves)) +
		telephonyCounts(batch)
}

// upsertBatch writes batch in tx. With conn, the connection tx runs on,
// large batches go through COPY on PostgreSQL.
func (s *Store) upsertBatch(ctx context.Context, tx *sql.Tx, conn *sql.Conn, workspace string, batch *domain.RecordBatch) (int, error) {
	invalid := func(kind string, i int, m domain.RecordMeta, what string) error {
		return domain.Errorf(domain.EINVALID, "%s %d (%s %q): %s", kind, i+1, m.Source, m.ExternalID, what)
	}
	written := 0
	run := func(kind string, n int, add func(u *upserter, i int) error) error {
		if n == 0 {
			return nil
		}
		u := s.newUpserter(ctx, tx, conn, kind, workspace, n)
		defer u.close()
		for i := range n {
			if err := add(u, i); err != nil {
				return err
			}
		}
		if err := u.finish(); err != nil {
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
			micros(c.UpdatedAt), micros(c.DeletedAt), phonesText(c.Phones))
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
			d.CreatedAt.UnixMicro(), micros(d.ClosedAt), micros(d.UpdatedAt), micros(d.DeletedAt),
			d.PipelineID, d.Pipeline, d.StageID, d.Stage)
	})
	if err != nil {
		return 0, err
	}
	touched, err := touchedDeals(ctx, tx, workspace, batch)
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
			int64(a.DurationSeconds), a.Outcome, a.DealID, micros(a.UpdatedAt), micros(a.DeletedAt), a.Direction, a.Phone)
	})
	if err != nil {
		return 0, err
	}
	before, err := movedDeals(ctx, tx, workspace, batch.Moves)
	if err != nil {
		return 0, err
	}
	err = run(domain.KindDealMove, len(batch.Moves), func(u *upserter, i int) error {
		m := &batch.Moves[i]
		if m.Source == "" || m.ExternalID == "" || m.DealID == "" || m.MovedAt.IsZero() {
			return invalid(domain.KindDealMove, i, m.RecordMeta, "source, external id, deal id and move time are required")
		}
		return u.add(m.Source, m.ExternalID, m.DealID, m.Responsible, m.MovedAt.UnixMicro(),
			m.PipelineID, m.Pipeline, m.StageID, m.Stage, m.FromPipelineID, m.FromPipeline, m.FromStageID, m.FromStage,
			micros(m.UpdatedAt), micros(m.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	if err := s.refreshDealMoves(ctx, tx, workspace, batch, before); err != nil {
		return 0, err
	}
	if err := s.refreshDealTouches(ctx, tx, workspace, batch, touched); err != nil {
		return 0, err
	}
	n, err := s.upsertTelephony(ctx, tx, conn, workspace, batch)
	if err != nil {
		return 0, err
	}
	return written + n, nil
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

// The columns LoadDay reads, in the order the scanners expect. Day sheets
// read deals without what only explanations show (titles, update times),
// so that fewer values cross the driver, and tasks as tallies.
const (
	companyColumns  = `source, external_id, name, responsible, created_by, created_at, updated_at, deleted_at`
	dealColumns     = `source, external_id, title, responsible, amount, status, created_at, closed_at, updated_at, deleted_at`
	taskColumns     = `source, external_id, title, responsible, deal_id, deadline, created_at, completed_at, updated_at, deleted_at`
	activityColumns = `source, external_id, kind, responsible, happened_at, entered_at, duration_seconds, outcome, deal_id, updated_at, deleted_at`

	// Only a deal won in the window adds its amount to a sheet; the others
	// read as 0 and skip the decimal parsing.
	leanDealColumns = `source, external_id, responsible,
	CASE WHEN status = 'won' AND closed_at > $2 AND closed_at <= $3 THEN amount ELSE '0' END AS amount,
	status, created_at, closed_at, deleted_at`
	taskTallyColumns = `responsible, deadline`
)

// byExternalID orders what LoadDay returns, so that explanations list
// records in a stable order. Day sheets only count, and skip the sort.
const byExternalID = `
	ORDER BY external_id, source`

// The queries of LoadDay; each branch is a range scan of one index.
// Companies and deals take the workspace, From and To; activities also
// From+Grace, To+Grace and From+Grace-lateEntryLag; tasks take the
// workspace, To and To+taskSoon.
const (
	companiesDayQuery = `SELECT ` + companyColumns + ` FROM companies
	WHERE workspace = $1 AND created_at > $2 AND created_at <= $3`
	dealsDayWhere = ` FROM deals
	WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $2)
	UNION ALL
	SELECT %s FROM deals
	WHERE workspace = $1 AND closed_at > $2 AND status IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $2)`
	// Tasks open at To: never completed, or completed after To — within
	// taskSoon of their creation, and so by To+taskSoon ($3), or later
	// (migration 0009). The two completed branches repeat the predicates
	// of their partial indexes word for word.
	tasksDayWhere = ` FROM tasks
	WHERE workspace = $1 AND completed_at IS NULL AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
	UNION ALL
	SELECT %[1]s FROM tasks
	WHERE workspace = $1 AND completed_at > $2 AND completed_at <= $3 AND completed_at - created_at <= 172800000000
		AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
	UNION ALL
	SELECT %[1]s FROM tasks
	WHERE workspace = $1 AND completed_at > $2 AND completed_at - created_at > 172800000000
		AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)`
)

// taskSoon is the boundary of migration 0009 between tasks completed soon
// after their creation and late: 2 days, 172800000000 µs in the SQL.
const taskSoon = 2 * 24 * time.Hour

var (
	// closedDealsDayQuery is the part of the deals LoadDay returns that a
	// day sheet still reads as rows: those closed in (From, To], whose won
	// amounts are summed as exact decimals. The deals in progress at To
	// are counted by stateTallyQuery. Parameters: workspace, From, To.
	closedDealsDayQuery = `SELECT ` + leanDealColumns + ` FROM deals
	WHERE workspace = $1 AND closed_at > $2 AND closed_at <= $3 AND status IN ('won', 'lost') AND created_at <= $3
		AND (deleted_at IS NULL OR deleted_at > $2)`

	// taskTallyQuery counts, per responsible CRM user, what Evaluate
	// counts of the tasks LoadDay would return: those open at To, and the
	// overdue ones (a deadline before To). Parameters: workspace, To,
	// To+taskSoon.
	taskTallyQuery = fmt.Sprintf(`SELECT responsible, COUNT(*), SUM(CASE WHEN deadline < $2 THEN 1 ELSE 0 END) FROM (
	SELECT `+taskTallyColumns+tasksDayWhere+`
	) t
	GROUP BY responsible`, taskTallyColumns)

	// dealTallyFormat counts, per responsible CRM user, the deals in
	// progress at To and those of them without a task open at To on their
	// source and external id. Its two %s say how a deal finds the open
	// tasks, which each dialect plans well only one way. Parameters:
	// workspace, To, To+taskSoon. (It and taskTallyQuery were one
	// statement over the open tasks read once, a CTE; apart they cost less
	// on SQLite, where the CTE was materialized, and can run at once.)
	dealTallyFormat = `SELECT d.responsible, COUNT(*), SUM(%s)
	FROM (
		SELECT source, external_id, responsible FROM deals
		WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
		UNION ALL
		SELECT source, external_id, responsible FROM deals
		WHERE workspace = $1 AND closed_at > $2 AND status IN ('won', 'lost') AND created_at <= $2
			AND (deleted_at IS NULL OR deleted_at > $2)
	) d%s
	GROUP BY d.responsible`
	openTaskDeals = fmt.Sprintf(`SELECT `+openTaskDealColumns+tasksDayWhere, openTaskDealColumns)
)

const openTaskDealColumns = `source, deal_id`

var (
	// dealTallyQuery, for PostgreSQL, joins the deals to the distinct
	// deal keys of the open tasks, a hash join at any size. (An IN list
	// was hashed at M, but at L, for days a month back, PostgreSQL judged
	// the hash too big for work_mem and scanned the tasks again for each
	// deal: 15 s a query.)
	dealTallyQuery = fmt.Sprintf(dealTallyFormat, `CASE WHEN o.deal_id IS NULL THEN 1 ELSE 0 END`, `
	LEFT JOIN (SELECT DISTINCT source, deal_id FROM (`+openTaskDeals+`) t WHERE deal_id <> '') o
		ON o.source = d.source AND o.deal_id = d.external_id`)

	// dealTallySQLiteQuery, for SQLite, looks the deal up in an IN list,
	// which SQLite indexes once. (Its planner may join the subquery above
	// by a nested loop: 2 s at M in the sqlite3 shell 3.40. NOT IN instead
	// of IN scans the list for each deal: 5 s at L.)
	dealTallySQLiteQuery = fmt.Sprintf(dealTallyFormat,
		`CASE WHEN (d.source, d.external_id) IN (SELECT source, deal_id FROM (`+openTaskDeals+`) t WHERE deal_id <> '') THEN 0 ELSE 1 END`, ``)
)

// Late entries happened by From and were entered in (From+Grace,
// To+Grace]. They are read in two disjoint parts, by the lag between
// happening and entry (migration 0009): entered more than 10 minutes
// (lateEntryLag, 600000000 µs) after they happened, from the small
// activities_entered_late; within 10 minutes, from activities_happened
// over (From+Grace-10 min, From] — such an activity was entered after
// From+Grace, so it happened after From+Grace-10 min; an empty range when
// the grace is 10 minutes or more. Parameters: $1 workspace, $2 From, $4
// From+Grace, $5 To+Grace, $6 From+Grace-lateEntryLag. The lag predicates
// repeat the index's word for word.
const (
	lateEntriesSlow = `
	WHERE workspace = $1 AND entered_at > $4 AND entered_at <= $5 AND happened_at <= $2
		AND entered_at - happened_at > 600000000`
	lateEntriesSoon = `
	WHERE workspace = $1 AND happened_at > $6 AND happened_at <= $2 AND entered_at > $4 AND entered_at <= $5
		AND entered_at - happened_at <= 600000000`
)

// lateEntryLag is the lag of migration 0009's activities_entered_late.
const lateEntryLag = 10 * time.Minute

// activityTallyQuery counts, per responsible CRM user, what Evaluate counts
// of the activities that happened in (lo, hi], a part of the window: those
// bearing on an indicator, and the meetings and calls held and entered in
// time. Parameters: workspace, lo, hi, To, To+Grace, min_call_seconds.
// Each row is reduced to 0/1 flags before the GROUP BY, so that the sort
// behind it moves a user id and three small numbers instead of the whole
// row. Late entries are counted apart (lateTallyQuery).
const activityTallyQuery = `SELECT responsible, SUM(evidence), SUM(meeting), SUM(call), 0 FROM (
	SELECT responsible,
		CASE WHEN kind IN ('call', 'meeting') THEN 1 ELSE 0 END AS evidence,
		CASE WHEN kind = 'meeting' AND outcome = 'held' AND (deleted_at IS NULL OR deleted_at > $4)
			AND entered_at <= $5 THEN 1 ELSE 0 END AS meeting,
		CASE WHEN kind = 'call' AND outcome = 'held' AND duration_seconds >= $6 AND (deleted_at IS NULL OR deleted_at > $4)
			AND entered_at <= $5 THEN 1 ELSE 0 END AS call
	FROM activities
	WHERE workspace = $1 AND happened_at > $2 AND happened_at <= $3
	) a
	GROUP BY responsible`

// lateTallyQuery counts, per responsible CRM user, the late entries
// LoadDay would return (the same index ranges): all of them bear on an
// indicator, and those not deleted by To count. Parameters: workspace,
// From, To, From+Grace, To+Grace, From+Grace-lateEntryLag.
const lateTallyQuery = `SELECT responsible, COUNT(*), 0, 0, SUM(CASE WHEN deleted_at IS NULL OR deleted_at > $3 THEN 1 ELSE 0 END) FROM (
	SELECT responsible, deleted_at FROM activities` + lateEntriesSlow + `
	UNION ALL
	SELECT responsible, deleted_at FROM activities` + lateEntriesSoon + `
	) a
	GROUP BY responsible`

// When a day's read runs on several connections at once, the activities
// of the window's last hours, when a sales floor works, are counted in
// slices of activitySlice, activitySlices of them back from the cutoff,
// so that the connections share the day's largest aggregate; the rest of
// the window is one more slice.
const (
	activitySlice  = 3 * time.Hour
	activitySlices = 3
)

// activityRanges returns the parts of (win.From, win.To] whose activities
// are counted apart, latest first: the whole window on one connection,
// slices (see activitySlice) on several.
func activityRanges(win domain.Window, conns int) [][2]time.Time {
	if conns <= 1 {
		return [][2]time.Time{{win.From, win.To}}
	}
	var ranges [][2]time.Time
	hi := win.To
	for range activitySlices {
		lo := hi.Add(-activitySlice)
		if !lo.After(win.From) {
			break
		}
		ranges = append(ranges, [2]time.Time{lo, hi})
		hi = lo
	}
	return append(ranges, [2]time.Time{win.From, hi})
}

// LoadDaySheet returns what the sheet of win.Day needs for ws: the same
// records as LoadDay, except that activities, tasks and the deals in
// progress at To are counted per CRM user by aggregate queries
// (DayData.ActivityTallies, TaskTallies, DealTallies) instead of returned
// as rows; only companies and the deals closed in the window stay rows.
//
// When the regulation version in force on win.Day has own indicators, the
// sheet reads what ownPlan says: more tallies for those of activities and
// tasks, and the deals (with their moves, the window's moves and touches
// as needed) as rows. A version with an own indicator of activities or
// tasks by pipeline is read as LoadDay reads, without what only
// explanations show (titles and update times of deals, tasks and
// activities, won amounts of deals not won in the window) and in no
// particular order.
// Records come in no particular order and without what only explanations
// show (titles, update times); a user may have several activity tallies,
// one per part of the window, which add up. The workspace's watermark is
// read with them (DayData.Watermark).
//
// The queries run on the connections read allows, all reading one
// snapshot of the database (see readSnapshot): a day's sheet is one state
// of the records however many connections read it.
func (s *Store) LoadDaySheet(ctx context.Context, ws *domain.Workspace, win domain.Window, read DayRead) (*domain.DayData, error) {
	conns := s.readConns(read)
	var plan ownPlan
	var tel *domain.TelephonyData
	var telephony []dayPart // the telephone bases' data, when the version uses one
	if version, ok := ws.Regulation.At(win.Day); ok && version.UsesTelephony() {
		telephony = append(telephony, telephonyPart(ws.ID, win, &tel))
	}
	if version, ok := ws.Regulation.At(win.Day); ok && version.NeedsRecords() {
		plan = planOwn(ws, version)
		if plan.records {
			data, err := s.loadDayRecords(ctx, ws.ID, win, true, plan.touches, conns, telephony...)
			if err != nil {
				return nil, fmt.Errorf("store: load day %s: %w", win.Day, err)
			}
			data.Telephony = tel
			return data, nil
		}
	}
	a := newDayArgs(win)
	workspace := ws.ID
	ranges := activityRanges(win, conns)
	// Each part writes only its own results, as parts run at once.
	tallies := make([][]domain.ActivityTally, len(ranges)+1)
	ownTallies := make([][]domain.OwnTally, len(ranges)+2)
	var (
		companies, deals       domain.DayData
		own                    ownDeals
		windowMoves, dealMoves []domain.DealMove
		cat                    catalogue
	)
	data := &domain.DayData{}
	tally := func(ctx context.Context, tx *sql.Tx, i int, query string, args []any, own []ownColumn) error {
		counts := make([]int64, len(own))
		dest := make([]any, 5, 5+len(own))
		var t domain.ActivityTally
		dest[0], dest[1], dest[2], dest[3], dest[4] = &t.CRMUser, &t.Evidence, &t.MeetingsHeld, &t.CallsHeld, &t.LateEntries
		for k := range counts {
			dest = append(dest, &counts[k])
		}
		err := queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			tallies[i] = append(tallies[i], t)
			for k, c := range own {
				if counts[k] > 0 {
					ownTallies[i] = append(ownTallies[i], domain.OwnTally{Indicator: c.id, CRMUser: t.CRMUser, Count: counts[k]})
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("activities: %w", err)
		}
		return nil
	}
	// The largest parts go first, so that the connections finish together.
	var parts []dayPart
	var probe sync.WaitGroup
	if plan.deals {
		// The deals in progress are counted in groups that own indicators
		// tell apart, the other deals read as rows, in two queries at
		// once (owndeals.go). A deal whose place at a moment the sheet
		// looks at is not its latest move's has its moves read (probed).
		probe.Add(2)
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			defer probe.Done()
			return own.readStates(ctx, tx, s.dialect, workspace, win, &plan)
		}, func(ctx context.Context, tx *sql.Tx) error {
			defer probe.Done()
			return own.readRows(ctx, tx, workspace, win, &plan)
		})
	} else {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			deals := dealTallyQuery
			if s.dialect == SQLite {
				deals = dealTallySQLiteQuery
			}
			err := queryRows(ctx, tx, deals, []any{workspace, a.to, a.toSoon}, func(rows *sql.Rows) error {
				var t domain.DealTally
				if err := rows.Scan(&t.CRMUser, &t.InProgress, &t.WithoutTasks); err != nil {
					return err
				}
				data.DealTallies = append(data.DealTallies, t)
				return nil
			})
			if err != nil {
				return fmt.Errorf("deals in progress: %w", err)
			}
			return nil
		})
	}
	parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
		err := queryRows(ctx, tx, taskTallyQuery, []any{workspace, a.to, a.toSoon}, func(rows *sql.Rows) error {
			var t domain.TaskTally
			if err := rows.Scan(&t.CRMUser, &t.Open, &t.Overdue); err != nil {
				return err
			}
			data.TaskTallies = append(data.TaskTallies, t)
			return nil
		})
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		return nil
	})
	activities := plan.activityTallyQuery()
	for i, r := range ranges {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			return tally(ctx, tx, i, activities,
				[]any{workspace, r[0].UnixMicro(), r[1].UnixMicro(), a.to, a.toGrace, int64(ws.MinCallSeconds)}, plan.activityColumns)
		})
	}
	parts = append(parts,
		func(ctx context.Context, tx *sql.Tx) error {
			return tally(ctx, tx, len(ranges), lateTallyQuery, []any{workspace, a.from, a.to, a.fromGrace, a.toGrace, a.lateFrom}, nil)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return loadCompanies(ctx, tx, companiesDayQuery, []any{workspace, a.from, a.to}, &companies)
		},
	)
	if !plan.deals {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			return loadDeals(ctx, tx, closedDealsDayQuery, []any{workspace, a.from, a.to}, true, &deals)
		})
	}
	if plan.moves {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			return loadMoves(ctx, tx, "moves", movesDayQuery, []any{workspace, a.from, a.to}, &windowMoves)
		})
	}
	places := ownPlaces{}
	if kinds := plan.placedKinds(); len(kinds) > 0 {
		// Own indicators of activities and tasks by pipeline: counted per
		// place of the records' deals (ownplaces.go); the deals of the
		// records whose place a count cannot tell are read after.
		places.counts = make([][]placeCount, len(kinds))
		var counted sync.WaitGroup
		for i, k := range kinds {
			counted.Add(1)
			parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
				defer counted.Done()
				return places.read(ctx, tx, s.dialect, workspace, a, i, k)
			})
		}
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			counted.Wait()
			if err := ctx.Err(); err != nil {
				return err
			}
			return places.readHistories(ctx, tx, s.dialect, workspace)
		})
	}
	if plan.deals || plan.moves || len(plan.placed) > 0 {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) (err error) {
			cat, err = loadCatalogue(ctx, tx, workspace)
			return err
		})
	}
	if len(plan.completed) > 0 {
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			i := len(ranges) + 1
			err := queryRows(ctx, tx, tasksCompletedTallyQuery, []any{workspace, a.from, a.to}, func(rows *sql.Rows) error {
				var user string
				var n int64
				if err := rows.Scan(&user, &n); err != nil {
					return err
				}
				for _, id := range plan.completed {
					if n > 0 {
						ownTallies[i] = append(ownTallies[i], domain.OwnTally{Indicator: id, CRMUser: user, Count: n})
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("tasks completed: %w", err)
			}
			return nil
		})
	}
	if plan.places {
		// Last: it waits for the deals, whose part has started by then.
		parts = append(parts, func(ctx context.Context, tx *sql.Tx) error {
			probe.Wait()
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := own.readMissing(ctx, tx, workspace, win, &plan); err != nil {
				return err
			}
			if len(own.probed) == 0 {
				return nil
			}
			moves := "deal_moves"
			if s.dialect == SQLite {
				moves += " " + byDealSQLite
			}
			err := lookupKeys(ctx, tx, `SELECT `+moveColumns+` FROM `+moves, "deal_id", workspace, own.probed,
				func(rows *sql.Rows) error {
					m, err := scanMove(rows)
					dealMoves = append(dealMoves, m)
					return err
				})
			if err != nil {
				return fmt.Errorf("deals' moves: %w", err)
			}
			return nil
		})
	}
	parts = append(parts, telephony...)
	watermark, err := s.readSnapshot(ctx, workspace, conns, parts)
	if err != nil {
		return nil, fmt.Errorf("store: load day %s: %w", win.Day, err)
	}
	data.Companies, data.Deals, data.Watermark = companies.Companies, deals.Deals, watermark
	data.Telephony = tel
	if plan.deals {
		own.merge(&plan)
		own.name(cat)
		data.Deals, data.DealGroups, data.Touches = own.deals, own.groups, own.touches
		data.TaskTallies = append(data.TaskTallies, own.openTasks...)
	}
	data.Moves = uniqueMoves(windowMoves, dealMoves)
	if len(plan.placed) > 0 {
		data.PlaceTallies = places.tallies(cat)
	}
	for i := range data.Deals {
		cat.resolveDeal(&data.Deals[i])
	}
	for i := range data.Moves {
		cat.resolveMove(&data.Moves[i])
	}
	for _, t := range tallies {
		data.ActivityTallies = append(data.ActivityTallies, t...)
	}
	for _, t := range ownTallies {
		data.OwnTallies = append(data.OwnTallies, t...)
	}
	plan.copyTallies(data)
	return data, nil
}

// DayRead says how LoadDaySheet may read a day.
type DayRead struct {
	// Conns is how many connections the read may use at once.
	Conns int
	// HoldWriters lets a read on SQLite use several connections: they see
	// one state of the database only while the read holds the write lock,
	// so writers wait for it (a fraction of a second at a thousand
	// managers). Without it SQLite reads on one connection. PostgreSQL
	// shares one snapshot between connections without holding anyone back.
	HoldWriters bool
}

// readConns is how many connections a day's read uses: at least one, and
// one on SQLite unless writers may be held back or when the pool has only
// one (an in-memory database).
func (s *Store) readConns(read DayRead) int {
	if s.oneConn || s.dialect == SQLite && !read.HoldWriters {
		return 1
	}
	return max(1, read.Conns)
}

// dayArgs are the instants a day's queries take, in Unix microseconds.
type dayArgs struct {
	from, to, fromGrace, toGrace, toSoon, lateFrom int64
}

func newDayArgs(win domain.Window) dayArgs {
	return dayArgs{
		from: win.From.UnixMicro(), to: win.To.UnixMicro(),
		fromGrace: win.From.Add(win.Grace).UnixMicro(), toGrace: win.To.Add(win.Grace).UnixMicro(),
		toSoon:   win.To.Add(taskSoon).UnixMicro(),
		lateFrom: win.From.Add(win.Grace - lateEntryLag).UnixMicro(),
	}
}

// loadCompanies appends the companies query returns to data.
func loadCompanies(ctx context.Context, tx *sql.Tx, query string, args []any, data *domain.DayData) error {
	err := queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
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
	return nil
}

// loadDeals appends the deals query returns to data: all of dealColumns,
// or leanDealColumns when lean.
func loadDeals(ctx context.Context, tx *sql.Tx, query string, args []any, lean bool, data *domain.DayData) error {
	err := queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
		var d domain.Deal
		var amount string
		var created, closed, updated, deleted sql.NullInt64
		var err error
		if lean {
			err = rows.Scan(&d.Source, &d.ExternalID, &d.Responsible, &amount, &d.Status, &created, &closed, &deleted)
		} else {
			err = rows.Scan(&d.Source, &d.ExternalID, &d.Title, &d.Responsible, &amount, &d.Status,
				&created, &closed, &updated, &deleted)
		}
		if err != nil {
			return err
		}
		if amount == "0" {
			d.Amount = decimal.Decimal{}
		} else if d.Amount, err = decimal.NewFromString(amount); err != nil {
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
	return nil
}
