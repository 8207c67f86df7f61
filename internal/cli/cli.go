// Package cli is reglament's command line: it parses subcommands and flags,
// opens the store, calls the engine and renders the results as text, CSV or
// JSON in Russian or English.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// Exit codes. exitTemporary is sysexits' EX_TEMPFAIL: a failure that
// passes by itself, such as a CRM limiting requests, which cron wrappers
// and systemd can tell from a mistake (2) and a fault (1).
const (
	exitOK        = 0
	exitInternal  = 1
	exitInvalid   = 2
	exitTemporary = 75
)

// Main is the program with its environment injected, so that tests run the
// real commands with a fixed clock and captured output.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
}

// command is one subcommand: its flags are registered on fs, and run does
// the work once they are parsed.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *runEnv, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"demo", "create the demo company, finalize its past days, print today's table and the month's statement; with --addr also serve it", m.runDemo},
		{"apply", "create or update a workspace from YAML: apply -f workspace.yaml", m.runApply},
		{"import", "import CSV records: import --workspace W --type companies|deals|tasks|activities|deal_moves FILE.csv", m.runImport},
		{"sync", "fetch the workspace's CRM records into the store: sync --workspace W [--full]", m.runSync},
		{"connect", "store the CRM OAuth tokens for an authorization code, encrypted: connect --workspace W --code CODE; without --code, check a token_file connection's token", m.runConnect},
		{"pbx", "the telephone exchange (Mango Office, Zadarma): pbx connect --workspace W -f workspace.yaml | pbx users --workspace W (its extensions for the managers' pbx_ids) | pbx sync --workspace W | pbx disconnect --workspace W", m.runPBX},
		{"snapshot", "finalize a day: snapshot --workspace W (--date D | --all-due)", m.runSnapshot},
		{"recompute", "store a new version of a final day, or of every final day of a period: recompute --workspace W --date D|--period P --by NAME --reason TEXT", m.runRecompute},
		{"table", "show a day sheet: table --workspace W [--date D] [--format text|csv|json]", m.runTable},
		{"statement", "show a statement: statement --workspace W --period 2026-11|2026-W47 [--format text|csv|json]", m.runStatement},
		{"adjust", "correct points: adjust --workspace W --manager M --date D --points N --reason TEXT --by NAME", m.runAdjust},
		{"backtest", "rescore a period with another regulation: backtest --workspace W -f regulation.yaml --period P", m.runBacktest},
		{"suggest", "suggest each rule's target from the final sheets: suggest --workspace W [--period P] [--format text|json]", m.runSuggest},
		{"why", "list the records behind a number: why --workspace W --manager M --date D --indicator I", m.runWhy},
		{"serve", "serve the web application and the JSON API: serve [--addr 127.0.0.1:8080]", m.runServe},
		{"user", "create a web account: user add --workspace W --email E --role admin|head|manager|viewer [--manager M]", m.runUser},
		{"webhook-url", "create or rotate the workspace's CRM webhook URL and print it once: webhook-url --workspace W --base-url https://…", m.runWebhookURL},
		{"link", "make a one-time code that links a person's Telegram chat: link --workspace W (--manager M | --head NAME)", m.runLink},
	}
}

// runEnv is what every command gets after the common flags are parsed.
type runEnv struct {
	fs     *flag.FlagSet
	dbPath *string
	lang   *string
	main   *Main
}

func (e *runEnv) Lang() i18n.Lang {
	if l, ok := i18n.Parse(*e.lang); ok {
		return l
	}
	return i18n.FromEnv(e.main.Getenv("LANG"))
}

// open opens the store and an engine over it; the caller closes the store.
func (e *runEnv) open(ctx context.Context) (*engine.Engine, func(), error) {
	s, err := store.Open(ctx, *e.dbPath)
	if err != nil {
		return nil, nil, err
	}
	return engine.New(s, e.main.Now), func() { s.Close() }, nil
}

