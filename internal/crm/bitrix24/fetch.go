package bitrix24

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// maxRequests bounds one scan (10 M records at 2,500 a batch).
const maxRequests = 4000

// spec says how to list one entity.
type spec struct {
	method   string
	modified string // the modification-time field of the filter
	idFilter string // the filter of a set of ids
	ref      string // path of the last id in a page, for a batch reference
	selects  []string
	extra    url.Values
}

var (
	companies = spec{method: "crm.company.list", modified: "DATE_MODIFY", idFilter: "filter[@ID][]", ref: "[49][ID]",
		selects: []string{"ID", "TITLE", "ASSIGNED_BY_ID", "CREATED_BY_ID", "DATE_CREATE", "DATE_MODIFY", "PHONE"}}
	// contacts: PHONE is a multi-field, returned only when selected by
	// name.
	contacts = spec{method: "crm.contact.list", modified: "DATE_MODIFY", idFilter: "filter[@ID][]", ref: "[49][ID]",
		selects: []string{"ID", "NAME", "SECOND_NAME", "LAST_NAME", "ASSIGNED_BY_ID", "COMPANY_ID", "DATE_CREATE", "DATE_MODIFY", "PHONE"}}
	deals = spec{method: "crm.deal.list", modified: "DATE_MODIFY", idFilter: "filter[@ID][]", ref: "[49][ID]",
		selects: []string{"ID", "TITLE", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID", "OPPORTUNITY", "CURRENCY_ID", "ASSIGNED_BY_ID", "CREATED_BY_ID",
			"DATE_CREATE", "DATE_MODIFY", "CLOSEDATE", "CLOSED", "MOVED_TIME"}}
	activities = spec{method: "crm.activity.list", modified: "LAST_UPDATED", idFilter: "filter[@ID][]", ref: "[49][ID]",
		selects: []string{"ID", "TYPE_ID", "OWNER_TYPE_ID", "OWNER_ID", "START_TIME", "END_TIME", "COMPLETED", "RESPONSIBLE_ID",
			"CREATED", "LAST_UPDATED", "DIRECTION", "PROVIDER_ID", "COMMUNICATIONS"},
		extra: url.Values{"filter[@TYPE_ID][]": {strconv.Itoa(TypeMeeting), strconv.Itoa(TypeCall)}}}
	// history is the deals' stage history; its rows never change, only
	// new ones are added.
	history = spec{method: "crm.stagehistory.list", modified: "CREATED_TIME", idFilter: "filter[ID][]", ref: "[items][49][ID]",
		selects: historySelect, extra: url.Values{"entityTypeId": {"2"}}}
	tasks = spec{method: "tasks.task.list", modified: "CHANGED_DATE", idFilter: "filter[ID][]", ref: "[tasks][49][id]",
		selects: []string{"ID", "TITLE", "RESPONSIBLE_ID", "CREATED_DATE", "CHANGED_DATE", "DEADLINE", "CLOSED_DATE", "STATUS", "UF_CRM_TASK"}}
)

// Fetch returns every record of kind changed since the cursor (all of them
// for the zero cursor), and the cursor to store once the records are stored.
// On error the batch is empty and the cursor is since. Bitrix24 lists no
// deleted records: deletions arrive only as ONCRM*DELETE / ONTASKDELETE
// events (ParseEvent).
func (c *Client) Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error) {
	return c.api.Fetch(ctx, kind, since, func(ctx context.Context, from time.Time) (domain.RecordBatch, bool, error) {
		b, pages, err := c.fetch(ctx, kind, from, nil)
		// An ID-ordered scan of more than one page misses a record changed
		// after the scan passed it (the pages of one batch are read one
		// after the other too): a full one asks crm.Client.Fetch to look
		// again. Stage history rows never change and new ones have higher
		// ids, so the scan of moves reads what is added while it runs.
		return b, pages > 1 && kind != crm.KindDealMove, err
	})
}

