package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"reglament/internal/domain"
)

// ownPlan says how a day sheet reads the own indicators of its regulation
// version (DESIGN.md section 10) beside the tallies of the built-ins, so
// that the company's own regulation costs a sheet little more than the
// article's:
//   - own indicators of activities (calls and meetings held with a
//     direction or duration filter) are counted by more columns of the
//     activity tally (activityColumns), tasks completed by an aggregate
//     of their own (completed), and an own late-entry or overdue-task
//     indicator without a filter is the built-in's count (copies);
//   - the deals in progress at the cutoff are counted in groups the
//     state indicators' filters tell apart, instead of the deal tally,
//     and the other deals LoadDay reads are rows (owndeals.go), with
//     their moves when a filter names a pipeline or a stage; the moves of
//     the window are read for deal_moves;
//   - own indicators of activities and tasks filtered by pipeline are
//     counted per place of the records' deals at the moment each record
//     counts at (placed, ownplaces.go).
//
// Only a version the store cannot write as SQL (a call direction other
// than in and out, which validation refuses) is read as records
// (records), as LoadDay does, at several times the cost.
type ownPlan struct {
	records bool

	activityColumns []ownColumn
	completed       []domain.Indicator
	copies          []ownCopy
	placed          []ownPlaced // of activities and tasks by pipeline (ownplaces.go)

	deals, places, moves, touches bool
	idleDays                      []int // the idle_days of deals_idle, with touches

	// What the groups of deals in progress hold of their place (see
	// owndeals.go): what the filters of state indicators look at.
	groupPipeline, groupStage bool
}

// ownColumn is one own indicator counted by the activity tally: the SQL
// condition of the records it counts, over the columns of activities and
// the activity tally's parameters.
type ownColumn struct {
	id   domain.Indicator
	cond string
}

// ownCopy is an own indicator that counts what a built-in does.
type ownCopy struct {
	id, builtin domain.Indicator
}

// planOwn returns how a sheet under version reads its own indicators.
func planOwn(ws *domain.Workspace, version *domain.RegulationVersion) ownPlan {
	var p ownPlan
	for _, d := range version.Own() {
		w := &d.Where
		byPipeline := len(w.Pipeline) > 0
		if kind, cond, ok := placedCondition(ws, &d); ok && byPipeline {
			p.placed = append(p.placed, ownPlaced{id: d.ID, kind: kind, cond: cond})
			continue
		}
		switch d.Base {
		case domain.CallsHeld, domain.MeetingsHeld:
			cond, ok := activityCondition(ws, &d)
			if byPipeline || !ok {
				p.records = true
				continue
			}
			p.activityColumns = append(p.activityColumns, ownColumn{id: d.ID, cond: cond})
		case domain.LateEntries, domain.OverdueTasks:
			if !w.IsZero() {
				p.records = true
				continue
			}
			p.copies = append(p.copies, ownCopy{id: d.ID, builtin: d.Base})
		case domain.TasksCompleted:
			if byPipeline {
				p.records = true
				continue
			}
			p.completed = append(p.completed, d.ID)
		case domain.DealMoves:
			p.moves = true
		case domain.CompaniesAdded:
			// Companies are read as rows for every sheet.
		case domain.PBXCalls, domain.CallsUnlogged, domain.UnknownNumbers:
			// Read by telephonyPart (telephony.go).
		default: // the deals' bases
			p.deals = true
			p.places = p.places || byPipeline || len(w.Stage) > 0
			if d.Base == domain.DealsIdle {
				p.idleDays = append(p.idleDays, d.IdleDaysOrDefault())
				p.touches = true
			}
		}
	}
	p.groupPipeline, p.groupStage = version.StateFilters()
	return p
}

// activityCondition is the SQL condition under which an activity counts
// for own indicator d of calls or meetings held, as domain.Evaluate counts
// it: held, entered by To+Grace ($5) and not deleted by To ($4), and for
// calls the filter's direction and duration (min_seconds replacing the
// workspace's minimum). Numbers and the direction are written into the
// text; ok is false for a direction the store cannot write.
func activityCondition(ws *domain.Workspace, d *domain.IndicatorDef) (cond string, ok bool) {
	w := &d.Where
	var b strings.Builder
	b.WriteString(`outcome = 'held' AND (deleted_at IS NULL OR deleted_at > $4) AND entered_at <= $5`)
	if d.Base == domain.MeetingsHeld {
		return `kind = 'meeting' AND ` + b.String(), true
	}
	minimum := ws.MinCallSeconds
	if w.MinSeconds != nil {
		minimum = *w.MinSeconds
	}
	b.WriteString(` AND duration_seconds >= ` + strconv.Itoa(minimum))
	if w.MaxSeconds != nil {
		b.WriteString(` AND duration_seconds <= ` + strconv.Itoa(*w.MaxSeconds))
	}
	switch w.Direction {
	case "":
	case domain.DirectionIn, domain.DirectionOut:
		b.WriteString(` AND direction = '` + w.Direction + `'`)
	default:
		return "", false
	}
	return `kind = 'call' AND ` + b.String(), true
}

