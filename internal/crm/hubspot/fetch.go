package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// The paging sizes: search pages hold at most 200 results, list pages 100.
const (
	SearchPageSize = 200
	ListPageSize   = 100
	// SearchCeiling is how deep one search query may page: HubSpot answers
	// 400 past 10,000 results. The keyset scan never goes deeper than the
	// records sharing one modification time.
	SearchCeiling = 10000
	// AssociationBatch is how many objects one associations read asks for.
	AssociationBatch = 100
)

// maxPages bounds one scan (10 M records at 200 a page).
const maxPages = 50000

// Fetch returns every record of kind changed since the cursor (all of them
// for the zero cursor), and the cursor to store once the records are
// stored. Objects archived since the cursor are records deleted at their
// archivedAt. Deal moves come from the stage history of the deals
// modified since the cursor.
func (c *Client) Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error) {
	return c.api.Fetch(ctx, kind, since, func(ctx context.Context, from time.Time) (domain.RecordBatch, bool, error) {
		var b domain.RecordBatch
		switch kind {
		case crm.KindCompany:
			objs, err := c.changed(ctx, ObjectCompanies, from)
			for _, o := range objs {
				b.Companies = append(b.Companies, o.company())
			}
			return b, false, err
		case crm.KindPerson:
			objs, err := c.changed(ctx, ObjectContacts, from)
			for _, o := range objs {
				b.Persons = append(b.Persons, o.person())
			}
			return b, false, err
		case crm.KindDeal:
			objs, err := c.changed(ctx, ObjectDeals, from)
			if err != nil || len(objs) == 0 {
				return b, false, err
			}
			cat, err := c.catalogue(ctx)
			if err != nil {
				return b, false, err
			}
			for _, o := range objs {
				b.Deals = append(b.Deals, o.deal(cat))
			}
			return b, false, nil
		case crm.KindTask:
			objs, deals, err := c.changedWithDeals(ctx, ObjectTasks, from)
			for _, o := range objs {
				b.Tasks = append(b.Tasks, o.task(deals[o.ID]))
			}
			return b, false, err
		case crm.KindActivity:
			calls, deals, err := c.changedWithDeals(ctx, ObjectCalls, from)
			if err != nil {
				return b, false, err
			}
			for _, o := range calls {
				b.Activities = append(b.Activities, o.call(deals[o.ID]))
			}
			meetings, deals, err := c.changedWithDeals(ctx, ObjectMeetings, from)
			for _, o := range meetings {
				if a, ok := o.meeting(deals[o.ID]); ok {
					b.Activities = append(b.Activities, a)
				}
			}
			return b, false, err
		case crm.KindDealMove:
			b, err := c.fetchMoves(ctx, from)
			return b, false, err
		}
		return b, false, fmt.Errorf("hubspot: unknown record kind %q", kind)
	})
}

// changedWithDeals returns the objects changed since from, as changed
// does, and the deal each live one is associated with.
func (c *Client) changedWithDeals(ctx context.Context, obj string, from time.Time) ([]object, map[string]string, error) {
	objs, err := c.changed(ctx, obj, from)
	if err != nil {
		return nil, nil, err
	}
	var live []string
	for _, o := range objs {
		if !o.Archived {
			live = append(live, o.ID)
		}
	}
	deals, err := c.dealsOf(ctx, obj, live)
	return objs, deals, err
}

// changed returns the objects of obj modified at or after from (every one
// for the zero time), deduped by id, the newest version winning, and then
// those archived at or after it.
func (c *Client) changed(ctx context.Context, obj string, from time.Time) ([]object, error) {
	var out []object
	index := map[string]int{}
	add := func(o object) {
		if i, ok := index[o.ID]; ok {
			if o.Archived || o.modified() >= out[i].modified() {
				out[i] = o
			}
			return
		}
		index[o.ID] = len(out)
		out = append(out, o)
	}
	if err := c.search(ctx, obj, from, add); err != nil {
		return nil, err
	}
	err := c.archived(ctx, obj, from, add)
	return out, err
}

// search passes on the live objects of obj modified at or after from
// (every one for the zero time), in modification order, some twice (the
// overlap of the keyset restarts).
func (c *Client) search(ctx context.Context, obj string, from time.Time, add func(object)) error {
	start := int64(0)
	if !from.IsZero() {
		start = max(0, from.UnixMilli())
	}
	path := "/crm/v3/objects/" + obj + "/search"
	return crm.Keyset("POST "+path, maxPages, start, object.modified, func(from int64, n int) ([]object, bool, error) {
		after := (n - 1) * SearchPageSize
		if after+SearchPageSize > SearchCeiling {
			return nil, false, fmt.Errorf("POST %s: more than %d %s modified at %s", path, SearchCeiling, obj, time.UnixMilli(from).UTC().Format(time.RFC3339Nano))
		}
		modified := modifiedProperty(obj)
		q := searchQuery{Sorts: []sortBy{{PropertyName: modified, Direction: "ASCENDING"}}, Properties: properties[obj],
			Limit: SearchPageSize, FilterGroups: []filterGroup{}}
		if from > 0 {
			q.FilterGroups = []filterGroup{{Filters: []filter{{PropertyName: modified, Operator: "GTE", Value: strconv.FormatInt(from, 10)}}}}
		}
		if after > 0 {
			q.After = strconv.Itoa(after)
		}
		body, err := c.post(ctx, path, q, c.searches)
		if err != nil {
			return nil, false, err
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, false, decodeError("POST "+path, err)
		}
		for _, o := range p.Results {
			add(o)
		}
		return p.Results, p.Paging.Next.After != "", nil
	})
}

