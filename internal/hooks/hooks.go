// Package hooks receives the webhooks of the CRMs at one secret URL per
// workspace, POST /hooks/{workspace}/{secret}: amoCRM's form-encoded
// webhooks (authenticated by the secret alone, since amoCRM signs nothing)
// and Bitrix24's outbound events (whose auth[application_token] is checked
// too). A call is answered 200 only once the changes it reports are stored
// durably as pending changes; a re-fetch (crmsync.ApplyPending) later turns
// them into records.
//
// Calls arriving together are stored in one transaction by a single writer
// goroutine (group commit), each call waiting for its batch's commit, so
// that thousands of calls per second fit SQLite and PostgreSQL alike.
package hooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/domain"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// Pattern is the route of the webhooks.
const Pattern = "POST /hooks/{workspace}/{secret}"

// Config is what a Handler needs. Zero values take the defaults.
type Config struct {
	Store *store.Store
	Log   *slog.Logger     // default: discard
	Now   func() time.Time // default time.Now; times the receipts and the cache
	// ReadFile reads a Bitrix24 workspace's application token file
	// (default os.ReadFile).
	ReadFile func(name string) ([]byte, error)
	// CacheTTL is how long a workspace's secret hash, CRM kind and
	// application token are kept in memory (default 2s): a rotated secret
	// or a changed token is honoured within it.
	CacheTTL time.Duration
	// MaxBatch bounds the calls one transaction stores (default 1024).
	MaxBatch int
	// Linger is how long the writer waits for more calls once the first of
	// a batch arrived (default 0: a batch is what queued up while the
	// previous one committed, which under load is plenty).
	Linger time.Duration
	// MaxBodyBytes bounds a call's body (default 1 MiB).
	MaxBodyBytes int64
	// OnStored, when set, is called after each commit with the workspaces
	// whose changes it stored, sorted. It runs on the writer goroutine,
	// after the calls are answered, and delays the next commit: it should
	// only enqueue work (a re-fetch job), not do it.
	OnStored func(workspaces []string)
}

// Handler is the webhook endpoint, an http.Handler. Close stops its writer.
type Handler struct {
	cfg   Config
	mux   *http.ServeMux
	queue chan *call    // unbuffered: a send succeeds only while the writer runs
	stop  chan struct{} // closed by Close
	done  chan struct{} // closed when the writer has returned
	once  sync.Once

	mu    sync.Mutex
	cache map[string]*entry
}

// call is one webhook call waiting for its changes to be stored.
type call struct {
	changes []store.PendingChange
	result  chan error // buffered: the writer never blocks on it
}

// New returns a Handler and starts its writer goroutine.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("hooks: store is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ReadFile == nil {
		cfg.ReadFile = os.ReadFile
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 2 * time.Second
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	h := &Handler{cfg: cfg, queue: make(chan *call), stop: make(chan struct{}), done: make(chan struct{}),
		cache: map[string]*entry{}}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc(Pattern, h.receive)
	go h.write()
	return h, nil
}

// Close stops the writer once the batch it is storing is committed, and
// waits for it. Calls arriving afterwards are answered 503; close the HTTP
// server first so that none do.
func (h *Handler) Close() error {
	h.once.Do(func() { close(h.stop) })
	<-h.done
	return nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// answer writes a short plain-text response. It never carries internal
// error text.
func answer(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, text+"\n")
}

// MaxFields is the most form fields a call may carry: Go's form parser
// refuses more (its urlmaxqueryparams default). amoCRM sends at most 500
// changes per call, a few dozen fields each; Bitrix24 one record.
const MaxFields = 10000

// maxWorkspaceID bounds the workspace part of the URL: longer ones are no
// workspace and are refused without a lookup.
const maxWorkspaceID = 128

