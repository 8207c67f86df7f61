// Package crmsync brings a workspace's CRM records into the store: it builds
// the connector the workspace's CRM connection names, fetches each kind of
// record from its stored cursor, and stores every batch together with its
// new cursor. It knows no CRM's wire format; the connectors in internal/crm
// do, and the store keeps what is fetched.
package crmsync

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// Client is what a sync needs of a CRM connector; *amocrm.Client and
// *bitrix24.Client are ones.
type Client interface {
	// Fetch returns the records of kind changed since the cursor and the
	// cursor to resume from; on error, an empty batch and the cursor given.
	Fetch(ctx context.Context, kind crm.Kind, since crm.Cursor) (domain.RecordBatch, crm.Cursor, error)
	// Pipelines returns the account's catalogue of deal pipelines and their
	// stages, with the CRM's ids and today's names; the store resolves the
	// names of deals and moves through it, so a renamed stage keeps them.
	Pipelines(ctx context.Context) ([]domain.Pipeline, error)
	// Requests counts the HTTP requests sent so far.
	Requests() int64
}

// Syncer syncs workspaces into a store. The zero values of the optional
// fields are the production ones; tests inject a clock and a sleep.
type Syncer struct {
	Store *store.Store

	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default crm.Sleep
	HTTPClient *http.Client                               // default: the connector's own
	ReadFile   func(name string) ([]byte, error)          // default os.ReadFile; reads token and client secret files

	// Secrets seals and opens the OAuth token pairs stored in the database;
	// required for OAuth connections only.
	Secrets *secret.Box
	// Bitrix24TokenURL is Bitrix24's OAuth server; default
	// bitrix24.DefaultTokenURL.
	Bitrix24TokenURL string
	// PipedriveTokenURL is Pipedrive's OAuth server; default
	// pipedrive.DefaultTokenURL.
	PipedriveTokenURL string
	// Progress, if set, is called as a sync advances: after every page the
	// connector reads and once each kind is stored (Done). It runs on the
	// syncing goroutine and must be quick. Set it before building a client
	// (ClientFor, NewClient): only then does the client report its pages.
	Progress func(Progress)
	// PBXZones, if set, remembers the exchange accounts' time zones
	// between syncs (Zadarma's info/timezone, asked otherwise once a
	// sync); serve's long-lived syncer sets it.
	PBXZones *ZoneCache
}

// Progress is where a sync stands.
type Progress struct {
	Kind crm.Kind
	// Records of Kind read so far: what the pages carried, before the
	// connector's dedupe and filtering (amoCRM reads every note to find the
	// calls); when Done, the records fetched.
	Records  int
	Requests int64 // HTTP requests the sync has spent so far
	Done     bool  // Kind is fetched and stored
}

// KindResult is what a sync did with one kind of record.
type KindResult struct {
	Kind      crm.Kind
	Fetched   int       // records the CRM returned (derived ones included, e.g. amoCRM meetings with tasks)
	Written   int       // inserted or changed in the store
	Unchanged int       // stored already exactly as fetched
	Cursor    time.Time // where the next incremental sync of the kind resumes
}

// Result is what a sync did.
type Result struct {
	Workspace string
	Source    string // amocrm or bitrix24
	Full      bool
	Kinds     []KindResult
	// UnknownUsers are the CRM user ids of the fetched records that map to
	// no manager of the workspace, sorted: their records are stored but
	// count for nobody until the workspace maps them.
	UnknownUsers []string
	// UnknownPlaces are the pipeline and stage names the regulation's own
	// indicators give that neither the CRM's catalogue nor the stored
	// deals know: such a filter matches nothing, so the sync says so.
	UnknownPlaces []domain.PlaceWarning
	Requests      int64 // HTTP requests spent, retries included
}

