package csvimport

// ruFormats says each problem of a CSV file in Russian: the English format
// of importer.add and fail → the Russian one, with the same verbs in the
// same order. TestEveryProblemSaysItInRussian holds every format the
// package uses to an entry here. Column names and values stay as written.
var ruFormats = map[string]string{
	"column %s given twice":                       "колонка %s указана дважды",
	"%q is not a phone number: it has no digits":  "%q — не номер телефона: в нём нет цифр",
	"duplicate external id %q (first on line %d)": "external id %q повторяется (впервые в строке %d)",
	"empty file: want a header row (%s)":          "файл пуст: нужна строка заголовков (%s)",
	"file is not in UTF-8: save it as \"CSV UTF-8\" (Excel saves CSV in Windows-1251 by default)": "файл не в UTF-8: сохраните как «CSV UTF-8» (Excel по умолчанию сохраняет CSV в Windows-1251)",
	"invalid CSV: %s":    "ошибка CSV: %s",
	"invalid decimal %q": "неверное число %q",
	"invalid time %q: want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]": "неверное время %q: нужен RFC 3339 со смещением (2026-11-16T17:45:00+03:00) или ГГГГ-ММ-ДД ЧЧ:ММ[:СС]",
	"invalid value %q (want one of %s)": "неверное значение %q (нужно одно из %s)",
	"invalid whole number %q":           "неверное целое число %q",
	"missing column %s":                 "нет колонки %s",
	"must not be negative, got %s":      "не может быть отрицательным, а указано %s",
	"NUL byte: file is not in UTF-8 (UTF-16?): save it as \"CSV UTF-8\"": "нулевой байт (NUL): файл не в UTF-8 (UTF-16?): сохраните как «CSV UTF-8»",
	"same as %s %q: a move changes the stage or the pipeline":            "совпадает с %s %q: перемещение меняет этап или воронку",
	"too many errors, stopped here":                                      "слишком много ошибок, проверка остановлена здесь",
	"unknown column %q (known: %s)":                                      "неизвестная колонка %q (известны: %s)",
	"value is required (one of %s)":                                      "значение обязательно (одно из %s)",
	"value is required for a deal that is %s":                            "значение обязательно для сделки в статусе %s",
	"value is required when %s is given":                                 "значение обязательно, если заполнена колонка %s",
	"value is required":                                                  "значение обязательно",
	"wrong number of fields: got %d, want %d as in the header":           "неверное число полей: %d, а в заголовке %d",
}