// FetchByIDs re-fetches the records of kind with the given ids, as an event
// asks. Ids Bitrix24 no longer lists (deleted) are absent from the batch.
func (c *Client) FetchByIDs(ctx context.Context, kind crm.Kind, ids []string) (domain.RecordBatch, error) {
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return domain.RecordBatch{}, domain.Errorf(domain.EINVALID, "bitrix24: invalid id %q", id)
		}
	}
	if len(ids) == 0 {
		return domain.RecordBatch{}, nil
	}
	b, _, err := c.fetch(ctx, kind, time.Time{}, ids)
	if err != nil {
		return domain.RecordBatch{}, fmt.Errorf("bitrix24: fetch %s by id: %w", kind.Plural(), err)
	}
	return b, nil
}

// fetch lists kind and returns the batch and how many pages were read.
func (c *Client) fetch(ctx context.Context, kind crm.Kind, from time.Time, ids []string) (domain.RecordBatch, int, error) {
	var b domain.RecordBatch
	pages := 0
	switch kind {
	case crm.KindCompany:
		items, err := list[company](c, ctx, companies, from, ids, &pages)
		for _, it := range items {
			b.Companies = append(b.Companies, it.record())
		}
		return b, pages, err
	case crm.KindPerson:
		items, err := list[contact](c, ctx, contacts, from, ids, &pages)
		for _, it := range items {
			b.Persons = append(b.Persons, it.record())
		}
		return b, pages, err
	case crm.KindDeal:
		items, err := list[deal](c, ctx, deals, from, ids, &pages)
		if err != nil {
			return b, pages, err
		}
		b.Deals, err = c.deals(ctx, items)
		return b, pages, err
	case crm.KindTask:
		items, err := list[task](c, ctx, tasks, from, ids, &pages)
		for _, it := range items {
			b.Tasks = append(b.Tasks, it.record())
		}
		return b, pages, err
	case crm.KindActivity:
		items, err := list[activity](c, ctx, activities, from, ids, &pages)
		for _, it := range items {
			// The type filter is sent; filtering again costs nothing if a
			// portal ignores it.
			if a, ok := it.record(); ok {
				b.Activities = append(b.Activities, a)
			}
		}
		return b, pages, err
	case crm.KindDealMove:
		rows, err := list[stageRow](c, ctx, history, from, ids, &pages)
		if err != nil {
			return b, pages, err
		}
		b.Moves, err = c.moves(ctx, rows, !from.IsZero() || ids != nil)
		return b, pages, err
	}
	return b, 0, fmt.Errorf("unknown record kind %q", kind)
}

// params returns the list parameters of s without paging.
func (s spec) params(from time.Time) url.Values {
	q := url.Values{}
	for k, v := range s.extra {
		q[k] = slices.Clone(v)
	}
	q["select[]"] = s.selects
	q.Set("order[ID]", "ASC")
	if !from.IsZero() {
		q.Set("filter[>="+s.modified+"]", formatTime(from))
	}
	return q
}