// openWorkspace opens the store and finds workspace id in it; the caller
// closes the store. withCRM also requires the workspace's crm connection.
func (e *runEnv) openWorkspace(ctx context.Context, id string, withCRM bool) (*store.Store, *domain.Workspace, error) {
	st, err := store.Open(ctx, *e.dbPath)
	if err != nil {
		return nil, nil, err
	}
	ws, err := st.FindWorkspace(ctx, id)
	if err == nil && withCRM && ws.CRM == nil {
		err = domain.Errorf(domain.EINVALID, "workspace %q has no crm connection: add a crm section to its file and apply it", ws.ID)
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, ws, nil
}

// Run runs the command line args and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	lang := i18n.FromEnv(m.Getenv("LANG"))
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		return exitOK
	}
	for _, c := range m.commands() {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("reglament "+c.name, flag.ContinueOnError)
		fs.SetOutput(m.Stderr)
		env := &runEnv{fs: fs, main: m}
		env.dbPath = fs.String("db", m.defaultDB(), "database: a SQLite file path, sqlite://PATH or postgres://… (env REGLAMENT_DB)")
		env.lang = fs.String("lang", "", "language of the output: ru or en (default from LANG)")
		err := c.run(ctx, env, args[1:])
		return m.report(env, lang, err)
	}
	fmt.Fprintf(m.Stderr, "reglament: %s\n\n", lang.T("usage.unknown_cmd", args[0]))
	m.usage(m.Stderr)
	return exitInvalid
}

func (m *Main) defaultDB() string {
	if v := m.Getenv("REGLAMENT_DB"); v != "" {
		return v
	}
	return "reglament.db"
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: reglament <command> [flags]   (reglament <command> -h for its flags)")
	fmt.Fprintln(w)
	for _, c := range m.commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// report prints err and maps it to an exit code: the user's mistakes exit 2
// with their message; a failure that passes by itself (a CRM limiting
// requests) exits 75 saying when to try again; anything else exits 1.
func (m *Main) report(env *runEnv, lang i18n.Lang, err error) int {
	if err == nil {
		return exitOK
	}
	if env.lang != nil && *env.lang != "" {
		lang = env.Lang()
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var temp *temporaryError
	if errors.As(err, &temp) {
		fmt.Fprintf(m.Stderr, "reglament: %s\n", temp.Text(lang))
		return exitTemporary
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(m.Stderr, "reglament: %s\n", usage.Text(lang))
		env.fs.Usage()
		return exitInvalid
	}
	if domain.ErrorCode(err) != domain.EINTERNAL {
		fmt.Fprintf(m.Stderr, "reglament: %s: %s\n", lang.T("error.prefix"), i18n.ErrorText(err, lang))
		return exitInvalid
	}
	// The operator runs the CLI on their own machine: the full cause helps
	// them, and no other user sees it.
	fmt.Fprintf(m.Stderr, "reglament: %s: %v\n", lang.T("error.internal"), err)
	return exitInternal
}

// usageError is a command line that cannot run: a flag missing or wrong,
// kept as its format and arguments so that it is said in the reader's
// language (ruUsage).
type usageError struct {
	format string
	args   []any
}

func (e usageError) Error() string { return e.Text(i18n.EN) }

// Text says the problem in lang.
func (e usageError) Text(lang i18n.Lang) string {
	format := e.format
	if ru, ok := ruUsage[format]; ok && lang == i18n.RU {
		format = ru
	}
	return fmt.Sprintf(format, e.args...)
}

func usagef(format string, args ...any) error { return usageError{format: format, args: args} }

// parse parses flags allowing positional arguments between them
// (import FILE --workspace W as well as import --workspace W FILE).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{format: "%s", args: []any{err.Error()}} // the flag package's own words
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readInput reads a file the user named; a missing or unreadable file is
// the user's mistake, reported with its path.
func readInput(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "cannot read %s: %v", path, errors.Unwrap(err))
	}
	return data, nil
}

func required(name, value string) error {
	if strings.TrimSpace(value) == "" {
		return usagef("flag --%s is required", name)
	}
	return nil
}

