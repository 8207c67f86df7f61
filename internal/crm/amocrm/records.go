package amocrm

import (
	"strconv"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// Status ids every amoCRM pipeline has.
const (
	StatusWon  = 142
	StatusLost = 143
)

// TaskTypeMeeting is the task type of a meeting.
const TaskTypeMeeting = 2

// CallStatusHeld is the call_status of a call in which a conversation took place.
const CallStatusHeld = 4

// The note types of calls.
const (
	NoteCallIn  = "call_in"
	NoteCallOut = "call_out"
)

// noteEntities are the entities whose notes are read for calls.
var noteEntities = []string{"leads", "contacts", "companies"}

// item is what the pager needs of every listed entity.
type item interface {
	key() string
	modified() int64
}

type company struct {
	ID                crm.ID   `json:"id"`
	Name              string   `json:"name"`
	ResponsibleUserID crm.ID   `json:"responsible_user_id"`
	CreatedBy         crm.ID   `json:"created_by"`
	CreatedAt         crm.Int  `json:"created_at"`
	UpdatedAt         crm.Int  `json:"updated_at"`
	IsDeleted         crm.Bool `json:"is_deleted"`
	// CustomFields holds the PHONE field.
	CustomFields customFields `json:"custom_fields_values"`
}

func (c company) key() string     { return string(c.ID) }
func (c company) modified() int64 { return int64(c.UpdatedAt) }

type lead struct {
	ID                crm.ID      `json:"id"`
	Name              string      `json:"name"`
	Price             crm.Decimal `json:"price"`
	ResponsibleUserID crm.ID      `json:"responsible_user_id"`
	StatusID          crm.Int     `json:"status_id"`
	PipelineID        crm.ID      `json:"pipeline_id"`
	CreatedAt         crm.Int     `json:"created_at"`
	UpdatedAt         crm.Int     `json:"updated_at"`
	ClosedAt          crm.Int     `json:"closed_at"`
	IsDeleted         crm.Bool    `json:"is_deleted"`
}

func (l lead) key() string     { return string(l.ID) }
func (l lead) modified() int64 { return int64(l.UpdatedAt) }

type task struct {
	ID                crm.ID   `json:"id"`
	ResponsibleUserID crm.ID   `json:"responsible_user_id"`
	EntityID          crm.ID   `json:"entity_id"`
	EntityType        string   `json:"entity_type"`
	IsCompleted       crm.Bool `json:"is_completed"`
	TaskTypeID        crm.Int  `json:"task_type_id"`
	Text              string   `json:"text"`
	CompleteTill      crm.Int  `json:"complete_till"`
	CreatedAt         crm.Int  `json:"created_at"`
	UpdatedAt         crm.Int  `json:"updated_at"`
}

func (t task) key() string     { return string(t.ID) }
func (t task) modified() int64 { return int64(t.UpdatedAt) }

type note struct {
	ID                crm.ID  `json:"id"`
	EntityID          crm.ID  `json:"entity_id"`
	NoteType          string  `json:"note_type"`
	CreatedBy         crm.ID  `json:"created_by"`
	ResponsibleUserID crm.ID  `json:"responsible_user_id"`
	CreatedAt         crm.Int `json:"created_at"`
	UpdatedAt         crm.Int `json:"updated_at"`
	Params            struct {
		Duration   crm.Int `json:"duration"`
		CallStatus crm.Int `json:"call_status"`
		Phone      string  `json:"phone"` // the other party, as the telephony integration wrote it
	} `json:"params"`
	entity string // leads, contacts or companies: from the path it was read at
}

func (n note) key() string     { return n.entity + ":" + string(n.ID) }
func (n note) modified() int64 { return int64(n.UpdatedAt) }

// unix converts amoCRM's Unix seconds; 0 is "none".
func unix(s crm.Int) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}

func meta(id string, updated crm.Int) domain.RecordMeta {
	return domain.RecordMeta{Source: Source, ExternalID: id, UpdatedAt: unix(updated)}
}

func (c company) record() domain.Company {
	m := meta(string(c.ID), c.UpdatedAt)
	if c.IsDeleted {
		m.DeletedAt = m.UpdatedAt
	}
	return domain.Company{
		RecordMeta:  m,
		Name:        c.Name,
		Responsible: string(c.ResponsibleUserID),
		CreatedBy:   string(c.CreatedBy),
		CreatedAt:   unix(c.CreatedAt),
		Phones:      c.CustomFields.phones(),
	}
}