// Sync fetches the CRM records of workspace changed since the stored
// cursors (all of them when full is set) and stores them, kind by kind.
// Each kind's cursor advances only with its records: a sync that fails
// midway keeps what it stored, and the next one resumes where it stopped.
// On error the result holds the kinds done so far.
func (s *Syncer) Sync(ctx context.Context, workspace string, full bool, actor string) (*Result, error) {
	ws, err := s.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	client, err := s.ClientFor(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("crmsync: workspace %q: %w", workspace, err)
	}
	return s.SyncWith(ctx, ws, client, full, actor)
}

// SyncWith is Sync with a client built by the caller: one per CRM account
// should exist, so that its rate limiter sees every request.
func (s *Syncer) SyncWith(ctx context.Context, ws *domain.Workspace, client Client, full bool, actor string) (*Result, error) {
	if ws.CRM == nil {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q has no crm connection", ws.ID)
	}
	now := s.now()
	source := ws.CRM.Kind
	res := &Result{Workspace: ws.ID, Source: source, Full: full}
	start := client.Requests()
	defer func() { res.Requests = client.Requests() - start }()
	var track *tracker
	if s.Progress != nil {
		track = &tracker{report: s.Progress, requests: func() int64 { return client.Requests() - start }}
		ctx = context.WithValue(ctx, trackerKey{}, track)
	}

	cursors := map[string]time.Time{}
	if !full {
		var err error
		if cursors, err = s.Store.SyncCursors(ctx, ws.ID, source); err != nil {
			return res, err
		}
	}
	// The catalogue first: the connector names the stages of the deals and
	// moves it fetches by it, and the store resolves stored ones through it.
	pipelines, err := client.Pipelines(ctx)
	if err != nil {
		return res, fmt.Errorf("crmsync: fetch the pipelines of %q: %w", ws.ID, err)
	}
	if len(pipelines) > 0 {
		if err := s.Store.ReplacePipelines(ctx, ws.ID, source, pipelines); err != nil {
			return res, err
		}
	}
	managers := ws.ManagerIndex()
	unknown := map[string]bool{}
	var watermark time.Time
	for _, kind := range crm.Kinds {
		track.begin(kind)
		batch, next, err := client.Fetch(ctx, kind, crm.Cursor{Since: cursors[string(kind)]})
		if err != nil {
			return res, fmt.Errorf("crmsync: fetch %s of %q: %w", kind.Plural(), ws.ID, err)
		}
		if err := s.creditMoves(ctx, ws, source, managers, &batch); err != nil {
			return res, err
		}
		sb := store.SyncBatch{Source: source, Kind: string(kind), Records: &batch, Cursor: next.Since}
		sb.KeepTask, sb.KeepActivity = keepFirst(source)
		stored, err := s.Store.StoreSyncBatch(ctx, ws.ID, sb, actor, s.now())
		if err != nil {
			return res, err
		}
		res.Kinds = append(res.Kinds, KindResult{Kind: kind, Fetched: batch.Len(), Written: stored.Written,
			Unchanged: stored.Unchanged, Cursor: next.Since})
		track.done(batch.Len())
		for _, user := range users(&batch) {
			if _, ok := managers[user]; !ok {
				unknown[user] = true
			}
		}
		if watermark.IsZero() || next.Since.Before(watermark) {
			watermark = next.Since
		}
	}
	// Every kind is now stored up to its cursor, so the data is complete
	// up to the earliest of them: that is the workspace's watermark.
	if _, err := s.Store.UpsertRecords(ctx, ws.ID, &domain.RecordBatch{}, watermark, actor, now); err != nil {
		return res, err
	}
	for user := range unknown {
		res.UnknownUsers = append(res.UnknownUsers, user)
	}
	slices.Sort(res.UnknownUsers)
	known, stages, err := s.Store.KnownPlaces(ctx, ws.ID)
	if err != nil {
		return res, err
	}
	res.UnknownPlaces = domain.UnknownPlaces(ws.Regulation, domain.DateOf(now.In(ws.Location)), known, stages)
	return res, nil
}

