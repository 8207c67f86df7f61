package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// The columns of a day's records. LoadDay reads what explanations show
// too; a day sheet with own indicators reads what domain.Evaluate looks at
// (the "own" columns): no titles, no update times, and a deal's amount only
// when it was won in the window (leanDealColumns).
const (
	recordDealColumns     = dealColumns + `, pipeline_id, pipeline, stage_id, stage`
	ownDealColumns        = leanDealColumns + `, pipeline_id, pipeline, stage_id, stage`
	recordActivityColumns = activityColumns + `, direction`
	ownActivityColumns    = `source, external_id, kind, responsible, happened_at, entered_at, duration_seconds, outcome, deal_id,
	direction, deleted_at`
	ownTaskColumns = `source, external_id, responsible, deal_id, deadline, created_at, completed_at, deleted_at`
	moveColumns    = `source, external_id, deal_id, responsible, moved_at, pipeline_id, pipeline, stage_id, stage,
	from_pipeline_id, from_pipeline, from_stage_id, from_stage, updated_at, deleted_at`
)

// The queries of a day's records; each branch is a range scan of one
// index. Activities take the workspace, From, To, From+Grace, To+Grace and
// From+Grace-lateEntryLag; deals and moves the workspace, From and To;
// tasks the workspace, To, To+taskSoon and From; touches the workspace
// and To.
const (
	activitiesDayFormat = `SELECT %[1]s FROM activities
	WHERE workspace = $1 AND happened_at > $2 AND happened_at <= $3
	UNION ALL
	SELECT %[1]s FROM activities` + lateEntriesSlow + `
	UNION ALL
	SELECT %[1]s FROM activities` + lateEntriesSoon

	// Tasks completed in the window ($4, $2], for tasks_completed, in
	// the two parts of migration 0009's indexes; disjoint from the tasks
	// open at To, which were completed after it if at all.
	tasksCompletedWhere = `
	UNION ALL
	SELECT %[1]s FROM tasks
	WHERE workspace = $1 AND completed_at > $4 AND completed_at <= $2 AND completed_at - created_at <= 172800000000
	UNION ALL
	SELECT %[1]s FROM tasks
	WHERE workspace = $1 AND completed_at > $4 AND completed_at <= $2 AND completed_at - created_at > 172800000000`

	// movesDayQuery reads the moves made in the window.
	movesDayQuery = `SELECT ` + moveColumns + ` FROM deal_moves
	WHERE workspace = $1 AND moved_at > $2 AND moved_at <= $3`

	// dealsInProgress are the keys of the deals in progress at $2, as
	// dealTallyFormat reads them.
	dealsInProgress = `SELECT source, external_id FROM deals
		WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $2)
		UNION ALL
		SELECT source, external_id FROM deals
		WHERE workspace = $1 AND closed_at > $2 AND status IN ('won', 'lost') AND created_at <= $2
			AND (deleted_at IS NULL OR deleted_at > $2)`

	// touchesQuery reads, for each deal in progress at To, its latest
	// activity, completed task and move by To (domain.DealTouch): each a
	// backward scan from To of an index by deal (migration 0014) that
	// stops at the first record that counts. Only records on a deal are
	// in those indexes of activities and tasks, hence deal_id <> ''.
	touchesQuery = `SELECT d.source, d.external_id,
		(SELECT a.happened_at FROM activities a
			WHERE a.workspace = $1 AND a.source = d.source AND a.deal_id = d.external_id AND a.deal_id <> ''
				AND a.happened_at <= $2 AND a.entered_at <= $2 AND (a.deleted_at IS NULL OR a.deleted_at > $2)
			ORDER BY a.happened_at DESC LIMIT 1),
		(SELECT k.completed_at FROM tasks k
			WHERE k.workspace = $1 AND k.source = d.source AND k.deal_id = d.external_id AND k.deal_id <> ''
				AND k.completed_at <= $2 AND (k.deleted_at IS NULL OR k.deleted_at > $2)
			ORDER BY k.completed_at DESC LIMIT 1),
		(SELECT m.moved_at FROM deal_moves m
			WHERE m.workspace = $1 AND m.source = d.source AND m.deal_id = d.external_id
				AND m.moved_at <= $2 AND (m.deleted_at IS NULL OR m.deleted_at > $2)
			ORDER BY m.moved_at DESC LIMIT 1)
	FROM (` + dealsInProgress + `) d`
)

