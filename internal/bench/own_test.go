package bench

import (
	"context"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
)

// ownRegulation is the benchmark's regulation with six own indicators
// (DESIGN.md section 10) and a rule on each: the examples of DESIGN.md
// (proposals sent, sales deals without tasks, idle sales deals, long
// outgoing calls), sales deals created and tasks completed. It is what a
// finalization reads and evaluates beyond the tallies of built-ins.
// ownRecordsRegulation adds a seventh that needs each record's deal
// (overdue tasks of sales deals: each task's deal at the cutoff), which
// only records served until the store counted such records by place.
func ownRegulation(ws *domain.Workspace) domain.Regulation {
	sixty := 60
	sales := []string{"Продажи"}
	v := ws.Regulation[0]
	v.Indicators = []domain.IndicatorDef{
		{ID: "proposals_sent", Base: domain.DealMoves, Where: domain.Filter{Pipeline: sales, ToStage: []string{"КП отправлено"}}},
		{ID: "sales_without_tasks", Base: domain.DealsWithoutTasks, Where: domain.Filter{Pipeline: sales}},
		{ID: "idle_sales", Base: domain.DealsIdle, IdleDays: 7, Where: domain.Filter{Pipeline: sales}},
		{ID: "long_out_calls", Base: domain.CallsHeld, Where: domain.Filter{Direction: domain.DirectionOut, MinSeconds: &sixty}},
		{ID: "sales_created", Base: domain.DealsCreated, Where: domain.Filter{Pipeline: sales}},
		{ID: "tasks_done", Base: domain.TasksCompleted},
	}
	v.Rules = append([]domain.Rule(nil), v.Rules...)
	for _, d := range v.Indicators {
		v.Rules = append(v.Rules, domain.Rule{Indicator: d.ID, Op: domain.AtLeast, Target: decimal.NewFromInt(1), Pass: 1, Fail: -2})
	}
	return domain.Regulation{v}
}

func ownRecordsRegulation(ws *domain.Workspace) domain.Regulation {
	reg := ownRegulation(ws)
	v := &reg[0]
	v.Indicators = append(v.Indicators, domain.IndicatorDef{ID: "sales_overdue", Base: domain.OverdueTasks,
		Where: domain.Filter{Pipeline: []string{"Продажи"}}})
	v.Rules = append(v.Rules, domain.Rule{Indicator: "sales_overdue", Op: domain.AtMost, Target: decimal.Zero, Pass: 1, Fail: -2})
	return reg
}

// ownCallsRegulation adds to ownRegulation the calls held on sales deals:
// an own indicator of activities by pipeline, whose calls are counted by
// the place of their deals when they happened.
func ownCallsRegulation(ws *domain.Workspace) domain.Regulation {
	reg := ownRegulation(ws)
	v := &reg[0]
	v.Indicators = append(v.Indicators, domain.IndicatorDef{ID: "sales_calls", Base: domain.CallsHeld,
		Where: domain.Filter{Pipeline: []string{"Продажи"}}})
	v.Rules = append(v.Rules, domain.Rule{Indicator: "sales_calls", Op: domain.AtLeast, Target: decimal.NewFromInt(20), Pass: 1, Fail: -2})
	return reg
}

