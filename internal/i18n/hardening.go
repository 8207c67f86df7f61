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
	"web.too_large":      {"запрос слишком велик: не больше %d КиБ", "request body too large: at most %d KiB"},
	"web.json.duplicate": {"тело запроса: ключ %q повторяется (%s)", "request body: duplicate key %q (%s)"},
	"web.json.trailing":  {"тело запроса: после JSON-объекта есть ещё данные", "request body: data after the JSON object"},
	"web.json.object":    {"тело запроса: нужен JSON-объект", "request body: want a JSON object"},
	"web.json.syntax":    {"тело запроса: %s", "request body: %s"},
}
