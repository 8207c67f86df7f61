package crmtest

import (
	"context"
	"testing"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// Store is what a sync would keep of a connector's records, for comparing
// with what its fake holds: the latest version of every record, by kind
// and external id.
type Store struct {
	Companies  map[string]domain.Company
	Deals      map[string]domain.Deal
	Tasks      map[string]domain.Task
	Activities map[string]domain.Activity
	Moves      map[string]domain.DealMove
	Persons    map[string]domain.Person
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{map[string]domain.Company{}, map[string]domain.Deal{}, map[string]domain.Task{},
		map[string]domain.Activity{}, map[string]domain.DealMove{}, map[string]domain.Person{}}
}

// Keep is how the real store merges a record with the version it holds,
// for one source (crm.KeepFirstCompletion, crm.KeepFirstEntry); nil keeps
// the new version.
type Keep struct {
	Task     func(prev, next domain.Task) domain.Task
	Activity func(prev, next domain.Activity) domain.Activity
}

// Upsert stores a batch as keep says, failing the test on a record twice
// in one batch.
func (s *Store) Upsert(t testing.TB, b domain.RecordBatch, keep Keep) {
	t.Helper()
	seen := map[string]bool{}
	dup := func(kind, id string) {
		if seen[kind+id] {
			t.Errorf("%s %s twice in one batch", kind, id)
		}
		seen[kind+id] = true
	}
	for _, r := range b.Companies {
		dup("company", r.ExternalID)
		s.Companies[r.ExternalID] = r
	}
	for _, r := range b.Deals {
		dup("deal", r.ExternalID)
		s.Deals[r.ExternalID] = r
	}
	for _, r := range b.Tasks {
		dup("task", r.ExternalID)
		if prev, ok := s.Tasks[r.ExternalID]; ok && keep.Task != nil {
			r = keep.Task(prev, r)
		}
		s.Tasks[r.ExternalID] = r
	}
	for _, r := range b.Activities {
		dup("activity", r.ExternalID)
		if prev, ok := s.Activities[r.ExternalID]; ok && keep.Activity != nil {
			r = keep.Activity(prev, r)
		}
		s.Activities[r.ExternalID] = r
	}
	for _, r := range b.Moves {
		dup("move", r.ExternalID)
		s.Moves[r.ExternalID] = r
	}
	for _, r := range b.Persons {
		dup("contact", r.ExternalID)
		s.Persons[r.ExternalID] = r
	}
}

// Len counts the records of every kind.
func (s *Store) Len() int {
	return len(s.Companies) + len(s.Deals) + len(s.Tasks) + len(s.Activities) + len(s.Moves) + len(s.Persons)
}

// Fetcher is a connector's incremental fetch.
type Fetcher interface {
	Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error)
}

// Sync fetches every kind from its cursor into s and advances the cursors,
// as a sync does.
func Sync(t testing.TB, c Fetcher, s *Store, cursors map[crm.Kind]crm.Cursor, keep Keep) {
	t.Helper()
	for _, k := range crm.Kinds {
		b, next, err := c.Fetch(context.Background(), k, cursors[k])
		if err != nil {
			t.Fatalf("Fetch(%s): %v", k, err)
		}
		s.Upsert(t, b, keep)
		cursors[k] = next
	}
}
