package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/domain"
)

// A day sheet whose regulation defines own indicators of deals reads the
// deals in two parts (ownDeals), where the article's regulation reads a
// tally of the deals in progress and the deals closed in the window:
//
//   - groups (dealGroupsQuery): the deals in progress at To that were
//     created by From and whose place at To their latest move tells
//     (ownsheet.go's placeFromLatestMove), counted per responsible, source,
//     place at To (only what the version's filters of state indicators
//     look at: domain.RegulationVersion.StateFilters), whether a task is
//     open on them and their idle level: where their latest touch falls
//     among the idle_days bounds. The domain decides what each group
//     counts (domain.DealState.Counts), as it decides for a deal;
//   - rows (dealRowsQuery): every other deal LoadDay reads (dealsDayWhere):
//     those closed or created in the window, and those in progress whose
//     place at To needs their moves. They are few, and each says whether
//     a task is open on it and its latest touch.
//
// A deal's idle level is known without reading the deal's records when
// the bounds it keeps below and above its latest touch (migrations 0017
// and 0019, see idleLevel) fall in one level. Otherwise the deal's records
// are read for its latest touch, as touchesQuery does.

// idleBounds returns the instants, in Unix microseconds, that divide the
// latest touches of deals in progress at to into idle levels for the
// idle_days of p's deals_idle indicators: to less each, latest first. A
// deal whose latest touch is after the first bound is at level 0, after
// the second at level 1, and so on; at or before the last, at level
// len(bounds).
func (p *ownPlan) idleBounds(to time.Time) []int64 {
	days := slices.Clone(p.idleDays)
	slices.Sort(days)
	days = slices.Compact(days)
	bounds := make([]int64, len(days))
	for i, d := range days {
		bounds[i] = to.Add(-time.Duration(d) * 24 * time.Hour).UnixMicro()
	}
	return bounds
}

// levelTouch returns an instant that stands for the latest touch of every
// deal at idle level level among bounds (idleBounds): at level 0, To; at
// level i, bound i-1 (the touch is at or before it and after the next).
func levelTouch(to time.Time, bounds []int64, level int) time.Time {
	if level <= 0 || len(bounds) == 0 {
		return to
	}
	return fromMicros(sql.NullInt64{Int64: bounds[min(level, len(bounds))-1], Valid: true})
}

// greatest returns the SQL of the greatest of args, none of them NULL.
func greatest(dialect string, args ...string) string {
	if dialect == SQLite {
		return "MAX(" + strings.Join(args, ", ") + ")"
	}
	return "GREATEST(" + strings.Join(args, ", ") + ")"
}

// placeable is the SQL condition under which a deal's place at To ($3) is
// where its latest move took it, or its own with no move.
const placeable = `(moved_at IS NULL OR (moves_deleted = 0 AND moved_at <= $3))`

// groupedDeal is the SQL condition of the deals in progress at To that
// dealGroupsQuery counts: created by From ($2), not deleted by To, open
// or closed after To, and, when the groups hold a place, placeable.
func groupedDeal(places bool) string {
	c := `created_at <= $2 AND (deleted_at IS NULL OR deleted_at > $3) AND (status NOT IN ('won', 'lost') OR closed_at > $3)`
	if places {
		c += ` AND ` + placeable
	}
	return c
}

