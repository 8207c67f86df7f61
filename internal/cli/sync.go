package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"reglament/internal/crm"
	"reglament/internal/crmsync"
	"reglament/internal/secret"
)

// runSync fetches the workspace's CRM records changed since the last sync
// (everything with --full) and stores them, then prints what each kind
// brought and the CRM users that map to no manager. On PostgreSQL it first
// waits for any sync serve's jobs are running on the same CRM account. While it runs, a
// progress bar is drawn on stderr when stderr is a terminal; otherwise each
// kind done is logged there as a JSON line.
func (m *Main) runSync(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	full := env.fs.Bool("full", false, "fetch everything, not only what changed since the last sync")
	by := env.fs.String("by", "", "who syncs (default $USER)")
	keyFile := secretKeyFlag(env)
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	st, ws, err := env.openWorkspace(ctx, *workspace, true)
	if err != nil {
		return err
	}
	defer st.Close()
	lang := env.Lang()
	head := "sync.delta"
	if *full {
		head = "sync.full"
	}
	fmt.Fprintln(m.Stdout, lang.T(head, ws.ID, ws.CRM.BaseURL))
	// The connector paces its requests by the real clock, whatever
	// clock the command was given.
	syncer := &crmsync.Syncer{Store: st}
	if ws.CRM.OAuth != nil {
		if syncer.Secrets, err = (secret.Source{File: *keyFile, Getenv: m.Getenv}).Box(); err != nil {
			return err
		}
	}
	finish := func() {}
	if isTerminal(m.Stderr) {
		bar := &progressBar{w: m.Stderr, label: func(k crm.Kind) string { return lang.T("kind." + string(k)) }}
		syncer.Progress, finish = bar.update, bar.clear
	} else {
		log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
		syncer.Progress = func(p crmsync.Progress) {
			if p.Done {
				log.Info("sync kind done", "workspace", ws.ID, "kind", string(p.Kind), "records", p.Records, "requests", p.Requests)
			}
		}
	}
	// One conversation with the CRM account at a time, with serve's jobs
	// too: their requests together stay under the account's limit.
	unlock, err := st.LockCRM(ctx, ws.ID, func() { fmt.Fprintln(m.Stderr, lang.T("sync.waiting", ws.ID)) })
	if err != nil {
		return err
	}
	defer unlock()
	// Progress is set first: the connector counts its pages only for it.
	client, err := syncer.ClientFor(ctx, ws)
	if err != nil {
		return err
	}
	res, err := syncer.SyncWith(ctx, ws, client, *full, m.actor(*by))
	finish() // the bar's line is blanked before the results are printed
	if res != nil {
		for _, k := range res.Kinds {
			fmt.Fprintln(m.Stdout, lang.T("sync.kind", lang.T("kind."+string(k.Kind)), k.Fetched, k.Written, k.Unchanged))
		}
	}
	if err != nil {
		if limited := rateLimited(ws, m.Now(), err); limited != nil {
			return limited
		}
		return err
	}
	if len(res.UnknownUsers) > 0 {
		fmt.Fprintln(m.Stdout, lang.T("sync.unknown", strings.Join(res.UnknownUsers, ", ")))
	}
	printPlaceWarnings(m.Stdout, lang, res.UnknownPlaces)
	complete := res.Kinds[0].Cursor
	for _, k := range res.Kinds {
		if k.Cursor.Before(complete) {
			complete = k.Cursor
		}
	}
	fmt.Fprintln(m.Stdout, lang.T("sync.done", res.Requests, localTime(ws, complete)))
	return nil
}

// secretKeyFlag registers --secret-key-file: the key that seals the OAuth
// tokens stored in the database.
func secretKeyFlag(env *runEnv) *string {
	return env.fs.String("secret-key-file", "",
		"file holding the 32-byte key (base64 or hex) that encrypts stored CRM tokens (default: env "+secret.EnvKey+" or "+secret.EnvKeyFile+")")
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a sync's progress as one line, rewritten in place:
// a bar of the kinds done, the kind being fetched, its records so far and
// the requests spent.
type progressBar struct {
	w     io.Writer
	label func(crm.Kind) string
	width int // of the last line drawn, to blank it
}

const barCells = 20

func (b *progressBar) update(p crmsync.Progress) {
	done := 0
	for i, k := range crm.Kinds {
		if k == p.Kind {
			done = i
			if p.Done {
				done++
			}
		}
	}
	filled := done * barCells / len(crm.Kinds)
	line := fmt.Sprintf("[%s%s] %d/%d %s: %d · %d req", strings.Repeat("#", filled), strings.Repeat(".", barCells-filled),
		done, len(crm.Kinds), b.label(p.Kind), p.Records, p.Requests)
	pad := max(0, b.width-len([]rune(line)))
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
	b.width = len([]rune(line))
}

// clear blanks the line, so that what follows starts on a clean one.
func (b *progressBar) clear() {
	if b.width > 0 {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.width))
		b.width = 0
	}
}
