package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// Record kinds, as they appear in imports, the store and explanations.
const (
	KindCompany  = "company"
	KindDeal     = "deal"
	KindTask     = "task"
	KindActivity = "activity"
	KindDealMove = "deal_move"
)

// Deal statuses. A deal is closed only when its current status is won or lost.
const (
	DealOpen = "open"
	DealWon  = "won"
	DealLost = "lost"
)

// Call directions; an empty direction is unknown.
const (
	DirectionIn  = "in"
	DirectionOut = "out"
)

// Activity kinds and outcomes.
const (
	ActivityCall    = "call"
	ActivityMeeting = "meeting"

	OutcomeHeld     = "held"
	OutcomeMissed   = "missed"
	OutcomeCanceled = "canceled"
)

// RecordMeta is what every normalized record carries: where it comes from
// and when the CRM last changed or deleted it. A zero time means "none".
type RecordMeta struct {
	Source     string // csv, amocrm, bitrix24, …
	ExternalID string
	UpdatedAt  time.Time
	DeletedAt  time.Time
}

// deletedBy reports whether the record was deleted at or before t.
func (m RecordMeta) deletedBy(t time.Time) bool {
	return !m.DeletedAt.IsZero() && !m.DeletedAt.After(t)
}

// Company is a client company in the CRM. It happens and is entered at CreatedAt.
type Company struct {
	RecordMeta
	Name        string
	Responsible string // CRM user id
	CreatedBy   string // CRM user id
	CreatedAt   time.Time
	Phones      []string // as the CRM holds them (DESIGN.md section 12)
}

// Owner is the CRM user credited with adding the company: the creator, else
// the responsible user.
func (c *Company) Owner() string {
	if c.CreatedBy != "" {
		return c.CreatedBy
	}
	return c.Responsible
}

// Deal is a sales opportunity. ClosedAt is meaningful only when Status is won
// or lost: a reopened deal is open whatever stale closing time the CRM kept.
//
// PipelineID and StageID are the CRM's ids of where the deal is now;
// Pipeline and Stage their names, which the store resolves through the
// synced catalogue (see Pipeline), so that a renamed stage keeps its deals.
// A source without ids (CSV) gives the names as ids too.
type Deal struct {
	RecordMeta
	Title       string
	Responsible string
	Amount      decimal.Decimal
	Status      string
	CreatedAt   time.Time
	ClosedAt    time.Time
	PipelineID  string
	Pipeline    string
	StageID     string
	Stage       string
}

// Closed reports whether the deal's current status is won or lost.
func (d *Deal) Closed() bool { return d.Status == DealWon || d.Status == DealLost }

// openAt reports whether the deal was in progress at t.
func (d *Deal) openAt(t time.Time) bool {
	return !d.CreatedAt.After(t) && !d.deletedBy(t) && (!d.Closed() || d.ClosedAt.After(t))
}

// Task is a to-do in the CRM, optionally linked to a deal.
type Task struct {
	RecordMeta
	Title       string
	Responsible string
	DealID      string // external id of the deal, if linked
	Deadline    time.Time
	CreatedAt   time.Time
	CompletedAt time.Time
}

// openAt reports whether the task existed and was not completed at t.
func (k *Task) openAt(t time.Time) bool {
	return !k.CreatedAt.After(t) && !k.deletedBy(t) && (k.CompletedAt.IsZero() || k.CompletedAt.After(t))
}

// Activity is a call or a meeting. HappenedAt is when it took place,
// EnteredAt when its result was recorded in the CRM.
type Activity struct {
	RecordMeta
	Kind            string
	Responsible     string
	HappenedAt      time.Time
	EnteredAt       time.Time
	DurationSeconds int
	Outcome         string
	DealID          string
	Direction       string // DirectionIn, DirectionOut or empty (unknown); calls only
	Phone           string // the other party of a call, if known (matched against PBX calls)
}

// DealMove is a deal changing stage (DESIGN.md section 10). It happens and
// is entered at MovedAt: the CRM logs a move when it is made. Responsible
// is who is credited: the CRM user who made the move when that user is a
// manager, else the deal's responsible (the connector or import decides,
// knowing both). FromPipeline empty means the move stayed in Pipeline.
type DealMove struct {
	RecordMeta
	DealID         string
	Responsible    string
	MovedAt        time.Time
	PipelineID     string
	Pipeline       string
	StageID        string
	Stage          string // the stage the deal went to
	FromPipelineID string
	FromPipeline   string
	FromStageID    string
	FromStage      string
}

// fromPipeline returns the pipeline the deal left: FromPipeline, or
// Pipeline when the move stayed in it.
func (m *DealMove) fromPipeline() string {
	if m.FromPipeline == "" && m.FromPipelineID == "" {
		return m.Pipeline
	}
	return m.FromPipeline
}

// Pipeline is one pipeline (funnel) of a CRM account with its stages, as
// the catalogue a sync fetches holds it: the CRM's ids and today's names.
type Pipeline struct {
	ID     string
	Name   string
	Stages []Stage
}

