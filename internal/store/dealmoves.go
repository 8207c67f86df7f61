package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"reglament/internal/domain"
)

// refreshDealMovesSet sets a deal's latest move, where it went and whether
// a move of the deal was deleted (migration 0017), from its stored moves,
// for the deals that have moves or had; refreshDealMoves appends
// "AND (source, external_id) IN (VALUES …)".
const refreshDealMovesSet = `UPDATE deals SET
	moved_at = (SELECT m.moved_at FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1),
	moved_pipeline_id = COALESCE((SELECT m.pipeline_id FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1), ''),
	moved_pipeline = COALESCE((SELECT m.pipeline FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1), ''),
	moved_stage_id = COALESCE((SELECT m.stage_id FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1), ''),
	moved_stage = COALESCE((SELECT m.stage FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source AND m.deal_id = deals.external_id
		ORDER BY m.moved_at DESC, m.external_id DESC LIMIT 1), ''),
	moves_deleted = CASE WHEN EXISTS (SELECT 1 FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source
		AND m.deal_id = deals.external_id AND m.deleted_at IS NOT NULL) THEN 1 ELSE 0 END
WHERE (moved_at IS NOT NULL OR EXISTS (SELECT 1 FROM deal_moves m WHERE m.workspace = deals.workspace AND m.source = deals.source
		AND m.deal_id = deals.external_id))`

