package cli

import (
	"context"
	"fmt"
	"strings"

	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// runSync fetches the workspace's CRM records changed since the last sync
// (everything with --full) and stores them, then prints what each kind
// brought and the CRM users that map to no manager.
func (m *Main) runSync(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	full := env.fs.Bool("full", false, "fetch everything, not only what changed since the last sync")
	by := env.fs.String("by", "", "who syncs (default $USER)")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	st, err := store.Open(ctx, *env.dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	ws, err := st.FindWorkspace(ctx, *workspace)
	if err != nil {
		return err
	}
	if ws.CRM == nil {
		return domain.Errorf(domain.EINVALID, "workspace %q has no crm connection: add a crm section to its file and apply it", ws.ID)
	}
	lang := env.Lang()
	head := "sync.delta"
	if *full {
		head = "sync.full"
	}
	fmt.Fprintln(m.Stdout, lang.T(head, ws.ID, ws.CRM.BaseURL))
	// The connector paces its requests by the real clock, whatever
	// clock the command was given.
	syncer := &crmsync.Syncer{Store: st}
	client, err := syncer.NewClient(ws.CRM)
	if err != nil {
		return err
	}
	res, err := syncer.SyncWith(ctx, ws, client, *full, m.actor(*by))
	if res != nil {
		for _, k := range res.Kinds {
			fmt.Fprintln(m.Stdout, lang.T("sync.kind", lang.T("kind."+string(k.Kind)), k.Fetched, k.Written, k.Unchanged))
		}
	}
	if err != nil {
		return err
	}
	if len(res.UnknownUsers) > 0 {
		fmt.Fprintln(m.Stdout, lang.T("sync.unknown", strings.Join(res.UnknownUsers, ", ")))
	}
	complete := res.Kinds[0].Cursor
	for _, k := range res.Kinds {
		if k.Cursor.Before(complete) {
			complete = k.Cursor
		}
	}
	fmt.Fprintln(m.Stdout, lang.T("sync.done", res.Requests, localTime(ws, complete)))
	return nil
}