// list reads the items of s with the given ids, or modified at or after from.
//
// It pages by id, as Bitrix24 recommends for large exports: start=-1 (no
// count), ID ascending, ">ID" the last id seen; a short page is the last. An
// id-ordered scan is immune to records changing while it runs: a record's
// place does not depend on its modification time, so none is skipped, and a
// change made after the scan passed it is after the start of the fetch, so
// the next fetch reads it. Pages are chained in batch requests from the
// first, each command's ">ID" referring to the last id of the one before
// ($result[…]); batches grow 4, 8, … up to BatchSize commands, so that a
// small incremental fetch costs one request and few list commands on the
// portal. (Each list used to start with a plain page: one request more per
// kind, 9 requests instead of 7 for an incremental sync of 1,000 records.)
func list[T item](c *Client, ctx context.Context, s spec, from time.Time, ids []string, pages *int) ([]T, error) {
	var out []T
	index := map[int64]int{}
	last := int64(0)
	add := func(items []T) {
		*pages++
		for _, it := range items {
			if i, ok := index[it.id()]; ok {
				out[i] = it
			} else {
				index[it.id()] = len(out)
				out = append(out, it)
			}
			last = max(last, it.id())
		}
	}
	if ids != nil {
		for chunk := range slices.Chunk(ids, PageSize) {
			q := s.params(time.Time{})
			q[s.idFilter] = chunk
			r, err := c.call(ctx, s.method, q)
			if err != nil {
				return nil, err
			}
			items, err := decodeItems[T](r.Result)
			if err != nil {
				return nil, listError(s, err)
			}
			add(items)
		}
		return out, nil
	}
	base := s.params(from)
	base.Set("start", "-1")
	size := min(4, c.batch)
	for range maxRequests {
		cmds := url.Values{"halt": {"0"}}
		names := make([]string, size)
		for i := range size {
			// Zero-padded so that any sorting of the form keeps the order.
			names[i] = fmt.Sprintf("p%02d", i)
			after := strconv.FormatInt(last, 10)
			if i > 0 {
				after = "$result[" + names[i-1] + "]" + s.ref
			}
			cmds.Set("cmd["+names[i]+"]", s.method+"?"+base.Encode()+"&"+url.QueryEscape("filter[>ID]")+"="+after)
		}
		r, err := c.call(ctx, "batch", cmds)
		if err != nil {
			var e *crm.Error
			if errors.As(err, &e) {
				e.Method = "batch " + s.method // which list the batch was paging
			}
			return nil, err
		}
		results, failures, err := batchResults(r.Result)
		if err != nil {
			return nil, listError(s, err)
		}
		progressed := false
		for _, name := range names {
			raw, ok := results[name]
			if !ok {
				break // failed or left out: the next batch resumes from last
			}
			items, err := decodeItems[T](raw)
			if err != nil {
				return nil, listError(s, err)
			}
			if slices.ContainsFunc(items, func(it T) bool { return it.id() <= last }) {
				break // an unresolved reference: resume from last
			}
			add(items)
			progressed = true
			if len(items) < PageSize {
				return out, nil
			}
		}
		if !progressed {
			msg := "batch returned no page"
			if f, ok := failures[names[0]]; ok {
				msg = strings.TrimSpace(f.Error + " " + f.Description) // the portal's word on the first page
			}
			return nil, &crm.Error{CRM: Source, Method: "batch " + s.method, Status: 200, Message: msg}
		}
		size = min(size*2, c.batch)
	}
	return nil, &crm.Error{CRM: Source, Method: s.method, Message: fmt.Sprintf("more than %d requests", maxRequests)}
}

