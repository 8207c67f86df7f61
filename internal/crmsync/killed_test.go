package crmsync_test

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// childDSNEnv names the store a helper process syncs; set, it makes
// TestSyncChildProcess run one full sync of workspace acme.
const childDSNEnv = "REGLAMENT_CRMSYNC_CHILD_DSN"

// TestSyncChildProcess is not a test of its own: TestSyncKilledMidway runs
// the test binary again with only this test and childDSNEnv set, so that a
// real sync runs in a process it can kill. The CRM's URL and token file are
// the ones the parent stored in the workspace.
func TestSyncChildProcess(t *testing.T) {
	dsn := os.Getenv(childDSNEnv)
	if dsn == "" {
		t.Skip("the helper process of TestSyncKilledMidway")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := (&crmsync.Syncer{Store: st}).Sync(ctx, "acme", true, "sync"); err != nil {
		t.Fatal(err)
	}
}

// TestSyncKilledMidway kills (SIGKILL) a process in the middle of a full
// sync — companies and deals stored, the first page of tasks served but not
// yet delivered — then syncs again in this process: the kinds whose cursor
// was stored hold exactly their records, the others nothing, and the sync
// that resumes from the stored cursors brings the store to the truth. The
// clocks are real: the child paces its requests in real time, and the fake
// judges its rate limit in real time too.
func TestSyncKilledMidway(t *testing.T) {
	if os.Getenv(childDSNEnv) != "" {
		t.Skip("in the helper process")
	}
	t.Run("amocrm", func(t *testing.T) {
		storetest.EachDSN(t, func(t *testing.T, dsn string) {
			st := storetest.MustOpen(t, dsn)
			// The fake's clock is real time plus a restart delay: amoCRM
			// counts an integration's requests per second whichever process
			// sends them, and a new process knows nothing of the requests
			// the killed one sent. A restart takes more than the second
			// the limit spans; the fake is told so rather than slept for.
			var restart atomic.Int64
			fake := amocrmtest.NewServer(func() time.Time { return time.Now().Add(time.Duration(restart.Load())) })
			t.Cleanup(fake.Close)
			// Two pages of companies and three of live leads at 250 a page.
			seedAmo(fake, volume{companies: 300, deals: 600, tasks: 300, activities: 300})
			applyWorkspace(t, st, time.Now, domain.CRMAmoCRM, fake.URL, fake.AccessToken)
			served, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			fake.Mu.Lock()
			fake.AfterPage = func(path string, _ map[string][]string, _ int) {
				if path == "/api/v4/tasks" {
					once.Do(func() {
						close(served)
						<-release // hold the answer (and the fake) until the child is dead
					})
				}
			}
			fake.Mu.Unlock()
			killMidway(t, dsn, served, release)
			fake.Mu.Lock()
			fake.AfterPage = nil
			fake.Mu.Unlock()
			restart.Store(int64(time.Second))
			resumeAfterKill(t, st, "amocrm", amoTruth(fake), func() {
				fake.Mu.Lock()
				defer fake.Mu.Unlock()
				if fake.Violations != 0 {
					t.Errorf("the fake saw %d rate-limit violations in %d requests, want 0", fake.Violations, fake.Requests)
				}
			})
		})
	})
	t.Run("bitrix24", func(t *testing.T) {
		storetest.EachDSN(t, func(t *testing.T, dsn string) {
			st := storetest.MustOpen(t, dsn)
			fake := bitrix24test.NewServer(time.Now)
			t.Cleanup(fake.Close)
			seedBitrix(fake, volume{companies: 120, deals: 180, tasks: 130, activities: 260})
			applyWorkspace(t, st, time.Now, domain.CRMBitrix24, fake.URL+fake.WebhookPath, "")
			served, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			fake.Mu.Lock()
			fake.AfterPage = func(method string, _ int) {
				if method == "tasks.task.list" {
					once.Do(func() {
						close(served)
						<-release
					})
				}
			}
			fake.Mu.Unlock()
			killMidway(t, dsn, served, release)
			fake.Mu.Lock()
			fake.AfterPage = nil
			fake.Mu.Unlock()
			resumeAfterKill(t, st, "bitrix24", bitrixTruth(fake, nil), func() {
				fake.Mu.Lock()
				defer fake.Mu.Unlock()
				if fake.Violations != 0 {
					t.Errorf("the fake saw %d rate-limit violations in %d requests, want 0", fake.Violations, fake.Requests)
				}
			})
		})
	})
}

// killMidway starts the helper process syncing the store at dsn, waits for
// served (the fake holds the answer to the page at which to kill), kills
// the process and then releases the fake.
func killMidway(t *testing.T, dsn string, served <-chan struct{}, release chan<- struct{}) {
	t.Helper()
	defer close(release)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDSNEnv+"="+dsn)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-served:
	case err := <-exited:
		t.Fatalf("the sync process ended before it was killed (%v):\n%s", err, out.Bytes())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("the sync process did not reach the page to kill it at:\n%s", out.Bytes())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the sync process was not killed: %v\n%s", cmd.ProcessState, out.Bytes())
	}
}

// resumeAfterKill checks what a killed full sync left: companies, contacts
// and deals stored exactly with their cursors, tasks and activities
// neither. Then it
// syncs incrementally from the stored cursors and wants the truth.
func resumeAfterKill(t *testing.T, st *store.Store, source string, truth records, checkFake func()) {
	t.Helper()
	cursors, err := st.SyncCursors(ctx, "acme", source)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cursors["company"]; !ok || len(cursors) != 3 || cursors["deal"].IsZero() || cursors["contact"].IsZero() {
		t.Errorf("cursors after the kill = %v, want those of company, contact and deal only", cursors)
	}
	left := storedRecords(t, st, "acme", source)
	want := records{"companies": truth["companies"], "deals": truth["deals"]}
	for table := range recordColumns {
		if diff := cmp.Diff(want[table], left[table]); diff != "" {
			t.Errorf("after the kill, stored %s (-want +stored):\n%s", table, diff)
		}
	}

	before := time.Now()
	res, err := (&crmsync.Syncer{Store: st}).Sync(ctx, "acme", false, "sync")
	if err != nil {
		t.Fatalf("sync after the kill: %v", err)
	}
	requireStoreEqualsTruth(t, st, "acme", source, truth)
	requireCursors(t, st, "acme", source, before, time.Now())
	// Companies and deals resumed from their cursors: nothing changed since,
	// so nothing was written again.
	for _, k := range res.Kinds {
		if (k.Kind == "company" || k.Kind == "deal") && k.Written != 0 {
			t.Errorf("the resumed sync rewrote %d %ss stored before the kill", k.Written, k.Kind)
		}
	}
	checkFake()
}