// archived passes on the objects of obj archived at or after from. The
// listing cannot filter by time: it is read whole, by cursor.
func (c *Client) archived(ctx context.Context, obj string, from time.Time, add func(object)) error {
	path := "/crm/v3/objects/" + obj
	q := url.Values{"archived": {"true"}, "limit": {strconv.Itoa(ListPageSize)}, "properties": {strings.Join(properties[obj], ",")}}
	seen := map[string]bool{}
	for range maxPages {
		body, err := c.get(ctx, path, q)
		if err != nil {
			return err
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return decodeError("GET "+path, err)
		}
		for _, o := range p.Results {
			o.Archived = true
			if at := parseTime(o.ArchivedAt); from.IsZero() || !at.Before(from) {
				add(o)
			}
		}
		next := p.Paging.Next.After
		if next == "" {
			return nil
		}
		// A cursor seen before would loop.
		if seen[next] {
			return &crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "the paging cursor repeats"}
		}
		seen[next] = true
		q.Set("after", next)
	}
	return fmt.Errorf("GET %s: more than %d pages", path, maxPages)
}

// dealsOf returns the deal each of ids (objects of obj) is associated with,
// the first one HubSpot lists; objects with none are absent.
func (c *Client) dealsOf(ctx context.Context, obj string, ids []string) (map[string]string, error) {
	out := map[string]string{}
	path := "/crm/v4/associations/" + obj + "/" + ObjectDeals + "/batch/read"
	for chunk := range slices.Chunk(ids, AssociationBatch) {
		in := make([]map[string]string, len(chunk))
		for i, id := range chunk {
			in[i] = map[string]string{"id": id}
		}
		body, err := c.post(crm.WithoutProgress(ctx), path, map[string]any{"inputs": in})
		if err != nil {
			return nil, err
		}
		var r struct {
			Results []struct {
				From struct {
					ID crm.ID `json:"id"`
				} `json:"from"`
				To []struct {
					ToObjectID crm.ID `json:"toObjectId"`
				} `json:"to"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return nil, decodeError("POST "+path, err)
		}
		for _, a := range r.Results {
			if len(a.To) > 0 {
				out[string(a.From.ID)] = string(a.To[0].ToObjectID)
			}
		}
	}
	return out, nil
}

// page is a list or search answer.
type page struct {
	Results []object `json:"results"`
	Paging  struct {
		Next struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

type searchQuery struct {
	FilterGroups []filterGroup `json:"filterGroups"`
	Sorts        []sortBy      `json:"sorts"`
	Properties   []string      `json:"properties"`
	Limit        int           `json:"limit"`
	After        string        `json:"after,omitempty"`
}

type filterGroup struct {
	Filters []filter `json:"filters"`
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

type sortBy struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

// FetchByIDs re-fetches the deals, companies or contacts with the given
// ids, as a webhook asks; ids HubSpot no longer lists (archived) are
// absent from the batch.
func (c *Client) FetchByIDs(ctx context.Context, kind crm.Kind, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	obj := map[crm.Kind]string{crm.KindDeal: ObjectDeals, crm.KindCompany: ObjectCompanies, crm.KindPerson: ObjectContacts}[kind]
	if obj == "" {
		return b, domain.Errorf(domain.EINVALID, "hubspot: %s are fetched incrementally, not by id", kind.Plural())
	}
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return b, domain.Errorf(domain.EINVALID, "hubspot: invalid id %q", id)
		}
	}
	path := "/crm/v3/objects/" + obj + "/batch/read"
	var objs []object
	for chunk := range slices.Chunk(ids, ListPageSize) {
		in := make([]map[string]string, len(chunk))
		for i, id := range chunk {
			in[i] = map[string]string{"id": id}
		}
		body, err := c.post(ctx, path, map[string]any{"inputs": in, "properties": properties[obj]})
		if err != nil {
			return domain.RecordBatch{}, fmt.Errorf("hubspot: fetch %s by id: %w", kind.Plural(), err)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return domain.RecordBatch{}, fmt.Errorf("hubspot: fetch %s by id: %w", kind.Plural(), decodeError("POST "+path, err))
		}
		objs = append(objs, p.Results...)
	}
	switch kind {
	case crm.KindCompany:
		for _, o := range objs {
			b.Companies = append(b.Companies, o.company())
		}
		return b, nil
	case crm.KindPerson:
		for _, o := range objs {
			b.Persons = append(b.Persons, o.person())
		}
		return b, nil
	}
	if len(objs) == 0 {
		return b, nil
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return domain.RecordBatch{}, err
	}
	for _, o := range objs {
		b.Deals = append(b.Deals, o.deal(cat))
	}
	return b, nil
}