var (
	activitiesDayQuery = fmt.Sprintf(activitiesDayFormat, recordActivityColumns)
	ownActivitiesQuery = fmt.Sprintf(activitiesDayFormat, ownActivityColumns)
	dealsDayQuery      = fmt.Sprintf(`SELECT `+recordDealColumns+dealsDayWhere, recordDealColumns)
	ownDealsQuery      = fmt.Sprintf(`SELECT `+ownDealColumns+dealsDayWhere, ownDealColumns)
	tasksDayQuery      = fmt.Sprintf(`SELECT `+taskColumns+tasksDayWhere+tasksCompletedWhere, taskColumns)
	ownTasksQuery      = fmt.Sprintf(`SELECT `+ownTaskColumns+tasksDayWhere+tasksCompletedWhere, ownTaskColumns)

	// dealMovesDayQuery reads every move of the deals LoadDay returns
	// (dealsDayWhere), each deal's moves by deal_moves_deal. The deals
	// come first: SQLite takes a CROSS JOIN's order as written.
	dealMovesDayQuery       = fmt.Sprintf(dealMovesDayFormat, "")
	dealMovesDaySQLiteQuery = fmt.Sprintf(dealMovesDayFormat, " "+byDealSQLite)
	dealMovesDayFormat      = `SELECT ` + prefixColumns("m.", moveColumns) + ` FROM (
	SELECT source, external_id` + fmt.Sprintf(dealsDayWhere, "source, external_id") + `
	) d CROSS JOIN deal_moves m%s
	WHERE m.workspace = $1 AND m.source = d.source AND m.deal_id = d.external_id`
)

// byDealSQLite reads deal_moves by deal on SQLite, which without
// statistics prefers a range of the primary key over the workspace and
// source (every move of the source) to deal_moves_deal.
const byDealSQLite = "INDEXED BY deal_moves_deal"

