package pipedrive

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// organization is an organization of GET /api/v2/organizations.
type organization struct {
	ID         crm.Int  `json:"id"`
	Name       string   `json:"name"`
	OwnerID    crm.Int  `json:"owner_id"`
	AddTime    string   `json:"add_time"`
	UpdateTime string   `json:"update_time"`
	IsDeleted  crm.Bool `json:"is_deleted"`
}

// deal is a deal of GET /api/v2/deals.
type deal struct {
	ID              crm.Int     `json:"id"`
	Title           string      `json:"title"`
	OwnerID         crm.Int     `json:"owner_id"`
	Value           crm.Decimal `json:"value"`
	Status          string      `json:"status"`
	StageID         crm.Int     `json:"stage_id"`
	PipelineID      crm.Int     `json:"pipeline_id"`
	AddTime         string      `json:"add_time"`
	UpdateTime      string      `json:"update_time"`
	WonTime         string      `json:"won_time"`
	LostTime        string      `json:"lost_time"`
	CloseTime       string      `json:"close_time"`
	StageChangeTime optional    `json:"stage_change_time"`
	IsDeleted       crm.Bool    `json:"is_deleted"`
}

// optional is a string field whose absence differs from its null: a
// deal's stage_change_time is null for a deal that never moved, and an
// answer without it says nothing.
type optional struct {
	Set   bool
	Value string
}

func (o *optional) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = ""
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// activity is an activity of GET /api/v2/activities: a call, a meeting or
// a task, by its type.
type activity struct {
	ID               crm.Int  `json:"id"`
	Subject          string   `json:"subject"`
	Type             string   `json:"type"`
	OwnerID          crm.Int  `json:"owner_id"`
	DealID           crm.Int  `json:"deal_id"`
	Done             crm.Bool `json:"done"`
	DueDate          string   `json:"due_date"`
	DueTime          string   `json:"due_time"`
	Duration         string   `json:"duration"`
	MarkedAsDoneTime string   `json:"marked_as_done_time"`
	AddTime          string   `json:"add_time"`
	UpdateTime       string   `json:"update_time"`
	IsDeleted        crm.Bool `json:"is_deleted"`
}

// item is what every listed record has: an id and a modification time.
type item interface {
	id() int64
	updated() int64 // Unix seconds
	deleted() bool
}

func (o organization) id() int64      { return int64(o.ID) }
func (o organization) updated() int64 { return modified(o.UpdateTime, o.AddTime).Unix() }
func (o organization) deleted() bool  { return bool(o.IsDeleted) }
func (d deal) id() int64              { return int64(d.ID) }
func (d deal) updated() int64         { return modified(d.UpdateTime, d.AddTime).Unix() }
func (d deal) deleted() bool          { return bool(d.IsDeleted) || d.Status == "deleted" }
func (a activity) id() int64          { return int64(a.ID) }
func (a activity) updated() int64     { return modified(a.UpdateTime, a.AddTime).Unix() }
func (a activity) deleted() bool      { return bool(a.IsDeleted) }

// modified is a record's modification time: update_time, or, for a
// record never updated (update_time null), add_time.
func modified(update, add string) time.Time { return first(parseTime(update), parseTime(add)) }

// parseTime reads Pipedrive's times: RFC 3339 in API v2, "2006-01-02
// 15:04:05" (UTC) in API v1 and the changelog.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse(time.DateTime, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

func idString(n crm.Int) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(int64(n), 10)
}

func meta(id crm.Int, update, add string, deleted bool) domain.RecordMeta {
	m := domain.RecordMeta{Source: Source, ExternalID: idString(id), UpdatedAt: modified(update, add)}
	if deleted {
		// Pipedrive says when a record was deleted nowhere but in its
		// modification time, which the deletion sets.
		m.DeletedAt = m.UpdatedAt
	}
	return m
}

func (o organization) company() domain.Company {
	return domain.Company{RecordMeta: meta(o.ID, o.UpdateTime, o.AddTime, o.deleted()), Name: o.Name, Responsible: idString(o.OwnerID),
		CreatedAt: parseTime(o.AddTime)}
}

// deal maps a deal: won and lost from its status (Pipedrive has no won or
// lost stages), closed at won_time or lost_time (close_time if absent);
// its pipeline and stage named from the catalogue.
func (d deal) deal(cat *catalogue) domain.Deal {
	r := domain.Deal{RecordMeta: meta(d.ID, d.UpdateTime, d.AddTime, d.deleted()), Title: d.Title, Responsible: idString(d.OwnerID),
		Amount: d.Value.Decimal, Status: domain.DealOpen, CreatedAt: parseTime(d.AddTime),
		PipelineID: idString(d.PipelineID), StageID: idString(d.StageID)}
	switch d.Status {
	case "won":
		r.Status, r.ClosedAt = domain.DealWon, first(parseTime(d.WonTime), parseTime(d.CloseTime))
	case "lost":
		r.Status, r.ClosedAt = domain.DealLost, first(parseTime(d.LostTime), parseTime(d.CloseTime))
	}
	r.Pipeline, r.Stage = cat.Names(r.PipelineID, r.StageID)
	return r
}

// due is when an activity is due: due_date at due_time (UTC), or, without
// a time, the end of its day (UTC).
func (a activity) due() time.Time {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(a.DueDate))
	if err != nil {
		return time.Time{}
	}
	if t, ok := clock(a.DueTime); ok {
		return d.Add(t)
	}
	return d.Add(24*time.Hour - time.Second)
}

// clock reads "HH:MM" or "HH:MM:SS" as a duration since midnight.
func clock(s string) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second}[:len(parts)] {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 {
			return 0, false
		}
		d += time.Duration(n) * unit
	}
	return d, true
}

// task maps an activity of a type that is neither a call nor a meeting:
// due at due(), completed at marked_as_done_time (the modification time
// if absent) once done.
func (a activity) task() domain.Task {
	k := domain.Task{RecordMeta: meta(a.ID, a.UpdateTime, a.AddTime, a.deleted()), Title: a.Subject, Responsible: idString(a.OwnerID),
		DealID: idString(a.DealID), Deadline: a.due(), CreatedAt: parseTime(a.AddTime)}
	if a.Done {
		k.CompletedAt = first(parseTime(a.MarkedAsDoneTime), k.UpdatedAt)
	}
	return k
}

// activityRecord maps a call or meeting activity that is done: it was held
// at its due time (when it was marked done if it has none) and entered
// when marked done. One not done is planned and no record (ok false).
// Pipedrive's activities say neither a call's direction nor an outcome
// other than done.
func (a activity) activityRecord(kind string) (domain.Activity, bool) {
	r := domain.Activity{RecordMeta: meta(a.ID, a.UpdateTime, a.AddTime, a.deleted()), Kind: kind, Responsible: idString(a.OwnerID),
		DealID: idString(a.DealID), Outcome: domain.OutcomeHeld}
	done := parseTime(a.MarkedAsDoneTime)
	r.HappenedAt = first(a.due(), done, parseTime(a.AddTime))
	if _, ok := clock(a.DueTime); !ok && !done.IsZero() {
		r.HappenedAt = done // a date without a time says only the day
	}
	r.EnteredAt = first(done, r.UpdatedAt)
	if d, ok := clock(a.Duration); ok {
		r.DurationSeconds = int(d / time.Second)
	}
	return r, bool(a.Done)
}

func first(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
