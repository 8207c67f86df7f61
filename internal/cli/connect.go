package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"reglament/internal/crmsync"
	"reglament/internal/i18n"
	"reglament/internal/secret"
)

// runConnect completes the OAuth authorization of the workspace's CRM
// connection: it exchanges the authorization code the CRM redirected with
// for a token pair and stores the pair encrypted with the secret key. Syncs
// then use the pair and refresh it as it expires. With --code - the code is
// read from stdin, keeping it out of the shell history. A connection by
// token_file (a Pipedrive API token, a HubSpot private app token) needs no
// code: connect checks that the CRM accepts the token.
func (m *Main) runConnect(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	code := env.fs.String("code", "", "the authorization code the CRM redirected to redirect_uri with (single use and short-lived: Bitrix24's lasts 30 seconds); - reads it from stdin; not for a token_file connection, whose token is checked")
	by := env.fs.String("by", "", "who connects, for the audit trail (default $USER)")
	keyFile := secretKeyFlag(env)
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := requireAll("workspace", *workspace); err != nil {
		return err
	}
	if *code == "" {
		return m.checkToken(ctx, env, *workspace, *keyFile)
	}
	if *code == "-" {
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return usagef("--code -: no code on stdin")
		}
		*code = strings.TrimSpace(line)
	}
	box, err := secret.Source{File: *keyFile, Getenv: m.Getenv}.Box()
	if err != nil {
		return err
	}
	st, ws, err := env.openWorkspace(ctx, *workspace, false)
	if err != nil {
		return err
	}
	defer st.Close()
	syncer := &crmsync.Syncer{Store: st, Secrets: box}
	expiry, err := syncer.Connect(ctx, ws.ID, *code, m.actor(*by))
	if err != nil {
		return err
	}
	until := "?"
	if !expiry.IsZero() {
		until = localTime(ws, expiry)
	}
	fmt.Fprintln(m.Stdout, env.Lang().T("connect.done", ws.ID, ws.CRM.Kind, until))
	return nil
}

// checkToken is connect for a connection by token_file, or by a token
// pasted on the setup page (stored sealed: it needs the secret key): one
// call with the token says whether the CRM accepts it. An OAuth connection
// needs --code.
func (m *Main) checkToken(ctx context.Context, env *runEnv, workspace, keyFile string) error {
	st, ws, err := env.openWorkspace(ctx, workspace, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if ws.CRM.OAuth != nil {
		return usagef("flag --%s is required", "code")
	}
	syncer := &crmsync.Syncer{Store: st}
	if crmsync.Pasted(ws.CRM) {
		if syncer.Secrets, err = (secret.Source{File: keyFile, Getenv: m.Getenv}).Box(); err != nil {
			return err
		}
	}
	if err := syncer.CheckToken(ctx, ws.ID); err != nil {
		var refused *crmsync.TokenRefusedError
		if errors.As(err, &refused) {
			return &tokenRefused{refused}
		}
		return err
	}
	if crmsync.Pasted(ws.CRM) {
		fmt.Fprintln(m.Stdout, env.Lang().T("setupcrm.connect_checked", ws.ID, ws.CRM.Kind))
		return nil
	}
	fmt.Fprintln(m.Stdout, env.Lang().T("connect.checked", ws.ID, ws.CRM.Kind))
	return nil
}

// tokenRefused says a refused token in the reader's language
// (i18n.Localized); it stays the EINVALID error crmsync returned.
type tokenRefused struct{ *crmsync.TokenRefusedError }

func (e *tokenRefused) Text(l i18n.Lang) string {
	if e.File == "" { // a token pasted on the setup page
		return l.T("setupcrm.connect_refused", e.Kind, e.Status)
	}
	return l.T("connect.token_refused", e.Kind, e.File, e.Status)
}

func (e *tokenRefused) Unwrap() error { return e.TokenRefusedError }
