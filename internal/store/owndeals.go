package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// A day sheet whose regulation defines own indicators of deals reads the
// deals in two queries that run at once, where the article's regulation
// reads a tally of the deals in progress and the deals closed in the
// window as rows:
//
//   - dealStatesQuery scans the deals in progress at To once, with the
//     deals that have a task open then (found once, as the deal tally
//     finds them). Those created by From whose place at To their latest
//     move tells (ownsheet.go's placeFromLatestMove) are counted in
//     groups: per responsible, source, place at To (only what the
//     version's filters of state indicators look at:
//     domain.RegulationVersion.StateFilters), whether a task is open on
//     them and their idle level: where their latest touch falls among the
//     idle_days bounds. The domain decides what each group counts
//     (domain.DealState.Counts), as it decides for a deal. Every other
//     deal in progress is a group of its own, keyed by its external id:
//     its state, without its columns;
//   - dealRowsQuery reads, at the same time on another connection, the
//     deals a sheet needs as rows: those created in the window and those
//     closed after From that are in no group. Once both are done, the
//     other deals in progress that are in no group (their place at To
//     needs their moves) are read by key (ownDeals.readMissing). They are
//     few; a row in progress takes its state from its group of one
//     (ownDeals.merge).
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

// groupedDeal is the SQL condition under which a deal of dealsDayWhere
// is counted in a group by dealStatesQuery: in progress at To ($3), that
// is created by To, not deleted by To, open or closed after To; created by
// From ($2); and, when the groups hold a place, placeable.
func groupedDeal(places bool) string {
	c := inProgressDeal + ` AND created_at <= $2`
	if places {
		c += ` AND ` + placeable
	}
	return c
}

// inProgressDeal is the SQL condition of a deal in progress at To ($3).
const inProgressDeal = `created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $3) AND (status NOT IN ('won', 'lost') OR closed_at > $3)`

// dealsInProgressWhere selects the deals in progress at To ($3): open ones
// by deals_open, those closed after To by deals_closed.
const dealsInProgressWhere = ` FROM deals
	WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $3)
	UNION ALL
	SELECT %s FROM deals
	WHERE workspace = $1 AND closed_at > $3 AND status IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $3)`

// stateDealColumns are what dealStatesQuery reads of a deal in progress.
const stateDealColumns = `source, external_id, responsible, created_at, pipeline_id, pipeline, stage_id, stage,
	moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted` + touchBounds

// dealStatesQuery returns the query of the deals in progress at To, in one
// scan of them: those groupedDeal says are counted per responsible, source
// and place at To (pipeline id and name, stage id and name; empty when no
// filter looks at them), one count per state: whether a task is open on
// the deal at To and its idle level (idleLevel), state
// open*(bounds+1)+level. Every other deal in progress is a group of its
// own, keyed by its external id (empty for a group). Parameters:
// workspace, From, To, To+taskSoon, then the idle bounds (idleBounds),
// latest first.
func dealStatesQuery(dialect string, p *ownPlan, bounds int) string {
	places := p.groupPipeline || p.groupStage
	columns := stateDealColumns + `, CASE WHEN ` + groupedDeal(places) + ` THEN 1 ELSE 0 END AS grouped`
	place := func(column string, on bool) string {
		if !on {
			return `''`
		}
		return `CASE WHEN x.grouped = 0 THEN '' WHEN x.moved_at IS NULL THEN x.` + column + ` ELSE x.moved_` + column + ` END`
	}
	openTasks := strings.NewReplacer("$2", "$3", "$3", "$4").Replace(openTaskDeals)
	var open, join, fence string
	if dialect == SQLite {
		open = `CASE WHEN (x.source, x.external_id) IN (SELECT source, deal_id FROM (` + openTasks + `) t WHERE deal_id <> '') THEN 1 ELSE 0 END`
		// Without it SQLite flattens the subquery into the grouping and
		// computes open and level again for each state's count (L: 180 →
		// 125 ms).
		fence = `
		LIMIT -1`
	} else {
		open = `CASE WHEN o.deal_id IS NULL THEN 0 ELSE 1 END`
		join = `
		LEFT JOIN (SELECT DISTINCT source, deal_id FROM (` + openTasks + `) t WHERE deal_id <> '') o
			ON o.source = x.source AND o.deal_id = x.external_id`
		// Computed once per deal, not again for the grouping.
		fence = `
		OFFSET 0`
	}
	level := `0`
	if bounds > 0 {
		level = idleLevel(dialect, "x.", 5, bounds)
	}
	// One count per state (open task, idle level): state k is open*(bounds+1)+level.
	var states strings.Builder
	for open := range 2 {
		for level := range bounds + 1 {
			fmt.Fprintf(&states, ", SUM(CASE WHEN open = %d AND level = %d THEN 1 ELSE 0 END)", open, level)
		}
	}
	return `SELECT row_id, responsible, source, group_pipeline_id, group_pipeline, group_stage_id, group_stage` + states.String() + `
	FROM (
		SELECT CASE WHEN x.grouped = 1 THEN '' ELSE x.external_id END AS row_id, x.responsible, x.source,
			` + place("pipeline_id", places) + ` AS group_pipeline_id, ` + place("pipeline", places) + ` AS group_pipeline,
			` + place("stage_id", p.groupStage) + ` AS group_stage_id, ` + place("stage", p.groupStage) + ` AS group_stage,
			` + open + ` AS open, ` + level + ` AS level
		FROM (SELECT ` + fmt.Sprintf(columns+dealsInProgressWhere, columns) + `) x` + join + fence + `
	) g
	GROUP BY row_id, responsible, source, group_pipeline_id, group_pipeline, group_stage_id, group_stage`
}

