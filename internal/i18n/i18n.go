// Package i18n holds reglament's Russian and English texts. Russian is the
// first audience; every key has both languages, and a test checks it.
package i18n

import (
	"fmt"
	"strings"

	"reglament/internal/domain"
)

// Lang is a supported language.
type Lang string

// The supported languages.
const (
	RU Lang = "ru"
	EN Lang = "en"
)

// Parse returns the language named s (ru, en, or a locale such as ru_RU.UTF-8).
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(s)
	switch {
	case strings.HasPrefix(s, "ru"):
		return RU, true
	case strings.HasPrefix(s, "en"):
		return EN, true
	}
	return "", false
}

// FromEnv picks the language from a LANG-style value, defaulting to English
// for anything that is not Russian (C, POSIX, empty).
func FromEnv(lang string) Lang {
	if l, ok := Parse(lang); ok {
		return l
	}
	return EN
}

// T returns the text for key in l, formatted with args. A missing key
// returns the key itself, so a gap is visible rather than silent.
func (l Lang) T(key string, args ...any) string {
	pair, ok := catalog[key]
	if !ok {
		return key
	}
	s := pair[0]
	if l == EN {
		s = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Indicator returns the full name of an indicator.
func (l Lang) Indicator(ind domain.Indicator) string { return l.T("ind." + string(ind)) }

// IndicatorShort returns the column header of an indicator.
func (l Lang) IndicatorShort(ind domain.Indicator) string { return l.T("short." + string(ind)) }

// Reason returns why a record counts or not, in words.
func (l Lang) Reason(code string) string { return l.T("reason." + code) }

// Keys lists every key of the catalog, for tests.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	return keys
}

// catalog maps a key to its {Russian, English} texts.
var catalog = map[string][2]string{
	"ind.companies_added":     {"Добавлено компаний", "Companies added"},
	"ind.meetings_held":       {"Проведено встреч", "Meetings held"},
	"ind.calls_held":          {"Проведено разговоров", "Calls held"},
	"ind.deals_won":           {"Выиграно сделок", "Deals won"},
	"ind.deals_lost":          {"Проиграно сделок", "Deals lost"},
	"ind.deals_in_progress":   {"Сделок в работе", "Deals in progress"},
	"ind.won_amount":          {"Сумма выигранных сделок", "Won amount"},
	"ind.overdue_tasks":       {"Просроченных задач", "Overdue tasks"},
	"ind.deals_without_tasks": {"Сделок без задач", "Deals without tasks"},
	"ind.late_entries":        {"Внесено с опозданием", "Late entries"},

	"short.companies_added":     {"Комп.", "Comp."},
	"short.meetings_held":       {"Встр.", "Meet."},
	"short.calls_held":          {"Звонки", "Calls"},
	"short.deals_won":           {"Выигр.", "Won"},
	"short.deals_lost":          {"Проигр.", "Lost"},
	"short.deals_in_progress":   {"В работе", "Open"},
	"short.won_amount":          {"Сумма", "Amount"},
	"short.overdue_tasks":       {"Просроч.", "Overdue"},
	"short.deals_without_tasks": {"Без задач", "No task"},
	"short.late_entries":        {"Поздно", "Late"},

	"reason.counted":        {"засчитано", "counted"},
	"reason.entered_late":   {"внесено после дедлайна", "entered after the deadline"},
	"reason.deleted":        {"удалено до дедлайна", "deleted before the deadline"},
	"reason.not_held":       {"не состоялось", "did not take place"},
	"reason.too_short":      {"короче минимальной длительности", "shorter than the minimum duration"},
	"reason.late_entry":     {"было раньше, внесено в этом окне", "happened earlier, entered in this window"},
	"reason.open_at_cutoff": {"в работе на момент дедлайна", "in progress at the deadline"},
	"reason.has_open_task":  {"есть открытая задача", "has an open task"},
	"reason.no_open_task":   {"нет открытой задачи", "no open task"},
	"reason.overdue":        {"срок истёк до дедлайна", "due before the deadline"},
	"reason.not_due":        {"срок ещё не наступил", "not yet due"},

	"kind.company":  {"компания", "company"},
	"kind.deal":     {"сделка", "deal"},
	"kind.task":     {"задача", "task"},
	"kind.activity": {"активность", "activity"},

	"activity.call":    {"звонок", "call"},
	"activity.meeting": {"встреча", "meeting"},

	"status.draft": {"черновик", "draft"},
	"status.final": {"итоговый", "final"},

	"col.manager":      {"Менеджер", "Manager"},
	"col.points":       {"Баллы", "Points"},
	"col.adjustments":  {"Корр.", "Adj."},
	"col.total":        {"Итого", "Total"},
	"col.working_days": {"Раб. дней", "Work days"},
	"col.days_scored":  {"Оценено", "Scored"},
	"col.days_absent":  {"Отсутствовал", "Absent"},
	"col.days_pending": {"Ожидает", "Pending"},
	"col.money":        {"Сумма, %s", "Amount, %s"},
	"col.old_points":   {"Было баллов", "Old points"},
	"col.new_points":   {"Стало баллов", "New points"},
	"col.diff":         {"Разница", "Diff"},
	"col.old_money":    {"Было, %s", "Old, %s"},
	"col.new_money":    {"Стало, %s", "New, %s"},
	"col.days":         {"Дней", "Days"},

	"sheet.title":      {"Контрольная таблица за %s · %s · %s", "Control table for %s · %s · %s"},
	"sheet.version":    {"версия %d", "version %d"},
	"sheet.regulation": {"регламент от %s", "regulation of %s"},
	"sheet.no_rules":   {"регламент не действует", "no regulation in force"},
	"sheet.window":     {"Окно: %s – %s, дедлайн %s (%s), допуск %s", "Window: %s – %s, deadline %s (%s), grace %s"},
	"sheet.left":       {"До дедлайна осталось %s", "Time left to the deadline: %s"},
	"sheet.stale":      {"ВНИМАНИЕ: данные CRM получены только до %s — таблица может быть неполной", "WARNING: CRM data was only known up to %s; the table may be incomplete"},
	"sheet.absent":     {"отсутствует", "absent"},
	"sheet.unknown":    {"Записи пользователей CRM без менеджера (не учтены): %s", "Records of CRM users mapped to no manager (ignored): %s"},
	"sheet.legend":     {"✓ норма выполнена, ✗ не выполнена", "✓ rule met, ✗ rule missed"},
	"sheet.recomputed": {"Пересчитано: %s, причина: %s", "Recomputed by %s, reason: %s"},

	"statement.title":  {"Ведомость за %s (%s – %s) · %s · %s %s за балл", "Statement for %s (%s – %s) · %s · %s %s a point"},
	"statement.caps":   {"Лимиты: премия %s, штраф %s", "Caps: bonus %s, fine %s"},
	"statement.capped": {"* сумма ограничена лимитом", "* amount limited by a cap"},
	"statement.sum":    {"Итого", "Total"},
	"statement.none":   {"нет", "none"},

	"backtest.title": {"Проверка регламента на %s: баллы по сохранённым таблицам и по новому регламенту", "Backtest over %s: points of the stored sheets and under the new regulation"},
	"backtest.none":  {"За период нет итоговых таблиц.", "No final sheets in the period."},

	"why.title":      {"%s · %s · %s (%s): %s", "%s · %s · %s (%s): %s"},
	"why.recomputed": {"По данным, хранящимся сейчас: %s (CRM изменила историю после фиксации)", "From the records stored now: %s (the CRM rewrote history after the sheet was frozen)"},
	"why.none":       {"Нет записей, относящихся к этому показателю.", "No records bear on this indicator."},
	"why.happened":   {"было", "happened"},
	"why.entered":    {"внесено", "entered"},

	"snapshot.created":  {"%s: таблица зафиксирована (версия %d)", "%s: sheet finalized (version %d)"},
	"snapshot.exists":   {"%s: таблица уже зафиксирована (версия %d), ничего не изменено", "%s: already final (version %d), nothing changed"},
	"snapshot.none":     {"Нет дней, ожидающих фиксации.", "No days are due for finalizing."},
	"recompute.done":    {"%s: сохранена версия %d", "%s: version %d stored"},
	"apply.created":     {"Рабочее пространство %q создано", "Workspace %q created"},
	"apply.updated":     {"Рабочее пространство %q обновлено:", "Workspace %q updated:"},
	"apply.unchanged":   {"Рабочее пространство %q: изменений нет", "Workspace %q: nothing changed"},
	"import.done":       {"%s: записано %d, без изменений %d", "%s: %d written, %d unchanged"},
	"adjust.done":       {"Корректировка #%d: %s, %s, %+d (%s)", "Adjustment #%d: %s, %s, %+d (%s)"},
	"demo.ready":        {"Демо-компания готова: база %s, зафиксировано дней: %d", "Demo company ready: database %s, days finalized: %d"},
	"demo.next":         {"Дальше: reglament table --workspace demo --date ГГГГ-ММ-ДД, reglament why …", "Next: reglament table --workspace demo --date YYYY-MM-DD, reglament why …"},
	"duration.hm":       {"%d ч %02d мин", "%d h %02d min"},
	"duration.m":        {"%d мин", "%d min"},
	"error.prefix":      {"ошибка", "error"},
	"error.internal":    {"внутренняя ошибка", "internal error"},
	"usage.unknown_cmd": {"неизвестная команда %q", "unknown command %q"},
}
