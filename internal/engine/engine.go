// Package engine runs reglament's use cases — apply a workspace, import
// records, build the live table, finalize days, adjust, produce statements,
// backtest and explain — over the domain and the store. The CLI, the web
// server and the background jobs all call it, so they show the same numbers.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"reglament/internal/csvimport"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// Engine is the application service. Now is injected so that tests can
// stand at any moment around a deadline.
type Engine struct {
	Store *store.Store
	Now   func() time.Time
}

// New returns an engine over s using now as its clock (time.Now when nil).
func New(s *store.Store, now func() time.Time) *Engine {
	if now == nil {
		now = time.Now
	}
	return &Engine{Store: s, Now: now}
}

// Apply creates or updates a workspace from its parsed definition.
func (e *Engine) Apply(ctx context.Context, ws *domain.Workspace, actor string) (store.ApplyResult, error) {
	return e.Store.ApplyWorkspace(ctx, ws, actor, e.Now())
}

// UnknownPlaces lists the pipeline and stage names that ws's own
// indicators in force today or later give and that neither the CRM's
// catalogue nor the stored deals and moves know.
func (e *Engine) UnknownPlaces(ctx context.Context, ws *domain.Workspace) ([]domain.PlaceWarning, error) {
	pipelines, stages, err := e.Store.KnownPlaces(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	return domain.UnknownPlaces(ws.Regulation, domain.DateOf(e.Now().In(ws.Location)), pipelines, stages), nil
}

// Workspace loads a workspace by id.
func (e *Engine) Workspace(ctx context.Context, id string) (*domain.Workspace, error) {
	return e.Store.FindWorkspace(ctx, id)
}

// Import parses a CSV file of the given kind and upserts it, all or nothing.
// The import moment becomes the data watermark: what the file holds is
// taken as the CRM's truth up to now.
func (e *Engine) Import(ctx context.Context, workspace, kind, filename string, r io.Reader, actor string) (store.UpsertResult, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return store.UpsertResult{}, err
	}
	batch, err := csvimport.Parse(kind, filename, r, ws.Location)
	if err != nil {
		return store.UpsertResult{}, err
	}
	now := e.Now()
	return e.Store.UpsertRecords(ctx, ws.ID, batch, now, actor, now)
}

// Draft computes the live sheet of day d from the records stored now, with
// that day's adjustments applied. It stores nothing and, read at every page
// view, holds no writer back (see freezeRead).
func (e *Engine) Draft(ctx context.Context, ws *domain.Workspace, d domain.Date) (*domain.DaySheet, error) {
	return e.draft(ctx, ws, d, store.DayRead{Conns: dayReadConns()})
}

// dayReadConns is how many connections one day's read uses at once: one
// per CPU, up to the four parts that are worth spreading (the tasks, the
// deals, and the activities of the day's last hours in three slices).
func dayReadConns() int { return min(runtime.GOMAXPROCS(0), 4) }

// freezeRead is how a final sheet is read: as fast as the CPUs allow, at
// the price, on SQLite, of holding writers back for the read. Live drafts
// (Draft), read at every page view, do not hold them back.
func freezeRead() store.DayRead { return store.DayRead{Conns: dayReadConns(), HoldWriters: true} }

// draft is Draft reading the day as read says.
func (e *Engine) draft(ctx context.Context, ws *domain.Workspace, d domain.Date, read store.DayRead) (*domain.DaySheet, error) {
	if !ws.IsWorkingDay(d) {
		return nil, domain.Errorf(domain.EINVALID, "%s is not a working day of workspace %q", d, ws.ID)
	}
	data, err := e.Store.LoadDaySheet(ctx, ws, ws.Window(d), read)
	if err != nil {
		return nil, err
	}
	sheet := domain.BuildSheet(ws, d, data)
	sheet.ComputedAt = e.Now().UTC()
	// The watermark of the state the records were read in: a sync that
	// commits after the read must not make the sheet look fresher.
	sheet.Watermark = data.Watermark
	if err := e.applyAdjustments(ctx, ws.ID, &sheet); err != nil {
		return nil, err
	}
	return &sheet, nil
}

