package crmsync_test

import (
	"reglament/internal/crm"
	"reglament/internal/crmsync"
)

// fetchedOf returns the records a sync fetched of kind.
func fetchedOf(res *crmsync.Result, kind crm.Kind) int {
	for _, k := range res.Kinds {
		if k.Kind == kind {
			return k.Fetched
		}
	}
	return -1
}
