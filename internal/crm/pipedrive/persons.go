package pipedrive

import (
	"context"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// PathPersons lists the persons (contacts), API v2.
const PathPersons = "/api/v2/persons"

// phone is an entry of a person's phones: {value, primary, label}.
type phone struct {
	Value string `json:"value"`
}

// person is a person of GET /api/v2/persons. API v2 names the phone list
// phones; v1 (and the webhooks' v1 bodies) phone: both are read.
type person struct {
	ID         crm.Int  `json:"id"`
	Name       string   `json:"name"`
	OwnerID    crm.Int  `json:"owner_id"`
	OrgID      crm.Int  `json:"org_id"`
	Phones     []phone  `json:"phones"`
	PhoneV1    []phone  `json:"phone"`
	AddTime    string   `json:"add_time"`
	UpdateTime string   `json:"update_time"`
	IsDeleted  crm.Bool `json:"is_deleted"`
}

func (p person) id() int64      { return int64(p.ID) }
func (p person) updated() int64 { return modified(p.UpdateTime, p.AddTime).Unix() }
func (p person) deleted() bool  { return bool(p.IsDeleted) }

// record maps a person: entered at add_time, its company org_id, its
// phones the non-empty values of phones.
func (p person) record() domain.Person {
	r := domain.Person{RecordMeta: meta(p.ID, p.UpdateTime, p.AddTime, p.deleted()), Name: strings.TrimSpace(p.Name),
		Responsible: idString(p.OwnerID), CompanyID: idString(p.OrgID), CreatedAt: parseTime(p.AddTime)}
	phones := p.Phones
	if len(phones) == 0 {
		phones = p.PhoneV1
	}
	for _, ph := range phones {
		if v := strings.TrimSpace(ph.Value); v != "" {
			r.Phones = append(r.Phones, v)
		}
	}
	return r
}

// fetchPersons reads the persons changed since from (a deleted one marked
// so, as organizations are).
func (c *Client) fetchPersons(ctx context.Context, from time.Time) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	items, err := changed[person](ctx, c, PathPersons, from, nil)
	for _, it := range items {
		b.Persons = append(b.Persons, it.record())
	}
	return b, err
}
