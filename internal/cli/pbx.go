package cli

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"reglament/internal/config"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/pbx"
	"reglament/internal/secret"
)

// pbx's usage problems in Russian, joined to ruUsage.
func init() {
	for k, v := range map[string]string{
		"want: pbx connect --workspace W -f workspace.yaml [--secret -] | pbx users --workspace W | pbx sync --workspace W [--full] | pbx disconnect --workspace W": "нужно: pbx connect --workspace W -f workspace.yaml [--secret -] | pbx users --workspace W | pbx sync --workspace W [--full] | pbx disconnect --workspace W",
		"the file is workspace %q, not %q":                                                   "в файле рабочее пространство %q, а не %q",
		"the pbx section names secret_file: leave out --secret":                              "в разделе pbx указан secret_file: уберите --secret",
		"the pbx section names no secret_file: pass --secret - and give the secret on stdin": "в разделе pbx нет secret_file: укажите --secret - и передайте секрет на стандартный ввод",
		"--secret -: no secret on stdin":                                                     "--secret -: на стандартном вводе нет секрета",
	} {
		if _, ok := ruUsage[k]; !ok {
			ruUsage[k] = v
		}
	}
}

// runPBX is the workspace's telephone exchange (DESIGN.md section 12):
// connect it (the file's pbx section; its key is checked with one request
// and stored sealed with the secret key), list its extensions beside the
// managers they map to, sync its call log, disconnect it.
func (m *Main) runPBX(ctx context.Context, env *runEnv, args []string) error {
	if len(args) == 0 || !slices.Contains([]string{"connect", "users", "sync", "disconnect"}, args[0]) {
		return usagef("want: pbx connect --workspace W -f workspace.yaml [--secret -] | pbx users --workspace W | pbx sync --workspace W [--full] | pbx disconnect --workspace W")
	}
	sub := args[0]
	workspace := env.fs.String("workspace", "", "workspace id")
	file := env.fs.String("f", "", "workspace YAML file with a pbx section (connect)")
	secretFlag := env.fs.String("secret", "", "- reads the exchange's secret (Mango Office's salt, Zadarma's secret) from stdin, when the pbx section names no secret_file (connect)")
	by := env.fs.String("by", "", "who connects or syncs, for the audit trail (default $USER)")
	full := env.fs.Bool("full", false, "read the last 92 days again, not only what was logged since the last sync (sync)")
	keyFile := secretKeyFlag(env)
	if _, err := parse(env.fs, args[1:]); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	box, err := secret.Source{File: *keyFile, Getenv: m.Getenv}.Box()
	if err != nil && sub != "disconnect" {
		return err
	}
	st, ws, err := env.openWorkspace(ctx, *workspace, false)
	if err != nil {
		return err
	}
	defer st.Close()
	syncer := &crmsync.Syncer{Store: st, Secrets: box}
	lang := env.Lang()
	switch sub {
	case "connect":
		if err := required("f", *file); err != nil {
			return err
		}
		data, err := readInput(*file)
		if err != nil {
			return err
		}
		fileWS, err := config.ParseWorkspace(*file, data)
		if err != nil {
			return err
		}
		if fileWS.ID != ws.ID {
			return usagef("the file is workspace %q, not %q", fileWS.ID, ws.ID)
		}
		c, err := config.ParsePBX(*file, data)
		if err != nil {
			return err
		}
		if c == nil {
			return domain.Errorf(domain.EINVALID, "%s: no pbx section: add one (kind, key, secret_file) and run pbx connect again", *file)
		}
		secretText, err := m.pbxSecret(c, *secretFlag)
		if err != nil {
			return err
		}
		exts, err := syncer.ConnectPBX(ctx, ws.ID, c.Kind, c.BaseURL, c.Key, secretText, m.actor(*by))
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, lang.T("pbx.connected", ws.ID, c.Kind, len(exts)))
		m.printExtensions(lang, ws, exts)
		return nil
	case "users":
		exts, kind, err := syncer.PBXExtensions(ctx, ws.ID)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, lang.T("pbx.users", ws.ID, kind, len(exts)))
		m.printExtensions(lang, ws, exts)
		return nil
	case "sync":
		unlock, err := st.LockCRM(ctx, ws.ID, func() { fmt.Fprintln(m.Stderr, lang.T("sync.waiting", ws.ID)) })
		if err != nil {
			return err
		}
		defer unlock()
		res, err := syncer.SyncPBX(ctx, ws.ID, *full, m.actor(*by))
		if res != nil {
			fmt.Fprintln(m.Stdout, lang.T("pbx.synced", ws.ID, res.Source, res.Windows, res.Fetched, res.Written, res.Unchanged,
				res.Requests, localTime(ws, res.Cursor)))
		}
		return err
	case "disconnect":
		if err := st.DeletePBXConnection(ctx, ws.ID, m.actor(*by), time.Now()); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, lang.T("pbx.disconnected", ws.ID))
		return nil
	}
	return usagef("want: pbx connect --workspace W -f workspace.yaml [--secret -] | pbx users --workspace W | pbx sync --workspace W [--full] | pbx disconnect --workspace W")
}

// pbxSecret reads the exchange's secret: from the section's secret_file,
// or a line of stdin with --secret -.
func (m *Main) pbxSecret(c *config.PBXConnection, flag string) (string, error) {
	switch {
	case c.SecretFile != "" && flag != "":
		return "", usagef("the pbx section names secret_file: leave out --secret")
	case c.SecretFile != "":
		return secret.ReadFile(nil, c.SecretFile, "pbx secret file")
	case flag != "-":
		return "", usagef("the pbx section names no secret_file: pass --secret - and give the secret on stdin")
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("--secret -: no secret on stdin")
	}
	return strings.TrimSpace(line), nil
}

// printExtensions lists the exchange's extensions with the manager each
// maps to by pbx_ids, then the pbx_ids no extension has.
func (m *Main) printExtensions(lang i18n.Lang, ws *domain.Workspace, exts []pbx.Extension) {
	owner := map[string]string{}
	for _, mg := range ws.Managers {
		for _, id := range mg.PBXIDs {
			owner[id] = mg.ID
		}
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, lang.T("pbx.columns"))
	known := map[string]bool{}
	for _, e := range exts {
		known[e.ID] = true
		who := owner[e.ID]
		if who == "" {
			who = lang.T("pbx.unmapped")
		}
		name := e.Name
		if name == "" {
			name = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.ID, name, who)
	}
	tw.Flush()
	for _, mg := range ws.Managers {
		for _, id := range mg.PBXIDs {
			if !known[id] {
				fmt.Fprintln(m.Stdout, lang.T("pbx.unknown_id", mg.ID, id))
			}
		}
	}
}

// SyncPBX is the jobs.PBX of serve: crmsync over the workspace's
// exchange; a workspace without one is left alone.
func (c crmSyncer) SyncPBX(ctx context.Context, workspace, actor string) error {
	_, err := c.syncer.SyncPBX(ctx, workspace, false, actor)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	return err
}

// PBXFresh reports whether the workspace's call log reaches until.
func (c crmSyncer) PBXFresh(ctx context.Context, workspace string, until time.Time) (bool, error) {
	return c.syncer.PBXFresh(ctx, workspace, until)
}
