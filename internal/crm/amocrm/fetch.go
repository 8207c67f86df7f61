package amocrm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// maxPages bounds one scan, so a server that keeps answering "next" cannot
// keep a sync running forever (10 M records at 250 a page).
const maxPages = 40000

// Fetch returns every record of kind changed since the cursor (all of them
// for the zero cursor), and the cursor to store once the records are stored.
// On error the batch is empty and the cursor is since: nothing advances past
// what was fully fetched.
//
// Contacts (persons) carry their PHONE field, as companies do; call notes
// the other party's phone. Deals include deleted leads (with=only_deleted). Tasks bring the meeting
// activities of completed meeting tasks with them; activities are call notes
// on leads, contacts and companies; deal moves are the lead_status_changed
// events created since the cursor. Deals and moves are named from the
// pipeline catalogue (see Pipelines), read when they need it.
func (c *Client) Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error) {
	return c.api.Fetch(ctx, kind, since, func(ctx context.Context, start time.Time) (domain.RecordBatch, bool, error) {
		from := int64(0)
		if !start.IsZero() {
			from = max(0, start.Unix())
		}
		var b domain.RecordBatch
		var err error
		switch kind {
		case crm.KindCompany:
			b, err = c.fetchCompanies(ctx, from, nil)
		case crm.KindPerson:
			b, err = c.fetchPersons(ctx, from, nil)
		case crm.KindDeal:
			b, err = c.fetchDeals(ctx, from, nil)
		case crm.KindTask:
			b, err = c.fetchTasks(ctx, from, nil)
		case crm.KindActivity:
			b, err = c.fetchCalls(ctx, from, nil)
		case crm.KindDealMove:
			b, err = c.fetchMoves(ctx, from)
		}
		// Pages are read by modification time (keyset): a record changed
		// during the scan is read at the end of it.
		return b, false, err
	})
}

// FetchByIDs re-fetches the records of kind with the given external ids, as
// a webhook asks. Ids that amoCRM no longer lists are absent from the batch.
// Activity ids are those of NoteActivityID and TaskActivityID.
func (c *Client) FetchByIDs(ctx context.Context, kind crm.Kind, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	var err error
	switch kind {
	case crm.KindCompany:
		b, err = c.fetchCompanies(ctx, 0, ids)
	case crm.KindPerson:
		b, err = c.fetchPersons(ctx, 0, ids)
	case crm.KindDeal:
		b, err = c.fetchDeals(ctx, 0, ids)
	case crm.KindTask:
		b, err = c.fetchTasks(ctx, 0, ids)
	case crm.KindActivity:
		var taskIDs []string
		notes := map[string][]string{}
		for _, id := range ids {
			switch parts := strings.Split(id, ":"); {
			case len(parts) == 2 && parts[0] == "task":
				taskIDs = append(taskIDs, parts[1])
			case len(parts) == 3 && parts[0] == "note" && slices.Contains(noteEntities, parts[1]):
				notes[parts[1]] = append(notes[parts[1]], parts[2])
			default:
				return domain.RecordBatch{}, domain.Errorf(domain.EINVALID, "amocrm: invalid activity id %q", id)
			}
		}
		if len(taskIDs) > 0 {
			tb, err := c.fetchTasks(ctx, 0, taskIDs)
			if err != nil {
				return domain.RecordBatch{}, fmt.Errorf("amocrm: fetch activities by id: %w", err)
			}
			b.Activities = tb.Activities
		}
		if len(notes) > 0 {
			nb, err := c.fetchCalls(ctx, 0, notes)
			if err != nil {
				return domain.RecordBatch{}, fmt.Errorf("amocrm: fetch activities by id: %w", err)
			}
			b.Activities = append(b.Activities, nb.Activities...)
		}
		return b, nil
	case crm.KindDealMove:
		// No webhook names an event: a status webhook re-fetches the deal,
		// and the move comes with the next incremental fetch of moves.
		return domain.RecordBatch{}, domain.Errorf(domain.EINVALID, "amocrm: deal moves are fetched incrementally, not by id")
	default:
		return domain.RecordBatch{}, fmt.Errorf("amocrm: unknown record kind %q", kind)
	}
	if err != nil {
		return domain.RecordBatch{}, fmt.Errorf("amocrm: fetch %s by id: %w", kind.Plural(), err)
	}
	return b, nil
}

func (c *Client) fetchCompanies(ctx context.Context, from int64, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	items, err := list[company](c, ctx, "/api/v4/companies", "companies", nil, from, ids, nil)
	for _, it := range items {
		b.Companies = append(b.Companies, it.record())
	}
	return b, err
}

