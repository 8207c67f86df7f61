package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/domain"
	"reglament/internal/notify/notifytest"
	"reglament/internal/store/storetest"
)

// This file starts real `reglament serve` processes on one PostgreSQL
// database and moves their clock (REGLAMENT_CLOCK_FILE) through a
// working day, to show that each reminder, finalization and digest
// happens once across instances, and that killing a process in the middle
// of a delivery loses nothing.

const acmeData = "../engine/testdata/acme/"

// instanceWorkspace is the acme company of the engine's tests (the same
// managers, calendar and regulation) with a Telegram chat per manager and
// per head, an amoCRM connection and the webhook channel (their addresses
// filled in by the test).
const instanceWorkspace = `workspace: acme
name: "ООО Ромашка"
timezone: Europe/Moscow
deadline: "18:00"
grace: 10m
working_days: [mon, tue, wed, thu, fri]
holidays: [2026-11-04]
min_call_seconds: 10
currency: RUB
point_value: 100
caps: {bonus: 2000, fine: 1000}
managers:
  - id: anna
    name: Анна Петрова
    crm_ids: ["101"]
    contact: {telegram: "1001"}
  - id: boris
    name: Борис Смирнов
    crm_ids: ["102", "103"]
    contact: {telegram: "1002"}
  - id: vera
    name: Вера Ким
    crm_ids: [104]
    contact: {telegram: "1003"}
    absences: [{from: 2026-11-19, to: 2026-11-20, reason: vacation}]
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 3}
      - {indicator: overdue_tasks, at_most: 0}
  - effective: 2026-11-16
    rules:
      - {indicator: calls_held, at_least: 4}
      - {indicator: overdue_tasks, at_most: 0}
      - {indicator: deals_without_tasks, at_most: 0}
crm:
  kind: amocrm
  token_file: amocrm.token
  base_url: %s
notifications:
  heads:
    - {name: Olga, telegram: "-100200300"}
  webhook_url: %s
`

const headChat = "-100200300"

var managerChats = map[string]string{"1001": "anna", "1002": "boris", "1003": "vera"}

// webhookReceiver is the workspace's webhook channel. It can hold the first
// request whose text contains hold until the test releases it, to stand
// for a slow chat server while the test kills the process sending.
type webhookReceiver struct {
	*httptest.Server

	mu        sync.Mutex
	hold      string
	held      chan string   // receives the held text
	release   chan struct{} // closed to let the held request go
	answered  []string      // texts answered 200, in order
	abandoned []string      // texts whose sender went away before the answer
}

func startWebhook(t *testing.T) *webhookReceiver {
	w := &webhookReceiver{held: make(chan string, 1), release: make(chan struct{})}
	w.Server = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(func() {
		w.mu.Lock()
		select {
		case <-w.release:
		default:
			close(w.release)
		}
		w.mu.Unlock()
		w.Server.Close()
	})
	return w
}

