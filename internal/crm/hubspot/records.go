package hubspot

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// The CRM objects read, by their API names.
const (
	ObjectCompanies = "companies"
	ObjectDeals     = "deals"
	ObjectTasks     = "tasks"
	ObjectCalls     = "calls"
	ObjectMeetings  = "meetings"
	ObjectContacts  = "contacts"
)

// ModifiedProperty is the modification time every object read here has,
// and the one incremental searches filter and sort on.
const ModifiedProperty = "hs_lastmodifieddate"

// ContactModifiedProperty is the modification time of contacts, which
// HubSpot names otherwise (the search guide: lastmodifieddate for
// contacts, hs_lastmodifieddate for the other objects).
const ContactModifiedProperty = "lastmodifieddate"

// modifiedProperty is the modification-time property of obj.
func modifiedProperty(obj string) string {
	if obj == ObjectContacts {
		return ContactModifiedProperty
	}
	return ModifiedProperty
}

// properties are those read of each object.
var properties = map[string][]string{
	ObjectCompanies: {"name", "hubspot_owner_id", "createdate", ModifiedProperty, "phone"},
	ObjectContacts: {"firstname", "lastname", "phone", "mobilephone", "hubspot_owner_id", "associatedcompanyid", "createdate",
		ContactModifiedProperty},
	ObjectDeals: {"dealname", "amount", "dealstage", "pipeline", "closedate", "hubspot_owner_id", "createdate",
		ModifiedProperty, "hs_is_closed", "hs_is_closed_won"},
	ObjectTasks: {"hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date", "hubspot_owner_id",
		"hs_createdate", ModifiedProperty},
	ObjectCalls: {"hs_timestamp", "hs_call_duration", "hs_call_direction", "hs_call_status", "hubspot_owner_id",
		"hs_createdate", ModifiedProperty, "hs_call_to_number", "hs_call_from_number"},
	ObjectMeetings: {"hs_timestamp", "hs_meeting_start_time", "hs_meeting_end_time", "hs_meeting_outcome",
		"hubspot_owner_id", "hs_createdate", ModifiedProperty},
}

// object is a CRM object as every v3 endpoint returns it. Every property
// value is a string (or null); times are ISO 8601.
type object struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
	CreatedAt  string            `json:"createdAt"`
	UpdatedAt  string            `json:"updatedAt"`
	Archived   bool              `json:"archived"`
	ArchivedAt string            `json:"archivedAt"`
}

func (o object) prop(name string) string { return strings.TrimSpace(o.Properties[name]) }

func (o object) time(name string) time.Time { return parseTime(o.prop(name)) }

// modified is the object's modification time in Unix milliseconds.
func (o object) modified() int64 {
	t := o.time(ModifiedProperty)
	if t.IsZero() {
		t = o.time(ContactModifiedProperty)
	}
	if t.IsZero() {
		t = parseTime(o.UpdatedAt)
	}
	return t.UnixMilli()
}

func (o object) meta(externalID string) domain.RecordMeta {
	m := domain.RecordMeta{Source: Source, ExternalID: externalID, UpdatedAt: time.UnixMilli(o.modified()).UTC()}
	if o.Archived {
		m.DeletedAt = parseTime(o.ArchivedAt)
		if m.DeletedAt.IsZero() {
			m.DeletedAt = m.UpdatedAt
		}
	}
	return m
}

// parseTime reads a datetime property: ISO 8601 as the v3 API returns it,
// or Unix milliseconds as some properties (and the v1 API) hold them.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

func (o object) company() domain.Company {
	// hs_created_by_user_id is a user, not an owner: Responsible stands
	// for the creator (domain.Company.Owner).
	return domain.Company{RecordMeta: o.meta(o.ID), Name: o.prop("name"), Responsible: o.prop("hubspot_owner_id"),
		CreatedAt: first(o.time("createdate"), parseTime(o.CreatedAt)), Phones: o.phones("phone")}
}

