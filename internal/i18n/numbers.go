package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// Numbers, money, dates, periods and counted nouns as each language's
// readers write them (issue 13, item 5). Machine formats (JSON, CSV in
// English, the CLI's --format json) keep their plain forms; these are for
// people.
func init() {
	for k, v := range numbersCatalog {
		if _, ok := catalog[k]; ok {
			saidDuplicates = append(saidDuplicates, k)
		}
		catalog[k] = v
	}
}

// Separators of Russian numbers: a narrow no-break space between thousands
// (as GOST 8.417 and Russian typography write them), a comma before the
// decimals, and a no-break space before a currency sign.
const (
	thinSpace = "\u202f"
	nbsp      = "\u00a0"
)

// Number writes d with places decimals: "136 500,00" in Russian,
// "136,500.00" in English.
func (l Lang) Number(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	// A negative number keeps the hyphen-minus that the points beside it
	// (signed) are written with, so that a column reads one way.
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	group, point := ",", "."
	if l == RU {
		group, point = thinSpace, ","
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// Int writes n with grouped thousands: "12 500", "12,500".
func (l Lang) Int(n int) string { return l.Number(decimal.NewFromInt(int64(n)), 0) }

// Figure writes a figure the domain formatted ("150000.50", "4") as l
// does, keeping its decimals; other text (a dash, a mark) passes as it is.
func (l Lang) Figure(s string) string {
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, "eE+") {
		return s
	}
	places := 0
	if _, frac, ok := strings.Cut(s, "."); ok {
		places = len(frac)
	}
	return l.Number(d, int32(places))
}

// Money writes an amount in currency: "136 500,00 ₽" in Russian,
// "136,500.00 RUB" in English (the code after the amount, as for every
// currency, so that columns of amounts line up).
func (l Lang) Money(d decimal.Decimal, currency string) string {
	return l.Number(d, 2) + nbsp + l.Currency(currency)
}

// Currency is how a column header or an amount names currency: the ruble
// sign in Russian, the ISO code otherwise.
func (l Lang) Currency(currency string) string {
	if l == RU && currency == "RUB" {
		return "₽"
	}
	return currency
}

// Date writes a day in words with its year: "4 декабря 2026",
// "4 December 2026".
func (l Lang) Date(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return l.Day(d.In(time.UTC, 0, 0)) + " " + strconv.Itoa(d.Year)
}

// DateTime writes a moment of t's location in words with its clock time:
// "14 ноября 2026, 12:00", "14 November 2026, 12:00".
func (l Lang) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(domain.DateOf(t)) + ", " + t.Format("15:04")
}

// Period names a statement's period: a month as "ноябрь 2026", a week by
// its days, "30 ноября – 6 декабря" (with the years when it spans two).
func (l Lang) Period(p domain.Period) string {
	if p.Kind == "month" {
		return l.T("monthname."+strconv.Itoa(int(p.From.Month)), p.From.Year)
	}
	return l.DaySpan(p.From, p.To)
}

// Plural writes n and the noun of key in the form n asks for: "1 менеджер",
// "2 менеджера", "5 менеджеров"; "1 manager", "2 managers". The catalog
// gives a noun's forms separated by "|": one, few and many in Russian; one
// and other in English.
func (l Lang) Plural(n int, key string) string {
	forms := strings.Split(l.T(key), "|")
	return l.Int(n) + nbsp + forms[pluralForm(l, n, len(forms))]
}

func pluralForm(l Lang, n, count int) int {
	if n < 0 {
		n = -n
	}
	var i int
	switch {
	case l == EN:
		if n != 1 {
			i = 1
		}
	case n%10 == 1 && n%100 != 11:
		i = 0
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		i = 1
	default:
		i = 2
	}
	return min(i, count-1)
}

var numbersCatalog = map[string][2]string{
	"monthname.1":  {"январь %d", "January %d"},
	"monthname.2":  {"февраль %d", "February %d"},
	"monthname.3":  {"март %d", "March %d"},
	"monthname.4":  {"апрель %d", "April %d"},
	"monthname.5":  {"май %d", "May %d"},
	"monthname.6":  {"июнь %d", "June %d"},
	"monthname.7":  {"июль %d", "July %d"},
	"monthname.8":  {"август %d", "August %d"},
	"monthname.9":  {"сентябрь %d", "September %d"},
	"monthname.10": {"октябрь %d", "October %d"},
	"monthname.11": {"ноябрь %d", "November %d"},
	"monthname.12": {"декабрь %d", "December %d"},

	"web.statement.rate_money": {"%s за балл", "%s a point"},

	"plural.manager": {"менеджер|менеджера|менеджеров", "manager|managers"},
	"plural.day":     {"день|дня|дней", "day|days"},
	"plural.point":   {"балл|балла|баллов", "point|points"},
	"plural.record":  {"запись|записи|записей", "record|records"},
}