func listError(s spec, err error) error {
	return &crm.Error{CRM: Source, Method: s.method, Status: 200, Message: "decode: " + err.Error()}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// decodeItems reads a list result: an array, or tasks.task.list's
// {"tasks": [...]}, crm.stagehistory.list's {"items": [...]} or
// crm.category.list's {"categories": [...]}.
func decodeItems[T any](raw json.RawMessage) ([]T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var w struct {
			Tasks      json.RawMessage `json:"tasks"`
			Items      json.RawMessage `json:"items"`
			Categories json.RawMessage `json:"categories"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
		raw = w.Tasks
		for _, r := range []json.RawMessage{w.Items, w.Categories} {
			if len(raw) == 0 {
				raw = r
			}
		}
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []T
	err := json.Unmarshal(raw, &items)
	return items, err
}

// batchFailure is a command's entry in a batch answer's result_error.
type batchFailure struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// batchResults reads the successful command results of a batch answer and
// the failed commands' errors. PHP sends an empty map as [], so both shapes
// are accepted.
func batchResults(raw json.RawMessage) (map[string]json.RawMessage, map[string]batchFailure, error) {
	var b struct {
		Result json.RawMessage `json:"result"`
		Errors json.RawMessage `json:"result_error"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, nil, err
	}
	out, failures := map[string]json.RawMessage{}, map[string]batchFailure{}
	if r := bytes.TrimSpace(b.Result); len(r) > 0 && r[0] != '[' {
		if err := json.Unmarshal(r, &out); err != nil {
			return nil, nil, err
		}
	}
	if e := bytes.TrimSpace(b.Errors); len(e) > 0 && e[0] != '[' {
		// A failure entry of another shape says nothing more useful.
		json.Unmarshal(e, &failures)
	}
	return out, failures, nil
}

// query is one list command of a multi: its parameters without paging.
type query struct {
	params url.Values
	follow paging
	start  int64 // byStart: the first start
}

// paging says how a multi query reads past its first page.
type paging int

const (
	onePage paging = iota // start=-1, one page (no count)
	byID                  // start=-1, ID ascending, ">ID" the last id while pages are full
	byStart               // start=0, 50, … while the answer says next (short catalogue lists)
)

// multi runs independent list queries of method, up to BatchSize of them in
// one batch request, and returns each query's items. A failed command fails
// the call with the portal's error.
func multi[T item](c *Client, ctx context.Context, method string, qs []query) ([][]T, error) {
	out := make([][]T, len(qs))
	at := make([]int64, len(qs)) // the last id (byID) or the next start (byStart)
	pending := make([]int, len(qs))
	for i := range qs {
		pending[i], at[i] = i, qs[i].start
	}
	for range maxRequests {
		if len(pending) == 0 {
			return out, nil
		}
		n := min(len(pending), c.batch)
		now, rest := pending[:n], pending[n:]
		cmds := url.Values{"halt": {"0"}}
		for j, i := range now {
			q := cloneValues(qs[i].params)
			switch qs[i].follow {
			case onePage:
				q.Set("start", "-1")
			case byID:
				q.Set("start", "-1")
				q.Set("order[ID]", "ASC")
				q.Set("filter[>ID]", strconv.FormatInt(at[i], 10))
			case byStart:
				q.Set("start", strconv.FormatInt(at[i], 10))
			}
			cmds.Set(fmt.Sprintf("cmd[q%02d]", j), method+"?"+q.Encode())
		}
		r, err := c.call(ctx, "batch", cmds)
		if err != nil {
			var e *crm.Error
			if errors.As(err, &e) {
				e.Method = "batch " + method
			}
			return nil, err
		}
		results, failures, err := batchResults(r.Result)
		if err != nil {
			return nil, &crm.Error{CRM: Source, Method: method, Status: 200, Message: "decode: " + err.Error()}
		}
		next := batchNext(r.Result)
		var again []int
		for j, i := range now {
			name := fmt.Sprintf("q%02d", j)
			raw, ok := results[name]
			if !ok {
				msg := "batch command returned nothing"
				if f, ok := failures[name]; ok {
					msg = strings.TrimSpace(f.Error + " " + f.Description)
				}
				return nil, &crm.Error{CRM: Source, Method: "batch " + method, Status: 200, Message: msg}
			}
			items, err := decodeItems[T](raw)
			if err != nil {
				return nil, &crm.Error{CRM: Source, Method: method, Status: 200, Message: "decode: " + err.Error()}
			}
			out[i] = append(out[i], items...)
			switch qs[i].follow {
			case byID:
				last := at[i]
				for _, it := range items {
					last = max(last, it.id())
				}
				// A portal ignoring ">ID" would loop: a page must advance.
				if len(items) == PageSize && last > at[i] {
					at[i] = last
					again = append(again, i)
				}
			case byStart:
				if nx := next[name]; nx > at[i] && len(items) > 0 {
					at[i] = nx
					again = append(again, i)
				}
			}
		}
		pending = append(again, rest...)
	}
	return nil, &crm.Error{CRM: Source, Method: method, Message: fmt.Sprintf("more than %d requests", maxRequests)}
}

// batchNext reads a batch answer's result_next: the next start of each
// command that has more.
func batchNext(raw json.RawMessage) map[string]int64 {
	var b struct {
		Next json.RawMessage `json:"result_next"`
	}
	out := map[string]int64{}
	if json.Unmarshal(raw, &b) != nil {
		return out
	}
	var m map[string]crm.Int
	if n := bytes.TrimSpace(b.Next); len(n) > 0 && n[0] == '{' && json.Unmarshal(n, &m) == nil {
		for k, v := range m {
			out[k] = int64(v)
		}
	}
	return out
}
