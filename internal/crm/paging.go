package crm

import (
	"fmt"
	"slices"
)

// Keyset pages through a list the CRM sorts by modification time,
// ascending. page reads page n (from 1) of the items modified at or after
// from (everything for from 0) and says whether another page follows;
// modified is an item's modification time in the list's unit (Unix
// seconds, milliseconds).
//
// After each page the scan starts again at page 1 from the last
// modification time seen. A record changed while the scan runs moves to
// the end of the order and is read there; none shifts across a page
// boundary unseen, as with plain page numbers; and no query goes deep into
// a list, where CRMs cap what they return. Only a page whose items all
// share one modification time goes on by page number. If the server does
// not sort as asked, the scan falls back to page numbers. A page of items
// read again (the overlap of a restart) is the caller's to dedupe. More
// than maxPages pages is an error naming the list: a server that keeps
// answering "more" cannot keep a sync running. page's errors are returned
// as they are.
func Keyset[T any](list string, maxPages int, from int64, modified func(T) int64, page func(from int64, n int) ([]T, bool, error)) error {
	keyset := true
	n := 1
	for range maxPages {
		items, more, err := page(from, n)
		if err != nil {
			return err
		}
		if !more || len(items) == 0 {
			return nil
		}
		keyset = keyset && slices.IsSortedFunc(items, func(a, b T) int { return int(modified(a) - modified(b)) }) &&
			modified(items[0]) >= from
		if last := modified(items[len(items)-1]); keyset && last > from {
			from, n = last, 1
			continue
		}
		n++
	}
	return fmt.Errorf("%s: more than %d pages", list, maxPages)
}