// BenchmarkDayOwn reads and computes the last day's sheet for every
// manager, as a finalization does before it stores the sheet, under the
// article's regulation and under the same with six own indicators: the
// cost of the company's own regulation (issue 12's target: within 1.2×).
// Each iteration reads the sheet under each regulation in turn, so that
// the ratios (x-own6, x-own7records) compare runs on the same machine in
// the same minute: two shared cores drift by tens of percent between
// minutes. The stored workspace is not changed, so the data sets stay as
// other benchmarks expect them.
func BenchmarkDayOwn(b *testing.B) {
	sz := benchSize(b)
	b.Run("size="+sz.Name, func(b *testing.B) {
		eachStore(b, sz, sz.Days, func(b *testing.B, d *dataset) {
			regs := []struct {
				name string
				reg  domain.Regulation
			}{{"builtin", d.ws.Regulation}, {"own6", ownRegulation(d.ws)}, {"own7records", ownRecordsRegulation(d.ws)},
				{"own7calls", ownCallsRegulation(d.ws)}}
			ctx := context.Background()
			day := d.days[len(d.days)-1]
			read := store.DayRead{Conns: 2, HoldWriters: true}
			spent := make([]time.Duration, len(regs))
			b.ReportAllocs()
			for b.Loop() {
				for i, reg := range regs {
					ws := *d.ws
					ws.Regulation = reg.reg
					start := time.Now()
					data, err := d.store.LoadDaySheet(ctx, &ws, ws.Window(day), read)
					if err != nil {
						b.Fatal(err)
					}
					sheet := domain.BuildSheet(&ws, day, data)
					spent[i] += time.Since(start)
					if len(sheet.Lines) != len(ws.Managers) {
						b.Fatalf("%d lines, want %d", len(sheet.Lines), len(ws.Managers))
					}
				}
			}
			for i, reg := range regs {
				b.ReportMetric(float64(spent[i].Microseconds())/1000/float64(b.N), reg.name+"-ms")
				if i > 0 {
					b.ReportMetric(float64(spent[i])/float64(spent[0]), "x-"+reg.name)
				}
			}
			reportRSS(b)
		})
	})
}

// BenchmarkFinalizeDayOwn finalizes the last day for every manager as
// BenchmarkFinalizeDay does (read the workspace, read the day on the
// freeze's connections, compute, store a new sheet version), once under
// the stored regulation and once under the same with six own indicators,
// in turn within each iteration; x-own6 is the ratio of their sums, the
// figure issue 12's target (within 1.2×) is judged on.
func BenchmarkFinalizeDayOwn(b *testing.B) {
	sz := benchSize(b)
	b.Run("size="+sz.Name, func(b *testing.B) {
		eachStore(b, sz, sz.Days, func(b *testing.B, d *dataset) {
			ctx := context.Background()
			day := d.days[len(d.days)-1]
			ensureFinal(b, d, []domain.Date{day})
			read := store.DayRead{Conns: min(runtime.GOMAXPROCS(0), 4), HoldWriters: true}
			finalize := func(own bool) (spent time.Duration) {
				// A CPU profile (-cpuprofile) tells the regulations apart by
				// this label: go tool pprof -tagfocus reg=own6.
				reg := "builtin"
				if own {
					reg = "own6"
				}
				defer pprof.SetGoroutineLabels(context.Background())
				pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("reg", reg)))
				start := time.Now()
				ws, err := d.store.FindWorkspace(ctx, d.ws.ID)
				if err != nil {
					b.Fatal(err)
				}
				if own {
					ws.Regulation = ownRegulation(ws)
				}
				data, err := d.store.LoadDaySheet(ctx, ws, ws.Window(day), read)
				if err != nil {
					b.Fatal(err)
				}
				sheet := domain.BuildSheet(ws, day, data)
				sheet.ComputedAt, sheet.Watermark = Now(), data.Watermark
				sheet.Status, sheet.RequestedBy, sheet.Reason = domain.SheetFinal, "bench", "benchmark"
				if err := d.store.AddSheetVersion(ctx, &sheet); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			finalize(false) // warms the caches
			finalize(true)
			var builtin, own time.Duration
			b.ReportAllocs()
			for b.Loop() {
				builtin += finalize(false)
				own += finalize(true)
			}
			b.ReportMetric(float64(builtin.Microseconds())/1000/float64(b.N), "builtin-ms")
			b.ReportMetric(float64(own.Microseconds())/1000/float64(b.N), "own6-ms")
			b.ReportMetric(float64(own)/float64(builtin), "x-own6")
			reportRSS(b)
		})
	})
}
