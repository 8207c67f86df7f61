package amocrm

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// leadsPage returns a full page of n leads as amoCRM serves it.
func leadsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"_page":1,"_links":{"next":{"href":"https://x.amocrm.ru/api/v4/leads?page=2"}},"_embedded":{"leads":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"Сделка %d","price":19999,"responsible_user_id":9983934,"group_id":0,"status_id":143,`+
			`"pipeline_id":7155526,"loss_reason_id":15601354,"created_by":9983930,"updated_by":9983930,"created_at":1692861891,`+
			`"updated_at":1692888780,"closed_at":1692888780,"closest_task_at":null,"is_deleted":false,"custom_fields_values":null,`+
			`"account_id":31247590,"_links":{"self":{"href":"https://x.amocrm.ru/api/v4/leads/%d"}},"_embedded":{"tags":[],"companies":[{"id":5}]}}`, 1000+i, i, 1000+i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func TestCountRecords(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{string(leadsPage(3)), 3},
		{`{"_embedded":{"notes":[{"id":1},{"id":2}]}}`, 2},
		{`{"_embedded":{}}`, 0},
		{"", 0},
		{"<html>blocked</html>", 0},
	} {
		if got := countRecords([]byte(tc.body)); got != tc.want {
			t.Errorf("countRecords(%.40q) = %d, want %d", tc.body, got, tc.want)
		}
	}
}

// BenchmarkCountRecords compares counting a 250-lead page for progress
// with decoding it, which every page costs anyway.
func BenchmarkCountRecords(b *testing.B) {
	body := leadsPage(250)
	b.Run("count", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if countRecords(body) != 250 {
				b.Fatal("miscounted")
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var p page[lead]
			if err := json.Unmarshal(body, &p); err != nil || len(p.Embedded["leads"]) != 250 {
				b.Fatal("decode failed", err)
			}
		}
	})
}