func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	workspace, secret := r.PathValue("workspace"), r.PathValue("secret")
	var e *entry
	if len(workspace) <= maxWorkspaceID {
		var err error
		if e, err = h.lookup(ctx, workspace); err != nil {
			h.cfg.Log.Error("webhook: load workspace", "workspace", workspace, "err", err.Error())
			answer(w, http.StatusInternalServerError, "internal error")
			return
		}
	}
	// The same answer for an unknown workspace and a wrong secret, and the
	// hashes compared in constant time (against a dummy for an unknown
	// workspace): the answer tells nothing of the secret.
	sum := sha256.Sum256([]byte(secret))
	want := unknownHash
	if e != nil && e.known {
		want = e.hash
	}
	if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || e == nil || !e.known {
		h.cfg.Log.Warn("webhook refused: unknown workspace or wrong secret", "workspace", workspace, "remote", r.RemoteAddr)
		answer(w, http.StatusForbidden, "forbidden")
		return
	}
	body, err := readBody(w, r, h.cfg.MaxBodyBytes)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			answer(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		answer(w, http.StatusBadRequest, "bad request: cannot read the body")
		return
	}
	// Go's form parser refuses more than 10,000 fields, which the CRM's
	// parser would then report as a body that is not form-encoded: say
	// what is wrong instead.
	if n := bytes.Count(body, []byte("&")) + 1; n > MaxFields {
		h.cfg.Log.Warn("webhook refused: too many fields", "workspace", workspace, "fields", n, "remote", r.RemoteAddr)
		answer(w, http.StatusBadRequest, fmt.Sprintf("bad request: the call has %d fields, more than the %d a webhook may carry; send the changes in several calls", n, MaxFields))
		return
	}
	changes, err := e.parse(body)
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EFORBIDDEN:
			h.cfg.Log.Warn("webhook refused: "+domain.ErrorMessage(err), "workspace", workspace, "remote", r.RemoteAddr)
			answer(w, http.StatusForbidden, "forbidden")
		default:
			h.cfg.Log.Warn("webhook malformed: "+domain.ErrorMessage(err), "workspace", workspace, "remote", r.RemoteAddr)
			answer(w, http.StatusBadRequest, "bad request: "+domain.ErrorMessage(err))
		}
		return
	}
	changes = withMoves(e.kind, body, changes)
	if len(changes) == 0 {
		answer(w, http.StatusOK, "ok") // e.g. a contact changed: nothing reglament keeps
		return
	}
	received := h.cfg.Now().UTC()
	c := &call{changes: make([]store.PendingChange, len(changes)), result: make(chan error, 1)}
	for i, ch := range changes {
		c.changes[i] = store.PendingChange{Workspace: workspace, Kind: string(ch.Kind), ExternalID: ch.ID,
			Deleted: ch.Deleted, At: ch.At, ReceivedAt: received}
	}
	select {
	case h.queue <- c:
	case <-h.stop:
		answer(w, http.StatusServiceUnavailable, "shutting down")
		return
	case <-ctx.Done():
		answer(w, http.StatusServiceUnavailable, "timeout")
		return
	}
	select {
	case err := <-c.result:
		if err != nil {
			h.cfg.Log.Error("webhook: store changes", "workspace", workspace, "err", err.Error())
			answer(w, http.StatusInternalServerError, "internal error")
			return
		}
		answer(w, http.StatusOK, "ok")
	case <-ctx.Done():
		// The commit may still succeed: the CRM retries, and a change
		// stored twice is re-fetched once.
		answer(w, http.StatusServiceUnavailable, "timeout")
	}
}

// readBody reads r's body, at most limit bytes. A body of a known length
// is read into a buffer of that size at once: CRMs send Content-Length,
// and growing a buffer step by step was a tenth of a call's garbage.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, limit)
	if n := r.ContentLength; n > 0 && n <= limit {
		buf := make([]byte, n)
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(body)
}

// write is the single writer: it takes the calls that arrive together and
// stores their changes in one transaction, until Close.
func (h *Handler) write() {
	defer close(h.done)
	batch := make([]*call, 0, h.cfg.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case c := <-h.queue:
			batch = append(batch, c)
		case <-h.stop:
			return
		}
		batch = h.gather(batch)
		h.commit(batch)
	}
}

