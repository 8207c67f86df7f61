package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/hooks"
	"reglament/internal/secret"
)

// runWebhookURL creates or rotates a workspace's webhook URL and prints it,
// the only time the secret in it is ever shown: the store keeps its hash.
// A Pipedrive workspace also gets new HTTP Basic credentials for its
// webhooks, printed once beside the URL and stored sealed with the key
// that seals CRM tokens.
func (m *Main) runWebhookURL(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	baseURL := env.fs.String("base-url", "", "the address the CRM reaches reglament serve at, e.g. https://reglament.example.com")
	by := env.fs.String("by", "", "who rotates the URL (default $USER)")
	keyFile := secretKeyFlag(env)
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
	// Pipedrive's credentials are made and sealed before the URL rotates:
	// without the key, nothing changes.
	var user, password string
	var sealed []byte
	if ws.CRM.Kind == domain.CRMPipedrive {
		box, err := secret.Source{File: *keyFile, Getenv: m.Getenv}.Box()
		if err != nil {
			return err
		}
		if user, password, sealed, err = hooks.NewCredentials(box, ws.ID); err != nil {
			return err
		}
	}
	urlSecret := auth.NewToken()
	if err := st.PutWebhookSecret(ctx, ws.ID, auth.HashToken(urlSecret), m.actor(*by), m.Now()); err != nil {
		return err
	}
	if sealed != nil {
		if err := st.PutWebhookCredentials(ctx, ws.ID, sealed, m.Now()); err != nil {
			return err
		}
	}
	fmt.Fprintln(m.Stdout, base+"/hooks/"+url.PathEscape(ws.ID)+"/"+urlSecret)
	if sealed != nil {
		fmt.Fprintln(m.Stdout, "http_auth_user: "+user)
		fmt.Fprintln(m.Stdout, "http_auth_password: "+password)
	}
	fmt.Fprintln(m.Stderr, env.Lang().T("webhook.shown", ws.ID, ws.CRM.Kind))
	switch c := ws.CRM; c.Kind {
	case domain.CRMBitrix24:
		if c.ApplicationTokenFile == "" {
			fmt.Fprintln(m.Stderr, env.Lang().T("webhook.b24token"))
		}
	case domain.CRMHubSpot:
		fmt.Fprintln(m.Stderr, env.Lang().T("crmhooks.hubspot"))
		if c.ApplicationTokenFile == "" && c.OAuth == nil {
			fmt.Fprintln(m.Stderr, env.Lang().T("crmhooks.hubspot_no_secret"))
		}
	case domain.CRMPipedrive:
		fmt.Fprintln(m.Stderr, env.Lang().T("crmhooks.pipedrive"))
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

// webhookSecrets returns the box that opens Pipedrive's webhook
// credentials in reglament serve: the key of the CRM tokens, from the
// environment. Without one (or with one that cannot be read, which the log
// says) Pipedrive's webhooks are refused and the rest is served.
func (m *Main) webhookSecrets(log *slog.Logger) *secret.Box {
	box, err := secret.Source{Getenv: m.Getenv}.Box()
	if err != nil && !errors.Is(err, secret.ErrNoKey) {
		log.Error("pipedrive webhooks will be refused: " + domain.ErrorMessage(err))
	}
	return box
}
