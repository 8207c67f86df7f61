package pipedrive

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

// The lists read, API v2.
const (
	PathOrganizations = "/api/v2/organizations"
	PathDeals         = "/api/v2/deals"
	PathActivities    = "/api/v2/activities"
	// PathArchivedDeals lists the archived deals, which PathDeals leaves
	// out.
	PathArchivedDeals = "/api/v2/deals/archived"
)

// maxPages bounds one scan (25 M records at 500 a page).
const maxPages = 50000

// IDsPerRequest is how many ids one v2 list asks for with ids=.
const IDsPerRequest = 100

// Fetch returns every record of kind changed since the cursor (all of them
// for the zero cursor), and the cursor to store once the records are
// stored. Deleted deals come from the status=deleted listing (the last 30
// days), deleted organizations and activities where a list marks them
// is_deleted. Activities are read once for tasks and once for calls and
// meetings. Deal moves come from the changelog of the deals whose stage
// changed since the cursor.
func (c *Client) Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error) {
	return c.api.Fetch(ctx, kind, since, func(ctx context.Context, from time.Time) (domain.RecordBatch, bool, error) {
		var b domain.RecordBatch
		switch kind {
		case crm.KindCompany:
			orgs, err := changed[organization](ctx, c, PathOrganizations, from, nil)
			for _, o := range orgs {
				b.Companies = append(b.Companies, o.company())
			}
			return b, false, err
		case crm.KindDeal:
			deals, err := c.deals(ctx, from)
			if err != nil || len(deals) == 0 {
				return b, false, err
			}
			cat, err := c.catalogue(ctx)
			if err != nil {
				return b, false, err
			}
			for _, d := range deals {
				b.Deals = append(b.Deals, d.deal(cat))
			}
			return b, false, nil
		case crm.KindTask, crm.KindActivity:
			acts, err := changed[activity](ctx, c, PathActivities, from, nil)
			if err != nil || len(acts) == 0 {
				return b, false, err
			}
			cat, err := c.catalogue(ctx)
			if err != nil {
				return b, false, err
			}
			c.addActivities(&b, kind, acts, cat)
			return b, false, nil
		case crm.KindPerson:
			b, err := c.fetchPersons(ctx, from)
			return b, false, err
		case crm.KindDealMove:
			b, err := c.fetchMoves(ctx, from)
			return b, false, err
		}
		return b, false, fmt.Errorf("pipedrive: unknown record kind %q", kind)
	})
}

// addActivities maps the activities of kind (tasks, or calls and meetings).
func (c *Client) addActivities(b *domain.RecordBatch, kind crm.Kind, acts []activity, cat *catalogue) {
	for _, a := range acts {
		k := cat.kind(a.Type)
		switch {
		case kind == crm.KindTask && k == "":
			b.Tasks = append(b.Tasks, a.task())
		case kind == crm.KindActivity && k != "":
			if r, ok := a.activityRecord(k); ok {
				b.Activities = append(b.Activities, r)
			}
		}
	}
}

// deals returns the deals changed since from, the archived ones too
// (GET /api/v2/deals lists only deals not archived: an archived deal is
// still a deal), then those deleted (the listing of deleted deals is read
// whole: it holds 30 days, and a deletion may not move update_time).
func (c *Client) deals(ctx context.Context, from time.Time) ([]deal, error) {
	live, err := c.changedDeals(ctx, from)
	if err != nil {
		return nil, err
	}
	gone, err := changed[deal](ctx, c, PathDeals, time.Time{}, url.Values{"status": {"deleted"}})
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, d := range live {
		at[d.id()] = i
	}
	for _, d := range gone {
		d.IsDeleted = true
		if i, ok := at[d.id()]; ok {
			live[i] = d
			continue
		}
		live = append(live, d)
	}
	return live, nil
}

// changedDeals returns the deals changed since from, archived or not.
func (c *Client) changedDeals(ctx context.Context, from time.Time) ([]deal, error) {
	live, err := changed[deal](ctx, c, PathDeals, from, nil)
	if err != nil {
		return nil, err
	}
	archived, err := changed[deal](ctx, c, PathArchivedDeals, from, nil)
	return append(live, archived...), err
}

// page is a v2 list answer.
type page[T any] struct {
	Data           []T `json:"data"`
	AdditionalData struct {
		NextCursor *string `json:"next_cursor"`
	} `json:"additional_data"`
}

