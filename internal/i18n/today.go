package i18n

// The texts of the Today page's time words and pace (issue 13, items 7
// and 8). They live in a file of their own and join the catalog at start.
func init() {
	for k, v := range todayCatalog {
		if _, ok := catalog[k]; ok {
			todayDuplicates = append(todayDuplicates, k)
		}
		catalog[k] = v
	}
}

// todayDuplicates lists the keys defined both here and in the main
// catalog; TestTodayKeysOnce holds it empty.
var todayDuplicates []string

var todayCatalog = map[string][2]string{
	"web.today.instead":    {"Сегодня выходной: всё, что внесено сегодня, идёт в таблицу за %s.", "Today is not a working day: what is entered today goes to the sheet of %s."},
	"web.today.freezes_at": {"таблица замрёт в %s", "the sheet freezes at %s"},
	"web.today.grace":      {"таблица замрёт в %s: записи, внесённые до этого, ещё засчитываются", "the sheet freezes at %s: entries made until then still count"},
	"web.today.frozen":     {"таблица заморожена", "sheet frozen"},
	"web.today.frozen_at":  {"в %s: баллы дня окончательные", "at %s: the day's points are final"},
	"web.today.pace":       {"выполнили всё · в темпе · отстают", "done · on track · behind"},
	"web.today.behind":     {"отстают", "behind"},

	"web.check.can_win":    {"Ещё можно заработать сегодня: %+d", "Still to win today: %+d"},
	"web.check.stake":      {"на кону %d", "%d at stake"},
	"web.check.state_item": {"сейчас %s, норма %s", "now %s, the norm is %s"},
	"web.check.certain":    {"Уже не исправить сегодня", "Lost for today already"},
	"web.check.age.week":   {"просрочены больше недели", "overdue over a week"},
	"web.check.age.days":   {"просрочены от суток до недели", "overdue a day to a week"},
	"web.check.age.today":  {"срок сегодня или меньше суток назад", "due today or under a day ago"},

	"web.why.rule": {"Норма: %s %s · выполнено %s · %+d", "Rule: %s %s · done %s · %+d"},

	"web.legend.miss": {"не выполнена, но баллов не стоит", "missed, worth no points"},

	"web.tg.no_bot":          {"Telegram-бот не подключён: напоминания в Telegram не приходят. Администратор подключает бота при запуске сервера (serve --telegram-token-file).", "No Telegram bot is connected: no reminders go to Telegram. The administrator connects one when starting the server (serve --telegram-token-file)."},
	"web.tg.open_bot":        {"Открыть @%s и отправить код", "Open @%s and send the code"},
	"web.tg.or_send":         {"или отправьте боту сами:", "or send the bot yourself:"},
	"web.tg.nobody_settings": {"Эта учётная запись не менеджер и не руководитель из настроек: уведомлять её некуда. Руководителю достаточно указать свою почту в Настройках (уведомления → руководители) — тогда здесь появится код для Telegram.", "This account is neither a manager nor a head listed in the settings: there is no one to notify. A head only needs their e-mail in Settings (notifications → heads) for a Telegram code to appear here."},
	"web.fail.no_channel":    {"Ни один канал уведомлений не настроен: ни Telegram-бота, ни почтового сервера, ни вебхука. Напоминания и сводки никуда не уходят — администратор подключает каналы при запуске сервера, вебхук задаётся в Настройках.", "No notification channel is set up: no Telegram bot, no mail server, no webhook. Reminders and digests go nowhere: the administrator connects channels when starting the server; the webhook is set in Settings."},

	"web.sheet.team":      {"Команда", "Team"},
	"web.sheet.all_teams": {"все", "all"},
	"web.sheet.totals":    {"Итого", "Totals"},

	"web.day.versions":    {"Версии таблицы", "Versions of the sheet"},
	"web.day.version":     {"Версия", "Version"},
	"web.day.computed":    {"Посчитана", "Computed"},
	"web.day.by":          {"Кто", "By"},
	"web.day.by_schedule": {"по расписанию", "on schedule"},
	"web.day.current":     {"действует", "in force"},

	"web.period.month": {"Месяц", "Month"},
	"web.period.week":  {"Неделя", "Week"},

	"web.mgr.norm": {"норма %s", "norm %s"},

	"web.wall.final": {"итог дня", "the day's result"},

	"web.today.weekday.mon": {"понедельник", "Monday"},
	"web.today.weekday.tue": {"вторник", "Tuesday"},
	"web.today.weekday.wed": {"среда", "Wednesday"},
	"web.today.weekday.thu": {"четверг", "Thursday"},
	"web.today.weekday.fri": {"пятница", "Friday"},
	"web.today.weekday.sat": {"суббота", "Saturday"},
	"web.today.weekday.sun": {"воскресенье", "Sunday"},
}