// gather adds to batch the calls waiting to be taken, and those arriving
// within Linger, up to MaxBatch.
func (h *Handler) gather(batch []*call) []*call {
	var linger <-chan time.Time
	if h.cfg.Linger > 0 {
		t := time.NewTimer(h.cfg.Linger)
		defer t.Stop()
		linger = t.C
	}
	for len(batch) < h.cfg.MaxBatch {
		select {
		case c := <-h.queue:
			batch = append(batch, c)
			continue
		default:
		}
		if linger == nil {
			return batch
		}
		select {
		case c := <-h.queue:
			batch = append(batch, c)
		case <-linger:
			return batch
		case <-h.stop:
			return batch
		}
	}
	return batch
}

// commitTimeout bounds one commit, so that a stuck database cannot hold
// the writer forever; the calls waiting time out on their own anyway.
const commitTimeout = 30 * time.Second

// commit stores the changes of batch in one transaction and answers each
// call. If that fails, each call is stored on its own, so that one bad
// call cannot fail the others.
func (h *Handler) commit(batch []*call) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	var changes []store.PendingChange
	for _, c := range batch {
		changes = append(changes, c.changes...)
	}
	err := h.cfg.Store.AppendPendingChanges(ctx, changes)
	var stored []string
	if err == nil || len(batch) == 1 {
		for _, c := range batch {
			c.result <- err
		}
		if err == nil {
			stored = workspaces(batch)
		}
	} else {
		h.cfg.Log.Warn("webhook: batch not stored, storing its calls one by one", "calls", len(batch), "err", err.Error())
		var ok []*call
		for _, c := range batch {
			err := h.cfg.Store.AppendPendingChanges(ctx, c.changes)
			c.result <- err
			if err == nil {
				ok = append(ok, c)
			}
		}
		stored = workspaces(ok)
	}
	if len(stored) > 0 && h.cfg.OnStored != nil {
		h.notify(stored)
	}
}

// notify calls OnStored. A panic in it is logged, not allowed to stop the
// writer (and the process with it: the writer is no request goroutine).
func (h *Handler) notify(workspaces []string) {
	defer func() {
		if v := recover(); v != nil {
			h.cfg.Log.Error("webhook: OnStored panicked", "workspaces", workspaces, "panic", fmt.Sprint(v))
		}
	}()
	h.cfg.OnStored(workspaces)
}