// requireAll checks name/value pairs in order, so the first missing flag is
// always the one reported.
func requireAll(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := required(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func parseDateFlag(name, value string) (domain.Date, error) {
	d, err := domain.ParseDate(value)
	if err != nil {
		return domain.Date{}, usagef("flag --%s: %v", name, err)
	}
	return d, nil
}

func (m *Main) actor(by string) string {
	if by != "" {
		return by
	}
	if u := m.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func (m *Main) runApply(ctx context.Context, env *runEnv, args []string) error {
	file := env.fs.String("f", "", "workspace YAML file")
	by := env.fs.String("by", "", "who applies (default $USER)")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("f", *file); err != nil {
		return err
	}
	data, err := readInput(*file)
	if err != nil {
		return err
	}
	ws, err := config.ParseWorkspace(*file, data)
	if err != nil {
		return err
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := eng.Apply(ctx, ws, m.actor(*by))
	if err != nil {
		return err
	}
	lang := env.Lang()
	switch {
	case res.Created:
		fmt.Fprintln(m.Stdout, lang.T("apply.created", ws.ID))
	case len(res.Changes) == 0:
		fmt.Fprintln(m.Stdout, lang.T("apply.unchanged", ws.ID))
	default:
		fmt.Fprintln(m.Stdout, lang.T("apply.updated", ws.ID))
		for _, c := range res.Changes {
			fmt.Fprintf(m.Stdout, "  - %s\n", c)
		}
	}
	warnings, err := eng.UnknownPlaces(ctx, ws)
	if err != nil {
		return err
	}
	printPlaceWarnings(m.Stdout, lang, warnings)
	return m.pbxHint(ctx, eng.Store, lang, *file, data, ws.ID)
}

// pbxHint says, when the file's pbx section names an exchange the
// workspace is not connected to, that apply only checked it: the key is
// checked and stored encrypted by reglament pbx connect.
func (m *Main) pbxHint(ctx context.Context, st *store.Store, lang i18n.Lang, file string, data []byte, workspace string) error {
	want, err := config.ParsePBX(file, data)
	if err != nil || want == nil {
		return err
	}
	have, err := st.FindPBXConnection(ctx, workspace)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return err
	}
	if err != nil || have.Kind != want.Kind || want.BaseURL != "" && have.BaseURL != want.BaseURL {
		fmt.Fprintln(m.Stdout, lang.T("pbx.apply_hint", want.Kind, workspace, file))
	}
	return nil
}

// printPlaceWarnings says which pipeline and stage names of own
// indicators the CRM does not know: their filters match nothing.
func printPlaceWarnings(w io.Writer, lang i18n.Lang, warnings []domain.PlaceWarning) {
	for _, pw := range warnings {
		fmt.Fprintln(w, lang.T("place.unknown", pw.Effective, pw.Indicator, pw.Field, pw.Name))
	}
}

func (m *Main) runImport(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	kind := env.fs.String("type", "", "companies, deals, tasks, activities, deal_moves, contacts or pbx_calls")
	by := env.fs.String("by", "", "who imports (default $USER)")
	files, err := parse(env.fs, args)
	if err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	if err := required("type", *kind); err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("import takes exactly one CSV file, got %d", len(files))
	}
	f, err := os.Open(files[0])
	if err != nil {
		return domain.Errorf(domain.EINVALID, "cannot read %s: %v", files[0], errors.Unwrap(err))
	}
	defer f.Close()
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := eng.Import(ctx, *workspace, *kind, files[0], f, m.actor(*by))
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, env.Lang().T("import.done", files[0], res.Written, res.Unchanged))
	return nil
}

func (m *Main) runSnapshot(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	date := env.fs.String("date", "", "working day to finalize, YYYY-MM-DD")
	allDue := env.fs.Bool("all-due", false, "finalize every working day whose deadline has passed")
	by := env.fs.String("by", "", "who finalizes (default $USER)")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := required("workspace", *workspace); err != nil {
		return err
	}
	if (*date == "") == !*allDue {
		return usagef("give exactly one of --date or --all-due")
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	lang := env.Lang()
	var results []engine.FinalizeResult
	if *allDue {
		results, err = eng.FinalizeDue(ctx, *workspace, m.actor(*by))
		if err != nil {
			return err
		}
		if len(results) == 0 {
			fmt.Fprintln(m.Stdout, lang.T("snapshot.none"))
		}
	} else {
		d, err := parseDateFlag("date", *date)
		if err != nil {
			return err
		}
		r, err := eng.Finalize(ctx, *workspace, d, m.actor(*by))
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	for _, r := range results {
		key := "snapshot.exists"
		if r.Created {
			key = "snapshot.created"
		}
		fmt.Fprintln(m.Stdout, lang.T(key, r.Sheet.Date, r.Sheet.Version))
	}
	return nil
}

func (m *Main) runRecompute(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	date := env.fs.String("date", "", "final day to recompute, YYYY-MM-DD")
	period := env.fs.String("period", "", "or every final day of a period, 2026-11 or 2026-W47, in one transaction")
	by := env.fs.String("by", "", "who asks for the recomputation")
	reason := env.fs.String("reason", "", "why")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if (*date == "") == (*period == "") {
		return usagef("give one of --date and --period")
	}
	if err := requireAll("workspace", *workspace, "by", *by, "reason", *reason); err != nil {
		return err
	}
	if err := textLimits(textFlag{"--by", *by, domain.MaxNameRunes}, textFlag{"--reason", *reason, domain.MaxTextRunes}); err != nil {
		return err
	}
	var sheets []*domain.DaySheet
	var recompute func(eng *engine.Engine) error
	if *date != "" {
		d, err := parseDateFlag("date", *date)
		if err != nil {
			return err
		}
		recompute = func(eng *engine.Engine) error {
			sheet, err := eng.Recompute(ctx, *workspace, d, *by, *reason)
			sheets = append(sheets, sheet)
			return err
		}
	} else {
		p, err := domain.ParsePeriod(*period)
		if err != nil {
			return usagef("flag --period: %v", err)
		}
		recompute = func(eng *engine.Engine) (err error) {
			sheets, err = eng.RecomputePeriod(ctx, *workspace, p, *by, *reason)
			return err
		}
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := recompute(eng); err != nil {
		return err
	}
	for _, sheet := range sheets {
		fmt.Fprintln(m.Stdout, env.Lang().T("recompute.done", sheet.Date, sheet.Version))
	}
	return nil
}

func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "output format: text, csv or json")
}

func checkFormat(f string) error {
	switch f {
	case "text", "csv", "json":
		return nil
	}
	return usagef("flag --format: want text, csv or json, got %q", f)
}

// openReport parses and checks the flags of a report command (table,
// statement) — so it takes the flag pointers, read only after parsing —
// opens the store and loads the workspace. The caller closes the store.
func (e *runEnv) openReport(ctx context.Context, args []string, workspace, format *string) (*engine.Engine, *domain.Workspace, func(), error) {
	if _, err := parse(e.fs, args); err != nil {
		return nil, nil, nil, err
	}
	if err := required("workspace", *workspace); err != nil {
		return nil, nil, nil, err
	}
	if err := checkFormat(*format); err != nil {
		return nil, nil, nil, err
	}
	eng, closeStore, err := e.open(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ws, err := eng.Workspace(ctx, *workspace)
	if err != nil {
		closeStore()
		return nil, nil, nil, err
	}
	return eng, ws, closeStore, nil
}

func (m *Main) runTable(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	date := env.fs.String("date", "", "working day, YYYY-MM-DD (default today)")
	format := formatFlag(env.fs)
	eng, ws, closeStore, err := env.openReport(ctx, args, workspace, format)
	if err != nil {
		return err
	}
	defer closeStore()
	d := ws.Today(m.Now())
	if *date != "" {
		if d, err = parseDateFlag("date", *date); err != nil {
			return err
		}
	}
	sheet, err := eng.Table(ctx, ws.ID, d)
	if err != nil {
		return err
	}
	r := renderer{w: m.Stdout, lang: env.Lang(), now: m.Now()}
	return r.sheet(*format, ws, sheet)
}

func (m *Main) runStatement(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	period := env.fs.String("period", "", "2026-11 (month) or 2026-W47 (ISO week); default this month")
	format := formatFlag(env.fs)
	eng, ws, closeStore, err := env.openReport(ctx, args, workspace, format)
	if err != nil {
		return err
	}
	defer closeStore()
	p := domain.MonthOf(ws.Today(m.Now()))
	if *period != "" {
		if p, err = domain.ParsePeriod(*period); err != nil {
			return err
		}
	}
	st, err := eng.Statement(ctx, ws.ID, p)
	if err != nil {
		return err
	}
	r := renderer{w: m.Stdout, lang: env.Lang(), now: m.Now()}
	return r.statement(*format, ws, st)
}

func (m *Main) runAdjust(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	manager := env.fs.String("manager", "", "manager id")
	date := env.fs.String("date", "", "working day, YYYY-MM-DD")
	points := env.fs.Int("points", 0, "points to add (negative to take away)")
	reason := env.fs.String("reason", "", "why (required)")
	by := env.fs.String("by", "", "who makes the correction (required)")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := requireAll("workspace", *workspace, "manager", *manager, "date", *date, "reason", *reason, "by", *by); err != nil {
		return err
	}
	d, err := parseDateFlag("date", *date)
	if err != nil {
		return err
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	a := &domain.Adjustment{Workspace: *workspace, Manager: *manager, Date: d, Points: *points, Reason: *reason, Author: *by}
	if err := eng.Adjust(ctx, a); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, env.Lang().T("adjust.done", a.ID, a.Manager, a.Date, a.Points, a.Reason))
	return nil
}

func (m *Main) runBacktest(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	file := env.fs.String("f", "", "YAML file with the regulation to try")
	period := env.fs.String("period", "", "2026-11 or 2026-W47")
	format := formatFlag(env.fs)
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := requireAll("workspace", *workspace, "f", *file, "period", *period); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	p, err := domain.ParsePeriod(*period)
	if err != nil {
		return err
	}
	data, err := readInput(*file)
	if err != nil {
		return err
	}
	reg, err := config.ParseRegulation(*file, data)
	if err != nil {
		return err
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	ws, err := eng.Workspace(ctx, *workspace)
	if err != nil {
		return err
	}
	report, err := eng.BacktestReport(ctx, ws.ID, reg, p)
	if err != nil {
		return err
	}
	r := renderer{w: m.Stdout, lang: env.Lang(), now: m.Now()}
	if err := r.backtest(*format, ws, p, report.Lines); err != nil {
		return err
	}
	if len(report.Computed) > 0 && *format == "text" {
		names := make([]string, len(report.Computed))
		for i, ind := range report.Computed {
			names[i] = string(ind)
		}
		fmt.Fprintln(m.Stdout, env.Lang().T("backtest.computed", strings.Join(names, ", "), report.ComputedDays))
	}
	return nil
}

func (m *Main) runWhy(ctx context.Context, env *runEnv, args []string) error {
	workspace := env.fs.String("workspace", "", "workspace id")
	manager := env.fs.String("manager", "", "manager id")
	date := env.fs.String("date", "", "working day, YYYY-MM-DD")
	indicator := env.fs.String("indicator", "", "indicator name, e.g. calls_held")
	format := env.fs.String("format", "text", "output format: text or json")
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := requireAll("workspace", *workspace, "manager", *manager, "date", *date, "indicator", *indicator); err != nil {
		return err
	}
	d, err := parseDateFlag("date", *date)
	if err != nil {
		return err
	}
	ind, ok := domain.ParseIndicator(*indicator)
	if !ok {
		names := make([]string, len(domain.Bases))
		for i, x := range domain.Bases {
			names[i] = string(x)
		}
		return i18n.Invalid("error.unknown_indicator", *indicator, strings.Join(names, ", "))
	}
	if *format != "text" && *format != "json" {
		return usagef("flag --format: want text or json, got %q", *format)
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	x, err := eng.Why(ctx, *workspace, *manager, d, ind)
	if err != nil {
		return err
	}
	r := renderer{w: m.Stdout, lang: env.Lang(), now: m.Now()}
	return r.why(*format, x)
}