// Table returns the sheet of day d as people should see it: the final sheet
// (latest version) when there is one, else the live draft.
func (e *Engine) Table(ctx context.Context, workspace string, d domain.Date) (*domain.DaySheet, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	sheet, err := e.Store.FindSheet(ctx, ws.ID, d)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return e.Draft(ctx, ws, d)
	}
	if err != nil {
		return nil, err
	}
	if err := e.applyAdjustments(ctx, ws.ID, sheet); err != nil {
		return nil, err
	}
	return sheet, nil
}

func (e *Engine) applyAdjustments(ctx context.Context, workspace string, sheet *domain.DaySheet) error {
	adjs, err := e.Store.FindAdjustments(ctx, workspace, sheet.Date, sheet.Date)
	if err != nil {
		return err
	}
	sheet.ApplyAdjustments(adjs)
	return nil
}

// FinalizeResult reports one finalization.
type FinalizeResult struct {
	Sheet   *domain.DaySheet
	Created bool // false when the day was already final
}

// Finalize freezes the sheet of working day d. It refuses before
// cutoff(d)+grace. It is idempotent: when the day is already final it
// returns the stored sheet and changes nothing.
func (e *Engine) Finalize(ctx context.Context, workspace string, d domain.Date, actor string) (FinalizeResult, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return FinalizeResult{}, err
	}
	return e.finalize(ctx, ws, d, actor)
}

func (e *Engine) finalize(ctx context.Context, ws *domain.Workspace, d domain.Date, actor string) (FinalizeResult, error) {
	if existing, err := e.Store.FindSheet(ctx, ws.ID, d); err == nil {
		return FinalizeResult{Sheet: existing}, nil
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return FinalizeResult{}, err
	}
	win := ws.Window(d)
	if now := e.Now(); now.Before(win.Deadline()) {
		return FinalizeResult{}, domain.Errorf(domain.EINVALID, "day %s is not over yet: it can be finalized after %s",
			d, win.Deadline().In(ws.Location).Format("2006-01-02 15:04 MST"))
	}
	sheet, err := e.draft(ctx, ws, d, freezeRead())
	if err != nil {
		return FinalizeResult{}, err
	}
	sheet.Status = domain.SheetFinal
	sheet.Version = 1
	sheet.Stale = sheet.Watermark.Before(win.To)
	sheet.RequestedBy = actor
	created, existing, err := e.Store.CreateFinalSheet(ctx, sheet)
	if err != nil {
		return FinalizeResult{}, fmt.Errorf("engine: finalize %s: %w", d, err)
	}
	if !created {
		sheet = existing
	}
	if err := e.applyAdjustments(ctx, ws.ID, sheet); err != nil {
		return FinalizeResult{}, err
	}
	return FinalizeResult{Sheet: sheet, Created: created}, nil
}

// FinalizeDue finalizes every working day whose cutoff+grace has passed and
// that is not final yet, from the first regulation version's effective day
// (nothing is scored before rules exist) up to now. It is the catch-up after
// downtime, and safe to run any number of times.
func (e *Engine) FinalizeDue(ctx context.Context, workspace, actor string) ([]FinalizeResult, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	if len(ws.Regulation) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "workspace %q has no regulation: nothing to finalize", ws.ID)
	}
	now := e.Now()
	from, to := ws.Regulation[0].Effective, ws.Today(now)
	final, err := e.Store.FindSheets(ctx, ws.ID, from, to)
	if err != nil {
		return nil, err
	}
	done := make(map[domain.Date]bool, len(final))
	for _, s := range final {
		done[s.Date] = true
	}
	var results []FinalizeResult
	for _, d := range ws.WorkingDays(from, to) {
		if done[d] || now.Before(ws.Window(d).Deadline()) {
			continue
		}
		r, err := e.finalize(ctx, ws, d, actor)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// Recompute stores a new version of a final day's sheet computed from the
// records stored now, keeping every earlier version, and records who asked
// and why.
func (e *Engine) Recompute(ctx context.Context, workspace string, d domain.Date, by, reason string) (*domain.DaySheet, error) {
	if by == "" || reason == "" {
		return nil, domain.Errorf(domain.EINVALID, "recompute: who asks (--by) and why (--reason) are required")
	}
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	if _, err := e.Store.LatestSheetVersion(ctx, ws.ID, d); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Errorf(domain.EINVALID, "day %s is not final yet: finalize it first", d)
		}
		return nil, err
	}
	sheet, err := e.draft(ctx, ws, d, freezeRead())
	if err != nil {
		return nil, err
	}
	sheet.Status = domain.SheetFinal
	sheet.Stale = sheet.Watermark.Before(sheet.Cutoff)
	sheet.RequestedBy, sheet.Reason = by, reason
	if err := e.Store.AddSheetVersion(ctx, sheet); err != nil {
		return nil, err
	}
	return sheet, nil
}