// creditMoves credits each stage move of batch made by a CRM user who is
// not a manager (a robot, an administrator) to the deal's responsible, as
// DESIGN.md section 10 says: the connector knows who moved the deal, only
// the workspace knows who is a manager. The deal is looked up in the
// batch, else in the store; a deal known to neither keeps the mover.
func (s *Syncer) creditMoves(ctx context.Context, ws *domain.Workspace, source string, managers map[string]string, batch *domain.RecordBatch) error {
	var ids []string
	for _, m := range batch.Moves {
		if _, ok := managers[m.Responsible]; !ok {
			ids = append(ids, m.DealID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	owners, err := s.Store.DealResponsibles(ctx, ws.ID, source, slices.Compact(ids))
	if err != nil {
		return err
	}
	for _, d := range batch.Deals {
		owners[d.ExternalID] = d.Responsible
	}
	for i := range batch.Moves {
		m := &batch.Moves[i]
		if _, ok := managers[m.Responsible]; ok {
			continue
		}
		if owner, ok := owners[m.DealID]; ok && owner != "" {
			m.Responsible = owner
		}
	}
	return nil
}

// keepFirst returns the merges the store applies for source: amoCRM keeps
// no task completion time and its connector stands in the modification time
// at which it first saw the task completed, so the earliest one stored is
// kept, for tasks and for the meetings derived from them. Bitrix24 keeps
// the completion of a task (closedDate) but not the moment a meeting was
// marked held.
func keepFirst(source string) (func(prev, next domain.Task) domain.Task, func(prev, next domain.Activity) domain.Activity) {
	switch source {
	case domain.CRMAmoCRM:
		return crm.KeepFirstCompletion, crm.KeepFirstEntry
	case domain.CRMBitrix24:
		return nil, crm.KeepFirstEntry
	case domain.CRMHubSpot:
		// A task completed without hs_task_completion_date, and a
		// meeting's outcome, are dated by the modification time they are
		// first seen with.
		return crm.KeepFirstCompletion, crm.KeepFirstEntry
	}
	return nil, nil
}

// users returns the CRM user ids a batch's records are attributed to, as
// the indicators attribute them.
func users(b *domain.RecordBatch) []string {
	var ids []string
	for i := range b.Companies {
		ids = append(ids, b.Companies[i].Owner())
	}
	for _, d := range b.Deals {
		ids = append(ids, d.Responsible)
	}
	for _, k := range b.Tasks {
		ids = append(ids, k.Responsible)
	}
	for _, a := range b.Activities {
		ids = append(ids, a.Responsible)
	}
	for _, m := range b.Moves {
		ids = append(ids, m.Responsible)
	}
	return slices.DeleteFunc(ids, func(id string) bool { return id == "" })
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// tracker follows one sync's progress. It travels in the sync's context, so
// that the connectors' page callback (reportPage), which every connector
// this package builds gets, finds the sync it serves.
type tracker struct {
	report   func(Progress)
	requests func() int64
	mu       sync.Mutex
	cur      Progress
}

type trackerKey struct{}

// begin starts kind; nil-safe, as is the tracker of a sync without
// progress reports.
func (t *tracker) begin(kind crm.Kind) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur = Progress{Kind: kind, Requests: t.requests()}
	p := t.cur
	t.mu.Unlock()
	t.report(p)
}

func (t *tracker) page(records int) {
	t.mu.Lock()
	t.cur.Records += records
	t.cur.Requests = t.requests()
	p := t.cur
	t.mu.Unlock()
	t.report(p)
}

func (t *tracker) done(records int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur.Records, t.cur.Requests, t.cur.Done = records, t.requests(), true
	p := t.cur
	t.mu.Unlock()
	t.report(p)
}

// reportPage is the connectors' OnPage: it counts a page for the sync whose
// context the request ran in, if that sync reports progress.
func reportPage(ctx context.Context, records int) {
	if t, ok := ctx.Value(trackerKey{}).(*tracker); ok {
		t.page(records)
	}
}
