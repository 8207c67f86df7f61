package i18n

// The texts of suggested norms (reglament suggest and the Norms step) and
// of the forms that change a workspace without its YAML file (issue 15).
// They live in a file of their own and join the catalog at start.
func init() {
	for k, v := range formsCatalog {
		if _, ok := catalog[k]; ok {
			formsDuplicates = append(formsDuplicates, k)
		}
		catalog[k] = v
	}
}

// formsDuplicates lists the keys defined both here and in another catalog;
// TestFormsKeysOnce holds it empty.
var formsDuplicates []string

var formsCatalog = map[string][2]string{
	// reglament suggest
	"norms.suggest.title": {"Предлагаемые нормы по итоговым таблицам за %s (таблиц: %d; дни отсутствия не считаются)",
		"Suggested norms from the final sheets of %s (%d sheets; absent days excluded)"},
	"norms.suggest.how": {"«не меньше»: наибольшая целая норма, которую выполняют три дня менеджеров из четырёх; «не больше» для просроченных задач, сделок без задач и сделок без движения: 0.",
		"at least: the largest whole target three manager-days in four meet; at most on overdue tasks, deals without tasks and idle deals: 0."},
	"norms.suggest.no_days": {"в календаре рабочего пространства %q нет рабочих дней за последний год: укажите --period",
		"workspace %q has no working day in the last year: give --period"},
	"norms.suggest.bad_period": {"флаг --period: нужен месяц (2026-11), неделя ISO (2026-W47) или дни ДАТА..ДАТА, первая не позже второй; указано %q",
		"flag --period: want a month (2026-11), an ISO week (2026-W47) or days FROM..TO, the first not after the second; got %q"},
	"norms.col.indicator":    {"Показатель", "Indicator"},
	"norms.col.op":           {"Условие", "Op"},
	"norms.col.current":      {"Сейчас", "Now"},
	"norms.col.target":       {"Предложено", "Suggested"},
	"norms.col.days":         {"Дней менеджеров", "Manager-days"},
	"norms.col.current_pass": {"Выполняют сейчас", "Pass now"},
	"norms.col.pass":         {"Выполняли бы", "Would pass"},
	"norms.percent":          {"%d\u00a0%%", "%d%%"},
}