// workspaces returns the workspaces of the calls, sorted, each once.
func workspaces(calls []*call) []string {
	var out []string
	for _, c := range calls {
		for _, ch := range c.changes {
			out = append(out, ch.Workspace)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// entry is what the handler knows of one workspace: whether it has a
// webhook URL, its secret's hash, its CRM and, for Bitrix24, the
// application token its events must carry.
type entry struct {
	ready    chan struct{} // closed once the fields below are set
	loadedAt time.Time
	known    bool // the workspace exists, has a webhook secret and a CRM connection
	hash     [sha256.Size]byte
	kind     string // domain.CRMAmoCRM or domain.CRMBitrix24
	appToken string // Bitrix24's application_token; empty refuses every event
}

// unknownHash is compared against when the workspace is unknown, so that
// the work done does not tell an unknown workspace from a wrong secret.
var unknownHash = sha256.Sum256([]byte("reglament: no such webhook"))

// parse reads a call's body by the workspace's CRM.
func (e *entry) parse(body []byte) ([]crm.Change, error) {
	switch e.kind {
	case domain.CRMAmoCRM:
		return amocrm.ParseWebhook(body)
	case domain.CRMBitrix24:
		ch, err := bitrix24.ParseEvent(body, e.appToken)
		if err != nil {
			return nil, err
		}
		return []crm.Change{ch}, nil
	}
	return nil, domain.Errorf(domain.EFORBIDDEN, "webhooks of CRM %q are not supported", e.kind)
}

// withMoves adds, for each deal a call reports changed (not deleted), a
// deal_move change naming the deal: the re-fetch then brings the deal's
// stage moves, which no webhook carries. amoCRM says which leads changed
// status (leads[status]): only those calls queue moves. Bitrix24's
// ONCRMDEALUPDATE does not say what changed, so every deal update and add
// queues them.
func withMoves(kind string, body []byte, changes []crm.Change) []crm.Change {
	if kind == domain.CRMAmoCRM && !bytes.Contains(body, []byte("leads%5Bstatus%5D")) && !bytes.Contains(body, []byte("leads[status]")) {
		return changes
	}
	n := len(changes)
	for _, ch := range changes[:n] {
		if ch.Kind == crm.KindDeal && !ch.Deleted {
			changes = append(changes, crm.Change{Kind: crm.KindDealMove, ID: ch.ID, At: ch.At})
		}
	}
	return changes
}

// maxCacheEntries bounds the cache, which forged calls naming random
// workspaces would otherwise grow without end.
const maxCacheEntries = 10000

// lookup returns what is known of workspace, from the cache while it is
// fresh. Concurrent calls for one workspace share one load.
func (h *Handler) lookup(ctx context.Context, workspace string) (*entry, error) {
	now := h.cfg.Now()
	h.mu.Lock()
	e := h.cache[workspace]
	if e != nil {
		select {
		case <-e.ready:
			if now.Sub(e.loadedAt) < h.cfg.CacheTTL && !now.Before(e.loadedAt) {
				h.mu.Unlock()
				return e, nil
			}
			e = nil // stale: load again
		default: // being loaded by another call
		}
	}
	if e != nil {
		h.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.loadedAt.IsZero() {
			return nil, errors.New("hooks: concurrent load failed")
		}
		return e, nil
	}
	if len(h.cache) >= maxCacheEntries {
		for k, old := range h.cache {
			select {
			case <-old.ready:
				if now.Sub(old.loadedAt) >= h.cfg.CacheTTL {
					delete(h.cache, k)
				}
			default:
			}
		}
		if len(h.cache) >= maxCacheEntries {
			clear(h.cache)
		}
	}
	e = &entry{ready: make(chan struct{})}
	h.cache[workspace] = e
	h.mu.Unlock()

	err := h.load(ctx, workspace, e)
	if err != nil {
		h.mu.Lock()
		if h.cache[workspace] == e {
			delete(h.cache, workspace)
		}
		h.mu.Unlock()
		close(e.ready) // loadedAt stays zero: waiters fail too
		return nil, err
	}
	e.loadedAt = now
	close(e.ready)
	return e, nil
}

// load fills e from the store. An unknown workspace, one without a webhook
// URL or without a CRM connection is not an error: e stays unknown.
func (h *Handler) load(ctx context.Context, workspace string, e *entry) error {
	secret, err := h.cfg.Store.FindWebhookSecret(ctx, workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	ws, err := h.cfg.Store.FindWorkspace(ctx, workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if ws.CRM == nil {
		h.cfg.Log.Warn("webhooks refused: the workspace has no crm connection", "workspace", workspace)
		return nil
	}
	raw, err := hex.DecodeString(secret.SecretHash)
	if err != nil || len(raw) != sha256.Size {
		return fmt.Errorf("hooks: the stored webhook secret hash of %q is not a hex SHA-256", workspace)
	}
	copy(e.hash[:], raw)
	e.known, e.kind = true, ws.CRM.Kind
	if e.kind == domain.CRMBitrix24 {
		e.appToken = h.applicationToken(workspace, ws.CRM.ApplicationTokenFile)
	}
	return nil
}

// applicationToken reads a Bitrix24 application token file. Without one
// every event is refused (403), and the log says why, never the token.
func (h *Handler) applicationToken(workspace, file string) string {
	if file == "" {
		h.cfg.Log.Warn("bitrix24 events refused: the crm connection names no application_token_file", "workspace", workspace)
		return ""
	}
	token, err := secret.ReadFile(h.cfg.ReadFile, file, "application token file")
	if err != nil {
		h.cfg.Log.Warn("bitrix24 events refused: "+domain.ErrorMessage(err), "workspace", workspace)
	}
	return token
}
