package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"reglament/internal/domain"
)

// An own indicator of activities or tasks filtered by pipeline counts a
// record by where its deal was at the moment the record counts at: a call,
// a meeting or a late entry when it happened, a completed task when it was
// completed, an overdue task at the cutoff (DESIGN.md section 10). A day
// sheet counts such records per CRM user and place (domain.PlaceTally)
// instead of reading them, one aggregate per kind of record, each record
// joined to its deal:
//
//   - a record naming no deal is not placed;
//   - a record whose deal's latest move tells its place at the moment (no
//     move of the deal deleted, the latest made by then; or no move at
//     all) is counted at that place, as the deal states are
//     (placeFromLatestMove);
//   - every other record (its deal moved later that day, a move of it was
//     deleted, or the deal is not stored) is counted per deal and moment,
//     and its place is found from the deal and its moves by the domain's
//     rule (domain.DealPlaces), once the aggregates are read.
//
// The domain then applies each indicator's filter to the places.

// placedIndicator is an own indicator counted by place: the SQL condition
// of the records it counts but for its filter, over the columns of its
// record kind and the kind's parameters.
type placedIndicator struct {
	id   domain.Indicator
	cond string
}

// placedKind is a kind of record counted by place: the SELECT of its
// records (responsible, source, deal_id, at: the moment each counts at,
// then a 0/1 flag per indicator), its parameters, and its indicators.
type placedKind struct {
	name       string
	records    func(flags string) string
	args       func(a dayArgs) []any
	indicators []placedIndicator
}

// The record kinds counted by place; each selects its records with the
// same index ranges as its tally.
var (
	placedActivities = placedKind{
		name: "activities",
		records: func(flags string) string {
			return `SELECT responsible, source, deal_id, happened_at AS at` + flags + ` FROM activities
			WHERE workspace = $1 AND happened_at > $2 AND happened_at <= $3`
		},
		// workspace, From, To, To, To+Grace: activityCondition's $4 and $5.
		args: func(a dayArgs) []any { return []any{a.from, a.to, a.to, a.toGrace} },
	}
	placedLateEntries = placedKind{
		name: "late entries",
		records: func(flags string) string {
			return `SELECT responsible, source, deal_id, happened_at AS at` + flags + ` FROM activities` + lateEntriesSlow + `
			UNION ALL
			SELECT responsible, source, deal_id, happened_at AS at` + flags + ` FROM activities` + lateEntriesSoon
		},
		// as lateTallyQuery's.
		args: func(a dayArgs) []any { return []any{a.from, a.to, a.fromGrace, a.toGrace, a.lateFrom} },
	}
	placedCompleted = placedKind{
		name: "tasks completed",
		records: func(flags string) string {
			return `SELECT responsible, source, deal_id, completed_at AS at` + flags + ` FROM tasks
			WHERE workspace = $1 AND completed_at > $2 AND completed_at <= $3 AND completed_at - created_at <= 172800000000
			UNION ALL
			SELECT responsible, source, deal_id, completed_at AS at` + flags + ` FROM tasks
			WHERE workspace = $1 AND completed_at > $2 AND completed_at <= $3 AND completed_at - created_at > 172800000000`
		},
		// as tasksCompletedTallyQuery's.
		args: func(a dayArgs) []any { return []any{a.from, a.to} },
	}
	placedOverdue = placedKind{
		name: "overdue tasks",
		records: func(flags string) string {
			columns := `responsible, source, deal_id, CAST($2 AS BIGINT) AS at` + flags
			return fmt.Sprintf(`SELECT `+columns+tasksDayWhere, columns)
		},
		// as taskTallyQuery's.
		args: func(a dayArgs) []any { return []any{a.to, a.toSoon} },
	}
)