// dealRowsQuery returns the query of the deals a sheet reads as rows, of
// sheetDealColumns: those created in the window, by deals_open, and those
// closed after From, by deals_closed, that dealStatesQuery does not count
// in groups. The deals in progress created by From that it does not count
// in groups, their place at To needing their moves, are read by key
// (dealsByKey). The other deals of dealsDayWhere, created by From, still
// open and deleted in the window, count for no indicator of a sheet.
// Parameters: workspace, From, To.
func dealRowsQuery(p *ownPlan) string {
	return fmt.Sprintf(`SELECT `+sheetDealColumns+` FROM deals
	WHERE workspace = $1 AND status NOT IN ('won', 'lost') AND created_at > $2 AND created_at <= $3
	UNION ALL
	SELECT %s FROM deals
	WHERE workspace = $1 AND closed_at > $2 AND status IN ('won', 'lost') AND created_at <= $3 AND (deleted_at IS NULL OR deleted_at > $2)
		AND NOT (`+groupedDeal(p.groupPipeline || p.groupStage)+`)`, sheetDealColumns)
}

// dealsByKey reads deals by key as rows of sheetDealColumns (lookupKeys),
// none of them won in the window.
const dealsByKey = `SELECT source, external_id, responsible, '0' AS amount, status, created_at, closed_at, deleted_at,
	pipeline_id, pipeline, stage_id, stage, moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted
	FROM deals`

// idleLevel returns the SQL of a deal's idle level among bounds idle
// bounds ($first on, latest first), over the columns of the deal (prefixed
// by d): its latest touch at or before To ($3) falls after bound 0 (level
// 0), after bound 1 (level 1), and so on. Below the touch lie its creation,
// its latest move by To when no move was deleted, the latest of its
// activities not deleted when all of them were done and entered by To,
// and the latest or second latest completion of its tasks not deleted
// that falls by To (migration 0019); above it, the latest instants its activities
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
		byTo(d+"acted_live", d+"acted_live_seen"), byTo(d+"done_live", d+"done_live"), byTo(d+"done_live_prev", d+"done_live_prev"))
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

// dealMovesIndex is how a dialect's query reads deal_moves by deal.
func dealMovesIndex(dialect string) string {
	if dialect == SQLite {
		return " " + byDealSQLite
	}
	return ""
}

// ownDeals is what a day sheet with own indicators of deals reads of them:
// the groups of deals in progress and the other deals as rows, with what
// the rows need besides (the deals of them with an open task, their
// touches, the deals whose moves must be read).
type ownDeals struct {
	groups    []domain.DealGroup
	places    [][5]string // each group's place as stored, named through the catalogue (name)
	states    map[[2]string]domain.DealState
	deals     []domain.Deal
	openTasks []domain.TaskTally
	touches   []domain.DealTouch
	probed    [][2]string
}

