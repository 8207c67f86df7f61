package i18n

import (
	"strconv"
	"strings"
	"time"

	"reglament/internal/domain"
)

// Label returns what tables show for ind under regulation version v (the
// version in force on the sheet's day; nil when none is): a built-in's
// name in l, an own indicator's name as the regulation writes it, a base of
// DESIGN.md section 10 that a rule names directly in l, else the id.
func (l Lang) Label(v *domain.RegulationVersion, ind domain.Indicator) string {
	if domain.IsBuiltin(ind) {
		return l.Indicator(ind)
	}
	if d, ok := v.Indicator(ind); ok && d.Name != "" {
		return d.Name
	}
	if domain.IsBase(ind) {
		return l.Indicator(ind)
	}
	return string(ind)
}

// LabelShort is Label for a column header: a built-in's short name; an own
// indicator keeps the name the company gave it.
func (l Lang) LabelShort(v *domain.RegulationVersion, ind domain.Indicator) string {
	if domain.IsBuiltin(ind) {
		return l.IndicatorShort(ind)
	}
	return l.Label(v, ind)
}

// Day writes the local day of t in words: "12 ноября", "12 November".
func (l Lang) Day(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + l.T("month."+strconv.Itoa(int(t.Month())))
}

// Definition says an own indicator in words: its base and its filter,
// "Переходов этапа · воронка: Продажи · на этап: КП отправлено".
func (l Lang) Definition(d *domain.IndicatorDef) string {
	parts := []string{l.Indicator(d.Base)}
	w := &d.Where
	names := func(list []string) string { return strings.Join(list, l.T("filter.or")) }
	if len(w.Pipeline) > 0 {
		parts = append(parts, l.T("filter.pipeline", names(w.Pipeline)))
	}
	if len(w.Stage) > 0 {
		parts = append(parts, l.T("filter.stage", names(w.Stage)))
	}
	if len(w.FromStage) > 0 {
		parts = append(parts, l.T("filter.from_stage", names(w.FromStage)))
	}
	if len(w.ToStage) > 0 {
		parts = append(parts, l.T("filter.to_stage", names(w.ToStage)))
	}
	switch w.Direction {
	case domain.DirectionIn:
		parts = append(parts, l.T("filter.in"))
	case domain.DirectionOut:
		parts = append(parts, l.T("filter.out"))
	}
	if w.MinSeconds != nil {
		parts = append(parts, l.T("filter.min_seconds", *w.MinSeconds))
	}
	if w.MaxSeconds != nil {
		parts = append(parts, l.T("filter.max_seconds", *w.MaxSeconds))
	}
	if w.MatchMinutes != nil {
		parts = append(parts, l.T("filter.match_minutes", *w.MatchMinutes))
	}
	if d.Base == domain.DealsIdle {
		days := d.IdleDays
		if days <= 0 {
			days = domain.DefaultIdleDays
		}
		parts = append(parts, l.T("filter.idle_days", l.Plural(days, "plural.day")))
	}
	if len(parts) == 1 && d.ID != d.Base {
		parts = append(parts, l.T("filter.none"))
	}
	return strings.Join(parts, " · ")
}

// Because says why record e counts for its indicator or not, naming what a
// filter looked at: "другая воронка: Сервис", "короче 60 с (42 с)",
// "последнее касание 12 ноября", "переход КП отправлено → Счёт". d is the
// indicator's definition (nil or a filterless one for a built-in); ws gives
// the timezone and the minimum call duration.
func (l Lang) Because(ws *domain.Workspace, d *domain.IndicatorDef, e *domain.Evidence) string {
	if text, ok := l.telephonyBecause(ws, d, e); ok {
		return text
	}
	dash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	var w domain.Filter
	if d != nil {
		w = d.Where
	}
	loc := time.UTC
	minCall := 0
	if ws != nil {
		if ws.Location != nil {
			loc = ws.Location
		}
		minCall = ws.MinCallSeconds
	}
	switch e.Reason {
	case domain.ReasonOtherPipeline:
		return l.T("because.other_pipeline", dash(e.Pipeline))
	case domain.ReasonOtherStage:
		return l.T("because.other_stage", dash(e.Stage))
	case domain.ReasonOtherFromStage:
		return l.T("because.other_from_stage", dash(e.FromStage), dash(e.Stage))
	case domain.ReasonOtherToStage:
		return l.T("because.other_to_stage", dash(e.FromStage), dash(e.Stage))
	case domain.ReasonOtherDirection:
		return l.direction(e.Direction)
	case domain.ReasonTooShort:
		if e.Kind == domain.KindActivity {
			if w.MinSeconds != nil {
				minCall = *w.MinSeconds
			}
			return l.T("because.too_short", minCall, e.Seconds)
		}
	case domain.ReasonTooLong:
		if w.MaxSeconds != nil {
			return l.T("because.too_long", *w.MaxSeconds, e.Seconds)
		}
	case domain.ReasonIdle:
		if !e.Touched.IsZero() {
			return l.T("because.idle", l.Day(e.Touched.In(loc)))
		}
	case domain.ReasonTouched:
		if !e.Touched.IsZero() {
			days := domain.DefaultIdleDays
			if d != nil && d.IdleDays > 0 {
				days = d.IdleDays
			}
			return l.T("because.touched", l.Day(e.Touched.In(loc)), l.Plural(days, "plural.day"))
		}
	}
	text := l.Reason(e.Reason)
	if e.Kind == domain.KindDealMove && e.Counted {
		text = l.T("because.moved", dash(e.FromStage), dash(e.Stage))
	}
	if !e.Counted || w.IsZero() {
		return text
	}
	// A counted record of a filtered indicator: say what the filter saw.
	var seen []string
	if e.Placed && len(w.Pipeline) > 0 {
		seen = append(seen, l.T("because.pipeline", dash(e.Pipeline)))
	}
	if e.Placed && len(w.Stage) > 0 {
		seen = append(seen, l.T("because.stage", dash(e.Stage)))
	}
	if e.Kind == domain.KindActivity && w.Direction != "" {
		seen = append(seen, l.direction(e.Direction))
	}
	if e.Kind == domain.KindActivity && (w.MinSeconds != nil || w.MaxSeconds != nil) {
		seen = append(seen, l.T("because.seconds", e.Seconds))
	}
	if len(seen) == 0 {
		return text
	}
	return text + " · " + strings.Join(seen, ", ")
}

// direction names a call's direction.
func (l Lang) direction(dir string) string {
	switch dir {
	case domain.DirectionIn:
		return l.T("because.in")
	case domain.DirectionOut:
		return l.T("because.out")
	}
	return l.T("because.no_direction")
}
