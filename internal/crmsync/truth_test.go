package crmsync_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/store"
)

// This file compares everything a workspace holds in the store with a fake
// CRM's truth. The truth is mapped to rows by hand, following the mapping
// docs/crm-amocrm.md and docs/crm-bitrix24.md document, not by calling the
// connectors: a connector that maps wrongly makes the comparison fail.

// records is a workspace's stored records of one source, one line per record
// ("external id|field|field…", times in Unix microseconds, NULL as ""), by
// table, sorted by external id. A record stored twice would show twice.
type records map[string][]string

// The columns compared, per table: everything a record holds.
var recordColumns = map[string]string{
	"companies":  "external_id, name, responsible, created_by, created_at, updated_at, deleted_at",
	"deals":      "external_id, title, responsible, amount, status, created_at, closed_at, updated_at, deleted_at",
	"tasks":      "external_id, title, responsible, deal_id, deadline, created_at, completed_at, updated_at, deleted_at",
	"activities": "external_id, kind, responsible, happened_at, entered_at, duration_seconds, outcome, deal_id, updated_at, deleted_at",
}

// storedRecords reads every record of workspace and source from the store.
func storedRecords(t testing.TB, st *store.Store, workspace, source string) records {
	t.Helper()
	out := records{}
	for table, cols := range recordColumns {
		rows, err := st.DB().QueryContext(ctx, "SELECT "+cols+" FROM "+table+
			" WHERE workspace = $1 AND source = $2 ORDER BY external_id", workspace, source)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		n := strings.Count(cols, ",") + 1
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				t.Fatalf("scan %s: %v", table, err)
			}
			line := make([]string, n)
			for i, v := range vals {
				line[i] = str(v)
			}
			out[table] = append(out[table], strings.Join(line, "|"))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// add appends a line made of fields.
func (r records) add(table string, fields ...string) {
	r[table] = append(r[table], strings.Join(fields, "|"))
}

// sorted sorts every table's lines as the store's ORDER BY external_id does
// (byte order: "12" before "2").
func (r records) sorted() records {
	for _, lines := range r {
		slices.SortFunc(lines, func(a, b string) int {
			ka, _, _ := strings.Cut(a, "|")
			kb, _, _ := strings.Cut(b, "|")
			return strings.Compare(ka, kb)
		})
	}
	return r
}

// requireStoreEqualsTruth fails the test with a diff unless the store holds
// exactly want for workspace and source.
func requireStoreEqualsTruth(t testing.TB, st *store.Store, workspace, source string, want records) {
	t.Helper()
	got := storedRecords(t, st, workspace, source)
	for table := range recordColumns {
		if diff := cmp.Diff(want[table], got[table]); diff != "" {
			t.Errorf("stored %s differ from the CRM's truth (-truth +stored):\n%s", table, diff)
		}
	}
}

// micros renders a time as the store keeps it; the zero time is NULL.
func micros(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return itoa(t.UnixMicro())
}

// unixMicros renders amoCRM Unix seconds as the store keeps them; 0 is NULL.
func unixMicros(s int64) string {
	if s <= 0 {
		return ""
	}
	return itoa(s * 1e6)
}

// amount is a decimal as the store keeps it (no trailing zeros).
func amount(s string) string { return decimal.RequireFromString(s).String() }

// amoTruth maps the fake amoCRM's records to store lines: companies and
// leads as they are (142 won, 143 lost; a deleted lead deleted at its
// modification; a closed lead without closed_at closed at its
// modification), tasks completed at their modification time (amoCRM keeps
// no completion time; the fakes' tasks here are not edited after being
// completed), completed meeting tasks also as meetings held at their
// deadline and entered when completed, call notes as calls happened and
// entered when created, held when call_status is 4.
func amoTruth(f *amocrmtest.Server) records {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	r := records{}
	for _, c := range f.Companies {
		r.add("companies", itoa(c.ID), c.Name, itoa(c.ResponsibleUserID), itoa(c.CreatedBy), unixMicros(c.CreatedAt),
			unixMicros(c.UpdatedAt), "")
	}
	for _, l := range f.Leads {
		status, closed := "open", ""
		switch l.StatusID {
		case 142:
			status = "won"
		case 143:
			status = "lost"
		}
		if status != "open" {
			closed = unixMicros(l.ClosedAt)
			if l.ClosedAt == 0 {
				closed = unixMicros(l.UpdatedAt)
			}
		}
		deleted := ""
		if l.IsDeleted {
			deleted = unixMicros(l.UpdatedAt)
		}
		r.add("deals", itoa(l.ID), l.Name, itoa(l.ResponsibleUserID), amount(l.Price), status, unixMicros(l.CreatedAt),
			closed, unixMicros(l.UpdatedAt), deleted)
	}
	for _, k := range f.Tasks {
		deal, completed := "", ""
		if k.EntityType == "leads" {
			deal = itoa(k.EntityID)
		}
		if k.IsCompleted {
			completed = unixMicros(k.UpdatedAt)
		}
		r.add("tasks", itoa(k.ID), k.Text, itoa(k.ResponsibleUserID), deal, unixMicros(k.CompleteTill), unixMicros(k.CreatedAt),
			completed, unixMicros(k.UpdatedAt), "")
		if k.IsCompleted && k.TaskTypeID == 2 {
			r.add("activities", "task:"+itoa(k.ID), "meeting", itoa(k.ResponsibleUserID), unixMicros(k.CompleteTill),
				unixMicros(k.UpdatedAt), "0", "held", deal, unixMicros(k.UpdatedAt), "")
		}
	}
	for _, n := range f.Notes {
		if n.NoteType != "call_in" && n.NoteType != "call_out" {
			continue
		}
		deal, outcome, user := "", "missed", n.ResponsibleUserID
		if n.Entity == "leads" {
			deal = itoa(n.EntityID)
		}
		if n.CallStatus == 4 {
			outcome = "held"
		}
		if user == 0 {
			user = n.CreatedBy
		}
		r.add("activities", "note:"+n.Entity+":"+itoa(n.ID), "call", itoa(user), unixMicros(n.CreatedAt), unixMicros(n.CreatedAt),
			itoa(n.Duration), outcome, deal, unixMicros(n.UpdatedAt), "")
	}
	return r.sorted()
}

// bitrixTruth maps the fake Bitrix24 portal's records to store lines:
// deals won on semantic S and lost on F, closed at CLOSEDATE; tasks linked
// to the deal of their first D_ link and completed at closedDate (or at
// their change when status 5 has no closedDate); calls (type 2) happened at
// START_TIME, entered when CREATED, lasting END_TIME − START_TIME, held when
// COMPLETED; completed meetings (type 1) entered at LAST_UPDATED — entered
// is the first such time seen, which a test that edits a held meeting
// passes in enteredFirst (by id); planned meetings and other types are not
// records.
func bitrixTruth(f *bitrix24test.Server, enteredFirst map[int64]time.Time) records {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	r := records{}
	for _, c := range f.Companies {
		r.add("companies", itoa(c.ID), c.Title, itoa(c.AssignedBy), itoa(c.CreatedBy), micros(c.Created), micros(c.Modified), "")
	}
	for _, d := range f.Deals {
		status, closed := map[string]string{"P": "open", "S": "won", "F": "lost"}[d.Semantic], ""
		if status != "open" {
			closed = micros(d.CloseDate)
		}
		r.add("deals", itoa(d.ID), d.Title, itoa(d.AssignedBy), amount(d.Opportunity), status, micros(d.Created), closed,
			micros(d.Modified), "")
	}
	for _, k := range f.Tasks {
		deal := ""
		for _, l := range k.Links {
			if id, ok := strings.CutPrefix(l, "D_"); ok {
				deal = id
				break
			}
		}
		completed := k.Closed
		if completed.IsZero() && k.Status == 5 {
			completed = k.Changed
		}
		r.add("tasks", itoa(k.ID), k.Title, itoa(k.Responsible), deal, micros(k.Deadline), micros(k.Created), micros(completed),
			micros(k.Changed), "")
	}
	for _, a := range f.Activities {
		deal, outcome := "", "missed"
		if a.OwnerTypeID == 2 {
			deal = itoa(a.OwnerID)
		}
		if a.Completed {
			outcome = "held"
		}
		switch {
		case a.TypeID == 2:
			duration := int64(0)
			if d := a.End.Sub(a.Start); !a.Start.IsZero() && d > 0 {
				duration = int64(d / time.Second)
			}
			r.add("activities", itoa(a.ID), "call", itoa(a.Responsible), micros(a.Start), micros(a.Created), itoa(duration),
				outcome, deal, micros(a.Updated), "")
		case a.TypeID == 1 && a.Completed:
			entered := a.Updated
			if first, ok := enteredFirst[a.ID]; ok {
				entered = first
			}
			r.add("activities", itoa(a.ID), "meeting", itoa(a.Responsible), micros(a.Start), micros(entered), "0", outcome, deal,
				micros(a.Updated), "")
		}
	}
	return r.sorted()
}

// requireCursors fails unless every kind's cursor of source is stored and
// lies in [after, before].
func requireCursors(t testing.TB, st *store.Store, workspace, source string, after, before time.Time) {
	t.Helper()
	cursors, err := st.SyncCursors(ctx, workspace, source)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"company", "deal", "task", "activity"} {
		c, ok := cursors[kind]
		if !ok || c.Before(after) || c.After(before) {
			t.Errorf("cursor of %s = %v (stored %v), want within [%v, %v]", kind, c, ok, after, before)
		}
	}
	if len(cursors) != len(crm.Kinds) {
		t.Errorf("cursors = %v, want the %d kinds", cursors, len(crm.Kinds))
	}
}