// readStates reads the deals in progress of p (dealStatesQuery) in tx: the
// groups, and the state of each deal in progress that is not in one.
func (o *ownDeals) readStates(ctx context.Context, tx *sql.Tx, dialect, workspace string, win domain.Window, p *ownPlan) error {
	a := newDayArgs(win)
	bounds := p.idleBounds(win.To)
	args := []any{workspace, a.from, a.to, a.toSoon}
	for _, b := range bounds {
		args = append(args, b)
	}
	// A state's instant stands for the latest touch of each deal at its
	// idle level: a sheet only counts.
	state := func(k int) domain.DealState {
		st := domain.DealState{Placed: true, OpenTask: k > len(bounds), Touched: win.To}
		if len(bounds) > 0 {
			st.Touched = levelTouch(win.To, bounds, k%(len(bounds)+1))
		}
		return st
	}
	o.states = make(map[[2]string]domain.DealState)
	counts := make([]int64, 2*(len(bounds)+1))
	var raw [7]sql.RawBytes
	dest := make([]any, 0, len(raw)+len(counts))
	for k := range raw {
		dest = append(dest, &raw[k])
	}
	for k := range counts {
		dest = append(dest, &counts[k])
	}
	// The users and places repeat from group to group: each is one string.
	interned := make(map[string]string)
	intern := func(b []byte) string {
		if s, ok := interned[string(b)]; ok {
			return s
		}
		s := string(b)
		interned[s] = s
		return s
	}
	var place [5]string
	err := queryRows(ctx, tx, dealStatesQuery(dialect, p, len(bounds)), args, func(rows *sql.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		id, user := string(raw[0]), intern(raw[1])
		for k := range place {
			place[k] = intern(raw[2+k])
		}
		for k, n := range counts {
			if n == 0 {
				continue
			}
			if id != "" {
				o.states[[2]string{place[0], id}] = state(k)
				continue
			}
			o.groups = append(o.groups, domain.DealGroup{CRMUser: user, DealState: state(k), Count: n})
			o.places = append(o.places, place)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deals in progress: %w", err)
	}
	return nil
}

// readRows reads the deals of p that are not counted in groups
// (dealRowsQuery) in tx, and lists those whose moves must be read.
func (o *ownDeals) readRows(ctx context.Context, tx *sql.Tx, workspace string, win domain.Window, p *ownPlan) error {
	a := newDayArgs(win)
	if err := queryRows(ctx, tx, dealRowsQuery(p), []any{workspace, a.from, a.to}, o.scanRow(win, p)); err != nil {
		return fmt.Errorf("deals: %w", err)
	}
	return nil
}

// readMissing reads by key, once readStates and readRows are done, the
// deals in progress not counted in groups that readRows did not read.
func (o *ownDeals) readMissing(ctx context.Context, tx *sql.Tx, workspace string, win domain.Window, p *ownPlan) error {
	read := make(map[[2]string]bool, len(o.deals))
	for i := range o.deals {
		read[[2]string{o.deals[i].Source, o.deals[i].ExternalID}] = true
	}
	var keys [][2]string
	for k := range o.states {
		if !read[k] {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	if err := lookupKeys(ctx, tx, dealsByKey, "external_id", workspace, keys, o.scanRow(win, p)); err != nil {
		return fmt.Errorf("deals in progress by key: %w", err)
	}
	return nil
}

// scanRow returns the scan of a row of sheetDealColumns into o.deals,
// listing the deal in o.probed when its moves must be read.
func (o *ownDeals) scanRow(win domain.Window, p *ownPlan) func(rows *sql.Rows) error {
	return func(rows *sql.Rows) error {
		var (
			r                        sheetDeal
			created, closed, deleted sql.NullInt64
			moves                    sql.NullInt64
			text                     [10]sql.NullString // amount, status, pipeline and stage ids and names, the latest move's
		)
		d := &r.deal
		if err := rows.Scan(&d.Source, &d.ExternalID, &d.Responsible, &text[0], &text[1], &created, &closed, &deleted,
			&text[2], &text[3], &text[4], &text[5], &r.moved, &text[6], &text[7], &text[8], &text[9], &moves); err != nil {
			return err
		}
		d.Status = text[1].String
		d.PipelineID, d.Pipeline, d.StageID, d.Stage = text[2].String, text[3].String, text[4].String, text[5].String
		r.movedPlace = [4]string{text[6].String, text[7].String, text[8].String, text[9].String}
		if amount := text[0].String; amount != "0" && amount != "" {
			var err error
			if d.Amount, err = decimal.NewFromString(amount); err != nil {
				return fmt.Errorf("deal %s amount: %w", d.ExternalID, err)
			}
		}
		d.CreatedAt, d.ClosedAt, d.DeletedAt = fromMicros(created), fromMicros(closed), fromMicros(deleted)
		r.movesDeleted = moves.Int64 != 0
		if p.places && !r.placeFromLatestMove(win) {
			o.probed = append(o.probed, [2]string{d.Source, d.ExternalID})
		}
		o.deals = append(o.deals, r.deal)
		return nil
	}
}

// merge gives each row in progress at To the state its group of one says:
// an open task, and with touches its latest touch.
func (o *ownDeals) merge(p *ownPlan) {
	for i := range o.deals {
		d := &o.deals[i]
		st, ok := o.states[[2]string{d.Source, d.ExternalID}]
		if !ok {
			continue // not in progress at To
		}
		if st.OpenTask {
			o.openTasks = append(o.openTasks, domain.TaskTally{Source: d.Source, DealID: d.ExternalID, Open: 1})
		}
		if p.touches {
			o.touches = append(o.touches, domain.DealTouch{Source: d.Source, DealID: d.ExternalID, At: st.Touched})
		}
	}
}

// name names each group's place through cat.
func (o *ownDeals) name(cat catalogue) {
	for i := range o.groups {
		p := &o.places[i]
		o.groups[i].Place = cat.place(p[0], p[1], p[2], p[3], p[4])
	}
}