// RecomputePeriod stores a new version of every final day of period, as
// Recompute does for one, all in one transaction: each day gets its new
// version or none does. The days are computed in parallel (one per CPU,
// each day read on one connection: each is a read of its own window), then
// stored in order. Days of the
// period that are not final are left alone; a period without any final day
// is EINVALID.
func (e *Engine) RecomputePeriod(ctx context.Context, workspace string, period domain.Period, by, reason string) ([]*domain.DaySheet, error) {
	if by == "" || reason == "" {
		return nil, domain.Errorf(domain.EINVALID, "recompute: who asks (--by) and why (--reason) are required")
	}
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	final, err := e.Store.FindSheetPoints(ctx, ws.ID, period.From, period.To)
	if err != nil {
		return nil, err
	}
	if len(final) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "%s has no final day to recompute", period.Label)
	}
	sheets := make([]*domain.DaySheet, len(final))
	errs := make([]error, len(final))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(final)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sheets[i], errs[i] = e.draft(ctx, ws, final[i].Date, store.DayRead{Conns: 1})
			}
		}()
	}
	for i := range final {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, sheet := range sheets {
		sheet.Status = domain.SheetFinal
		sheet.Stale = sheet.Watermark.Before(sheet.Cutoff)
		sheet.RequestedBy, sheet.Reason = by, reason
	}
	if err := e.Store.AddSheetVersions(ctx, sheets); err != nil {
		return nil, err
	}
	return sheets, nil
}

// Adjust records an audited correction of a manager's points on a day: a
// working day not after today, keeping the sum of the manager's
// adjustments of the day within the workspace's limit (default ±20).
func (e *Engine) Adjust(ctx context.Context, a *domain.Adjustment) error {
	ws, err := e.Store.FindWorkspace(ctx, a.Workspace)
	if err != nil {
		return err
	}
	// What a person may get wrong is said in their language; Validate
	// keeps the hard bounds behind it.
	limit := ws.AdjustmentLimitOrDefault()
	switch _, known := ws.Manager(a.Manager); {
	case !known:
		return i18n.Invalid("adjust.unknown_manager", a.Manager)
	case a.Date.IsZero() || a.Date.Year < 2000:
		return i18n.Invalid("adjust.bad_date", a.Date.String())
	case a.Points == 0:
		return i18n.Invalid("adjust.zero")
	case a.Points > limit || a.Points < -limit:
		return i18n.Invalid("adjust.too_many", limit, a.Points)
	case strings.TrimSpace(a.Reason) == "":
		return i18n.Invalid("adjust.no_reason")
	}
	if err := a.Validate(ws); err != nil {
		return err
	}
	if !ws.IsWorkingDay(a.Date) {
		return i18n.Invalid("adjust.not_working_day", a.Date)
	}
	// A correction is of a day that has happened: a future day has nothing
	// to correct yet (issue 13).
	if today := ws.Today(e.Now()); a.Date.After(today) {
		return i18n.Invalid("adjust.future", a.Date, today)
	}
	a.CreatedAt = e.Now().UTC()
	return e.Store.CreateAdjustmentWithin(ctx, a, limit)
}

