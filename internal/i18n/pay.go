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
			panic("i18n: key " + k + " is defined twice")
		}
		catalog[k] = v
	}
}

// DateRange writes the days from..to in words: "6 ноября – 5 декабря",
// with the years when the two days fall in different years.
func (l Lang) DateRange(from, to domain.Date) string {
	a, b := from.In(time.UTC, 0, 0), to.In(time.UTC, 0, 0)
	if from.Year != to.Year {
		return l.Day(a) + " " + strconv.Itoa(from.Year) + " – " + l.Day(b) + " " + strconv.Itoa(to.Year)
	}
	return l.Day(a) + " – " + l.Day(b)
}

var payCatalog = map[string][2]string{
	// Pay settings versions.
	"pay.in_use":       {"настройки оплаты с %s изменили бы уже выданные ведомости: новая версия может действовать не раньше %s", "pay settings from %s would change statements already issued: a new version may take effect on %s or later"},
	"pay.in_use_start": {"настройки оплаты с самого начала изменили бы уже выданные ведомости: добавьте версию, действующую с %s или позже", "the pay settings from the start would change statements already issued: add a version effective on %s or later"},
	// The regulation preview: the button and the table say the same period.
	"web.reg.preview_days":  {"Проверить на последних %d днях (%s)", "Preview on the last %d days (%s)"},
	"web.reg.backtest_days": {"Что дали бы новые правила за последние %d дней (%s) — по сравнению с тем, что было начислено", "What the new rules would have given over the last %d days (%s), against what was given"},
	"web.reg.help_days":     {"Версия действует с указанной даты (не раньше сегодняшней); прошлые дни остаются с прежними правилами. «Проверить» пересчитывает прошедшие дни по новым правилам, ничего не меняя.", "A version applies from its effective date (today or later); past days keep their rules. Preview rescores the past days with the new rules, changing nothing."},
}
