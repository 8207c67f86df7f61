package i18n

import (
	"strconv"
	"time"

	"reglament/internal/domain"
)

// The texts of pay settings versions, the regulation preview and
// adjustments (issue 13, "trust in the money"). They live in a file of
// their own and join the catalog at start.
func init() {
	for k, v := range payCatalog {
		if _, ok := catalog[k]; ok {
			payDuplicates = append(payDuplicates, k)
		}
		catalog[k] = v
	}
}

// payDuplicates lists the keys defined both here and in the main catalog
// (these texts win); a test holds it empty rather than a panic at start
// breaking every program.
var payDuplicates []string

// DaySpan writes the days from..to in words: "6 ноября – 5 декабря",
// with the years when the two days fall in different years.
func (l Lang) DaySpan(from, to domain.Date) string {
	a, b := from.In(time.UTC, 0, 0), to.In(time.UTC, 0, 0)
	if from.Year != to.Year {
		return l.Day(a) + " " + strconv.Itoa(from.Year) + " – " + l.Day(b) + " " + strconv.Itoa(to.Year)
	}
	return l.Day(a) + " – " + l.Day(b)
}

var payCatalog = map[string][2]string{
	// Adjustments.
	"adjust.over_limit":      {"корректировка: за день у менеджера не больше ±%d баллов корректировок, а за %s уже %+d и добавляется %+d", "adjustment: a manager's adjustments of a day add up to at most ±%d points; %s already has %+d and this adds %+d"},
	"adjust.unknown_manager": {"корректировка: нет менеджера %q", "adjustment: no manager %q"},
	"adjust.zero":            {"корректировка: баллы не могут быть нулём", "adjustment: points must not be zero"},
	"adjust.no_reason":       {"корректировка: укажите причину", "adjustment: a reason is required"},
	"adjust.not_working_day": {"корректировка: %s — не рабочий день", "adjustment: %s is not a working day"},
	"adjust.too_many":        {"корректировка: не больше ±%d баллов за день, а указано %+d", "adjustment: at most ±%d points a day, got %+d"},
	"adjust.future":          {"корректировка: день %s ещё не наступил (сегодня %s); корректируют только прошедшие и сегодняшний дни", "adjustment: %s has not come yet (today is %s); only past days and today can be adjusted"},

	"adjust.bad_date":      {"корректировка: дата %q — нужна дата ГГГГ-ММ-ДД", "adjustment: date %q: want a date YYYY-MM-DD"},
	"adjust.bad_points":    {"корректировка: баллы %q — нужно целое число, например 5 или -2", "adjustment: points %q: want a whole number such as 5 or -2"},
	"web.adj.bad_page":     {"страница %q: нужен номер страницы от 1", "page %q: want a page number from 1"},
	"web.adj.added":        {"Корректировка #%d сохранена: %s, %s, баллы: %s.", "Adjustment #%d saved: %s, %s, points: %s."},
	"web.adj.in_sheet":     {"Открыть лист дня", "Open the day sheet"},
	"web.adj.period":       {"Корректировки за %s (%s): %d", "Adjustments in %s (%s): %d"},
	"web.adj.show":         {"Показать", "Show"},
	"web.adj.page":         {"Страница %d из %d", "Page %d of %d"},
	"web.adj.limit":        {"За день у менеджера корректировки в сумме не больше ±%d баллов; будущие дни корректировать нельзя.", "A manager's adjustments of a day add up to at most ±%d points; future days cannot be adjusted."},
	"web.adj.adjust":       {"корр.", "adjust"},
	"web.adj.adjust_title": {"Корректировка: %s, %s", "Adjust: %s, %s"},
	"web.adj.sheet":        {"Лист дня", "Day sheet"},

	// Pay settings versions.
	"pay.bad_date":           {"дата начала действия %q: нужна дата ГГГГ-ММ-ДД не раньше 2000 года", "effective date %q: want a date YYYY-MM-DD from 2000 on"},
	"pay.bad_currency":       {"валюта %q: нужен трёхбуквенный код, например RUB", "currency %q: want a three-letter code such as RUB"},
	"pay.bad_mode":           {"режим оплаты %q: нужен points или bonus", "pay mode %q: want points or bonus"},
	"pay.bad_amount":         {"%s: нужна неотрицательная сумма не больше 10¹² и не больше 4 знаков после запятой, а указано %q", "%s: want a non-negative amount of at most 10¹² with at most 4 decimals, got %q"},
	"pay.field.point_value":  {"Цена балла", "Point value"},
	"pay.field.bonus_cap":    {"Потолок премии", "Bonus cap"},
	"pay.field.fine_cap":     {"Потолок снижения", "Fine cap"},
	"pay.field.base_month":   {"Базовая премия за месяц", "Base bonus of a month"},
	"pay.field.base_week":    {"Базовая премия за неделю", "Base bonus of a week"},
	"pay.field.currency":     {"Валюта", "Currency"},
	"pay.field.effective":    {"Действует с", "Effective from"},
	"pay.field.mode":         {"Режим оплаты", "Pay mode"},
	"pay.mode.points":        {"баллы (премия или удержание по баллам)", "points (a bonus or a deduction by points)"},
	"pay.mode.bonus":         {"премия (базовая премия, сниженная или повышенная баллами)", "bonus (a base bonus reduced or raised by points)"},
	"web.pay.title":          {"Настройки оплаты по датам", "Pay settings by date"},
	"web.pay.help":           {"Цена балла, валюта, потолки и режим оплаты действуют с даты: ведомость периода считается по версии, действующей в его последний день. Уже выданные ведомости (закончившиеся периоды) не меняются: новая версия может начаться не раньше %s.", "The point value, currency, caps and pay mode apply from a date: a period's statement uses the version in force on its last day. Statements already issued (periods that have ended) never change: a new version may start on %s or later."},
	"web.pay.add":            {"Сохранить версию", "Save version"},
	"web.pay.saved":          {"Настройки оплаты сохранены.", "Pay settings saved."},
	"web.pay.in_force":       {"действует", "in force"},
	"web.pay.none":           {"нет", "none"},
	"pay.start":              {"с самого начала", "from the start"},
	"pay.version_from":       {"с %s", "from %s"},
	"col.pay_settings":       {"Настройки оплаты", "Pay settings"},
	"statement.pay_settings": {"Настройки оплаты: версия %s", "Pay settings: version %s"},
	"pay.in_use":             {"настройки оплаты с %s изменили бы уже выданные ведомости: новая версия может действовать не раньше %s", "pay settings from %s would change statements already issued: a new version may take effect on %s or later"},
	"pay.in_use_start":       {"настройки оплаты с самого начала изменили бы уже выданные ведомости: добавьте версию, действующую с %s или позже", "the pay settings from the start would change statements already issued: add a version effective on %s or later"},
	// The regulation preview: the button and the table say the same period.
	"web.reg.preview_days":  {"Проверить на последних %d днях (%s)", "Preview on the last %d days (%s)"},
	"web.reg.backtest_days": {"Что дали бы новые правила за последние %d дней (%s) — по сравнению с тем, что было начислено", "What the new rules would have given over the last %d days (%s), against what was given"},
	"web.reg.help_days":     {"Версия действует с указанной даты (не раньше сегодняшней); прошлые дни остаются с прежними правилами. «Проверить» пересчитывает прошедшие дни по новым правилам, ничего не меняя.", "A version applies from its effective date (today or later); past days keep their rules. Preview rescores the past days with the new rules, changing nothing."},
}