// dealGroupsQuery returns the query of the deal groups of p (DealGroup):
// per responsible, source, place at To (pipeline id and name, stage id
// and name; empty when no filter looks at them), whether a task is open
// on the deal at To, and the idle level, the count of deals. Parameters:
// workspace, From, To, To+taskSoon, then the idle bounds (idleBounds),
// latest first.
func dealGroupsQuery(dialect string, p *ownPlan, bounds int) string {
	places := p.groupPipeline || p.groupStage
	columns := `source, external_id, responsible, created_at, moved_at, moves_deleted, acted_max, done_max, acted_live, acted_live_seen, done_live`
	if places {
		columns += `, pipeline_id, pipeline, stage_id, stage, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage`
	}
	where := groupedDeal(places)
	deals := `SELECT ` + columns + ` FROM deals
		WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND ` + where + `
		UNION ALL
		SELECT ` + columns + ` FROM deals
		WHERE workspace = $1 AND closed_at > $3 AND status IN ('won', 'lost') AND ` + where
	place := func(column string, on bool) string {
		if !on {
			return `''`
		}
		return `CASE WHEN x.moved_at IS NULL THEN x.` + column + ` ELSE x.moved_` + column + ` END`
	}
	openTasks := strings.NewReplacer("$2", "$3", "$3", "$4").Replace(openTaskDeals)
	var open, join string
	if dialect == SQLite {
		open = `CASE WHEN (x.source, x.external_id) IN (SELECT source, deal_id FROM (` + openTasks + `) t WHERE deal_id <> '') THEN 1 ELSE 0 END`
	} else {
		open = `CASE WHEN o.deal_id IS NULL THEN 0 ELSE 1 END`
		join = `
		LEFT JOIN (SELECT DISTINCT source, deal_id FROM (` + openTasks + `) t WHERE deal_id <> '') o
			ON o.source = x.source AND o.deal_id = x.external_id`
	}
	level := `0`
	if bounds > 0 {
		level = idleLevel(dialect, "y.", 5, bounds)
	}
	return `SELECT responsible, source, pipeline_id, pipeline, stage_id, stage, open, level, COUNT(*) FROM (
	SELECT y.responsible, y.source, y.pipeline_id, y.pipeline, y.stage_id, y.stage, y.open, ` + level + ` AS level FROM (
		SELECT x.source, x.external_id, x.responsible, x.created_at, x.moved_at, x.moves_deleted, x.acted_max, x.done_max,
			x.acted_live, x.acted_live_seen, x.done_live,
			` + place("pipeline_id", places) + ` AS pipeline_id, ` + place("pipeline", places) + ` AS pipeline,
			` + place("stage_id", p.groupStage) + ` AS stage_id, ` + place("stage", p.groupStage) + ` AS stage,
			` + open + ` AS open
		FROM (` + deals + `) x` + join + `
	) y
	) g
	GROUP BY responsible, source, pipeline_id, pipeline, stage_id, stage, open, level`
}

// idleLevel returns the SQL of a deal's idle level among bounds idle
// bounds ($first on, latest first), over the columns of the deal (prefixed
// by d): its latest touch at or before To ($3) falls after bound 0 (level
// 0), after bound 1 (level 1), and so on. Below the touch lie its creation,
// its latest move by To when no move was deleted, and the latest of its
// activities and tasks not deleted when all of them were done and entered
// by To (migration 0019); above it, the latest instants its activities
// happened, its tasks were completed and its moves were made (migration
// 0017). When both fall in one level, the
// touch does; else its records are read for the touch, each kind only
// when its bound is after the last idle bound (before it, a touch moves
// no deal across a bound).
func idleLevel(dialect, d string, first, bounds int) string {
	last := "$" + strconv.Itoa(first+bounds-1)
	level := func(touch string) string {
		var b strings.Builder
		b.WriteString("CASE")
		for i := range bounds {
			fmt.Fprintf(&b, " WHEN %s > $%d THEN %d", touch, first+i, i)
		}
		fmt.Fprintf(&b, " ELSE %d END", bounds)
		return b.String()
	}
	byTo := func(at, seen string) string {
		return `CASE WHEN ` + seen + ` <= $3 THEN ` + at + ` ELSE 0 END`
	}
	below := greatest(dialect, d+"created_at",
		`CASE WHEN `+d+`moves_deleted = 0 AND `+d+`moved_at <= $3 THEN `+d+`moved_at ELSE 0 END`,
		byTo(d+"acted_live", d+"acted_live_seen"), byTo(d+"done_live", d+"done_live"))
	above := greatest(dialect, d+"created_at", "COALESCE("+d+"acted_max, 0)", "COALESCE("+d+"done_max, 0)", "COALESCE("+d+"moved_at, 0)")
	read := greatest(dialect, d+"created_at",
		`COALESCE(CASE WHEN `+d+`acted_max > `+last+` THEN (SELECT a.happened_at FROM activities a
			WHERE a.workspace = $1 AND a.source = `+d+`source AND a.deal_id = `+d+`external_id AND a.deal_id <> ''
				AND a.happened_at <= $3 AND a.entered_at <= $3 AND (a.deleted_at IS NULL OR a.deleted_at > $3)
			ORDER BY a.happened_at DESC LIMIT 1) END, 0)`,
		`COALESCE(CASE WHEN `+d+`done_max > `+last+` THEN (SELECT k.completed_at FROM tasks k
			WHERE k.workspace = $1 AND k.source = `+d+`source AND k.deal_id = `+d+`external_id AND k.deal_id <> ''
				AND k.completed_at <= $3 AND (k.deleted_at IS NULL OR k.deleted_at > $3)
			ORDER BY k.completed_at DESC LIMIT 1) END, 0)`,
		`COALESCE(CASE WHEN `+d+`moved_at > `+last+` THEN
			CASE WHEN `+d+`moves_deleted = 0 AND `+d+`moved_at <= $3 THEN `+d+`moved_at ELSE (SELECT m.moved_at FROM deal_moves m`+dealMovesIndex(dialect)+`
				WHERE m.workspace = $1 AND m.source = `+d+`source AND m.deal_id = `+d+`external_id
					AND m.moved_at <= $3 AND (m.deleted_at IS NULL OR m.deleted_at > $3)
				ORDER BY m.moved_at DESC LIMIT 1) END END, 0)`)
	return `CASE WHEN ` + level(below) + ` = ` + level(above) + ` THEN ` + level(below) + ` ELSE ` + level(read) + ` END`
}

