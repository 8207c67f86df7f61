// Package i18n holds reglament's Russian and English texts. Russian is the
// first audience; every key has both languages, and a test checks it.
package i18n

import (
	"errors"
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

// Localized is an error that can say itself in a language: the problems
// of a file people wrote (a workspace file, a CSV export).
type Localized interface {
	error
	Text(Lang) string
}

// FileError is the problems of a file people wrote, said in each language
// by the function it was made with: English by Error, any language by
// Text. errors.As finds the *domain.Error (EINVALID) behind it, as for any
// invalid input.
type FileError struct{ say func(Lang) string }

// NewFileError returns the error that say says.
func NewFileError(say func(Lang) string) *FileError { return &FileError{say: say} }

func (e *FileError) Error() string { return e.say(EN) }

// Text says the problems in l.
func (e *FileError) Text(l Lang) string { return e.say(l) }

// Unwrap is the domain error of invalid input, with the English text.
func (e *FileError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

// Invalid returns an error of invalid input that says the catalog's key
// with args in each language: English by Error, any language by Text.
func Invalid(key string, args ...any) *FileError {
	return NewFileError(func(l Lang) string { return l.T(key, args...) })
}

// ErrorText is the user-facing message of err in l: a Localized error's
// text in l, anything else as domain.ErrorMessage gives it (an internal
// error is never shown), said in l (Said).
func ErrorText(err error, l Lang) string {
	var loc Localized
	if errors.As(err, &loc) {
		return l.Said(loc.Text(l))
	}
	return l.Said(domain.ErrorMessage(err))
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
	"ind.deals_created":       {"Создано сделок", "Deals created"},
	"ind.deal_moves":          {"Переходов этапа", "Stage moves"},
	"ind.tasks_completed":     {"Выполнено задач", "Tasks completed"},
	"ind.deals_idle":          {"Сделок без движения", "Idle deals"},

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
	"short.deals_created":       {"Создано", "Created"},
	"short.deal_moves":          {"Переходы", "Moves"},
	"short.tasks_completed":     {"Задачи", "Tasks"},
	"short.deals_idle":          {"Без движ.", "Idle"},

	"reason.counted":          {"засчитано", "counted"},
	"reason.entered_late":     {"внесено после дедлайна", "entered after the deadline"},
	"reason.deleted":          {"удалено до дедлайна", "deleted before the deadline"},
	"reason.not_held":         {"не состоялось", "did not take place"},
	"reason.too_short":        {"короче минимальной длительности", "shorter than the minimum duration"},
	"reason.late_entry":       {"было раньше, внесено в этом окне", "happened earlier, entered in this window"},
	"reason.open_at_cutoff":   {"в работе на момент дедлайна", "in progress at the deadline"},
	"reason.has_open_task":    {"есть открытая задача", "has an open task"},
	"reason.no_open_task":     {"нет открытой задачи", "no open task"},
	"reason.overdue":          {"срок истёк до дедлайна", "due before the deadline"},
	"reason.not_due":          {"срок ещё не наступил", "not yet due"},
	"reason.other_pipeline":   {"другая воронка", "another pipeline"},
	"reason.other_stage":      {"другой этап на момент дедлайна", "another stage at the deadline"},
	"reason.other_from_stage": {"не тот этап, с которого переход", "moved from another stage"},
	"reason.other_to_stage":   {"не та стадия перехода", "moved to another stage"},
	"reason.no_deal":          {"без сделки", "no deal"},
	"reason.other_direction":  {"другое направление звонка", "another call direction"},
	"reason.too_long":         {"длиннее максимальной длительности", "longer than the maximum duration"},
	"reason.moved":            {"переход этапа в окне", "stage move in the window"},
	"reason.created":          {"создана в окне", "created in the window"},
	"reason.completed":        {"выполнена в окне", "completed in the window"},
	"reason.idle":             {"нет касаний за срок", "no touch within the span"},
	"reason.touched":          {"было касание за срок", "touched within the span"},

	"because.other_pipeline":   {"другая воронка: %s", "another pipeline: %s"},
	"because.other_stage":      {"этап на момент дедлайна: %s", "stage at the deadline: %s"},
	"because.other_from_stage": {"не тот этап, с которого переход: %s → %s", "moved from another stage: %s → %s"},
	"because.other_to_stage":   {"не та стадия перехода: %s → %s", "moved to another stage: %s → %s"},
	"because.in":               {"входящий звонок", "incoming call"},
	"because.out":              {"исходящий звонок", "outgoing call"},
	"because.no_direction":     {"направление звонка неизвестно", "call direction unknown"},
	"because.too_short":        {"короче %d с (%d с)", "shorter than %d s (%d s)"},
	"because.too_long":         {"длиннее %d с (%d с)", "longer than %d s (%d s)"},
	"because.moved":            {"переход %s → %s", "move %s → %s"},
	"because.idle":             {"последнее касание %s", "last touch %s"},
	"because.touched":          {"касание %s, в пределах %s", "touched %s, within %s"},
	"because.pipeline":         {"воронка: %s", "pipeline: %s"},
	"because.stage":            {"этап: %s", "stage: %s"},
	"because.seconds":          {"%d с", "%d s"},

	"filter.pipeline":    {"воронка: %s", "pipeline: %s"},
	"filter.stage":       {"этап на момент дедлайна: %s", "stage at the deadline: %s"},
	"filter.from_stage":  {"с этапа: %s", "from stage: %s"},
	"filter.to_stage":    {"на этап: %s", "to stage: %s"},
	"filter.in":          {"только входящие", "incoming only"},
	"filter.out":         {"только исходящие", "outgoing only"},
	"filter.min_seconds": {"не короче %d с", "at least %d s"},
	"filter.max_seconds": {"не длиннее %d с", "at most %d s"},
	"filter.idle_days":   {"без касаний %s", "no touch for %s"},
	"filter.or":          {" или ", " or "},
	"filter.none":        {"без фильтра", "no filter"},
	"why.definition":     {"Показатель регламента: %s", "Indicator of the regulation: %s"},

	"month.1":  {"января", "January"},
	"month.2":  {"февраля", "February"},
	"month.3":  {"марта", "March"},
	"month.4":  {"апреля", "April"},
	"month.5":  {"мая", "May"},
	"month.6":  {"июня", "June"},
	"month.7":  {"июля", "July"},
	"month.8":  {"августа", "August"},
	"month.9":  {"сентября", "September"},
	"month.10": {"октября", "October"},
	"month.11": {"ноября", "November"},
	"month.12": {"декабря", "December"},

	"kind.company":   {"компания", "company"},
	"kind.deal":      {"сделка", "deal"},
	"kind.task":      {"задача", "task"},
	"kind.activity":  {"активность", "activity"},
	"kind.deal_move": {"переход этапа", "stage move"},

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

	"statement.title":     {"Ведомость за %s (%s – %s) · %s · %s %s за балл", "Statement for %s (%s – %s) · %s · %s %s a point"},
	"statement.caps":      {"Лимиты: премия %s, штраф %s", "Caps: bonus %s, fine %s"},
	"statement.bonus_cap": {"Лимит премии: %s", "Bonus cap: %s"},
	"statement.base":      {"Базовая премия %s %s; каждый балл повышает или снижает её на %s %s, премия не ниже 0", "Base bonus %s %s; each point raises or reduces it by %s %s, never below 0"},
	"col.base_bonus":      {"Базовая премия, %s", "Base bonus, %s"},
	"col.reduction":       {"Снижение премии, %s", "Bonus reduction, %s"},
	"col.bonus":           {"Премия, %s", "Bonus, %s"},
	"statement.capped":    {"* сумма ограничена лимитом", "* amount limited by a cap"},
	"statement.sum":       {"Итого", "Total"},
	"statement.none":      {"нет", "none"},

	"backtest.title": {"Проверка регламента на %s: баллы по сохранённым таблицам и по новому регламенту", "Backtest over %s: points of the stored sheets and under the new regulation"},
	"backtest.none":  {"За период нет итоговых таблиц.", "No final sheets in the period."},

	"why.title":      {"%s · %s · %s (%s): %s", "%s · %s · %s (%s): %s"},
	"why.recomputed": {"По данным, хранящимся сейчас: %s (CRM изменила историю после фиксации)", "From the records stored now: %s (the CRM rewrote history after the sheet was frozen)"},
	"why.none":       {"Нет записей, относящихся к этому показателю.", "No records bear on this indicator."},
	"why.happened":   {"было", "happened"},
	"why.entered":    {"внесено", "entered"},

	"snapshot.created": {"%s: таблица зафиксирована (версия %d)", "%s: sheet finalized (version %d)"},
	"snapshot.exists":  {"%s: таблица уже зафиксирована (версия %d), ничего не изменено", "%s: already final (version %d), nothing changed"},
	"snapshot.none":    {"Нет дней, ожидающих фиксации.", "No days are due for finalizing."},
	"recompute.done":   {"%s: сохранена версия %d", "%s: version %d stored"},
	"apply.created":    {"Рабочее пространство %q создано", "Workspace %q created"},
	"apply.updated":    {"Рабочее пространство %q обновлено:", "Workspace %q updated:"},
	"apply.unchanged":  {"Рабочее пространство %q: изменений нет", "Workspace %q: nothing changed"},
	"import.done":      {"%s: записано %d, без изменений %d", "%s: %d written, %d unchanged"},

	"sync.full":                  {"Полная синхронизация %s с %s", "Full sync of %s from %s"},
	"sync.delta":                 {"Синхронизация изменений %s с %s", "Incremental sync of %s from %s"},
	"sync.kind":                  {"  %-10s получено %d, записано %d, без изменений %d", "  %-10s %d fetched, %d written, %d unchanged"},
	"sync.unknown":               {"Пользователи CRM без менеджера (их записи не учитываются): %s", "CRM users mapped to no manager (their records count for nobody): %s"},
	"backtest.computed":          {"Показатели %s в сохранённых листах отсутствуют: посчитаны по сохранённым записям на дедлайн каждого дня (дней: %d)", "Indicators %s are not in the stored sheets: computed from the stored records as of each day's deadline (%d days)"},
	"error.unknown_indicator_on": {"неизвестный показатель %q на %s (известны: %s)", "unknown indicator %q on %s (known: %s)"},
	"error.unknown_indicator":    {"неизвестный показатель %q (известны: %s или id своего показателя)", "unknown indicator %q (known: %s, or an own indicator's id)"},
	"place.unknown":              {"Внимание: регламент %s, показатель %s: %s «%s» — такого названия в CRM нет, фильтр ничего не найдёт", "Warning: regulation %s, indicator %s: %s %q is not a name the CRM knows; the filter will match nothing"},
	"sync.done":                  {"Готово: %d запросов к CRM, данные полны до %s", "Done: %d CRM requests, data complete up to %s"},
	"sync.waiting":               {"CRM %s сейчас занята другой синхронизацией (reglament serve?): ждём её окончания…", "The CRM of %s is busy with another sync (reglament serve?): waiting for it to end…"},
	"adjust.done":                {"Корректировка #%d: %s, %s, %+d (%s)", "Adjustment #%d: %s, %s, %+d (%s)"},
	"demo.ready":                 {"Демо-компания готова: база %s, зафиксировано дней: %d", "Demo company ready: database %s, days finalized: %d"},
	"demo.next":                  {"Дальше: reglament table --workspace demo --date ГГГГ-ММ-ДД, reglament why …", "Next: reglament table --workspace demo --date YYYY-MM-DD, reglament why …"},
	"duration.hm":                {"%d ч %02d мин", "%d h %02d min"},
	"duration.m":                 {"%d мин", "%d min"},
	"error.prefix":               {"ошибка", "error"},
	"error.internal":             {"внутренняя ошибка", "internal error"},
	"usage.unknown_cmd":          {"неизвестная команда %q", "unknown command %q"},

	"web.nav.today":       {"Сегодня", "Today"},
	"web.nav.day":         {"Таблица дня", "Day sheet"},
	"web.nav.month":       {"Месяц", "Month"},
	"web.nav.statement":   {"Ведомость", "Statement"},
	"web.nav.adjustments": {"Корректировки", "Adjustments"},
	"web.nav.regulation":  {"Регламент", "Regulation"},
	"web.nav.settings":    {"Настройки", "Settings"},
	"web.nav.wall":        {"Рейтинг", "Leaderboard"},
	"web.nav.me":          {"Мои показатели", "My record"},
	"web.nav.workspaces":  {"Компании", "Workspaces"},
	"web.logout":          {"Выйти", "Log out"},
	"web.go":              {"Показать", "Show"},
	"web.error.title":     {"Ошибка", "Error"},
	"web.error.home":      {"На главную", "Home"},

	"web.login.title":     {"Вход в reglament", "Log in to reglament"},
	"web.login.password":  {"Пароль", "Password"},
	"web.login.submit":    {"Войти", "Log in"},
	"web.login.failed":    {"Неверный email или пароль.", "Wrong email or password."},
	"web.login.throttled": {"Слишком много неудачных попыток. Попробуйте через %d мин.", "Too many failed attempts. Try again in %d min."},

	"web.role.admin":   {"администратор", "admin"},
	"web.role.head":    {"руководитель", "head of sales"},
	"web.role.manager": {"менеджер", "manager"},
	"web.role.viewer":  {"экран", "wall screen"},

	"web.op.at_least": {"не меньше", "at least"},
	"web.op.at_most":  {"не больше", "at most"},
	"web.op.equals":   {"ровно", "exactly"},

	"web.wd.mon": {"пн", "Mo"},
	"web.wd.tue": {"вт", "Tu"},
	"web.wd.wed": {"ср", "We"},
	"web.wd.thu": {"чт", "Th"},
	"web.wd.fri": {"пт", "Fr"},
	"web.wd.sat": {"сб", "Sa"},
	"web.wd.sun": {"вс", "Su"},

	"web.legend.pass":    {"норма выполнена", "rule met"},
	"web.legend.fail":    {"норма не выполнена", "rule missed"},
	"web.legend.click":   {"нажмите на число, чтобы увидеть записи за ним", "click a number to see the records behind it"},
	"web.legend.pos":     {"баллы за день ≥ 0", "day points ≥ 0"},
	"web.legend.neg":     {"баллы за день < 0", "day points < 0"},
	"web.legend.pending": {"день ещё не зафиксирован", "day not final yet"},

	"web.today.title":      {"Сегодня, %s", "Today, %s"},
	"web.today.day_off":    {"Сегодня нерабочий день.", "Today is not a working day."},
	"web.today.last_day":   {"Таблица за %s", "Sheet of %s"},
	"web.today.left":       {"до дедлайна %s", "left until the %s deadline"},
	"web.today.passed":     {"дедлайн %s прошёл", "the %s deadline passed"},
	"web.today.at_risk":    {"менеджеров в минусе сейчас", "managers below zero now"},
	"web.today.my_points":  {"мои баллы сейчас", "my points now"},
	"web.today.draft_note": {"Черновик: пересчитывается при каждом открытии по данным CRM на этот момент.", "Draft: recomputed on every visit from the CRM data known now."},

	"web.check.title":      {"Что сделать до дедлайна", "To do before the deadline"},
	"web.check.done":       {"Всё в порядке: все нормы выполнены.", "All good: every rule is met."},
	"web.check.short":      {"Не хватает до нормы", "Still short of the norm"},
	"web.check.short_item": {"сейчас %s из %s, не хватает %s", "%s of %s, %s to go"},
	"web.check.no_task":    {"Сделки без задачи", "Deals without a task"},
	"web.check.overdue":    {"Просроченные задачи", "Overdue tasks"},
	"web.check.due":        {"срок", "due"},

	"web.day.title":          {"Таблица за %s", "Day sheet of %s"},
	"web.day.cutoff":         {"дедлайн", "deadline"},
	"web.day.recompute":      {"Пересчитать", "Recompute"},
	"web.day.recompute_help": {"Сохранит новую версию таблицы по данным CRM, хранящимся сейчас; прежние версии остаются.", "Stores a new version of the sheet from the CRM data stored now; earlier versions are kept."},
	"web.day.unknown":        {"Пользователей CRM без менеджера: %d (их записи не учтены)", "CRM users mapped to no manager: %d (their records are ignored)"},
	"web.why.window":         {"окно %s – %s", "window %s – %s"},
	"web.why.counted":        {"Засчитано записей: %d из %d", "Records counted: %d of %d"},

	"web.col.name":       {"Имя", "Name"},
	"web.col.capped":     {"Лимит", "Capped"},
	"web.col.record":     {"Запись", "Record"},
	"web.col.title":      {"Название", "Title"},
	"web.col.counted":    {"Учтено", "Counted"},
	"web.col.date":       {"День", "Day"},
	"web.col.reason":     {"Причина", "Reason"},
	"web.col.author":     {"Кто", "Who"},
	"web.col.when":       {"Когда", "When"},
	"web.col.action":     {"Действие", "Action"},
	"web.col.detail":     {"Подробности", "Detail"},
	"web.col.indicator":  {"Показатель", "Indicator"},
	"web.col.norm":       {"Норма", "Norm"},
	"web.col.pass":       {"Выполнена", "Met"},
	"web.col.fail":       {"Не выполнена", "Missed"},
	"web.col.applies":    {"Для кого", "Applies to"},
	"web.col.definition": {"Что считает", "What it counts"},

	"web.month.title":     {"Контрольная таблица за %s", "Control table for %s"},
	"web.statement.title": {"Ведомость за %s", "Statement for %s"},
	"web.statement.rate":  {"%s %s за балл", "%s %s a point"},

	"web.adj.add":   {"Новая корректировка", "New adjustment"},
	"web.adj.save":  {"Сохранить", "Save"},
	"web.adj.list":  {"Корректировки за %s", "Adjustments in %s"},
	"web.adj.audit": {"Журнал изменений", "Audit log"},

	"web.wall.today": {"Сегодня", "Today"},
	"web.wall.week":  {"Неделя %s", "Week %s"},
	"web.wall.month": {"Месяц %s", "Month %s"},
	"web.wall.left":  {"До дедлайна: %s", "Deadline in %s"},
	"web.wall.day":   {"День %s", "Day %s"},

	"web.reg.edit":     {"Новая версия регламента (YAML)", "New regulation version (YAML)"},
	"web.reg.help":     {"Версия действует с указанной даты (не раньше сегодняшней); прошлые дни остаются с прежними правилами. «Проверить» пересчитывает последние 30 дней по новым правилам, ничего не меняя.", "A version applies from its effective date (today or later); past days keep their rules. Preview rescores the last 30 days with the new rules, changing nothing."},
	"web.reg.preview":  {"Проверить на прошлом месяце", "Preview on the last month"},
	"web.reg.save":     {"Сохранить версию", "Save version"},
	"web.reg.saved":    {"Версия регламента сохранена.", "Regulation version saved."},
	"web.reg.backtest": {"Что было бы с %s по %s", "What %s to %s would have given"},
	"web.reg.versions": {"Версии", "Versions"},
	"web.reg.from":     {"С %s", "From %s"},
	"web.reg.in_force": {"действует", "in force"},

	"web.mgr.total":      {"баллов с %s по %s", "points from %s to %s"},
	"web.mgr.streak":     {"дней подряд с плюсом", "positive days in a row"},
	"web.mgr.late_days":  {"дней с поздним вводом", "days with late entries"},
	"web.mgr.points":     {"Баллы за 60 дней", "Points over 60 days"},
	"web.mgr.indicators": {"Показатели", "Indicators"},
	"web.mgr.late":       {"История позднего ввода", "Late-entry history"},

	"web.settings.overview":   {"Обзор настроек. Ниже они же в YAML: правка там — то же, что команда", "Settings at a glance. Below is the same data as YAML: editing it is the same as the command"},
	"web.set.edit":            {"Настройки в YAML", "Settings as YAML"},
	"web.set.edit_help":       {"Весь файл компании: календарь, менеджеры и их идентификаторы в CRM, отсутствия, контакты, уведомления и регламент. Менеджеры, которых нет в файле, удаляются (их прошлые листы остаются); версию регламента, по которой уже есть итоговые листы, изменить нельзя — добавьте новую.", "The whole workspace file: calendar, managers and their CRM ids, absences, contacts, notifications and the regulation. Managers missing from the file are removed (their past sheets stay); a regulation version that final sheets use cannot change: add a new one."},
	"web.set.save":            {"Сохранить", "Save"},
	"web.set.saved":           {"Сохранено. Изменения:", "Saved. Changes:"},
	"web.set.unchanged":       {"Сохранено: ничего не изменилось.", "Saved: nothing changed."},
	"web.set.id":              {"Идентификатор", "ID"},
	"web.set.timezone":        {"Часовой пояс", "Timezone"},
	"web.set.deadline":        {"Дедлайн", "Deadline"},
	"web.set.point_value":     {"Цена балла", "Point value"},
	"web.set.holidays":        {"Праздники", "Holidays"},
	"web.set.min_call":        {"Мин. длительность звонка, с", "Min call duration, s"},
	"web.set.managers":        {"Менеджеры", "Managers"},
	"web.set.team":            {"Команда", "Team"},
	"web.set.absences":        {"Отсутствия", "Absences"},
	"web.set.users":           {"Пользователи", "Users"},
	"web.set.role":            {"Роль", "Role"},
	"web.set.add":             {"Добавить пользователя", "Add user"},
	"web.set.created":         {"Пользователь %s создан.", "User %s created."},
	"web.set.password":        {"Пароль:", "Password:"},
	"web.set.link":            {"Ссылка для экрана:", "Wall screen link:"},
	"web.set.once":            {"Они показаны один раз: передайте их сейчас.", "They are shown once: pass them on now."},
	"web.set.tokens":          {"API-токены", "API tokens"},
	"web.set.token_id":        {"Токен", "Token"},
	"web.set.token_user":      {"Пользователь", "User"},
	"web.set.token_name":      {"Назначение", "Purpose"},
	"web.set.token_at":        {"Создан", "Created"},
	"web.set.token_add":       {"Создать токен", "Create token"},
	"web.set.token_created":   {"Токен для %s (%s) создан:", "Token for %s (%s) created:"},
	"web.set.token_once":      {"Он показан один раз: сохраните его сейчас. Его передают в заголовке Authorization: Bearer …", "It is shown once: keep it now. Send it in the header Authorization: Bearer …"},
	"web.set.token_revoke":    {"Отозвать", "Revoke"},
	"web.set.token_revoked":   {"Токен отозван.", "Token revoked."},
	"web.set.user_save":       {"Сохранить", "Save"},
	"web.set.other_workspace": {"workspace: файл — для рабочего пространства %q, а эта страница правит %q", "workspace: the file is for workspace %q, this page edits %q"},
	"web.reg.in_use":          {"версию регламента %s уже применяли итоговые листы по %s: добавьте версию с более поздней датой начала", "regulation version %s is used by final sheets up to %s; add a version with a later effective date"},
	"web.set.crm_admin":       {"crm: подключение к CRM может менять только администратор", "crm: only an administrator can change the CRM connection"},
	"web.set.user_remove":     {"Закрыть доступ", "Remove access"},
	"web.set.user_confirm":    {"Закрыть доступ %s? Сессии и токены перестанут работать сразу.", "Remove the access of %s? Sessions and tokens stop working at once."},
	"web.set.user_changed":    {"Роль пользователя изменена.", "The user's role was changed."},
	"web.set.user_removed":    {"Доступ закрыт: пользователь, его сессии и токены удалены.", "Access removed: the user, their sessions and tokens are gone."},
	"web.set.user_self":       {"Свою учётную запись здесь изменить нельзя: попросите другого руководителя или администратора.", "You cannot change your own account here: ask another head or an admin."},
	"web.set.user_role":       {"Роль: руководитель или менеджер (экраны на стене можно только закрыть).", "Role: head or manager (wall screens can only be removed)."},
	"web.set.user_manager":    {"У учётной записи менеджера должен быть менеджер.", "A manager account needs the manager it belongs to."},
	"web.set.actions":         {"Действия", "Actions"},
	"web.set.token_none":      {"Токенов нет.", "No tokens."},
	"web.crm.open":            {"Открыть в CRM", "Open in CRM"},

	"user.created":    {"Пользователь %s (%s) создан", "User %s (%s) created"},
	"user.password":   {"Пароль: %s (сохраните его: он показан один раз)", "Password: %s (keep it: it is shown once)"},
	"user.token":      {"Токен: %s (сохраните его: он показан один раз)", "Token: %s (keep it: it is shown once)"},
	"serve.listening": {"reglament слушает http://%s", "reglament is listening on http://%s"},
	"demo.logins":     {"Входы в веб-интерфейс (пароль у всех: %s):", "Web logins (password for all: %s):"},
	"demo.wall":       {"Экран рейтинга без входа: %s", "Leaderboard screen without login: %s"},

	"connect.checked":   {"Подключено: %s (%s), CRM принимает токен из token_file", "Connected: %s (%s), the CRM accepts the token of token_file"},
	"connect.done":      {"Подключено: %s (%s), токены зашифрованы и сохранены; токен доступа действует до %s и обновляется автоматически", "Connected: %s (%s), tokens encrypted and stored; the access token is valid until %s and is refreshed automatically"},
	"webhook.shown":     {"URL вебхуков %s (%s): показан один раз; прежний URL этого пространства перестанет работать в течение нескольких секунд", "webhook URL of %s (%s): shown once; any previous URL of the workspace stops working within seconds"},
	"webhook.b24token":  {"bitrix24: события будут отклоняться, пока в разделе crm не указан application_token_file (см. docs/webhooks.md)", "bitrix24: events are refused until the crm section names an application_token_file (see docs/webhooks.md)"},
	"link.code":         {"Код для Telegram (%s, %s): %s", "Telegram code for %s (%s): %s"},
	"link.send":         {"Отправьте боту: /start %s", "Send the bot: /start %s"},
	"link.expires":      {"Код действует один раз, до %s. Новый код отменяет прежний.", "The code works once, until %s. A new code cancels the previous one."},
	"web.tg.nobody":     {"Эта учётная запись не менеджер и не руководитель из настроек, уведомлять её некуда. Руководитель без почты в настройках может привязать чат командой «reglament link --head ИМЯ».", "This account is neither a manager nor a head listed in the settings: there is no one to notify. A head without an e-mail in the settings can link a chat with reglament link --head NAME."},
	"web.tg.linked":     {"%s: Telegram привязан, напоминания приходят туда. В чате с ботом /today покажет, что осталось сделать.", "%s: Telegram is linked, reminders go there. In the chat with the bot, /today shows what is left to do."},
	"web.tg.unlinked":   {"%s: Telegram не привязан.", "%s: Telegram is not linked."},
	"web.tg.help":       {"Получите код и отправьте его боту reglament в Telegram. Код действует сутки и один раз.", "Get a code and send it to the reglament bot in Telegram. The code works once, for a day."},
	"web.tg.new":        {"Получить код", "Get a code"},
	"web.tg.relink":     {"Привязать другой чат", "Link another chat"},
	"web.tg.send":       {"Отправьте боту в Telegram:", "Send the bot in Telegram:"},
	"web.tg.expires":    {"Код действует один раз, до %s.", "The code works once, until %s."},
	"web.fail.title":    {"Недоставленные уведомления", "Failed deliveries"},
	"web.fail.intro":    {"Уведомления, которые не удалось доставить после всех попыток (новые сверху).", "Notifications that could not be delivered after every attempt (newest first)."},
	"web.fail.lately":   {"Уведомлений, не доставленных за неделю: %d. Посмотреть", "Notifications not delivered this week: %d. See them"},
	"web.fail.none":     {"Недоставленных уведомлений нет.", "No failed deliveries."},
	"web.fail.at":       {"Когда", "When"},
	"web.fail.to":       {"Кому", "To"},
	"web.fail.kind":     {"Что", "What"},
	"web.fail.channel":  {"Канал", "Channel"},
	"web.fail.attempts": {"Попыток", "Attempts"},
	"web.fail.error":    {"Ошибка", "Error"},
}
