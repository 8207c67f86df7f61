package cli

import (
	"context"
	"fmt"
	"time"

	"reglament/internal/demo"
	"reglament/internal/domain"
)

// runDemo creates (or reuses) the demo company in the database, brings its
// CRM history up to now, finalizes every past working day and prints
// today's live table and this month's statement. With --addr it then
// creates one web login per role and serves the web application.
func (m *Main) runDemo(ctx context.Context, env *runEnv, args []string) error {
	addr := env.fs.String("addr", "", "also serve the web application on this address, e.g. 127.0.0.1:8080")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	now := m.Now()
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return fmt.Errorf("cli: demo: %w", err)
	}
	generated := demo.Workspace(domain.DateOf(now.In(moscow)))
	ws, err := eng.Workspace(ctx, generated.ID)
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		// A demo database created on an earlier day keeps its workspace (its
		// regulation is already used by final sheets); only a new one is applied.
		if _, err := eng.Apply(ctx, generated, "demo"); err != nil {
			return err
		}
		ws = generated
	case "":
	default:
		return err
	}
	if _, err := eng.Store.UpsertRecords(ctx, ws.ID, demo.Records(ws, now), now, "demo", now); err != nil {
		return err
	}
	results, err := eng.FinalizeDue(ctx, ws.ID, "demo")
	if err != nil {
		return err
	}
	lang := env.Lang()
	r := renderer{w: m.Stdout, lang: lang, now: now}
	day := ws.Today(now)
	if !ws.IsWorkingDay(day) {
		if day, _ = ws.PrevWorkingDay(day); day.IsZero() {
			return domain.Errorf(domain.EINVALID, "demo: workspace %q has no working days", ws.ID)
		}
	}
	sheet, err := eng.Table(ctx, ws.ID, day)
	if err != nil {
		return err
	}
	if err := r.sheet("text", ws, sheet); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	st, err := eng.Statement(ctx, ws.ID, domain.MonthOf(ws.Today(now)))
	if err != nil {
		return err
	}
	if err := r.statement("text", ws, st); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	fmt.Fprintln(m.Stdout, lang.T("demo.ready", *env.dbPath, len(results)))
	fmt.Fprintln(m.Stdout, lang.T("demo.next"))
	if *addr == "" {
		return nil
	}
	if err := m.demoUsers(ctx, env, eng, *addr); err != nil {
		return err
	}
	return m.serve(ctx, env, eng, *addr, nil, false, false)
}