// placedCondition returns the SQL condition under which a record of its
// kind counts for own indicator d but for its pipeline filter, and the
// kind; ok is false when d is not counted by place.
func placedCondition(ws *domain.Workspace, d *domain.IndicatorDef) (kind *placedKind, cond string, ok bool) {
	switch d.Base {
	case domain.CallsHeld, domain.MeetingsHeld:
		cond, ok := activityCondition(ws, d)
		return &placedActivities, cond, ok
	case domain.LateEntries:
		return &placedLateEntries, `deleted_at IS NULL OR deleted_at > $3`, true
	case domain.TasksCompleted:
		return &placedCompleted, `deleted_at IS NULL OR deleted_at > $3`, true
	case domain.OverdueTasks:
		return &placedOverdue, `deadline < $2`, true
	}
	return nil, "", false
}

// placeTallyQuery returns the aggregate of kind k's records per CRM user
// and place, for its indicators: responsible, source, then for a record
// whose place the query cannot tell its deal id and moment (else empty and
// 0), whether it is placed (0: no deal, 1: at the place given, 2: to be
// found), the place's pipeline id and name, and a count per indicator.
// Only the records some indicator counts are joined to their deals. On
// PostgreSQL each of their deals is looked up once, in a materialized
// list: joined record by record, it hashed every deal of the workspace for
// the open tasks (0.3 s at L) or looked a deal up for each of 77,000 calls
// (0.5 s). SQLite looks each record's deal up by its primary key (with
// the list, a day's read at L with overdue tasks of sales deals took
// 1.5 s instead of 0.26 s).
func placeTallyQuery(dialect string, k *placedKind) string {
	var flags, sums strings.Builder
	counted := make([]string, len(k.indicators))
	for i, d := range k.indicators {
		fmt.Fprintf(&flags, ", CASE WHEN %s THEN 1 ELSE 0 END AS f%d", d.cond, i)
		fmt.Fprintf(&sums, ", SUM(f%d)", i)
		counted[i] = fmt.Sprintf("f%d = 1", i)
	}
	const kind = `CASE WHEN r.deal_id = '' THEN 0 WHEN d.external_id IS NULL THEN 2
			WHEN d.moved_at IS NULL OR (d.moves_deleted = 0 AND d.moved_at <= r.at) THEN 1 ELSE 2 END`
	records := `(SELECT * FROM (` + k.records(flags.String()) + `) x WHERE ` + strings.Join(counted, " OR ") + `) r`
	with, deals := ``, `deals d ON d.workspace = $1 AND`
	if dialect == Postgres {
		with = `WITH r AS MATERIALIZED ` + strings.TrimSuffix(records, " r") + `,
	d AS MATERIALIZED (SELECT d.source, d.external_id, d.moved_at, d.moves_deleted, d.pipeline_id, d.pipeline, d.moved_pipeline_id, d.moved_pipeline
		FROM (SELECT DISTINCT source, deal_id FROM r WHERE deal_id <> '') k
		JOIN deals d ON d.workspace = $1 AND d.source = k.source AND d.external_id = k.deal_id)
	`
		records, deals = `r`, `d ON`
	}
	return with + `SELECT responsible, source, CASE WHEN kind = 2 THEN deal_id ELSE '' END, CASE WHEN kind = 2 THEN at ELSE 0 END,
		kind, CASE WHEN kind = 1 THEN pipeline_id ELSE '' END, CASE WHEN kind = 1 THEN pipeline ELSE '' END` + sums.String() + `
	FROM (
		SELECT r.*, ` + kind + ` AS kind,
			CASE WHEN d.moved_at IS NULL THEN d.pipeline_id ELSE d.moved_pipeline_id END AS pipeline_id,
			CASE WHEN d.moved_at IS NULL THEN d.pipeline ELSE d.moved_pipeline END AS pipeline
		FROM ` + records + ` LEFT JOIN ` + deals + ` d.source = r.source AND d.external_id = r.deal_id
	) g
	GROUP BY 1, 2, 3, 4, 5, 6, 7`
}

// placeCount is one row of a placeTallyQuery: a count of one indicator.
type placeCount struct {
	id                       domain.Indicator
	user, source             string
	dealID                   string // to find the place of: kind 2
	at                       int64
	kind                     int
	pipelineID, pipelineName string
	count                    int64
}

