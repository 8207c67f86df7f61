package crmsync

import (
	"context"
	"fmt"
	"slices"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// IDFetcher is what a re-fetch needs of a CRM connector on top of Client:
// the records of one kind with the given ids, those the CRM no longer lists
// absent. *amocrm.Client and *bitrix24.Client are ones.
type IDFetcher interface {
	FetchByIDs(ctx context.Context, kind crm.Kind, ids []string) (domain.RecordBatch, error)
}

// pendingPage is how many pending changes one round of ApplyPending takes.
const pendingPage = 1000

// maxPendingRounds bounds one ApplyPending call, so that webhooks arriving
// as fast as they are processed cannot keep it running forever: what is
// left waits for the next call.
const maxPendingRounds = 20

// PendingResult is what ApplyPending did.
type PendingResult struct {
	Workspace string
	Changes   int // pending changes processed
	Fetched   int // records the CRM returned
	Written   int // records inserted or changed
	Deleted   int // stored records newly marked deleted
	Remaining int // pending changes left for the next call
	// Skipped counts the records whose changes were dropped because the
	// connector refuses their ids (SkipReason says why): a malformed id
	// fails the same way every time.
	Skipped    int
	SkipReason string
}

// ApplyPending re-fetches the records the webhooks of workspace reported
// changed and stores them: the ids of each kind once, with one FetchByIDs
// per kind. A record the CRM no longer returns, or reports deleted without
// returning it, is marked deleted at the time the webhook gave (else the
// time it was received). Records, deletions and the removal of the
// processed changes are stored in one transaction: on error nothing is
// stored and the changes stay pending. Sync cursors and the watermark do
// not move.
func (s *Syncer) ApplyPending(ctx context.Context, workspace, actor string) (*PendingResult, error) {
	ws, err := s.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	if ws.CRM == nil {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q has no crm connection", ws.ID)
	}
	// Built as Sync builds it: from the token file, or the stored OAuth
	// tokens.
	client, err := s.ClientFor(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("crmsync: workspace %q: %w", workspace, err)
	}
	fetcher, ok := client.(IDFetcher)
	if !ok {
		return nil, fmt.Errorf("crmsync: the %s connector cannot fetch records by id", ws.CRM.Kind)
	}
	return s.ApplyPendingWith(ctx, ws, fetcher, actor)
}

// ApplyPendingWith is ApplyPending with a connector built by the caller.
func (s *Syncer) ApplyPendingWith(ctx context.Context, ws *domain.Workspace, fetcher IDFetcher, actor string) (*PendingResult, error) {
	if ws.CRM == nil {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q has no crm connection", ws.ID)
	}
	res := &PendingResult{Workspace: ws.ID}
	for range maxPendingRounds {
		pending, err := s.Store.PendingChanges(ctx, ws.ID, pendingPage)
		if err != nil {
			return res, err
		}
		if len(pending) == 0 {
			return res, nil
		}
		if err := s.applyPending(ctx, ws, fetcher, pending, actor, res); err != nil {
			return res, err
		}
		if len(pending) < pendingPage {
			return res, nil
		}
	}
	n, err := s.Store.CountPendingChanges(ctx, ws.ID)
	if err != nil {
		return res, err
	}
	res.Remaining = n
	return res, nil
}

// wanted is what the pending changes say of one record.
type wanted struct {
	deleted bool      // some change reported it deleted
	at      time.Time // the latest time a change gave for it
	seen    time.Time // the latest receipt
}

// applyPending re-fetches and stores one page of pending changes.
func (s *Syncer) applyPending(ctx context.Context, ws *domain.Workspace, fetcher IDFetcher, pending []store.PendingChange,
	actor string, res *PendingResult) error {
	source := ws.CRM.Kind
	byKind := map[crm.Kind]map[string]*wanted{}
	processed := make([]int64, len(pending))
	for i, c := range pending {
		processed[i] = c.ID
		kind := crm.Kind(c.Kind)
		if byKind[kind] == nil {
			byKind[kind] = map[string]*wanted{}
		}
		w := byKind[kind][c.ExternalID]
		if w == nil {
			w = &wanted{}
			byKind[kind][c.ExternalID] = w
		}
		w.deleted = w.deleted || c.Deleted
		if c.At.After(w.at) {
			w.at = c.At
		}
		if c.ReceivedAt.After(w.seen) {
			w.seen = c.ReceivedAt
		}
	}
	var batch domain.RecordBatch
	var deletions []store.Deletion
	for _, kind := range crm.Kinds {
		want := byKind[kind]
		if len(want) == 0 {
			continue
		}
		ids := make([]string, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if kind == crm.KindDealMove {
			// The ids are deals': their moves are fetched, and a deal
			// whose moves the CRM does not return loses none.
			got, err := s.fetchMoves(ctx, ws, fetcher, ids)
			if err != nil {
				return fmt.Errorf("crmsync: re-fetch the deal moves of %q: %w", ws.ID, err)
			}
			res.Fetched += got.Len()
			batch.Moves = append(batch.Moves, got.Moves...)
			continue
		}
		got, err := fetcher.FetchByIDs(ctx, kind, ids)
		if domain.ErrorCode(err) == domain.EINVALID {
			// The connector refuses an id outright (before asking the
			// CRM): retrying cannot help, and keeping the changes would
			// fail every re-fetch of the workspace from now on. They are
			// dropped; the periodic sync still brings the records.
			res.Skipped += len(ids)
			res.SkipReason = domain.ErrorMessage(err)
			continue
		}
		if err != nil {
			return fmt.Errorf("crmsync: re-fetch %s of %q: %w", kind.Plural(), ws.ID, err)
		}
		res.Fetched += got.Len()
		returned := returnedIDs(&got, kind)
		// The CRM's answer is newer than any webhook: a record it returns
		// is stored as returned (deleted or not, e.g. restored); one it no
		// longer returns is gone.
		for _, id := range ids {
			if returned[id] {
				continue
			}
			w := want[id]
			at := w.at
			if at.IsZero() {
				at = w.seen
			}
			deletions = append(deletions, store.Deletion{Kind: string(kind), ExternalID: id, At: at})
			// amoCRM derives a meeting activity from a meeting task: it
			// goes with its task.
			if kind == crm.KindTask && source == domain.CRMAmoCRM {
				deletions = append(deletions, store.Deletion{Kind: domain.KindActivity, ExternalID: amocrm.TaskActivityID(id), At: at})
			}
		}
		batch.Companies = append(batch.Companies, got.Companies...)
		batch.Persons = append(batch.Persons, got.Persons...)
		batch.Deals = append(batch.Deals, got.Deals...)
		batch.Tasks = append(batch.Tasks, got.Tasks...)
		batch.Activities = append(batch.Activities, got.Activities...)
	}
	if len(batch.Moves) > 0 {
		if err := s.creditMoves(ctx, ws, source, ws.ManagerIndex(), &batch); err != nil {
			return err
		}
	}
	r := store.Refetch{Source: source, Records: &batch, Deletions: deletions, Processed: processed}
	r.KeepTask, r.KeepActivity = keepFirst(source)
	stored, err := s.Store.StoreRefetch(ctx, ws.ID, r, actor, s.now())
	if err != nil {
		return err
	}
	res.Changes += len(pending)
	res.Written += stored.Written
	res.Deleted += stored.Deleted
	return nil
}

// DealMovesFetcher is what a connector implements to fetch the stage moves
// of given deals (amoCRM: the events feed filtered by lead; Bitrix24: the
// stage history filtered by OWNER_ID). A re-fetch prefers it.
type DealMovesFetcher interface {
	FetchDealMoves(ctx context.Context, dealIDs []string) (domain.RecordBatch, error)
}

// fetchMoves returns the moves of the deals a webhook reported changed.
// With a connector that cannot fetch them by deal, it fetches the moves
// made since the workspace's stored cursor of deal moves (where the last
// sync stopped), which include theirs; the cursor does not move, so the
// next sync reads them again, as it does after any re-fetch. Before a
// first sync there is no cursor: nothing is fetched, the first sync brings
// every move.
func (s *Syncer) fetchMoves(ctx context.Context, ws *domain.Workspace, fetcher IDFetcher, dealIDs []string) (domain.RecordBatch, error) {
	if f, ok := fetcher.(DealMovesFetcher); ok {
		return f.FetchDealMoves(ctx, dealIDs)
	}
	f, ok := fetcher.(interface {
		Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error)
	})
	if !ok {
		return domain.RecordBatch{}, nil
	}
	cursors, err := s.Store.SyncCursors(ctx, ws.ID, ws.CRM.Kind)
	if err != nil {
		return domain.RecordBatch{}, err
	}
	since := cursors[string(crm.KindDealMove)]
	if since.IsZero() {
		return domain.RecordBatch{}, nil
	}
	b, _, err := f.Fetch(ctx, crm.KindDealMove, crm.Cursor{Since: since})
	return b, err
}

// returnedIDs returns the external ids of the records of kind in b.
func returnedIDs(b *domain.RecordBatch, kind crm.Kind) map[string]bool {
	ids := map[string]bool{}
	switch kind {
	case crm.KindCompany:
		for _, c := range b.Companies {
			ids[c.ExternalID] = true
		}
	case crm.KindPerson:
		for _, p := range b.Persons {
			ids[p.ExternalID] = true
		}
	case crm.KindDeal:
		for _, d := range b.Deals {
			ids[d.ExternalID] = true
		}
	case crm.KindTask:
		for _, k := range b.Tasks {
			ids[k.ExternalID] = true
		}
	case crm.KindActivity:
		for _, a := range b.Activities {
			ids[a.ExternalID] = true
		}
	}
	return ids
}