// record maps a lead, naming its pipeline and stage from cat.
func (l lead) record(cat *crm.Catalogue) domain.Deal {
	d := domain.Deal{
		RecordMeta:  meta(string(l.ID), l.UpdatedAt),
		Title:       l.Name,
		Responsible: string(l.ResponsibleUserID),
		Amount:      l.Price.Decimal,
		Status:      domain.DealOpen,
		CreatedAt:   unix(l.CreatedAt),
		PipelineID:  optionalID(l.PipelineID),
	}
	if l.StatusID > 0 {
		d.StageID = itoa(int64(l.StatusID))
	}
	d.Pipeline, d.Stage = cat.Names(d.PipelineID, d.StageID)
	switch l.StatusID {
	case StatusWon:
		d.Status = domain.DealWon
	case StatusLost:
		d.Status = domain.DealLost
	}
	if d.Closed() {
		d.ClosedAt = unix(l.ClosedAt)
		if d.ClosedAt.IsZero() {
			d.ClosedAt = d.UpdatedAt
		}
	}
	if l.IsDeleted {
		// amoCRM gives no deletion time: the modification time of the
		// deleted lead is the closest.
		d.DeletedAt = d.UpdatedAt
	}
	return d
}

// TaskActivityID is the activity external id of the meeting kept as task id.
func TaskActivityID(taskID string) string { return "task:" + taskID }

// NoteActivityID is the activity external id of a call note: notes are
// numbered per entity type, and re-fetching one needs the entity anyway.
func NoteActivityID(entity, noteID string) string { return "note:" + entity + ":" + noteID }

// records returns the task and, for a completed meeting, its activity.
// amoCRM keeps no completion time: the task's updated_at as first seen
// completed stands in for it (docs/crm-amocrm.md); crm.KeepFirstCompletion
// lets the store keep the first one.
func (t task) records() (domain.Task, *domain.Activity) {
	k := domain.Task{
		RecordMeta:  meta(string(t.ID), t.UpdatedAt),
		Title:       t.Text,
		Responsible: string(t.ResponsibleUserID),
		Deadline:    unix(t.CompleteTill),
		CreatedAt:   unix(t.CreatedAt),
	}
	if t.EntityType == "leads" {
		k.DealID = string(t.EntityID)
	}
	if !t.IsCompleted {
		return k, nil
	}
	k.CompletedAt = k.UpdatedAt
	if t.TaskTypeID != TaskTypeMeeting {
		return k, nil
	}
	a := &domain.Activity{
		RecordMeta:  meta(TaskActivityID(string(t.ID)), t.UpdatedAt),
		Kind:        domain.ActivityMeeting,
		Responsible: k.Responsible,
		HappenedAt:  k.Deadline,
		EnteredAt:   k.CompletedAt,
		Outcome:     domain.OutcomeHeld,
		DealID:      k.DealID,
	}
	return k, a
}

// isCall reports whether the note is a call.
func (n note) isCall() bool { return n.NoteType == NoteCallIn || n.NoteType == NoteCallOut }

// record maps a call note. The note is created when the call is logged,
// right after it ends, so its created_at is both when the call happened
// (to within its duration) and when it was entered.
func (n note) record() domain.Activity {
	a := domain.Activity{
		RecordMeta:      meta(NoteActivityID(n.entity, string(n.ID)), n.UpdatedAt),
		Kind:            domain.ActivityCall,
		Responsible:     string(n.ResponsibleUserID),
		HappenedAt:      unix(n.CreatedAt),
		EnteredAt:       unix(n.CreatedAt),
		DurationSeconds: int(n.Params.Duration),
		Outcome:         domain.OutcomeMissed,
		Phone:           n.Params.Phone,
	}
	if a.Responsible == "" || a.Responsible == "0" {
		a.Responsible = string(n.CreatedBy)
	}
	if n.Params.CallStatus == CallStatusHeld {
		a.Outcome = domain.OutcomeHeld
	}
	switch n.NoteType {
	case NoteCallIn:
		a.Direction = domain.DirectionIn
	case NoteCallOut:
		a.Direction = domain.DirectionOut
	}
	if n.entity == "leads" {
		a.DealID = string(n.EntityID)
	}
	return a
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// optionalID returns an id amoCRM may send as 0 for "none" (a robot's
// created_by, a lead without a pipeline) as "" in that case.
func optionalID(id crm.ID) string {
	if id == "0" {
		return ""
	}
	return string(id)
}