// Stage is one stage of a pipeline.
type Stage struct {
	ID   string
	Name string
}

// RecordBatch is a set of normalized records to upsert together: all of it
// is stored or none.
type RecordBatch struct {
	Companies  []Company
	Deals      []Deal
	Tasks      []Task
	Activities []Activity
	Moves      []DealMove
	Persons    []Person
	PBXCalls   []PBXCall
}

// Len returns the number of records in the batch.
func (b *RecordBatch) Len() int {
	return len(b.Companies) + len(b.Deals) + len(b.Tasks) + len(b.Activities) + len(b.Moves) +
		len(b.Persons) + len(b.PBXCalls)
}

// DayData is every record that can matter for one working day's sheet: the
// store selects a superset by time ranges, the domain decides what counts.
type DayData struct {
	Companies  []Company  // created in the window
	Deals      []Deal     // created by the cutoff and open at the window's start or later
	Tasks      []Task     // created by the cutoff and open at it, or completed in the window
	Activities []Activity // happened in the window, or entered in the late-entry range

	// What own indicators (DESIGN.md section 10) need besides, loaded when
	// the regulation in force defines any: the moves made in the window,
	// the deals the day's activities and tasks name (LinkedDeals, those
	// not in Deals already), every move of all those deals (to know a
	// deal's pipeline and stage at a moment), and each deal in progress's
	// latest touch by the cutoff (Touches, for deals_idle).
	Moves       []DealMove
	LinkedDeals []Deal
	Touches     []DealTouch

	// Telephony is what the telephone bases (DESIGN.md section 12) need,
	// loaded when the regulation in force uses one of them.
	Telephony *TelephonyData

	// ActivityTallies and TaskTallies, when the store computed them, replace
	// Activities and Tasks for day sheets: the same counts from aggregate
	// queries instead of a hundred rows a manager. Explanations need the
	// records themselves and load Activities and Tasks instead.
	ActivityTallies []ActivityTally
	TaskTallies     []TaskTally

	// DealTallies, when the store computed them, count the deals in
	// progress at the cutoff for day sheets; Deals then holds only the
	// deals closed in the window, whose won amounts are summed as exact
	// decimals in Go.
	DealTallies []DealTally
	DealGroups  []DealGroup // the same with what own indicators of deal states look at (own.go)

	// OwnTallies, when the store computed them, count own indicators of
	// activities and tasks per CRM user for day sheets, as ActivityTallies
	// do the built-ins: the records are then not read, and those
	// indicators have no evidence.
	OwnTallies []OwnTally
	// PlaceTallies, when the store computed them, count own indicators of
	// activities and tasks filtered by pipeline per CRM user and per the
	// place of the records' deals at the moment each record counts at
	// (own.go); the domain applies the filter.
	PlaceTallies []PlaceTally

	// Watermark, when the store read it with the records (day sheets), is
	// the workspace's data watermark in the same state of the database:
	// the moment up to which the records read are known complete.
	Watermark time.Time
}

// DealTouch is a deal's latest touch at the cutoff other than its
// creation: the latest of an activity on the deal (any outcome) that
// happened and was entered by the cutoff and was not deleted by it, a task
// of the deal completed by the cutoff and not deleted by it, and a move of
// the deal by the cutoff not deleted by it. The store computes it by an
// aggregate, held to LastTouch by a store test.
type DealTouch struct {
	Source string
	DealID string
	At     time.Time
}

// OwnTally is what one own indicator counts of one CRM user's records of a
// day, exactly what Evaluate would count. A store test holds the store's
// aggregates to Evaluate on random data.
type OwnTally struct {
	Indicator Indicator
	CRMUser   string
	Count     int64
}

// DealTally counts the deals of one CRM user that are in progress at the
// cutoff and how many of those have no task open at it (on the deal's
// source and external id, whoever is responsible for the task): all
// Evaluate needs of them for a sheet. Every deal in progress is evidence,
// so a tally of an unknown user with InProgress > 0 lists that user.
type DealTally struct {
	CRMUser      string
	InProgress   int64
	WithoutTasks int64
}

// TaskTally counts the tasks of one CRM user on one deal (DealID empty:
// on no deal, or on any deal when the tally is per user) that are open at
// the cutoff, and how many of them are overdue: all Evaluate needs of them
// for a sheet. The store tallies per user, as DealTallies already say which
// deals in progress have an open task.
type TaskTally struct {
	CRMUser string
	Source  string
	DealID  string
	Open    int64
	Overdue int64
}

// ActivityTally is one CRM user's activity figures of a day, exactly what
// Evaluate would give for the activities it counts: Evidence is how many
// activities bear on an indicator of the day (counted or not, which is what
// lists an unknown user), the others the counted ones. A store test holds
// the store's aggregate to Evaluate on random data.
type ActivityTally struct {
	CRMUser      string
	Evidence     int64
	MeetingsHeld int64
	CallsHeld    int64
	LateEntries  int64
}