func (w *webhookReceiver) serve(rw http.ResponseWriter, r *http.Request) {
	var body struct{ Text string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(rw, "bad body", http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	hold := w.hold != "" && strings.Contains(body.Text, w.hold)
	if hold {
		w.hold = "" // only the first
	}
	w.mu.Unlock()
	if hold {
		w.held <- body.Text
		select {
		case <-w.release:
		case <-r.Context().Done():
		}
		if r.Context().Err() != nil {
			w.mu.Lock()
			w.abandoned = append(w.abandoned, body.Text)
			w.mu.Unlock()
			return
		}
	}
	w.mu.Lock()
	w.answered = append(w.answered, body.Text)
	w.mu.Unlock()
	rw.WriteHeader(http.StatusOK)
}

func (w *webhookReceiver) texts() (answered, abandoned []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.answered...), append([]string(nil), w.abandoned...)
}

// instance is one running `reglament serve`.
type instance struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// lockedBuffer collects a process's stderr while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

type instances struct {
	t    *testing.T
	db   *sql.DB
	bin  string
	env  []string
	args []string
	logs map[string]*lockedBuffer
	all  []*instance
}

func (in *instances) start(name string) *instance {
	t := in.t
	t.Helper()
	buf := &lockedBuffer{}
	in.logs[name] = buf
	cmd := exec.Command(in.bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, in.args...)...)
	cmd.Env = in.env
	cmd.Stdout = io.Discard
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { buf.mu.Lock(); defer buf.mu.Unlock(); return buf.Write(p) })
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &instance{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	in.all = append(in.all, p)
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (in *instances) dumpLogs() {
	for name, b := range in.logs {
		b.mu.Lock()
		s := b.String()
		b.mu.Unlock()
		if len(s) > 6000 {
			s = "…" + s[len(s)-6000:]
		}
		in.t.Logf("--- stderr of %s ---\n%s", name, s)
	}
	if in.db == nil {
		return
	}
	rows, err := in.db.Query(`SELECT kind, state, count(*), max(attempt) FROM river_job GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		in.t.Logf("jobs table: %v", err)
		return
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var kind, state string
		var n, attempt int
		if rows.Scan(&kind, &state, &n, &attempt) == nil {
			fmt.Fprintf(&b, "  %-10s %-10s %3d (max attempt %d)\n", kind, state, n, attempt)
		}
	}
	in.t.Logf("--- jobs ---\n%s", b.String())
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// buildReglament builds the binary under test into a temporary directory.
func buildReglament(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "reglament")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/reglament")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, in *instances, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			in.dumpLogs()
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestServeInstancesExactlyOnce(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("set %s to run two serve processes on one PostgreSQL", storetest.PostgresEnv)
	}
	dsn := storetest.NewPostgresDatabase(t)
	bin := buildReglament(t)
	dir := t.TempDir()
	ctx := context.Background()

	tg := notifytest.StartTelegram(t, "123456:test-bot-token")
	hook := startWebhook(t)
	// The CRM holds nothing at first; the processes sync it on their real
	// clock (the connector paces requests by it), so its records carry
	// real modification times.
	amo := amocrmtest.NewServer(time.Now)
	t.Cleanup(amo.Close)
	tokenFile := filepath.Join(dir, "telegram.token")
	clockFile := filepath.Join(dir, "clock")
	wsFile := filepath.Join(dir, "acme.yaml")
	for name, content := range map[string]string{
		tokenFile:                          tg.Token + "\n",
		filepath.Join(dir, "amocrm.token"): amo.AccessToken + "\n",
		wsFile:                             fmt.Sprintf(instanceWorkspace, amo.URL, hook.URL),
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	setClock := func(local string) {
		t.Helper()
		at, err := time.ParseInLocation("2006-01-02 15:04", local, msk)
		if err != nil {
			t.Fatal(err)
		}
		tmp := clockFile + ".new"
		if err := os.WriteFile(tmp, []byte(at.Format(time.RFC3339)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, clockFile); err != nil {
			t.Fatal(err)
		}
	}
	setClock("2026-11-16 16:59")

	env := append(os.Environ(), "REGLAMENT_DB="+dsn, "LANG=C.UTF-8",
		"REGLAMENT_DEV_SETTINGS=1", "REGLAMENT_CLOCK_FILE="+clockFile,
		"REGLAMENT_PLAN_EVERY=1s", "REGLAMENT_POLL_INTERVAL=100ms",
		"REGLAMENT_JOB_TIMEOUT=5s", "REGLAMENT_SYNC_TIMEOUT=2s", "REGLAMENT_RESCUE_AFTER=8s",
		"REGLAMENT_TELEGRAM_TOKEN_FILE="+tokenFile)
	cli := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("reglament %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cli("apply", "-f", wsFile)
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		cli("import", "--workspace", "acme", "--type", kind, acmeData+kind+".csv")
	}

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// idle: no job but the planner's and the bot's (which always listens)
	// is waiting or running.
	idle := func() bool {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind NOT IN ('plan', 'telegram_poll')
			AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&n)
		return err == nil && n == 0
	}
	// planned: a planner job started after the clock moved has finished.
	planned := func(since time.Time) func() bool {
		return func() bool {
			var n int
			err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'plan'
				AND state = 'completed' AND attempted_at > $1`, since).Scan(&n)
			return err == nil && n > 0
		}
	}
	// sent counts the Telegram messages per chat whose text contains s.
	sent := func(chat, s string) int {
		n := 0
		for _, m := range tg.Received() {
			if fmt.Sprint(m["chat_id"]) == chat && strings.Contains(fmt.Sprint(m["text"]), s) {
				n++
			}
		}
		return n
	}
	reminders := func() int {
		n := 0
		for chat := range managerChats {
			n += sent(chat, "до дедлайна <b>18:00</b> осталось")
		}
		return n
	}
	in := &instances{t: t, bin: bin, env: env, db: db, args: []string{"--telegram-api-url", tg.URL, "--allow-private-webhooks"}, logs: map[string]*lockedBuffer{}}
	moveTo := func(local string, what string, cond func() bool) {
		t.Helper()
		moved := time.Now()
		setClock(local)
		waitFor(t, in, 30*time.Second, what+" at "+local, func() bool { return planned(moved)() && cond() && idle() })
	}

	a, b := in.start("A"), in.start("B")

	// 16:59: nothing of Monday is due yet, but the days of last week were
	// never finalized (the processes were not running): the catch-up
	// finalizes each and sends its digest.
	lastWeek := []string{"2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"}
	moveTo("2026-11-16 16:59", "last week's digests", func() bool {
		for _, d := range lastWeek {
			if sent(headChat, "Итоги дня "+d) == 0 {
				return false
			}
		}
		return true
	})
	if n := reminders(); n != 0 {
		t.Errorf("16:59: %d reminders sent, want none before 17:00", n)
	}

	// 17:00: the 60-minute reminder, once per manager at risk (all three
	// miss a rule on Monday).
	moveTo("2026-11-16 17:00", "three reminders", func() bool { return reminders() >= 3 })
	// 17:45: the 15-minute reminder.
	moveTo("2026-11-16 17:45", "six reminders", func() bool { return reminders() >= 6 })

	// 18:10: the finalization and its digest. The webhook holds the digest
	// until the process sending it is killed; the other process must
	// finish the delivery once River rescues the job.
	hook.mu.Lock()
	hook.hold = "Итоги дня 2026-11-16"
	hook.mu.Unlock()
	setClock("2026-11-16 18:10")
	var heldText string
	select {
	case heldText = <-hook.held:
	case <-time.After(30 * time.Second):
		in.dumpLogs()
		t.Fatal("the digest never reached the webhook")
	}
	// Kill when the held delivery is the only message job not finished.
	// A process killed within the milliseconds between a channel's answer
	// and the commit recording it would send that message again on the
	// rescue (Telegram takes no idempotency key; see docs/operations.md):
	// that window is not what this test is about.
	waitFor(t, in, 20*time.Second, "the other messages of 18:10 recorded as sent", func() bool {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('deliver', 'finalize', 'reminder', 'statement')
			AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending')
			AND args->>'key' IS DISTINCT FROM 'acme/digest/2026-11-16/webhook'`).Scan(&n)
		return err == nil && n == 0
	})
	var attemptedBy []byte
	err = db.QueryRowContext(ctx, `SELECT attempted_by[array_length(attempted_by, 1)]::text FROM river_job
		WHERE kind = 'deliver' AND state = 'running' AND args->>'key' = 'acme/digest/2026-11-16/webhook'`).Scan(&attemptedBy)
	if err != nil {
		t.Fatalf("find the running webhook delivery: %v", err)
	}
	id := string(attemptedBy)
	pid, _ := strconv.Atoi(id[strings.LastIndex(id, "_")+1:])
	victim, survivor := a, b
	if b.cmd.Process.Pid == pid {
		victim, survivor = b, a
	} else if a.cmd.Process.Pid != pid {
		t.Fatalf("the delivery runs in %q, neither process %d nor %d", id, a.cmd.Process.Pid, b.cmd.Process.Pid)
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	t.Logf("killed %s (pid %d) while it delivered the digest; %s goes on", victim.name, pid, survivor.name)

	waitFor(t, in, 60*time.Second, "the digest delivered by the survivor", func() bool {
		answered, _ := hook.texts()
		for _, s := range answered {
			if s == heldText {
				return idle()
			}
		}
		return false
	})

	// Exactly once, across both processes and the kill.
	for chat, manager := range managerChats {
		if n := sent(chat, "до дедлайна <b>18:00</b> осталось"); n != 2 {
			t.Errorf("%s got %d reminders, want 2 (17:00 and 17:45)", manager, n)
		}
	}
	for _, d := range append(lastWeek, "2026-11-16") {
		if n := sent(headChat, "Итоги дня "+d); n != 1 {
			t.Errorf("the head got %d digests of %s, want 1", n, d)
		}
	}
	seen := map[string]int{}
	for _, m := range tg.Received() {
		seen[fmt.Sprint(m["chat_id"])+"\n"+fmt.Sprint(m["text"])]++
	}
	for msg, n := range seen {
		if n != 1 {
			t.Errorf("Telegram message sent %d times, want once:\n%s", n, msg)
		}
	}
	answered, abandoned := hook.texts()
	if n := strings.Count(strings.Join(answered, "\x00"), heldText); n != 1 {
		t.Errorf("the webhook answered Monday's digest %d times, want 1", n)
	}
	// The killed process's request was cut before any answer: it is the
	// at-least-once of a crash, visible to the receiver as an abandoned
	// request, never as a second answered one.
	if len(abandoned) != 1 || abandoned[0] != heldText {
		t.Errorf("abandoned webhook requests %q, want the one held while its process was killed", abandoned)
	}
	var finalizations int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'finalize'
		AND args->>'day' = '2026-11-16' AND state = 'completed'`).Scan(&finalizations); err != nil {
		t.Fatal(err)
	}
	if finalizations != 1 {
		t.Errorf("%d completed finalization jobs for Monday, want 1", finalizations)
	}
	s := storetest.MustOpen(t, dsn)
	sheets, err := s.FindSheetVersions(ctx, "acme", domain.MustDate("2026-11-16"))
	if err != nil || len(sheets) != 1 || sheets[0].RequestedBy != "scheduler" || sheets[0].Stale {
		t.Errorf("Monday's sheet versions: %d (%v); want one, by the scheduler, not stale", len(sheets), err)
	}
	// One sync per 5-minute period the clock stood in (16:55, 17:00,
	// 17:45, 18:10), however many processes planned it, and one connector
	// at a time talking to the CRM: the finalizations of the catch-up find
	// the data fresh or wait for the sync under way. (The processes sync on
	// the real clock, so their watermark is always past the test's
	// cutoffs; the jobs tests, where one clock drives both, show the sync
	// a finalization makes itself.)
	var syncs, unfinished int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE state <> 'completed') FROM river_job
		WHERE kind = 'sync'`).Scan(&syncs, &unfinished); err != nil {
		t.Fatal(err)
	}
	if syncs != 4 || unfinished != 0 {
		t.Errorf("%d sync jobs (%d not completed), want 4 completed", syncs, unfinished)
	}
	amo.Mu.Lock()
	requests, violations := amo.Requests, amo.Violations
	amo.Mu.Unlock()
	if requests == 0 || violations != 0 {
		t.Errorf("the CRM saw %d requests, %d beyond its rate limit; want some, none beyond", requests, violations)
	}
	for name, b := range in.logs {
		b.mu.Lock()
		log := b.String()
		b.mu.Unlock()
		if strings.Contains(log, "not yet recorded as done") {
			t.Errorf("%s could not record a delivery as done at once (see its log)", name)
		}
	}
	if t.Failed() {
		in.dumpLogs()
	}
}
