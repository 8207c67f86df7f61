package bitrix24

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// Activity types read as activities.
const (
	TypeMeeting = 1
	TypeCall    = 2
)

// OwnerDeal is the OWNER_TYPE_ID of a deal.
const OwnerDeal = 2

// TaskStatusCompleted is the status of a completed task.
const TaskStatusCompleted = 5

// Time is a Bitrix24 datetime: ISO 8601 with the portal's offset. "" and
// null are zero; a value without an offset is read as UTC.
type Time struct{ time.Time }

var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// UnmarshalJSON reads a datetime string.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" || string(b) == "false" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("datetime: %w", err)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("datetime %q", s)
}

// formatTime writes a filter datetime with an explicit offset.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// item is what the pager needs of every listed entity.
type item interface{ id() int64 }

func parseID(id crm.ID) int64 {
	n, _ := strconv.ParseInt(string(id), 10, 64)
	return n
}

type company struct {
	ID         crm.ID     `json:"ID"`
	Title      string     `json:"TITLE"`
	AssignedBy crm.ID     `json:"ASSIGNED_BY_ID"`
	CreatedBy  crm.ID     `json:"CREATED_BY_ID"`
	DateCreate Time       `json:"DATE_CREATE"`
	DateModify Time       `json:"DATE_MODIFY"`
	Phone      multiField `json:"PHONE"`
}

func (c company) id() int64 { return parseID(c.ID) }

// multiField is a multi-field (PHONE, EMAIL…): a list of
// {ID, VALUE_TYPE, VALUE, TYPE_ID}, absent when the entity has none.
type multiField []struct {
	Value string `json:"VALUE"`
}

// values returns the field's values as the CRM holds them, nil for none.
func (f multiField) values() []string {
	var out []string
	for _, v := range f {
		if v.Value != "" {
			out = append(out, v.Value)
		}
	}
	return out
}

// contact is a row of crm.contact.list.
type contact struct {
	ID         crm.ID     `json:"ID"`
	Name       string     `json:"NAME"`
	SecondName string     `json:"SECOND_NAME"`
	LastName   string     `json:"LAST_NAME"`
	AssignedBy crm.ID     `json:"ASSIGNED_BY_ID"`
	CompanyID  crm.ID     `json:"COMPANY_ID"`
	DateCreate Time       `json:"DATE_CREATE"`
	DateModify Time       `json:"DATE_MODIFY"`
	Phone      multiField `json:"PHONE"`
}

func (c contact) id() int64 { return parseID(c.ID) }

// record maps a contact: its name is NAME SECOND_NAME LAST_NAME, those
// given; COMPANY_ID is its (first) company, "0" or null for none.
func (c contact) record() domain.Person {
	var name []string
	for _, part := range []string{c.Name, c.SecondName, c.LastName} {
		if part = strings.TrimSpace(part); part != "" {
			name = append(name, part)
		}
	}
	p := domain.Person{
		RecordMeta:  meta(c.ID, c.DateModify),
		Name:        strings.Join(name, " "),
		Responsible: string(c.AssignedBy),
		Phones:      c.Phone.values(),
		CreatedAt:   c.DateCreate.Time,
	}
	if c.CompanyID != "0" {
		p.CompanyID = string(c.CompanyID)
	}
	return p
}

type deal struct {
	ID          crm.ID      `json:"ID"`
	Title       string      `json:"TITLE"`
	CategoryID  crm.ID      `json:"CATEGORY_ID"`
	StageID     string      `json:"STAGE_ID"`
	Semantic    string      `json:"STAGE_SEMANTIC_ID"`
	Opportunity crm.Decimal `json:"OPPORTUNITY"`
	AssignedBy  crm.ID      `json:"ASSIGNED_BY_ID"`
	DateCreate  Time        `json:"DATE_CREATE"`
	DateModify  Time        `json:"DATE_MODIFY"`
	CloseDate   Time        `json:"CLOSEDATE"`
	MovedTime   Time        `json:"MOVED_TIME"`
}

func (d deal) id() int64 { return parseID(d.ID) }

type activity struct {
	ID          crm.ID   `json:"ID"`
	TypeID      crm.Int  `json:"TYPE_ID"`
	OwnerTypeID crm.Int  `json:"OWNER_TYPE_ID"`
	OwnerID     crm.ID   `json:"OWNER_ID"`
	StartTime   Time     `json:"START_TIME"`
	EndTime     Time     `json:"END_TIME"`
	Completed   crm.Bool `json:"COMPLETED"`
	Responsible crm.ID   `json:"RESPONSIBLE_ID"`
	Direction   crm.Int  `json:"DIRECTION"`
	Created     Time     `json:"CREATED"`
	LastUpdated Time     `json:"LAST_UPDATED"`
	// Communications are the activity's other parties, returned only
	// when selected by name: a call's holds the client's phone (TYPE
	// PHONE), an e-mail's an address.
	Communications []struct {
		Type  string `json:"TYPE"`
		Value string `json:"VALUE"`
	} `json:"COMMUNICATIONS"`
}

func (a activity) id() int64 { return parseID(a.ID) }