// movedDeals returns the deals the moves of batch belonged to as stored
// before the batch: a move that names another deal now leaves its old
// deal's latest move to be found again.
func movedDeals(ctx context.Context, tx *sql.Tx, workspace string, moves []domain.DealMove) ([][2]string, error) {
	if len(moves) == 0 {
		return nil, nil
	}
	keys := make([][2]string, len(moves))
	for i := range moves {
		keys[i] = [2]string{moves[i].Source, moves[i].ExternalID}
	}
	var deals [][2]string
	err := lookupKeys(ctx, tx, `SELECT source, deal_id FROM deal_moves`, "external_id", workspace, keys, func(rows *sql.Rows) error {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		deals = append(deals, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("moves' deals: %w", err)
	}
	return deals, nil
}

// refreshDealMoves keeps, in tx, the latest move (migration 0017) of each
// deal of batch, of each deal a move of batch belongs to, and of the deals
// before (those movedDeals returned).
func (s *Store) refreshDealMoves(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch, before [][2]string) error {
	if len(batch.Moves) == 0 && len(batch.Deals) == 0 {
		return nil
	}
	seen := make(map[[2]string]bool, len(batch.Deals)+len(batch.Moves))
	keys := make([][2]string, 0, len(batch.Deals)+len(batch.Moves)+len(before))
	for _, k := range before {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	add := func(source, id string) {
		if k := [2]string{source, id}; !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for i := range batch.Moves {
		add(batch.Moves[i].Source, batch.Moves[i].DealID)
	}
	for i := range batch.Deals {
		add(batch.Deals[i].Source, batch.Deals[i].ExternalID)
	}
	set := refreshDealMovesSet
	if s.dialect == SQLite {
		set = strings.ReplaceAll(set, "FROM deal_moves m", "FROM deal_moves m "+byDealSQLite)
	}
	if err := execForDeals(ctx, tx, set, workspace, keys); err != nil {
		return fmt.Errorf("deals' latest moves: %w", err)
	}
	return nil
}

// execForDeals runs stmt, an UPDATE of deals whose WHERE clause it
// extends, for the deals of workspace keyed (source, external id) by keys,
// keepChunk keys a statement.
func execForDeals(ctx context.Context, tx *sql.Tx, stmt, workspace string, keys [][2]string) error {
	for lo := 0; lo < len(keys); lo += keepChunk {
		chunk := keys[lo:min(lo+keepChunk, len(keys))]
		var b strings.Builder
		b.WriteString(stmt + "\n\tAND workspace = $1 AND (source, external_id) IN (VALUES ")
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
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// refreshDealTouchesSet sets the latest instant any activity on a deal
// happened and any task of it was completed (migration 0017), deleted,
// entered late or not: bounds above the deal's latest touches at any
// moment, so a day sheet reads a deal's activities and tasks for its
// latest touch only when they may fall after an idle_days bound; and the
// same of the activities and tasks not deleted, with the latest instant
// such an activity happened or was entered and the second latest such a
// task was completed (migration 0019): bounds below the deal's latest
// touch at a cutoff after them. refreshDealTouches
// appends "AND (source, external_id) IN (VALUES …)"; %s is the greatest of
// two values in the dialect.
const refreshDealTouchesSet = `UPDATE deals SET
	acted_max = (SELECT MAX(a.happened_at) FROM activities a WHERE a.workspace = deals.workspace AND a.source = deals.source
		AND a.deal_id = deals.external_id AND a.deal_id <> ''),
	done_max = (SELECT MAX(k.completed_at) FROM tasks k WHERE k.workspace = deals.workspace AND k.source = deals.source
		AND k.deal_id = deals.external_id AND k.deal_id <> ''),
	acted_live = (SELECT MAX(a.happened_at) FROM activities a WHERE a.workspace = deals.workspace AND a.source = deals.source
		AND a.deal_id = deals.external_id AND a.deal_id <> '' AND a.deleted_at IS NULL),
	acted_live_seen = (SELECT MAX(%s(a.happened_at, a.entered_at)) FROM activities a WHERE a.workspace = deals.workspace
		AND a.source = deals.source AND a.deal_id = deals.external_id AND a.deal_id <> '' AND a.deleted_at IS NULL),
	done_live = (SELECT MAX(k.completed_at) FROM tasks k WHERE k.workspace = deals.workspace AND k.source = deals.source
		AND k.deal_id = deals.external_id AND k.deal_id <> '' AND k.deleted_at IS NULL),
	done_live_prev = (SELECT k.completed_at FROM tasks k WHERE k.workspace = deals.workspace AND k.source = deals.source
		AND k.deal_id = deals.external_id AND k.deal_id <> '' AND k.deleted_at IS NULL AND k.completed_at IS NOT NULL
		ORDER BY k.completed_at DESC LIMIT 1 OFFSET 1)
WHERE 1 = 1`

// touchedDeals returns the deals the activities and tasks of batch were on
// as stored before the batch: one that names another deal now, or none,
// leaves its old deal's bounds below its latest touch (migration 0019)
// to be found again, as they may have been its own.
func touchedDeals(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch) ([][2]string, error) {
	var deals [][2]string
	scan := func(rows *sql.Rows) error {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		if k[1] != "" {
			deals = append(deals, k)
		}
		return nil
	}
	for _, kind := range []struct {
		table string
		keys  [][2]string
	}{{"activities", activityKeys(batch.Activities)}, {"tasks", taskKeys(batch.Tasks)}} {
		keys, err := storedSources(ctx, tx, kind.table, workspace, kind.keys)
		if err != nil {
			return nil, fmt.Errorf("deals of %s: %w", kind.table, err)
		}
		if len(keys) == 0 {
			continue
		}
		if err := lookupKeys(ctx, tx, `SELECT source, deal_id FROM `+kind.table, "external_id", workspace, keys, scan); err != nil {
			return nil, fmt.Errorf("deals of %s: %w", kind.table, err)
		}
	}
	return deals, nil
}

// storedSources returns the keys whose source table holds any record of
// in workspace: only those can name a stored record, so a first import or
// a first sync of a source (no record of it yet) looks nothing up. One
// probe of the primary key per source.
func storedSources(ctx context.Context, tx *sql.Tx, table, workspace string, keys [][2]string) ([][2]string, error) {
	stored := make(map[string]bool)
	var out [][2]string
	for _, k := range keys {
		has, ok := stored[k[0]]
		if !ok {
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE workspace = $1 AND source = $2)`,
				workspace, k[0]).Scan(&has)
			if err != nil {
				return nil, err
			}
			stored[k[0]] = has
		}
		if has {
			out = append(out, k)
		}
	}
	return out, nil
}

func activityKeys(activities []domain.Activity) [][2]string {
	keys := make([][2]string, len(activities))
	for i := range activities {
		keys[i] = [2]string{activities[i].Source, activities[i].ExternalID}
	}
	return keys
}

// refreshDealTouches keeps, in tx, the bounds of refreshDealTouchesSet of
// each deal of batch, each deal an activity or task of batch is on, and
// the deals before (those touchedDeals returned). Without the deals
// before, an activity or task that left a deal would leave its bounds
// below the deal's touches too high, and a deal idle at a cutoff would
// read as touched.
func (s *Store) refreshDealTouches(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch, before [][2]string) error {
	seen := make(map[[2]string]bool)
	var keys [][2]string
	add := func(source, id string) {
		if k := [2]string{source, id}; id != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range before {
		add(k[0], k[1])
	}
	for i := range batch.Deals {
		add(batch.Deals[i].Source, batch.Deals[i].ExternalID)
	}
	for i := range batch.Activities {
		add(batch.Activities[i].Source, batch.Activities[i].DealID)
	}
	for i := range batch.Tasks {
		add(batch.Tasks[i].Source, batch.Tasks[i].DealID)
	}
	if err := execForDeals(ctx, tx, s.dealTouchesSet(), workspace, keys); err != nil {
		return fmt.Errorf("deals' latest activities and tasks: %w", err)
	}
	return nil
}

// dealTouchesSet is refreshDealTouchesSet as the store's dialect plans it
// well: SQLite reads each deal's records by the indexes by deal.
func (s *Store) dealTouchesSet() string {
	if s.dialect != SQLite {
		return fmt.Sprintf(refreshDealTouchesSet, "GREATEST")
	}
	return strings.NewReplacer("FROM activities a", "FROM activities a INDEXED BY activities_deal",
		"FROM tasks k", "FROM tasks k INDEXED BY tasks_deal").Replace(fmt.Sprintf(refreshDealTouchesSet, "MAX"))
}

// RefreshDealBounds sets the bounds of every deal of workspace (its latest
// activity and completed task, migrations 0017 and 0019) from the records stored:
// for a loader that writes activities and tasks around UpsertRecords, as
// the benchmarks' COPY does. UpsertRecords keeps them itself.
func (s *Store) RefreshDealBounds(ctx context.Context, workspace string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.dealTouchesSet()+"\n\tAND workspace = $1", workspace)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: refresh deal bounds of %q: %w", workspace, err)
	}
	return nil
}