func (c *Client) fetchDeals(ctx context.Context, from int64, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	live, err := list[lead](c, ctx, "/api/v4/leads", "leads", nil, from, ids, nil)
	if err != nil {
		return b, err
	}
	var missing []string
	if ids != nil {
		seen := map[string]bool{}
		for _, l := range live {
			seen[l.key()] = true
		}
		for _, id := range ids {
			if !seen[id] {
				missing = append(missing, id)
			}
		}
	}
	var deleted []lead
	if ids == nil || len(missing) > 0 {
		deleted, err = list[lead](c, ctx, "/api/v4/leads", "leads", url.Values{"with": {"only_deleted"}}, from, missing, nil)
		if err != nil {
			return b, err
		}
	}
	// A lead in both lists was deleted or restored between the two scans:
	// the newer version wins, the deleted one on a tie.
	byID := map[string]lead{}
	var order []string
	for _, l := range slices.Concat(live, deleted) {
		prev, ok := byID[l.key()]
		if !ok {
			order = append(order, l.key())
		}
		if !ok || l.modified() > prev.modified() || l.modified() == prev.modified() && bool(l.IsDeleted) {
			byID[l.key()] = l
		}
	}
	if len(order) == 0 {
		return b, nil
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return b, err
	}
	for _, id := range order {
		b.Deals = append(b.Deals, byID[id].record(cat))
	}
	return b, nil
}

func (c *Client) fetchTasks(ctx context.Context, from int64, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	items, err := list[task](c, ctx, "/api/v4/tasks", "tasks", nil, from, ids, nil)
	for _, it := range items {
		k, a := it.records()
		b.Tasks = append(b.Tasks, k)
		if a != nil {
			b.Activities = append(b.Activities, *a)
		}
	}
	return b, err
}

// fetchCalls reads call notes of every note entity, or, when ids is not nil,
// the notes with those ids per entity.
func (c *Client) fetchCalls(ctx context.Context, from int64, ids map[string][]string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	for _, entity := range noteEntities {
		var want []string
		if ids != nil {
			if want = ids[entity]; len(want) == 0 {
				continue
			}
		}
		q := url.Values{"filter[note_type][]": {NoteCallIn, NoteCallOut}}
		items, err := list[note](c, ctx, "/api/v4/"+entity+"/notes", "notes", q, from, want, func(n *note) { n.entity = entity })
		if err != nil {
			return domain.RecordBatch{}, err
		}
		for _, n := range items {
			// The filter is documented; filtering again costs nothing if a
			// server ignores it.
			if n.isCall() {
				b.Activities = append(b.Activities, n.record())
			}
		}
	}
	return b, nil
}

type page[T any] struct {
	Links struct {
		Next *struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
	Embedded map[string][]T `json:"_embedded"`
}

// list reads the items at path: those with the given ids (in chunks), or
// every item modified at or after from. It dedupes by id, keeping the newest
// version, in the order first seen.
//
// Modification-time scans page by keyset (crm.Keyset): updated_at ≥ the
// last modification time seen, sorted ascending, from page 1 again.
func list[T item](c *Client, ctx context.Context, path, key string, base url.Values, from int64, ids []string, fix func(*T)) ([]T, error) {
	var out []T
	index := map[string]int{}
	add := func(items []T) {
		for _, it := range items {
			if fix != nil {
				fix(&it)
			}
			if i, ok := index[it.key()]; ok {
				if it.modified() >= out[i].modified() {
					out[i] = it
				}
				continue
			}
			index[it.key()] = len(out)
			out = append(out, it)
		}
	}
	query := func() url.Values {
		q := url.Values{}
		for k, v := range base {
			q[k] = slices.Clone(v)
		}
		q.Set("limit", itoa(int64(c.pageSize)))
		return q
	}
	if ids != nil {
		for chunk := range slices.Chunk(ids, 50) {
			q := query()
			q["filter[id][]"] = chunk
			for n := 1; n <= maxPages; n++ {
				q.Set("page", itoa(int64(n)))
				items, next, err := getPage[T](c, ctx, path, key, q)
				if err != nil {
					return nil, err
				}
				add(items)
				if !next || len(items) == 0 {
					break
				}
			}
		}
		return out, nil
	}
	err := crm.Keyset("GET "+path, maxPages, from, T.modified, func(from int64, n int) ([]T, bool, error) {
		q := query()
		q.Set("order[updated_at]", "asc")
		if from > 0 {
			q.Set("filter[updated_at][from]", itoa(from))
		}
		q.Set("page", itoa(int64(n)))
		items, next, err := getPage[T](c, ctx, path, key, q)
		add(items)
		return items, next, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getPage reads one list page: its items under _embedded[key] and whether
// there is a next page. 204 is an empty list.
func getPage[T any](c *Client, ctx context.Context, path, key string, q url.Values) ([]T, bool, error) {
	body, err := c.get(ctx, path, q)
	if err != nil || len(body) == 0 {
		return nil, false, err
	}
	var p page[T]
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, false, &crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "decode: " + err.Error()}
	}
	return p.Embedded[key], p.Links.Next != nil && p.Links.Next.Href != "", nil
}
