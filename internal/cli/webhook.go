package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

// runWebhookURL creates or rotates a workspace's webhook URL and prints it,
// the only time the secret in it is ever shown: the store keeps its hash.
func (m *Main) runWebhookURL(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	baseURL := env.fs.String("base-url", "", "the address the CRM reaches reglament serve at, e.g. https://reglament.example.com")
	by := env.fs.String("by", "", "who rotates the URL (default $USER)")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := requireAll("workspace", *workspace, "base-url", *baseURL); err != nil {
		return err
	}
	base, err := webhookBase(*baseURL)
	if err != nil {
		return err
	}
	st, ws, err := env.openWorkspace(ctx, *workspace, true)
	if err != nil {
		return err
	}
	defer st.Close()
	secret := auth.NewToken()
	if err := st.PutWebhookSecret(ctx, ws.ID, auth.HashToken(secret), m.actor(*by), m.Now()); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, base+"/hooks/"+url.PathEscape(ws.ID)+"/"+secret)
	fmt.Fprintln(m.Stderr, env.Lang().T("webhook.shown", ws.ID, ws.CRM.Kind))
	if ws.CRM.Kind == domain.CRMBitrix24 && ws.CRM.ApplicationTokenFile == "" {
		fmt.Fprintln(m.Stderr, env.Lang().T("webhook.b24token"))
	}
	if ws.CRM.Kind == domain.CRMHubSpot || ws.CRM.Kind == domain.CRMPipedrive {
		// internal/hooks does not route their webhooks yet (issue 17).
		fmt.Fprintln(m.Stderr, env.Lang().T("webhook.not_routed", ws.CRM.Kind))
	}
	return nil
}

// webhookBase checks the --base-url flag: an absolute http(s) URL with no
// query or fragment. It returns it without a trailing slash.
func webhookBase(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", usagef("flag --base-url: want an absolute http(s) address such as https://reglament.example.com, got %q", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