// openTaskOf returns a scalar subquery that is 1 when a task of deal x
// not deleted by To ($3), created by then and completed as completed says
// (never, or after To) exists: each a range of tasks_deal, whose columns
// (migration 0019) answer it.
func openTaskOf(completed, dialect string) string {
	return `(SELECT 1 FROM tasks k` + tasksByDeal(dialect) + ` WHERE k.workspace = $1 AND k.source = x.source AND k.deal_id = x.external_id
			AND k.deal_id <> '' AND ` + completed + ` AND k.created_at <= $3 AND (k.deleted_at IS NULL OR k.deleted_at > $3) LIMIT 1)`
}

// tasksByDeal is how a dialect's query reads a deal's tasks: SQLite, left
// to itself, reads every task of the source by the primary key.
func tasksByDeal(dialect string) string {
	if dialect == SQLite {
		return " INDEXED BY tasks_deal"
	}
	return ""
}

// dealMovesIndex is how a dialect's query reads deal_moves by deal.
func dealMovesIndex(dialect string) string {
	if dialect == SQLite {
		return " " + byDealSQLite
	}
	return ""
}

// scanDealGroup reads a row of dealGroupsQuery; bounds are its idle
// bounds.
// The place comes as stored (source, pipeline id and name, stage id and
// name), to be named through the catalogue.
func scanDealGroup(rows *sql.Rows, to time.Time, bounds []int64) (domain.DealGroup, [5]string, error) {
	var g domain.DealGroup
	var place [5]string
	var open, level int64
	if err := rows.Scan(&g.CRMUser, &place[0], &place[1], &place[2], &place[3], &place[4], &open, &level, &g.Count); err != nil {
		return g, place, err
	}
	g.OpenTask = open != 0
	g.Placed = true
	if len(bounds) > 0 {
		g.Touched = levelTouch(to, bounds, int(level))
	}
	return g, place, nil
}