// activityTallyQuery returns the activity tally with a column more per own
// indicator of p, after the five of activityTallyQuery.
func (p *ownPlan) activityTallyQuery() string {
	if len(p.activityColumns) == 0 {
		return activityTallyQuery
	}
	var inner, outer strings.Builder
	for i, c := range p.activityColumns {
		fmt.Fprintf(&inner, ",\n\t\tCASE WHEN %s THEN 1 ELSE 0 END AS own%d", c.cond, i)
		fmt.Fprintf(&outer, ", SUM(own%d)", i)
	}
	q := strings.Replace(activityTallyQuery, "SUM(call), 0 FROM (", "SUM(call), 0"+outer.String()+" FROM (", 1)
	return strings.Replace(q, "ELSE 0 END AS call\n", "ELSE 0 END AS call"+inner.String()+"\n", 1)
}

// tasksCompletedTallyQuery counts, per responsible CRM user, the tasks
// completed in (From, To] and not deleted by To: what tasks_completed
// counts without a filter. Parameters: workspace, From, To.
const tasksCompletedTallyQuery = `SELECT responsible, SUM(CASE WHEN deleted_at IS NULL OR deleted_at > $3 THEN 1 ELSE 0 END) FROM (
	SELECT responsible, deleted_at FROM tasks
	WHERE workspace = $1 AND completed_at > $2 AND completed_at <= $3 AND completed_at - created_at <= 172800000000
	UNION ALL
	SELECT responsible, deleted_at FROM tasks
	WHERE workspace = $1 AND completed_at > $2 AND completed_at <= $3 AND completed_at - created_at > 172800000000
	) t
	GROUP BY responsible`

// sheetDealColumns are what a sheet reads of a deal: the lean columns and
// the deal's latest move (migration 0017).
const sheetDealColumns = ownDealColumns + `, moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted`

// touchBounds are the bounds of a deal's touches the subquery of
// dealStatesQuery reads beside sheetDealColumns.
const touchBounds = `, acted_max, done_max, acted_live, acted_live_seen, done_live, done_live_prev`

// sheetDealColumnNames names the columns of sheetDealColumns as a
// subquery returns them.
const sheetDealColumnNames = `source, external_id, responsible, amount, status, created_at, closed_at, deleted_at,
	pipeline_id, pipeline, stage_id, stage, moved_at, moved_pipeline_id, moved_pipeline, moved_stage_id, moved_stage, moves_deleted`

// sheetDeal is a deal dealStatesQuery returns as a row, with its latest
// move (migration 0017).
type sheetDeal struct {
	deal         domain.Deal
	moved        sql.NullInt64 // the latest move's instant
	movedPlace   [4]string     // where it went: pipeline id and name, stage id and name
	movesDeleted bool
}

// placeFromLatestMove reports whether r's place at every moment a sheet of
// win looks at is where its latest move took it, and if so puts it there:
// no move of it was deleted, and its latest was made by each such moment
// (the cutoff when it is in progress then, its creation and its closing
// when they fall in the window). A deal with no move keeps its own place.
func (r *sheetDeal) placeFromLatestMove(win domain.Window) bool {
	if !r.moved.Valid {
		return true
	}
	if r.movesDeleted {
		return false
	}
	d := &r.deal
	moved := fromMicros(r.moved)
	earliest := win.To
	if win.Contains(d.CreatedAt) {
		earliest = d.CreatedAt
	}
	if !d.ClosedAt.IsZero() && win.Contains(d.ClosedAt) && d.ClosedAt.Before(earliest) {
		earliest = d.ClosedAt
	}
	if moved.After(earliest) {
		return false
	}
	d.PipelineID, d.Pipeline, d.StageID, d.Stage = r.movedPlace[0], r.movedPlace[1], r.movedPlace[2], r.movedPlace[3]
	return true
}

// copyTallies appends to data's own tallies the counts of p's copies: a
// built-in's per-user counts of the activity and task tallies.
func (p *ownPlan) copyTallies(data *domain.DayData) {
	for _, c := range p.copies {
		switch c.builtin {
		case domain.LateEntries:
			for _, t := range data.ActivityTallies {
				if t.LateEntries > 0 {
					data.OwnTallies = append(data.OwnTallies, domain.OwnTally{Indicator: c.id, CRMUser: t.CRMUser, Count: t.LateEntries})
				}
			}
		case domain.OverdueTasks:
			for _, t := range data.TaskTallies {
				if t.Overdue > 0 {
					data.OwnTallies = append(data.OwnTallies, domain.OwnTally{Indicator: c.id, CRMUser: t.CRMUser, Count: t.Overdue})
				}
			}
		}
	}
}
