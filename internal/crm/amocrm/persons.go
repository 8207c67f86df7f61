package amocrm

import (
	"bytes"
	"context"
	"encoding/json"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// FieldCodePhone is the field_code of the system phone field of contacts
// and companies (a multitext field: one value per number, each with an
// enum_code such as WORK or MOB).
const FieldCodePhone = "PHONE"

// customField is an entry of custom_fields_values. Only the field's code
// and its values' text are read.
type customField struct {
	FieldCode string `json:"field_code"`
	Values    []struct {
		Value json.RawMessage `json:"value"`
	} `json:"values"`
}

// customFields is custom_fields_values, which amoCRM sends as null when
// an entity has none.
type customFields []customField

// phones returns the values of the PHONE field, as the CRM holds them,
// nil when there are none. A number sent as a JSON number is read as its
// digits.
func (fs customFields) phones() []string {
	var out []string
	for _, f := range fs {
		if f.FieldCode != FieldCodePhone {
			continue
		}
		for _, v := range f.Values {
			raw := bytes.TrimSpace(v.Value)
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				s = string(raw) // a number
				if s == "null" {
					s = ""
				}
			}
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// contact is a contact of GET /api/v4/contacts.
type contact struct {
	ID                crm.ID       `json:"id"`
	Name              string       `json:"name"`
	ResponsibleUserID crm.ID       `json:"responsible_user_id"`
	CreatedAt         crm.Int      `json:"created_at"`
	UpdatedAt         crm.Int      `json:"updated_at"`
	IsDeleted         crm.Bool     `json:"is_deleted"`
	CustomFields      customFields `json:"custom_fields_values"`
	Embedded          struct {
		Companies []struct {
			ID crm.ID `json:"id"`
		} `json:"companies"`
	} `json:"_embedded"`
}

func (c contact) key() string     { return string(c.ID) }
func (c contact) modified() int64 { return int64(c.UpdatedAt) }

// record maps a contact: entered at created_at, its company the first one
// linked (a contact has at most one company in amoCRM).
func (c contact) record() domain.Person {
	m := meta(string(c.ID), c.UpdatedAt)
	if c.IsDeleted {
		m.DeletedAt = m.UpdatedAt
	}
	p := domain.Person{
		RecordMeta:  m,
		Name:        c.Name,
		Responsible: optionalID(c.ResponsibleUserID),
		Phones:      c.CustomFields.phones(),
		CreatedAt:   unix(c.CreatedAt),
	}
	if len(c.Embedded.Companies) > 0 {
		p.CompanyID = optionalID(c.Embedded.Companies[0].ID)
	}
	return p
}

// fetchPersons reads contacts modified at or after from, or those with ids.
func (c *Client) fetchPersons(ctx context.Context, from int64, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	items, err := list[contact](c, ctx, "/api/v4/contacts", "contacts", nil, from, ids, nil)
	for _, it := range items {
		b.Persons = append(b.Persons, it.record())
	}
	return b, err
}
