package cli

import (
	"context"
	"fmt"

	"reglament/internal/store"
	"reglament/internal/telegram"
)

// runLink makes a one-time code with which a manager or a head links their
// Telegram chat: they send the bot "/start CODE". The code is printed once;
// the store keeps only its hash.
func (m *Main) runLink(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	manager := env.fs.String("manager", "", "the manager id")
	head := env.fs.String("head", "", "the head's name, as in the workspace file")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	p := store.TelegramPerson{Workspace: *workspace, Role: store.RoleManager, Person: *manager}
	switch {
	case (*manager == "") == (*head == ""):
		return usagef("give exactly one of --manager M and --head NAME")
	case *head != "":
		p.Role, p.Person = store.RoleHead, *head
	}
	st, ws, err := env.openWorkspace(ctx, p.Workspace, false)
	if err != nil {
		return err
	}
	defer st.Close()
	code, expires, err := telegram.CreateLinkCode(ctx, st, p, m.Now())
	if err != nil {
		return err
	}
	lang := env.Lang()
	fmt.Fprintln(m.Stdout, lang.T("link.code", p.Person, ws.ID, code))
	fmt.Fprintln(m.Stdout, lang.T("link.send", code))
	fmt.Fprintln(m.Stdout, lang.T("link.expires", localTime(ws, expires)))
	return nil
}