// prefixColumns qualifies each of a comma-separated list of columns.
func prefixColumns(prefix, columns string) string {
	list := strings.Split(columns, ",")
	for i, c := range list {
		list[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(list, ", ")
}

// LoadDay returns every record of workspace that can matter for the sheet
// of win.Day, a superset the domain narrows down. Each part is a range scan
// on an index, so its cost follows the day's records, not the history:
//   - companies created in (From, To];
//   - activities that happened in (From, To], or earlier but were entered
//     in (From+Grace, To+Grace] (late entries, read in two parts by the lag
//     of their entry: see lateEntriesSlow);
//   - deals created by To, not deleted by From, open or closed after From;
//   - tasks created by To and neither deleted nor completed by To (the
//     completed ones in two parts by how soon: see tasksDayWhere), and
//     tasks completed in (From, To];
//   - what own indicators need besides (domain.DayData): the moves made
//     in the window and every move of the deals above, the deals the
//     activities and tasks name that are not among them (LinkedDeals,
//     with their moves), and the latest touch of each deal in progress
//     at To (Touches).
//
// Deals and moves are named through the pipeline catalogue (see
// ReplacePipelines). Records are ordered by external id. It is what
// explanations and backtests read; day sheets read LoadDaySheet.
func (s *Store) LoadDay(ctx context.Context, workspace string, win domain.Window) (*domain.DayData, error) {
	var tel *domain.TelephonyData
	data, err := s.loadDayRecords(ctx, workspace, win, false, true, 1, telephonyPart(workspace, win, &tel))
	if err != nil {
		return nil, fmt.Errorf("store: load day %s: %w", win.Day, err)
	}
	data.Telephony = tel
	return data, nil
}

// loadDayRecords reads what LoadDay returns, on up to conns connections
// sharing one snapshot (readSnapshot); lean, only what Evaluate looks at,
// in no particular order (a day sheet), else every column, by external id
// (explanations).
//
// The linked deals and their moves depend on what the activities, tasks
// and deals read found: the part that reads them comes last and waits for
// those parts. Parts are taken in order, so when it starts, every part it
// waits for has started on another connection (or finished on this one).
//
// Touches, the costliest part, are read only when touches is set: a day
// sheet whose regulation counts no idle deals does without them.
func (s *Store) loadDayRecords(ctx context.Context, workspace string, win domain.Window, lean, touches bool, conns int, extra ...dayPart) (*domain.DayData, error) {
	a := newDayArgs(win)
	order := byExternalID
	activities, deals, tasks := activitiesDayQuery, dealsDayQuery, tasksDayQuery
	moves, dealMovesQuery := "deal_moves", dealMovesDayQuery
	if s.dialect == SQLite {
		moves, dealMovesQuery = "deal_moves "+byDealSQLite, dealMovesDaySQLiteQuery
	}
	if lean {
		order = ""
		activities, deals, tasks = ownActivitiesQuery, ownDealsQuery, ownTasksQuery
	}
	// Each part writes only its own results, as parts may run at once.
	var (
		data                                domain.DayData
		companies                           domain.DayData
		windowMoves, dealMoves, linkedMoves []domain.DealMove
		linkedDeals                         []domain.Deal
		dealTouches                         []domain.DealTouch
		cat                                 catalogue
		needed                              sync.WaitGroup
	)
	first := func(p dayPart) dayPart {
		needed.Add(1)
		return func(ctx context.Context, tx *sql.Tx) error {
			defer needed.Done()
			return p(ctx, tx)
		}
	}
	// The largest parts go first, so that the connections finish together.
	parts := []dayPart{
		first(func(ctx context.Context, tx *sql.Tx) error {
			err := queryRows(ctx, tx, activities+order, []any{workspace, a.from, a.to, a.fromGrace, a.toGrace, a.lateFrom},
				func(rows *sql.Rows) error {
					act, err := scanActivity(rows, lean)
					data.Activities = append(data.Activities, act)
					return err
				})
			if err != nil {
				return fmt.Errorf("activities: %w", err)
			}
			return nil
		}),
		first(func(ctx context.Context, tx *sql.Tx) error {
			err := queryRows(ctx, tx, tasks+order, []any{workspace, a.to, a.toSoon, a.from}, func(rows *sql.Rows) error {
				k, err := scanTask(rows, lean)
				data.Tasks = append(data.Tasks, k)
				return err
			})
			if err != nil {
				return fmt.Errorf("tasks: %w", err)
			}
			return nil
		}),
		first(func(ctx context.Context, tx *sql.Tx) error {
			err := queryRows(ctx, tx, deals+order, []any{workspace, a.from, a.to}, func(rows *sql.Rows) error {
				d, err := scanDeal(rows, lean)
				data.Deals = append(data.Deals, d)
				return err
			})
			if err != nil {
				return fmt.Errorf("deals: %w", err)
			}
			return nil
		}),
		func(ctx context.Context, tx *sql.Tx) error {
			if !touches {
				return nil
			}
			return loadTouches(ctx, tx, workspace, a.to, &dealTouches)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return loadMoves(ctx, tx, "deals' moves", dealMovesQuery, []any{workspace, a.from, a.to}, &dealMoves)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return loadCompanies(ctx, tx, companiesDayQuery+order, []any{workspace, a.from, a.to}, &companies)
		},
		func(ctx context.Context, tx *sql.Tx) error {
			return loadMoves(ctx, tx, "moves", movesDayQuery, []any{workspace, a.from, a.to}, &windowMoves)
		},
		func(ctx context.Context, tx *sql.Tx) (err error) {
			cat, err = loadCatalogue(ctx, tx, workspace)
			return err
		},
		func(ctx context.Context, tx *sql.Tx) error {
			needed.Wait()
			if err := ctx.Err(); err != nil {
				return err
			}
			keys := linkedKeys(&data)
			if len(keys) == 0 {
				return nil
			}
			err := lookupKeys(ctx, tx, `SELECT `+recordDealColumns+` FROM deals`, "external_id", workspace, keys,
				func(rows *sql.Rows) error {
					d, err := scanDeal(rows, false)
					linkedDeals = append(linkedDeals, d)
					return err
				})
			if err != nil {
				return fmt.Errorf("linked deals: %w", err)
			}
			// The moves of every deal named, stored or not: where such a
			// deal was is known from its moves alone.
			err = lookupKeys(ctx, tx, `SELECT `+moveColumns+` FROM `+moves, "deal_id", workspace, keys,
				func(rows *sql.Rows) error {
					m, err := scanMove(rows)
					linkedMoves = append(linkedMoves, m)
					return err
				})
			if err != nil {
				return fmt.Errorf("linked deals' moves: %w", err)
			}
			return nil
		},
	}
	parts = append(parts, extra...) // the telephone's (telephonyPart), which wait for nothing
	watermark, err := s.readSnapshot(ctx, workspace, conns, parts)
	if err != nil {
		return nil, err
	}
	data.Companies, data.LinkedDeals, data.Touches, data.Watermark = companies.Companies, linkedDeals, dealTouches, watermark
	data.Moves = uniqueMoves(windowMoves, dealMoves, linkedMoves)
	for i := range data.Deals {
		cat.resolveDeal(&data.Deals[i])
	}
	for i := range data.LinkedDeals {
		cat.resolveDeal(&data.LinkedDeals[i])
	}
	for i := range data.Moves {
		cat.resolveMove(&data.Moves[i])
	}
	if !lean {
		slices.SortFunc(data.LinkedDeals, func(x, y domain.Deal) int {
			return cmp.Or(strings.Compare(x.ExternalID, y.ExternalID), strings.Compare(x.Source, y.Source))
		})
		slices.SortFunc(data.Moves, func(x, y domain.DealMove) int {
			return cmp.Or(strings.Compare(x.ExternalID, y.ExternalID), strings.Compare(x.Source, y.Source))
		})
		slices.SortFunc(data.Touches, func(x, y domain.DealTouch) int {
			return cmp.Or(strings.Compare(x.DealID, y.DealID), strings.Compare(x.Source, y.Source))
		})
	}
	return &data, nil
}

// loadTouches appends to out the latest touch by To of each deal in
// progress at To that has one besides its creation (touchesQuery).
func loadTouches(ctx context.Context, tx *sql.Tx, workspace string, to int64, out *[]domain.DealTouch) error {
	err := queryRows(ctx, tx, touchesQuery, []any{workspace, to}, func(rows *sql.Rows) error {
		t := domain.DealTouch{}
		var activity, task, move sql.NullInt64
		if err := rows.Scan(&t.Source, &t.DealID, &activity, &task, &move); err != nil {
			return err
		}
		var last sql.NullInt64
		for _, at := range []sql.NullInt64{activity, task, move} {
			if at.Valid && (!last.Valid || at.Int64 > last.Int64) {
				last = at
			}
		}
		if last.Valid {
			t.At = fromMicros(last)
			*out = append(*out, t)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("touches: %w", err)
	}
	return nil
}

// linkedKeys returns the (source, deal id) of the deals data's activities
// and tasks name that are not among its deals, each once.
func linkedKeys(data *domain.DayData) [][2]string {
	have := make(map[[2]string]bool, len(data.Deals))
	for i := range data.Deals {
		have[[2]string{data.Deals[i].Source, data.Deals[i].ExternalID}] = true
	}
	var keys [][2]string
	name := func(source, deal string) {
		k := [2]string{source, deal}
		if deal != "" && !have[k] {
			have[k] = true
			keys = append(keys, k)
		}
	}
	for i := range data.Activities {
		name(data.Activities[i].Source, data.Activities[i].DealID)
	}
	for i := range data.Tasks {
		name(data.Tasks[i].Source, data.Tasks[i].DealID)
	}
	return keys
}

// uniqueMoves returns the moves of first and rest, each (source, external
// id) once, in first's backing array.
func uniqueMoves(first []domain.DealMove, rest ...[]domain.DealMove) []domain.DealMove {
	// Each list holds a move once: only the others' moves can repeat one,
	// and they are few (a day's window holds the most).
	seen := make(map[[2]string]bool)
	for _, l := range rest {
		for _, m := range l {
			seen[[2]string{m.Source, m.ExternalID}] = false
		}
	}
	for _, m := range first {
		k := [2]string{m.Source, m.ExternalID}
		if _, ok := seen[k]; ok {
			seen[k] = true
		}
	}
	out := first
	for _, l := range rest {
		for _, m := range l {
			k := [2]string{m.Source, m.ExternalID}
			if !seen[k] {
				seen[k] = true
				out = append(out, m)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// lookupKeys runs query (a SELECT … FROM table) for the rows of workspace
// whose (source, column) is one of keys, keepChunk keys a statement,
// calling scan for each row found.
func lookupKeys(ctx context.Context, tx *sql.Tx, query, column, workspace string, keys [][2]string, scan func(*sql.Rows) error) error {
	for lo := 0; lo < len(keys); lo += keepChunk {
		chunk := keys[lo:min(lo+keepChunk, len(keys))]
		var b strings.Builder
		b.WriteString(query + " WHERE workspace = $1 AND (source, " + column + ") IN (VALUES ")
		args := make([]any, 0, 1+2*len(chunk))
		args = append(args, workspace)
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("($" + strconv.Itoa(len(args)+1) + ", $" + strconv.Itoa(len(args)+2) + ")")
			args = append(args, k[0], k[1])
		}
		b.WriteString(")")
		if err := queryRows(ctx, tx, b.String(), args, scan); err != nil {
			return err
		}
	}
	return nil
}

// loadMoves appends the moves query returns (moveColumns) to out.
func loadMoves(ctx context.Context, tx *sql.Tx, what, query string, args []any, out *[]domain.DealMove) error {
	err := queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
		m, err := scanMove(rows)
		*out = append(*out, m)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func scanMove(rows *sql.Rows) (domain.DealMove, error) {
	var m domain.DealMove
	var moved, updated, deleted sql.NullInt64
	err := rows.Scan(&m.Source, &m.ExternalID, &m.DealID, &m.Responsible, &moved, &m.PipelineID, &m.Pipeline,
		&m.StageID, &m.Stage, &m.FromPipelineID, &m.FromPipeline, &m.FromStageID, &m.FromStage, &updated, &deleted)
	m.MovedAt, m.UpdatedAt, m.DeletedAt = fromMicros(moved), fromMicros(updated), fromMicros(deleted)
	return m, err
}

// scanDeal reads recordDealColumns, or ownDealColumns when lean.
func scanDeal(rows *sql.Rows, lean bool) (domain.Deal, error) {
	var d domain.Deal
	var amount string
	var created, closed, updated, deleted sql.NullInt64
	var err error
	if lean {
		err = rows.Scan(&d.Source, &d.ExternalID, &d.Responsible, &amount, &d.Status, &created, &closed, &deleted,
			&d.PipelineID, &d.Pipeline, &d.StageID, &d.Stage)
	} else {
		err = rows.Scan(&d.Source, &d.ExternalID, &d.Title, &d.Responsible, &amount, &d.Status,
			&created, &closed, &updated, &deleted, &d.PipelineID, &d.Pipeline, &d.StageID, &d.Stage)
	}
	if err != nil {
		return d, err
	}
	if amount != "0" {
		if d.Amount, err = decimal.NewFromString(amount); err != nil {
			return d, fmt.Errorf("deal %s amount: %w", d.ExternalID, err)
		}
	}
	d.CreatedAt, d.ClosedAt = fromMicros(created), fromMicros(closed)
	d.UpdatedAt, d.DeletedAt = fromMicros(updated), fromMicros(deleted)
	return d, nil
}

// scanActivity reads recordActivityColumns, or ownActivityColumns when
// lean.
func scanActivity(rows *sql.Rows, lean bool) (domain.Activity, error) {
	var a domain.Activity
	var happened, entered, updated, deleted sql.NullInt64
	var duration int64
	var err error
	if lean {
		err = rows.Scan(&a.Source, &a.ExternalID, &a.Kind, &a.Responsible, &happened, &entered, &duration,
			&a.Outcome, &a.DealID, &a.Direction, &deleted)
	} else {
		err = rows.Scan(&a.Source, &a.ExternalID, &a.Kind, &a.Responsible, &happened, &entered, &duration,
			&a.Outcome, &a.DealID, &updated, &deleted, &a.Direction)
	}
	a.DurationSeconds = int(duration)
	a.HappenedAt, a.EnteredAt = fromMicros(happened), fromMicros(entered)
	a.UpdatedAt, a.DeletedAt = fromMicros(updated), fromMicros(deleted)
	return a, err
}

// scanTask reads taskColumns, or ownTaskColumns when lean.
func scanTask(rows *sql.Rows, lean bool) (domain.Task, error) {
	var k domain.Task
	var deadline, created, completed, updated, deleted sql.NullInt64
	var err error
	if lean {
		err = rows.Scan(&k.Source, &k.ExternalID, &k.Responsible, &k.DealID, &deadline, &created, &completed, &deleted)
	} else {
		err = rows.Scan(&k.Source, &k.ExternalID, &k.Title, &k.Responsible, &k.DealID, &deadline,
			&created, &completed, &updated, &deleted)
	}
	k.Deadline, k.CreatedAt, k.CompletedAt = fromMicros(deadline), fromMicros(created), fromMicros(completed)
	k.UpdatedAt, k.DeletedAt = fromMicros(updated), fromMicros(deleted)
	return k, err
}