// ownPlaces is what a day sheet reads of the records counted by place.
type ownPlaces struct {
	counts [][]placeCount // per kind, as parts run at once
	deals  []domain.Deal  // the deals of the records whose place is to be found
	moves  []domain.DealMove
}

// read runs kind k's aggregate in tx into counts[i].
func (o *ownPlaces) read(ctx context.Context, tx *sql.Tx, dialect, workspace string, a dayArgs, i int, k *placedKind) error {
	n := len(k.indicators)
	sums := make([]int64, n)
	var c placeCount
	dest := []any{&c.user, &c.source, &c.dealID, &c.at, &c.kind, &c.pipelineID, &c.pipelineName}
	for j := range sums {
		dest = append(dest, &sums[j])
	}
	args := append([]any{workspace}, k.args(a)...)
	err := queryRows(ctx, tx, placeTallyQuery(dialect, k), args, func(rows *sql.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for j, s := range sums {
			if s > 0 {
				c.id, c.count = k.indicators[j].id, s
				o.counts[i] = append(o.counts[i], c)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s by place: %w", k.name, err)
	}
	return nil
}

// readHistories reads, once the aggregates are read, the deals and moves
// of the records whose place is to be found.
func (o *ownPlaces) readHistories(ctx context.Context, tx *sql.Tx, dialect, workspace string) error {
	seen := map[[2]string]bool{}
	var keys [][2]string
	for _, counts := range o.counts {
		for _, c := range counts {
			if k := [2]string{c.source, c.dealID}; c.kind == 2 && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	err := lookupKeys(ctx, tx, `SELECT `+recordDealColumns+` FROM deals`, "external_id", workspace, keys, func(rows *sql.Rows) error {
		d, err := scanDeal(rows, false)
		o.deals = append(o.deals, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("deals of records by place: %w", err)
	}
	moves := "deal_moves"
	if dialect == SQLite {
		moves += " " + byDealSQLite
	}
	err = lookupKeys(ctx, tx, `SELECT `+moveColumns+` FROM `+moves, "deal_id", workspace, keys, func(rows *sql.Rows) error {
		m, err := scanMove(rows)
		o.moves = append(o.moves, m)
		return err
	})
	if err != nil {
		return fmt.Errorf("moves of records by place: %w", err)
	}
	return nil
}

// tallies returns the counts by place, named through cat, those of
// records whose place was to be found placed by the domain's rule.
func (o *ownPlaces) tallies(cat catalogue) []domain.PlaceTally {
	for i := range o.deals {
		cat.resolveDeal(&o.deals[i])
	}
	for i := range o.moves {
		cat.resolveMove(&o.moves[i])
	}
	places := domain.NewDealPlaces(o.deals, o.moves)
	var out []domain.PlaceTally
	for _, counts := range o.counts {
		for _, c := range counts {
			t := domain.PlaceTally{Indicator: c.id, CRMUser: c.user, Count: c.count}
			switch c.kind {
			case 1:
				t.Placed, t.Place = true, cat.place(c.source, c.pipelineID, c.pipelineName, "", "")
			case 2:
				t.Place, t.Placed = places.At(c.source, c.dealID, fromMicros(sql.NullInt64{Int64: c.at, Valid: true}))
			}
			out = append(out, t)
		}
	}
	return out
}

// ownPlaced is an own indicator counted by place, with its record kind.
type ownPlaced struct {
	id   domain.Indicator
	kind *placedKind
	cond string
}

// placedKinds returns the kinds of record p counts by place, each with its
// indicators.
func (p *ownPlan) placedKinds() []*placedKind {
	var kinds []*placedKind
	for _, pi := range p.placed {
		i := slices.IndexFunc(kinds, func(k *placedKind) bool { return k.name == pi.kind.name })
		if i < 0 {
			k := *pi.kind
			kinds = append(kinds, &k)
			i = len(kinds) - 1
		}
		kinds[i].indicators = append(kinds[i].indicators, placedIndicator{id: pi.id, cond: pi.cond})
	}
	return kinds
}