// changed returns the records of a v2 list modified at or after from
// (every one for the zero time), deduped by id, the newest version
// winning. The list is read sorted by update_time ascending: after each
// page the scan starts again from the last time seen (crm.Keyset), so a
// record changed during the scan is read at the end; within one time it
// follows the cursor. extra adds filters (status=deleted).
func changed[T item](ctx context.Context, c *Client, path string, from time.Time, extra url.Values) ([]T, error) {
	var out []T
	index := map[int64]int{}
	start := int64(0)
	if !from.IsZero() {
		start = max(0, from.Unix())
	}
	var cursor string
	seen := map[string]bool{}
	err := crm.Keyset("GET "+path, maxPages, start, func(r T) int64 { return r.updated() }, func(from int64, n int) ([]T, bool, error) {
		q := url.Values{"limit": {strconv.Itoa(c.cfg.PageSize)}, "sort_by": {"update_time"}, "sort_direction": {"asc"}}
		for k, v := range extra {
			q[k] = v
		}
		if from > 0 {
			q.Set("updated_since", time.Unix(from, 0).UTC().Format(time.RFC3339))
		}
		if n > 1 {
			// A page all of one time goes on by the cursor; one repeated
			// would loop.
			if seen[cursor] {
				return nil, false, &crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "the paging cursor repeats"}
			}
			seen[cursor] = true
			q.Set("cursor", cursor)
		}
		body, err := c.get(ctx, path, q)
		if err != nil {
			return nil, false, err
		}
		var p page[T]
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, false, decodeError("GET "+path, err)
		}
		for _, r := range p.Data {
			if i, ok := index[r.id()]; ok {
				if r.updated() >= out[i].updated() {
					out[i] = r
				}
				continue
			}
			index[r.id()] = len(out)
			out = append(out, r)
		}
		cursor = ""
		if p.AdditionalData.NextCursor != nil {
			cursor = *p.AdditionalData.NextCursor
		}
		return p.Data, cursor != "", nil
	})
	return out, err
}

// FetchByIDs re-fetches the records of kind with the given ids, as a
// webhook asks; ids Pipedrive no longer lists are absent. Moves are
// fetched incrementally, not by id.
func (c *Client) FetchByIDs(ctx context.Context, kind crm.Kind, ids []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	path := map[crm.Kind]string{crm.KindCompany: PathOrganizations, crm.KindDeal: PathDeals, crm.KindTask: PathActivities,
		crm.KindActivity: PathActivities, crm.KindPerson: PathPersons}[kind]
	if path == "" {
		return b, domain.Errorf(domain.EINVALID, "pipedrive: %s are fetched incrementally, not by id", kind.Plural())
	}
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return b, domain.Errorf(domain.EINVALID, "pipedrive: invalid id %q", id)
		}
	}
	wrap := func(err error) error { return fmt.Errorf("pipedrive: fetch %s by id: %w", kind.Plural(), err) }
	var cat *catalogue
	if kind != crm.KindCompany && kind != crm.KindPerson && len(ids) > 0 {
		var err error
		if cat, err = c.catalogue(ctx); err != nil {
			return b, wrap(err)
		}
	}
	for chunk := range slices.Chunk(ids, IDsPerRequest) {
		q := url.Values{"ids": {strings.Join(chunk, ",")}, "limit": {strconv.Itoa(IDsPerRequest)}}
		body, err := c.get(ctx, path, q)
		if err != nil {
			return domain.RecordBatch{}, wrap(err)
		}
		switch kind {
		case crm.KindPerson:
			var p page[person]
			if err := json.Unmarshal(body, &p); err != nil {
				return domain.RecordBatch{}, wrap(decodeError("GET "+path, err))
			}
			for _, r := range p.Data {
				b.Persons = append(b.Persons, r.record())
			}
		case crm.KindCompany:
			var p page[organization]
			if err := json.Unmarshal(body, &p); err != nil {
				return domain.RecordBatch{}, wrap(decodeError("GET "+path, err))
			}
			for _, o := range p.Data {
				b.Companies = append(b.Companies, o.company())
			}
		case crm.KindDeal:
			deals, err := c.archivedToo(ctx, chunk, body)
			if err != nil {
				return domain.RecordBatch{}, wrap(err)
			}
			for _, d := range deals {
				b.Deals = append(b.Deals, d.deal(cat))
			}
		default:
			var p page[activity]
			if err := json.Unmarshal(body, &p); err != nil {
				return domain.RecordBatch{}, wrap(decodeError("GET "+path, err))
			}
			c.addActivities(&b, kind, p.Data, cat)
		}
	}
	return b, nil
}

// archivedToo decodes body, the deals list's answer for ids, and asks the
// archived list for the ids it left out: the list leaves archived deals
// out, and an archived deal is not a deleted one.
func (c *Client) archivedToo(ctx context.Context, ids []string, body []byte) ([]deal, error) {
	var p page[deal]
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, decodeError("GET "+PathDeals, err)
	}
	found := map[string]bool{}
	for _, d := range p.Data {
		found[idString(d.ID)] = true
	}
	var rest []string
	for _, id := range ids {
		if !found[id] {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return p.Data, nil
	}
	q := url.Values{"ids": {strings.Join(rest, ",")}, "limit": {strconv.Itoa(IDsPerRequest)}}
	body, err := c.get(ctx, PathArchivedDeals, q)
	if err != nil {
		return nil, err
	}
	var a page[deal]
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, decodeError("GET "+PathArchivedDeals, err)
	}
	return append(p.Data, a.Data...), nil
}
