package i18n

// The texts of the size limits and refusals of issue 14 (items 6 and 7).
// They live in a file of their own and join the catalog at start.
func init() {
	for k, v := range hardeningCatalog {
		if _, ok := catalog[k]; ok {
			panic("i18n: key " + k + " is defined twice")
		}
		catalog[k] = v
	}
}

var hardeningCatalog = map[string][2]string{
	"web.too_large":               {"запрос слишком велик: не больше %d КиБ", "request body too large: at most %d KiB"},
	"web.json.duplicate":          {"тело запроса: ключ %q повторяется (%s)", "request body: duplicate key %q (%s)"},
	"web.json.trailing":           {"тело запроса: после JSON-объекта есть ещё данные", "request body: data after the JSON object"},
	"web.json.object":             {"тело запроса: нужен JSON-объект", "request body: want a JSON object"},
	"notify.webhook_private":      {"webhook_url: адрес %s ведёт в локальную или частную сеть (%s); такие адреса разрешает только администратор сервера (serve --allow-private-webhooks)", "webhook_url: host %s is a loopback, link-local or private address (%s); only the server's operator may allow those (serve --allow-private-webhooks)"},
	"notify.webhook_private_ip":   {"webhook_url: адрес %s — локальный или частный; такие адреса разрешает только администратор сервера (serve --allow-private-webhooks)", "webhook_url: %s is a loopback, link-local or private address; only the server's operator may allow those (serve --allow-private-webhooks)"},
	"sync.rate_limited":           {"%s ограничивает число запросов (HTTP %d, попыток: %d): полученное сохранено, синхронизация не закончена; повторите её после %s (через %d мин.)", "%s is limiting requests (HTTP %d, after %d tries): what was fetched is stored, the sync is not complete; run it again after %s (in %d min)"},
	"web.why.page":                {"записи %d–%d из %d · страница %d из %d", "records %d–%d of %d · page %d of %d"},
	"web.why.bad_page":            {"страница %q: нужно число от 1 до %d", "page %q: want a number from 1 to %d"},
	"limit.text":                  {"%s: не длиннее %d символов, а указано %d", "%s: at most %d characters, got %d"},
	"web.month.show":              {"Показать", "Show"},
	"web.month.shows":             {"В клетках — показатель «%s» за день; итог и сумма — по баллам", "The cells show %s of each day; the total and the money are the points'"},
	"web.month.unknown_indicator": {"показатель %q не действовал в %s", "indicator %q was not in force in %s"},
	"web.wall.missed_at_least":    {"%s: %s из %s", "%s: %s of %s"},
	"web.wall.missed_at_most":     {"%s: %s (не больше %s)", "%s: %s (at most %s)"},
	"web.wall.missed_equals":      {"%s: %s (нужно %s)", "%s: %s (want %s)"},
	"web.json.syntax":             {"тело запроса: %s", "request body: %s"},
}