// phones returns the non-empty values of the named phone properties, nil
// for none.
func (o object) phones(names ...string) []string {
	var out []string
	for _, n := range names {
		if v := o.prop(n); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// person maps a contact: its name firstname lastname, its phones phone
// and mobilephone, its company associatedcompanyid (the primary company),
// entered at createdate.
func (o object) person() domain.Person {
	return domain.Person{RecordMeta: o.meta(o.ID), Name: strings.TrimSpace(o.prop("firstname") + " " + o.prop("lastname")),
		Responsible: o.prop("hubspot_owner_id"), CompanyID: o.prop("associatedcompanyid"),
		Phones: o.phones("phone", "mobilephone"), CreatedAt: first(o.time("createdate"), parseTime(o.CreatedAt))}
}

// deal maps a deal, naming its pipeline and stage and judging it won or
// lost from the catalogue: a closed stage of probability 1 is won, of 0
// lost. A stage the catalogue lacks (deleted since) falls back to
// hs_is_closed_won and hs_is_closed. Stage names are never read for it.
func (o object) deal(cat *catalogue) domain.Deal {
	d := domain.Deal{RecordMeta: o.meta(o.ID), Title: o.prop("dealname"), Responsible: o.prop("hubspot_owner_id"),
		Status: domain.DealOpen, CreatedAt: first(o.time("createdate"), parseTime(o.CreatedAt)),
		PipelineID: o.prop("pipeline"), StageID: o.prop("dealstage")}
	if a, err := decimal.NewFromString(o.prop("amount")); err == nil {
		d.Amount = a
	}
	st, ok := cat.stage(d.PipelineID, d.StageID)
	switch {
	case ok && st.closed && st.probability >= 1:
		d.Status = domain.DealWon
	case ok && st.closed:
		d.Status = domain.DealLost
	case !ok && o.prop("hs_is_closed_won") == "true":
		d.Status = domain.DealWon
	case !ok && o.prop("hs_is_closed") == "true":
		d.Status = domain.DealLost
	}
	d.Pipeline, d.Stage = cat.pipelineName(d.PipelineID), st.name
	if d.Status != domain.DealOpen {
		d.ClosedAt = o.time("closedate")
	}
	return d
}

// Task statuses.
const TaskCompleted = "COMPLETED"

// task maps a task. HubSpot keeps the completion time in
// hs_task_completion_date (docs/crm-hubspot.md); without it, the
// modification time at which the task is first seen completed stands in
// (crm.KeepFirstCompletion keeps the first).
func (o object) task(dealID string) domain.Task {
	k := domain.Task{RecordMeta: o.meta(o.ID), Title: o.prop("hs_task_subject"), Responsible: o.prop("hubspot_owner_id"),
		DealID: dealID, Deadline: o.time("hs_timestamp"), CreatedAt: first(o.time("hs_createdate"), parseTime(o.CreatedAt))}
	if strings.EqualFold(o.prop("hs_task_status"), TaskCompleted) {
		k.CompletedAt = first(o.time("hs_task_completion_date"), k.UpdatedAt)
	}
	return k
}

// CallActivityID and MeetingActivityID are the external ids of the
// activities made of calls and meetings: their HubSpot ids are unique
// only within their object.
func CallActivityID(id string) string    { return "call:" + id }
func MeetingActivityID(id string) string { return "meeting:" + id }

// call maps a call: held when its status is COMPLETED (a conversation),
// canceled when CANCELED, missed otherwise. It happened at hs_timestamp
// and was entered when logged (hs_createdate); hs_call_duration is in
// milliseconds.
func (o object) call(dealID string) domain.Activity {
	a := domain.Activity{RecordMeta: o.meta(CallActivityID(o.ID)), Kind: domain.ActivityCall,
		Responsible: o.prop("hubspot_owner_id"), HappenedAt: o.time("hs_timestamp"),
		EnteredAt: first(o.time("hs_createdate"), parseTime(o.CreatedAt)), Outcome: domain.OutcomeMissed, DealID: dealID}
	if ms, err := strconv.ParseFloat(o.prop("hs_call_duration"), 64); err == nil && ms > 0 {
		a.DurationSeconds = int(ms / 1000)
	}
	switch strings.ToUpper(o.prop("hs_call_status")) {
	case "COMPLETED":
		a.Outcome = domain.OutcomeHeld
	case "CANCELED", "CANCELLED":
		a.Outcome = domain.OutcomeCanceled
	}
	switch strings.ToUpper(o.prop("hs_call_direction")) {
	case "INBOUND":
		a.Direction = domain.DirectionIn
	case "OUTBOUND":
		a.Direction = domain.DirectionOut
	}
	// The other party: the number called on an outbound call, the caller
	// on an inbound one.
	switch a.Direction {
	case domain.DirectionOut:
		a.Phone = o.prop("hs_call_to_number")
	case domain.DirectionIn:
		a.Phone = o.prop("hs_call_from_number")
	}
	return a
}

// meeting maps a meeting by its outcome: COMPLETED is held, NO_SHOW
// missed, CANCELED canceled; a meeting scheduled (or rescheduled, or with
// no outcome) has not happened yet and is no record (ok false). The
// outcome is set after the meeting, so a meeting is entered at the
// modification time it is first seen with it (crm.KeepFirstEntry). Outcome
// values are compared without case, spaces or underscores: their
// spelling is UNCONFIRMED.
func (o object) meeting(dealID string) (domain.Activity, bool) {
	a := domain.Activity{RecordMeta: o.meta(MeetingActivityID(o.ID)), Kind: domain.ActivityMeeting,
		Responsible: o.prop("hubspot_owner_id"), HappenedAt: first(o.time("hs_meeting_start_time"), o.time("hs_timestamp")),
		EnteredAt: time.UnixMilli(o.modified()).UTC(), DealID: dealID}
	if end := o.time("hs_meeting_end_time"); end.After(a.HappenedAt) && !a.HappenedAt.IsZero() {
		a.DurationSeconds = int(end.Sub(a.HappenedAt) / time.Second)
	}
	switch strings.NewReplacer("_", "", " ", "").Replace(strings.ToUpper(o.prop("hs_meeting_outcome"))) {
	case "COMPLETED":
		a.Outcome = domain.OutcomeHeld
	case "NOSHOW":
		a.Outcome = domain.OutcomeMissed
	case "CANCELED", "CANCELLED":
		a.Outcome = domain.OutcomeCanceled
	default:
		return a, false
	}
	return a, true
}

func first(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
