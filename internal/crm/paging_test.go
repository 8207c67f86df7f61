package crm_test

import (
	"slices"
	"strings"
	"testing"

	"reglament/internal/crm"
)

type stamped struct{ id, at int64 }

// server serves items in pages of two: filtered and sorted as asked, or
// not at all.
func server(items []stamped, obeys bool) func(from int64, n int) ([]stamped, bool, error) {
	return func(from int64, n int) ([]stamped, bool, error) {
		var list []stamped
		for _, it := range items {
			if !obeys || it.at >= from {
				list = append(list, it)
			}
		}
		if obeys {
			slices.SortStableFunc(list, func(a, b stamped) int { return int(a.at - b.at) })
		}
		lo := min(2*(n-1), len(list))
		hi := min(lo+2, len(list))
		return list[lo:hi], hi < len(list), nil
	}
}

func TestKeysetReadsEverythingOnce(t *testing.T) {
	items := []stamped{{1, 10}, {2, 10}, {3, 10}, {4, 20}, {5, 30}, {6, 30}, {7, 40}, {8, 5}}
	for _, obeys := range []bool{true, false} {
		seen := map[int64]bool{}
		serve := server(items, obeys)
		err := crm.Keyset("GET /x", 100, 0, func(s stamped) int64 { return s.at }, func(from int64, n int) ([]stamped, bool, error) {
			page, more, err := serve(from, n)
			for _, it := range page {
				seen[it.id] = true
			}
			return page, more, err
		})
		if err != nil || len(seen) != len(items) {
			t.Errorf("server sorting %v: read %d of %d items, err %v", obeys, len(seen), len(items), err)
		}
	}
	err := crm.Keyset("GET /x", 2, 0, func(s stamped) int64 { return s.at }, server(items, true))
	if err == nil || !strings.Contains(err.Error(), "GET /x: more than 2 pages") {
		t.Errorf("a scan past its bound: err %v, want one naming the list and the bound", err)
	}
}