// phone returns the first phone among the activity's communications, as
// the CRM holds it, or "".
func (a activity) phone() string {
	for _, c := range a.Communications {
		if c.Type == "PHONE" && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

type task struct {
	ID          crm.ID          `json:"id"`
	Title       string          `json:"title"`
	Responsible crm.ID          `json:"responsibleId"`
	CreatedDate Time            `json:"createdDate"`
	ChangedDate Time            `json:"changedDate"`
	Deadline    Time            `json:"deadline"`
	ClosedDate  Time            `json:"closedDate"`
	Status      crm.Int         `json:"status"`
	CRMLinks    json.RawMessage `json:"ufCrmTask"`
}

func (t task) id() int64 { return parseID(t.ID) }

func meta(id crm.ID, updated Time) domain.RecordMeta {
	return domain.RecordMeta{Source: Source, ExternalID: string(id), UpdatedAt: updated.Time}
}

func (c company) record() domain.Company {
	return domain.Company{
		RecordMeta:  meta(c.ID, c.DateModify),
		Name:        c.Title,
		Responsible: string(c.AssignedBy),
		CreatedBy:   string(c.CreatedBy),
		CreatedAt:   c.DateCreate.Time,
		Phones:      c.Phone.values(),
	}
}

// record maps a deal. closedAt is when it entered its current stage by the
// stage history (zero when the history was not read or has no row for it).
func (d deal) record(closedAt time.Time) domain.Deal {
	r := domain.Deal{
		RecordMeta:  meta(d.ID, d.DateModify),
		Title:       d.Title,
		Responsible: string(d.AssignedBy),
		Amount:      d.Opportunity.Decimal,
		Status:      domain.DealOpen,
		CreatedAt:   d.DateCreate.Time,
		PipelineID:  pipelineID(d.CategoryID),
		StageID:     d.StageID,
	}
	switch d.Semantic {
	case "S":
		r.Status = domain.DealWon
	case "F":
		r.Status = domain.DealLost
	}
	if r.Closed() {
		// CLOSEDATE is typed date: midnight, which cannot say on which side
		// of an 18:00 deadline the deal closed. The moment it entered its
		// final stage can: the stage history's row, else MOVED_TIME (the
		// last stage change); CLOSEDATE only when neither is known.
		r.ClosedAt = closedAt
		if r.ClosedAt.IsZero() {
			r.ClosedAt = d.MovedTime.Time
		}
		if r.ClosedAt.IsZero() {
			r.ClosedAt = d.CloseDate.Time
		}
	}
	return r
}

// pipelineID is a deal's CATEGORY_ID as a pipeline id: "0", the default
// funnel, when empty.
func pipelineID(id crm.ID) string {
	if id == "" {
		return "0"
	}
	return string(id)
}

// stageRow is one row of crm.stagehistory.list for deals: the deal OwnerID
// entered StageID of funnel CategoryID at Created. TYPE_ID 1 is the deal's
// creation, 2 a move to an intermediate stage, 3 to a final one.
type stageRow struct {
	ID         crm.ID  `json:"ID"`
	TypeID     crm.Int `json:"TYPE_ID"`
	OwnerID    crm.ID  `json:"OWNER_ID"`
	CategoryID crm.ID  `json:"CATEGORY_ID"`
	StageID    string  `json:"STAGE_ID"`
	Semantic   string  `json:"STAGE_SEMANTIC_ID"`
	Created    Time    `json:"CREATED_TIME"`
}

func (h stageRow) id() int64 { return parseID(h.ID) }

// HistoryCreated is the TYPE_ID of the stage history row of a deal's creation.
const HistoryCreated = 1

// Call directions of an activity's DIRECTION.
const (
	DirectionIncoming = 1
	DirectionOutgoing = 2
)

// record maps a call or meeting activity; ok is false for other types and
// for meetings not completed (planned, not yet held). A call's entry time is
// its CREATED (telephony creates it as the call ends); a meeting is entered
// when marked completed, approximated by LAST_UPDATED (crm.KeepFirstEntry
// keeps the first). The duration is END_TIME − START_TIME: the activity has
// no duration field (docs/crm-bitrix24.md).
func (a activity) record() (domain.Activity, bool) {
	r := domain.Activity{
		RecordMeta:  meta(a.ID, a.LastUpdated),
		Responsible: string(a.Responsible),
		HappenedAt:  a.StartTime.Time,
		Outcome:     domain.OutcomeMissed,
	}
	if a.Completed {
		r.Outcome = domain.OutcomeHeld
	}
	if a.OwnerTypeID == OwnerDeal {
		r.DealID = string(a.OwnerID)
	}
	switch a.TypeID {
	case TypeCall:
		r.Kind = domain.ActivityCall
		r.EnteredAt = a.Created.Time
		r.Phone = a.phone()
		switch a.Direction {
		case DirectionIncoming:
			r.Direction = domain.DirectionIn
		case DirectionOutgoing:
			r.Direction = domain.DirectionOut
		}
		if d := a.EndTime.Sub(a.StartTime.Time); !a.StartTime.IsZero() && d > 0 {
			r.DurationSeconds = int(d / time.Second)
		}
	case TypeMeeting:
		if !a.Completed {
			return r, false
		}
		r.Kind = domain.ActivityMeeting
		r.EnteredAt = a.LastUpdated.Time
	default:
		return r, false
	}
	return r, true
}

func (t task) record() domain.Task {
	r := domain.Task{
		RecordMeta:  meta(t.ID, t.ChangedDate),
		Title:       t.Title,
		Responsible: string(t.Responsible),
		Deadline:    t.Deadline.Time,
		CreatedAt:   t.CreatedDate.Time,
		CompletedAt: t.ClosedDate.Time,
	}
	if r.CompletedAt.IsZero() && t.Status == TaskStatusCompleted {
		r.CompletedAt = r.UpdatedAt
	}
	// ufCrmTask is ["D_123", "CO_5"], or false when there are no links.
	var links []string
	if json.Unmarshal(t.CRMLinks, &links) == nil {
		for _, l := range links {
			if id, ok := strings.CutPrefix(l, "D_"); ok {
				r.DealID = id
				break
			}
		}
	}
	return r
}