// Statement sums the final sheets and adjustments of a period.
func (e *Engine) Statement(ctx context.Context, workspace string, p domain.Period) (*domain.Statement, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	// A statement needs each manager's sums over the final sheets, which
	// the store adds up without returning every line.
	totals, err := e.Store.FindStatementTotals(ctx, ws.ID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	adjs, err := e.Store.FindAdjustments(ctx, ws.ID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	st := domain.BuildStatementTotals(ws, p, totals, adjs)
	return &st, nil
}

// Backtest rescores the final sheets of a period with another regulation,
// changing nothing. It is BacktestReport's lines.
func (e *Engine) Backtest(ctx context.Context, workspace string, reg domain.Regulation, p domain.Period) ([]domain.BacktestLine, error) {
	r, err := e.BacktestReport(ctx, workspace, reg, p)
	if err != nil {
		return nil, err
	}
	return r.Lines, nil
}

// BacktestReport is what a backtest found: the per-manager lines, and the
// own indicators that the stored sheets lacked and were computed from the
// stored records as of each day's cutoff (Computed, on ComputedDays days).
type BacktestReport struct {
	Lines        []domain.BacktestLine
	Computed     []domain.Indicator
	ComputedDays int
}

// BacktestReport rescores the final sheets of a period with another
// regulation, changing nothing. A version of reg that defines an indicator
// a sheet does not hold (its own indicators, DESIGN.md section 10) has it
// computed from the records stored now, as of that day's cutoff, and the
// report says which indicators were so computed.
func (e *Engine) BacktestReport(ctx context.Context, workspace string, reg domain.Regulation, p domain.Period) (*BacktestReport, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	sheets, err := e.Store.FindSheets(ctx, ws.ID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	report := &BacktestReport{}
	what := *ws
	what.Regulation = reg
	for i := range sheets {
		s := &sheets[i]
		version, ok := reg.At(s.Date)
		if !ok {
			continue
		}
		var missing []domain.Indicator
		for _, d := range version.Own() {
			for _, l := range s.Lines {
				if !l.Values.Has(d.ID) {
					missing = append(missing, d.ID)
					break
				}
			}
		}
		if len(missing) == 0 {
			continue
		}
		win := ws.Window(s.Date)
		data, err := e.Store.LoadDay(ctx, ws.ID, win)
		if err != nil {
			return nil, err
		}
		values, _ := domain.ComputeValues(&what, win, data)
		for j := range s.Lines {
			l := &s.Lines[j]
			v := values[l.Manager]
			if v == nil {
				continue
			}
			for _, ind := range missing {
				if l.Values.Has(ind) {
					continue
				}
				if d, _ := version.Indicator(ind); d.Base == domain.WonAmount {
					l.Values.SetAmount(ind, v.Get(ind))
				} else {
					l.Values.SetCount(ind, v.Count(ind))
				}
			}
		}
		report.ComputedDays++
		for _, ind := range missing {
			if !slices.Contains(report.Computed, ind) {
				report.Computed = append(report.Computed, ind)
			}
		}
	}
	report.Lines = domain.Backtest(ws, reg, p.Kind, sheets)
	return report, nil
}

// Explanation is the answer to "why is this number what it is".
type Explanation struct {
	Workspace *domain.Workspace
	Manager   string
	Date      domain.Date
	Indicator domain.Indicator
	Window    domain.Window
	// Value is the number the sheet shows (final or draft); Recomputed is
	// what the records stored now give. They differ only when the CRM
	// rewrote history after the sheet was frozen.
	Value      string
	Recomputed string
	Status     string
	Evidence   []domain.Evidence
}

// Why lists the records behind one indicator of one manager's day, each
// with the reason it counts or not.
func (e *Engine) Why(ctx context.Context, workspace, manager string, d domain.Date, ind domain.Indicator) (*Explanation, error) {
	ws, err := e.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	if _, ok := ws.Manager(manager); !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "manager %q not found in workspace %q", manager, ws.ID)
	}
	if _, ok := ws.IndicatorAt(d, ind); !ok {
		known := ws.IndicatorsAt(d)
		names := make([]string, len(known))
		for i, k := range known {
			names[i] = string(k.ID)
		}
		return nil, i18n.Invalid("error.unknown_indicator_on", ind, d, strings.Join(names, ", "))
	}
	sheet, err := e.Table(ctx, ws.ID, d)
	if err != nil {
		return nil, err
	}
	win := ws.Window(d)
	data, err := e.Store.LoadDay(ctx, ws.ID, win)
	if err != nil {
		return nil, err
	}
	x := &Explanation{Workspace: ws, Manager: manager, Date: d, Indicator: ind, Window: win, Status: sheet.Status,
		Evidence: domain.Explain(ws, win, data, manager, ind)}
	if l, ok := sheet.Line(manager); ok {
		x.Value = l.Values.Format(ind)
	}
	values, _ := domain.ComputeValues(ws, win, data)
	x.Recomputed = values[manager].Format(ind)
	return x, nil
}