// dealRowsQuery returns the deals LoadDay reads (dealsDayWhere) that
// dealGroupsQuery does not count, with what a sheet's own indicators need
// of each: whether a task is open on it at To (for a deal in progress
// then), and with bounds idle bounds, its idle level (idleLevel). The
// open task is two scalar subqueries with LIMIT (openTaskOf), which
// PostgreSQL runs by the deal's index for each row; an EXISTS it hashed
// over every task of the workspace (0.4 s at M).
// Parameters: workspace, From, To, then the idle bounds, latest first.
func dealRowsQuery(dialect string, p *ownPlan, bounds int) string {
	places := p.groupPipeline || p.groupStage
	notGrouped := ` AND NOT (` + groupedDeal(places) + `)`
	where := strings.Replace(dealsDayWhere, `(deleted_at IS NULL OR deleted_at > $2)
	UNION ALL`, `(deleted_at IS NULL OR deleted_at > $2)`+notGrouped+`
	UNION ALL`, 1) + notGrouped
	columns := sheetDealColumns + touchBounds
	var b strings.Builder
	b.WriteString(`SELECT ` + prefixColumns("x.", strings.ReplaceAll(sheetDealColumnNames, "\n", " ")))
	const inProgress = `x.created_at <= $3 AND (x.deleted_at IS NULL OR x.deleted_at > $3) AND (x.status NOT IN ('won', 'lost') OR x.closed_at > $3)`
	b.WriteString(`,
	CASE WHEN ` + inProgress + `
		AND COALESCE(` + openTaskOf("k.completed_at IS NULL", dialect) + `, ` + openTaskOf("k.completed_at > $3", dialect) + `) IS NOT NULL
	THEN 1 ELSE 0 END`)
	if bounds > 0 {
		b.WriteString(`,
	CASE WHEN ` + inProgress + ` THEN ` + idleLevel(dialect, "x.", 4, bounds) + ` ELSE 0 END`)
	}
	b.WriteString(`
	FROM (SELECT ` + fmt.Sprintf(columns+where, columns) + `) x`)
	return b.String()
}

// ownDeals is what a day sheet with own indicators of deals reads of them:
// the groups of deals in progress and the other deals as rows, with what
// the rows need besides (the deals of them with an open task, their
// touches, the deals whose moves must be read).
type ownDeals struct {
	groups    []domain.DealGroup
	places    [][5]string // each group's place as stored, named through the catalogue (name)
	deals     []domain.Deal
	openTasks []domain.TaskTally
	touches   []domain.DealTouch
	probed    [][2]string
}

// readGroups reads the deal groups of p (dealGroupsQuery) in tx.
func (o *ownDeals) readGroups(ctx context.Context, tx *sql.Tx, dialect, workspace string, win domain.Window, p *ownPlan) error {
	a := newDayArgs(win)
	bounds := p.idleBounds(win.To)
	args := []any{workspace, a.from, a.to, a.toSoon}
	for _, b := range bounds {
		args = append(args, b)
	}
	err := queryRows(ctx, tx, dealGroupsQuery(dialect, p, len(bounds)), args, func(rows *sql.Rows) error {
		g, place, err := scanDealGroup(rows, win.To, bounds)
		if err != nil {
			return err
		}
		o.groups = append(o.groups, g)
		o.places = append(o.places, place)
		return nil
	})
	if err != nil {
		return fmt.Errorf("deals in progress: %w", err)
	}
	return nil
}

// readRows reads the deals of p that are not grouped (dealRowsQuery) in
// tx.
func (o *ownDeals) readRows(ctx context.Context, tx *sql.Tx, dialect, workspace string, win domain.Window, p *ownPlan) error {
	a := newDayArgs(win)
	args := []any{workspace, a.from, a.to}
	bounds := p.idleBounds(win.To)
	for _, b := range bounds {
		args = append(args, b)
	}
	err := queryRows(ctx, tx, dealRowsQuery(dialect, p, len(bounds)), args, func(rows *sql.Rows) error {
		r, err := scanSheetDeal(rows, p.touches)
		if err != nil {
			return err
		}
		if p.touches {
			// The level's instant stands for the deal's latest touch: a
			// sheet only counts.
			r.touch = sql.NullInt64{Int64: levelTouch(win.To, bounds, int(r.level)).UnixMicro(), Valid: true}
		}
		d := &r.deal
		if p.places && !r.placeFromLatestMove(win) {
			o.probed = append(o.probed, [2]string{d.Source, d.ExternalID})
		}
		if r.openTask {
			o.openTasks = append(o.openTasks, domain.TaskTally{Source: d.Source, DealID: d.ExternalID, Open: 1})
		}
		if r.touch.Valid {
			o.touches = append(o.touches, domain.DealTouch{Source: d.Source, DealID: d.ExternalID, At: fromMicros(r.touch)})
		}
		o.deals = append(o.deals, r.deal)
		return nil
	})
	if err != nil {
		return fmt.Errorf("deals: %w", err)
	}
	return nil
}

// name names each group's place through cat.
func (o *ownDeals) name(cat catalogue) {
	for i := range o.groups {
		p := &o.places[i]
		o.groups[i].Place = cat.place(p[0], p[1], p[2], p[3], p[4])
	}
}
