package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"reglament/internal/store/storetest"
)

// Issue 14 item 6: a why page of many records lists 200 a page with a
// pager, so that a day of 200,000 records cannot make a 20 MB page; the
// count says every record, and a page that does not exist is refused.
func TestWhyPagesLongLists(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	var csv strings.Builder
	csv.WriteString("external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n")
	const n = 450
	for i := range n {
		fmt.Fprintf(&csv, "bulk%d,call,101,2026-11-20 09:%02d,2026-11-20 09:%02d,60,held,,\n", i, i%60, i%60)
	}
	if _, err := env.eng.Import(context.Background(), "acme", "activities", "bulk.csv", strings.NewReader(csv.String()), "test"); err != nil {
		t.Fatal(err)
	}
	c := env.login("head@acme.example")
	const path = "/w/acme/why/anna/2026-11-20/calls_held"
	rows := func(body string) int {
		return strings.Count(body, `<tr class="pass">`) + strings.Count(body, `<tr class="dim">`)
	}
	resp, first := c.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	total := rows(first)
	if total != 200 || !strings.Contains(first, `id="why-pager"`) || !strings.Contains(first, `href="`+path+`?page=2"`) {
		t.Fatalf("first page: %d rows, pager %v; want 200 and a link to page 2", total, strings.Contains(first, `id="why-pager"`))
	}
	if !strings.Contains(first, fmt.Sprintf("из %d", n)) {
		t.Errorf("the first page does not count all %d records", n)
	}
	seen := 200
	for page := 2; ; page++ {
		resp, body := c.get(fmt.Sprintf("%s?page=%d", path, page))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: status %d", page, resp.StatusCode)
		}
		seen += rows(body)
		if !strings.Contains(body, fmt.Sprintf(`?page=%d`, page+1)) {
			if page != 3 {
				t.Errorf("the last page is %d, want 3", page)
			}
			break
		}
	}
	if seen < n {
		t.Errorf("the pages list %d records, want at least the %d imported", seen, n)
	}
	for _, bad := range []string{"0", "4", "x", "-1"} {
		if resp, _ := c.get(path + "?page=" + bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("page %s: status %d, want 400", bad, resp.StatusCode)
		}
	}
	// A short list has no pager.
	if _, body := c.get("/w/acme/why/boris/2026-11-20/calls_held"); strings.Contains(body, `id="why-pager"`) {
		t.Errorf("a short list shows a pager")
	}
}
