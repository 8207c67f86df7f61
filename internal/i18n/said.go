package i18n

import (
	"regexp"
	"strings"
	"time"

	"reglament/internal/domain"
)

// The English sentences that the store and the domain write for people
// (audit log entries, the changes of a saved workspace, their errors) are
// kept in English where they are stored and logged; Said turns them into
// the reader's language where they are shown. Each pattern matches a whole
// sentence; its groups are said in turn, so a list of changed settings or
// a role inside a sentence is translated as well.
func init() {
	for k, v := range saidCatalog {
		if _, ok := catalog[k]; ok {
			saidDuplicates = append(saidDuplicates, k)
		}
		catalog[k] = v
	}
	for _, s := range saidPatterns {
		if _, ok := catalog[s.key]; !ok {
			saidDuplicates = append(saidDuplicates, "missing "+s.key)
		}
		for _, key := range s.words {
			if _, ok := catalog[key]; !ok {
				saidDuplicates = append(saidDuplicates, "missing "+key)
			}
		}
	}
}

// saidDuplicates lists the keys defined both here and in the main catalog,
// and the keys a pattern names that no catalog has; a test holds it empty.
var saidDuplicates []string

// isoDate is a day as the store writes it; a sentence says it in words.
var isoDate = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)

type saidPattern struct {
	re  *regexp.Regexp
	key string
	// words, when set, says the pattern's last group (and any other it
	// has a word for) by this dictionary of
	// catalog keys (a list of setting names, a role) instead of in turn:
	// a word such as "timezone" is a setting's name only there, and a
	// field of the file elsewhere.
	words map[string]string
}

func said(pattern, key string) saidPattern {
	return saidPattern{re: regexp.MustCompile("^(?:" + pattern + ")$"), key: key}
}

func saidWords(pattern, key string, words map[string]string) saidPattern {
	p := said(pattern, key)
	p.words = words
	return p
}

// saidPatterns are tried in order on a whole sentence.
var saidPatterns = []saidPattern{
	// Errors of the domain, the store and the web layer.
	said(`page not found`, "said.page_not_found"),
	said(`not found`, "said.not_found"),
	said(`manager not found`, "said.manager_not_found"),
	said(`unknown indicator`, "said.unknown_indicator"),
	said(`this page is not available to your account`, "said.forbidden"),
	said(`internal error`, "error.internal"),
	said(`the request took too long; try again`, "said.too_long"),
	said(`the server is busy; try again in a few seconds`, "said.busy"),
	said(`invalid period "(.*)": want YYYY-MM \(month\) or YYYY-Www \(ISO week\)`, "said.bad_period"),
	said(`invalid period "(.*)": month must be 01\.\.12`, "said.bad_month"),
	said(`invalid period "(.*)": (.*)`, "said.bad_period_why"),
	said(`invalid date "(.*)": want YYYY-MM-DD`, "said.bad_date"),
	said(`(\S+) is not a working day of workspace "(.*)"`, "said.not_working_day"),
	said(`manager "(.*)" not found in workspace "(.*)"`, "said.manager_not_in"),
	said(`workspace "(.*)" not found`, "said.workspace_not_found"),
	said(`a reason is required`, "said.reason_required"),
	said(`recompute: a reason is required`, "said.recompute_reason"),
	said(`the effective date must be today \((\S+)\) or later; the past keeps its rules`, "said.effective_past"),
	said(`the effective date must be today \((\S+)\) or later`, "said.effective_today"),
	said(`the past keeps its rules`, "said.past_keeps"),
	said(`regulation version (\S+)`, "said.regulation_version"),
	said(`email: want an address such as (\S+)`, "said.want_email"),
	said(`role: want head, manager or viewer`, "said.want_role"),
	said(`API token not found`, "said.token_not_found"),
	said(`no such user`, "said.no_such_user"),
	said(`user (\d+) not found in workspace "(.*)"`, "said.user_not_in"),
	said(`user (\d+) not found`, "said.user_id_not_found"),
	said(`user "(.*)" not found`, "said.user_not_found"),
	said(`a user with email "(.*)" already exists`, "said.user_exists"),
	said(`password: at least 8 characters are required`, "said.password_short"),
	said(`log in first`, "said.log_in"),
	said(`the form expired or came from another site: reload the page and try again`, "said.csrf"),
	said(`this account is no manager or head of workspace "(.*)"`, "said.no_person"),
	said(`(\S+) has no final day to recompute`, "said.nothing_to_recompute"),
	said(`day (\S+) is not final yet: finalize it first`, "said.not_final"),
	said(`day (\S+) is not over yet: it can be finalized after (.+)`, "said.not_over"),
	said(`day (\S+) of workspace "(.*)" has no final sheet: finalize it first`, "said.no_final_first"),
	said(`day (\S+) of workspace "(.*)" has no final sheet`, "said.no_final"),
	said(`version (\d+) of day (\S+) was stored concurrently`, "said.version_race"),
	said(`(.+) of workspace "(.*)" were stored by another import at the same time: import again`, "said.import_race"),
	said(`workspace "(.*)" has no regulation: nothing to finalize`, "said.no_regulation"),
	said(`no secret key configured: set (\S+) \(32 bytes, base64 or hex\) or (\S+) \(a file holding it\), or pass --secret-key-file`, "said.no_secret_key"),
	said(`workspace "(.*)" has no telephone exchange connected: run reglament pbx connect --workspace (\S+) -f WORKSPACE\.yaml`, "said.no_pbx_run"),
	said(`workspace "(.*)" has no telephone exchange connected`, "said.no_pbx"),
	said(`(.+): no pbx section: add one \(kind, key, secret_file\) and run pbx connect again`, "said.no_pbx_section"),
	said(`(\S+): the API key and its secret are both required`, "said.pbx_key_secret"),
	said(`workspace "(.*)" has no client secret stored: enter it on the setup page or name a client_secret_file`, "said.no_client_secret"),
	said(`the client secret stored for workspace "(.*)" belongs to another application \((\S+) (\S+)\): enter the secret of (\S+) again on the setup page or name a client_secret_file`, "said.client_secret_other"),
	said(`no such API endpoint`, "said.no_endpoint"),

	// The YAML parser's words.
	said(`did not find expected node content`, "said.yaml.node"),
	said(`did not find expected key`, "said.yaml.key"),
	said(`did not find expected ',' or '\]'`, "said.yaml.bracket"),
	said(`did not find expected ',' or '}'`, "said.yaml.brace"),
	said(`could not find expected ':'`, "said.yaml.colon"),
	said(`mapping values are not allowed in this context`, "said.yaml.mapping"),
	said(`found character that cannot start any token`, "said.yaml.token"),
	said(`found unexpected end of stream`, "said.yaml.end"),
	said(`found a tab character that violates indentation`, "said.yaml.tab"),

	// The audit log's details.
	said(`adjustment (\d+): manager (\S+), (\S+), ([+-]\d+) points: (.*)`, "said.adjustment"),
	said(`(\S+) version (\d+) \(stale\)`, "said.sheet_stale"),
	said(`(\S+) version (\d+)`, "said.sheet"),
	said(`companies (\d+), deals (\d+), tasks (\d+), activities (\d+), deal moves (\d+)`, "said.batch"),
	said(`(\d+) written, (\d+) unchanged`, "said.written"),
	said(`(\d+) written, (\d+) unchanged, (\d+) marked deleted`, "said.written_deleted"),
	said(`(\S+) re-fetch of (\d+) changes`, "said.refetch"),
	said(`webhook URL created or rotated`, "said.webhook_url"),
	saidWords(`(\S+@\S+) \((admin|head|manager|viewer)\)`, "said.email_paren", roleNames),
	saidWords(`(\S+@\S+): (\S+) → (\S+) (\S+)`, "said.role_manager", roleNames),
	saidWords(`(\S+@\S+): (\S+) → (\S+)`, "said.role_change", roleNames),

	// The changes of a saved workspace.
	said(`workspace (\S+) created`, "said.ws_created"),
	saidWords(`settings changed: (.+)`, "said.settings_changed", settingNames),
	said(`manager (\S+) added`, "said.manager_added"),
	said(`manager (\S+) changed`, "said.manager_changed"),
	said(`manager (\S+) removed`, "said.manager_removed"),
	said(`managers reordered`, "said.managers_reordered"),
	said(`regulation (\S+) added`, "said.regulation_added"),
	said(`regulation (\S+) changed`, "said.regulation_changed"),
	said(`regulation (\S+) removed`, "said.regulation_removed"),
	said(`pay settings (.+) added: (.+)`, "said.pay_added"),
	saidWords(`pay settings (.+) changed: (.+)`, "said.pay_changed", settingNames),
	said(`pay settings (.+) removed`, "said.pay_removed"),
	said(`from the start`, "pay.start"),
	said(`from (\d{4}-\d\d-\d\d)`, "pay.version_from"),
	said(`point value (\S+) (\S+)`, "said.point_value_is"),
	said(`pay mode (points|bonus)`, "said.pay_mode_is"),
	said(`pay mode bonus \(base month (\S+)`, "said.pay_bonus_month"),
	said(`week (\S+)\)`, "said.pay_bonus_week"),
	said(`bonus cap (\S+)`, "said.bonus_cap_is"),
	said(`fine cap (\S+)`, "said.fine_cap_is"),
	said(`contact of manager (\S+) added`, "said.contact_added"),
	said(`contact of manager (\S+) changed`, "said.contact_changed"),
	said(`contact of manager (\S+) removed`, "said.contact_removed"),
	said(`head (.+) added`, "said.head_added"),
	said(`head (.+) changed`, "said.head_changed"),
	said(`head (.+) removed`, "said.head_removed"),
	said(`heads reordered`, "said.heads_reordered"),
	said(`notification webhook added`, "said.hook_added"),
	said(`notification webhook changed`, "said.hook_changed"),
	said(`notification webhook removed`, "said.hook_removed"),
	said(`reminders reset to the default`, "said.reminders_default"),
	said(`reminders turned off`, "said.reminders_off"),
	said(`reminders set to (.+)`, "said.reminders_set"),
	said(`(\d+)m`, "duration.m"),
	said(`statements time reset to the default`, "said.statements_default"),
	said(`statements time set to (.+)`, "said.statements_set"),
	said(`crm connection added: (\S+)`, "said.crm_added"),
	saidWords(`crm connection changed: (.+)`, "said.crm_changed", settingNames),
	said(`stored oauth tokens dropped \(run reglament connect again\)`, "said.oauth_dropped"),
}

// settingNames are the names of settings in a list of changes.
var settingNames = map[string]string{
	"name":                   "said.field.name",
	"timezone":               "said.field.timezone",
	"deadline":               "said.field.deadline",
	"grace":                  "said.field.grace",
	"working weekdays":       "said.field.weekdays",
	"holidays":               "said.field.holidays",
	"extra working days":     "said.field.extra_days",
	"min call seconds":       "said.field.min_call",
	"adjustment limit":       "said.field.adjustment_limit",
	"currency":               "said.field.currency",
	"point value":            "said.field.point_value",
	"bonus cap":              "said.field.bonus_cap",
	"fine cap":               "said.field.fine_cap",
	"pay mode":               "said.field.pay_mode",
	"pay base month":         "said.field.base_month",
	"pay base week":          "said.field.base_week",
	"kind":                   "said.field.kind",
	"base url":               "said.field.base_url",
	"token file":             "said.field.token_file",
	"sync interval":          "said.field.sync_every",
	"application token file": "said.field.app_token_file",
	"oauth":                  "said.field.oauth",
}

// roleNames are the roles of a user in the audit log.
var roleNames = map[string]string{"admin": "web.role.admin", "head": "web.role.head", "manager": "web.role.manager", "viewer": "web.role.viewer"}

// Said is the English sentence s, as the store or the domain writes it
// for people, in l: a sentence a pattern knows is said with its parts said
// in turn; a sentence of parts ("a; b", "where: what", "a, b") is said
// part by part; anything else (a name, an id, a reason someone typed) is
// left as it is.
func (l Lang) Said(s string) string {
	if l == EN || s == "" {
		return s
	}
	if out, ok := l.said(s); ok {
		return out
	}
	return s
}

// said reports whether it knew s or a part of it.
func (l Lang) said(s string) (string, bool) {
	if head, tail, ok := strings.Cut(s, "; "); ok {
		h, hok := l.said(head)
		t, tok := l.said(tail)
		return h + "; " + t, hok || tok
	}
	for _, p := range saidPatterns {
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, g := range m[1:] {
			day, err := domain.ParseDate(g)
			switch {
			case isoDate.MatchString(g) && err == nil:
				args[i] = l.Date(day)
			case p.words == nil || i < len(args)-1 && p.words[g] == "":
				args[i] = l.Said(g)
			case p.words[g] != "":
				args[i] = l.T(p.words[g])
			default:
				args[i] = l.words(g, p.words)
			}
		}
		return l.T(p.key, args...), true
	}
	if head, tail, ok := strings.Cut(s, ": "); ok {
		h, hok := l.said(head)
		t, tok := l.said(tail)
		return h + ": " + t, hok || tok
	}
	if parts := strings.Split(s, ", "); len(parts) > 1 {
		for i, p := range parts {
			out, ok := l.said(p)
			if !ok {
				return s, false
			}
			parts[i] = out
		}
		return strings.Join(parts, ", "), true
	}
	return s, false
}

// words says a list of words ("point value, currency") by a dictionary
// of catalog keys, leaving a word it lacks as it is.
func (l Lang) words(list string, words map[string]string) string {
	parts := strings.Split(list, ", ")
	for i, w := range parts {
		if key, ok := words[w]; ok {
			parts[i] = l.T(key)
		}
	}
	return strings.Join(parts, ", ")
}

// AuditAction names an action of the audit log ("user.create") in l, or
// returns it as it is when the catalog has no name for it.
func (l Lang) AuditAction(action string) string {
	key := "audit." + strings.ReplaceAll(action, " ", "_")
	if _, ok := catalog[key]; !ok {
		return action
	}
	return l.T(key)
}

// Duration writes d in words: "10 мин", "1 ч 30 мин", "45 с".
func (l Lang) Duration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, l.T("said.hours", h))
	}
	if m > 0 {
		parts = append(parts, l.T("duration.m", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, l.T("said.seconds", s))
	}
	return strings.Join(parts, " ")
}

var saidCatalog = map[string][2]string{
	"said.no_secret_key": {"не задан секретный ключ: укажите %s (32 байта, base64 или hex) или %s (файл с ключом), или передайте --secret-key-file",
		"no secret key configured: set %s (32 bytes, base64 or hex) or %s (a file holding it), or pass --secret-key-file"},
	"said.no_pbx_run": {"к %q не подключена АТС: выполните reglament pbx connect --workspace %s -f WORKSPACE.yaml",
		"workspace %q has no telephone exchange connected: run reglament pbx connect --workspace %s -f WORKSPACE.yaml"},
	"said.no_pbx":         {"к %q не подключена АТС", "workspace %q has no telephone exchange connected"},
	"said.no_pbx_section": {"%s: нет раздела pbx: добавьте его (kind, key, secret_file) и снова выполните pbx connect", "%s: no pbx section: add one (kind, key, secret_file) and run pbx connect again"},
	"said.pbx_key_secret": {"%s: нужны и ключ API, и его секрет", "%s: the API key and its secret are both required"},
	"said.no_client_secret": {"для %q не сохранён секрет приложения: введите его на странице настройки или укажите client_secret_file",
		"workspace %q has no client secret stored: enter it on the setup page or name a client_secret_file"},
	"said.client_secret_other": {"секрет приложения, сохранённый для %q, принадлежит другому приложению (%s %s): снова введите секрет %s на странице настройки или укажите client_secret_file",
		"the client secret stored for workspace %q belongs to another application (%s %s): enter the secret of %s again on the setup page or name a client_secret_file"},
	"said.page_not_found":      {"страница не найдена", "page not found"},
	"said.not_found":           {"не найдено", "not found"},
	"said.manager_not_found":   {"менеджер не найден", "manager not found"},
	"said.unknown_indicator":   {"неизвестный показатель", "unknown indicator"},
	"said.forbidden":           {"эта страница недоступна вашей учётной записи", "this page is not available to your account"},
	"said.too_long":            {"запрос выполнялся слишком долго; повторите его", "the request took too long; try again"},
	"said.busy":                {"сервер занят; повторите через несколько секунд", "the server is busy; try again in a few seconds"},
	"said.bad_period":          {"период %q: нужен месяц ГГГГ-ММ или неделя ГГГГ-Wнн", "invalid period %q: want YYYY-MM (month) or YYYY-Www (ISO week)"},
	"said.bad_month":           {"период %q: месяц должен быть от 01 до 12", "invalid period %q: month must be 01..12"},
	"said.bad_period_why":      {"период %q: %s", "invalid period %q: %s"},
	"said.bad_date":            {"дата %q: нужна дата ГГГГ-ММ-ДД", "invalid date %q: want YYYY-MM-DD"},
	"said.not_working_day":     {"%s — нерабочий день по календарю %q", "%s is not a working day of workspace %q"},
	"said.manager_not_in":      {"менеджер %q не найден в %q", "manager %q not found in workspace %q"},
	"said.workspace_not_found": {"рабочее пространство %q не найдено", "workspace %q not found"},
	"said.reason_required":     {"укажите причину", "a reason is required"},
	"said.recompute_reason":    {"пересчёт: укажите причину", "recompute: a reason is required"},
	"said.effective_past":      {"дата начала должна быть не раньше сегодняшней (%s); прошлые дни остаются с прежними правилами", "the effective date must be today (%s) or later; the past keeps its rules"},
	"said.effective_today":     {"дата начала должна быть не раньше сегодняшней (%s)", "the effective date must be today (%s) or later"},
	"said.past_keeps":          {"прошлые дни остаются с прежними правилами", "the past keeps its rules"},
	"said.regulation_version":  {"версия регламента с %s", "regulation version %s"},
	"said.want_email":          {"эл. почта: нужен адрес вида %s", "email: want an address such as %s"},
	"said.want_role":           {"роль: нужен руководитель, менеджер или экран", "role: want head, manager or viewer"},

	"said.token_not_found":      {"API-токен не найден", "API token not found"},
	"said.no_such_user":         {"такого пользователя нет", "no such user"},
	"said.user_not_in":          {"пользователь %s не найден в %q", "user %s not found in workspace %q"},
	"said.user_id_not_found":    {"пользователь %s не найден", "user %s not found"},
	"said.user_not_found":       {"пользователь %q не найден", "user %q not found"},
	"said.user_exists":          {"пользователь с адресом %q уже есть", "a user with email %q already exists"},
	"said.password_short":       {"пароль: не короче 8 символов", "password: at least 8 characters are required"},
	"said.log_in":               {"сначала войдите", "log in first"},
	"said.csrf":                 {"форма устарела или пришла с другого сайта: обновите страницу и повторите", "the form expired or came from another site: reload the page and try again"},
	"said.no_person":            {"эта учётная запись — не менеджер и не руководитель в %q", "this account is no manager or head of workspace %q"},
	"said.nothing_to_recompute": {"%s: нет итогового дня для пересчёта", "%s has no final day to recompute"},
	"said.not_final":            {"день %s ещё не зафиксирован: сначала зафиксируйте его", "day %s is not final yet: finalize it first"},
	"said.not_over":             {"день %s ещё не закончился: зафиксировать его можно после %s", "day %s is not over yet: it can be finalized after %s"},
	"said.no_final_first":       {"у дня %s в %q нет итоговой таблицы: сначала зафиксируйте его", "day %s of workspace %q has no final sheet: finalize it first"},
	"said.no_final":             {"у дня %s в %q нет итоговой таблицы", "day %s of workspace %q has no final sheet"},
	"said.version_race":         {"версию %s таблицы за %s одновременно сохранил кто-то другой", "version %s of day %s was stored concurrently"},
	"said.import_race":          {"%s в %q одновременно записал другой импорт: повторите импорт", "%s of workspace %q were stored by another import at the same time: import again"},
	"said.no_regulation":        {"в %q нет регламента: фиксировать нечего", "workspace %q has no regulation: nothing to finalize"},
	"said.no_endpoint":          {"такого адреса API нет", "no such API endpoint"},

	"said.yaml.node":    {"не найдено ожидаемое значение", "did not find expected node content"},
	"said.yaml.key":     {"не найден ожидаемый ключ", "did not find expected key"},
	"said.yaml.bracket": {"не найдена ожидаемая «,» или «]»", "did not find expected ',' or ']'"},
	"said.yaml.brace":   {"не найдена ожидаемая «,» или «}»", "did not find expected ',' or '}'"},
	"said.yaml.colon":   {"не найдено ожидаемое «:»", "could not find expected ':'"},
	"said.yaml.mapping": {"здесь не может быть пары «ключ: значение»", "mapping values are not allowed in this context"},
	"said.yaml.token":   {"символ, с которого не может начинаться значение", "found character that cannot start any token"},
	"said.yaml.end":     {"файл неожиданно закончился", "found unexpected end of stream"},
	"said.yaml.tab":     {"табуляция нарушает отступы", "found a tab character that violates indentation"},

	"said.adjustment":      {"корректировка #%s: менеджер %s, %s, баллы: %s, причина: %s", "adjustment %s: manager %s, %s, %s points: %s"},
	"said.sheet_stale":     {"%s, версия %s (данные CRM неполные)", "%s version %s (stale)"},
	"said.sheet":           {"%s, версия %s", "%s version %s"},
	"said.batch":           {"компаний %s, сделок %s, задач %s, активностей %s, переходов этапа %s", "companies %s, deals %s, tasks %s, activities %s, deal moves %s"},
	"said.written":         {"записано %s, без изменений %s", "%s written, %s unchanged"},
	"said.written_deleted": {"записано %s, без изменений %s, помечено удалёнными %s", "%s written, %s unchanged, %s marked deleted"},
	"said.refetch":         {"%s: повторное получение изменений (%s)", "%s re-fetch of %s changes"},
	"said.webhook_url":     {"URL вебхуков создан или заменён", "webhook URL created or rotated"},
	"said.email_paren":     {"%s (%s)", "%s (%s)"},
	"said.role_manager":    {"%s: %s → %s %s", "%s: %s → %s %s"},
	"said.role_change":     {"%s: %s → %s", "%s: %s → %s"},

	"said.ws_created":             {"рабочее пространство %s создано", "workspace %s created"},
	"said.settings_changed":       {"изменены настройки: %s", "settings changed: %s"},
	"said.manager_added":          {"менеджер %s добавлен", "manager %s added"},
	"said.manager_changed":        {"менеджер %s изменён", "manager %s changed"},
	"said.manager_removed":        {"менеджер %s удалён", "manager %s removed"},
	"said.managers_reordered":     {"изменён порядок менеджеров", "managers reordered"},
	"said.regulation_added":       {"версия регламента с %s добавлена", "regulation %s added"},
	"said.regulation_changed":     {"версия регламента с %s изменена", "regulation %s changed"},
	"said.regulation_removed":     {"версия регламента с %s удалена", "regulation %s removed"},
	"said.pay_added":              {"настройки оплаты %s добавлены: %s", "pay settings %s added: %s"},
	"said.pay_changed":            {"настройки оплаты %s изменены: %s", "pay settings %s changed: %s"},
	"said.pay_removed":            {"настройки оплаты %s удалены", "pay settings %s removed"},
	"said.point_value_is":         {"цена балла %s %s", "point value %s %s"},
	"said.pay_mode_is":            {"режим оплаты: %s", "pay mode %s"},
	"said.pay_bonus_month":        {"режим оплаты: премия (базовая за месяц %s", "pay mode bonus (base month %s"},
	"said.pay_bonus_week":         {"за неделю %s)", "week %s)"},
	"said.bonus_cap_is":           {"потолок премии %s", "bonus cap %s"},
	"said.fine_cap_is":            {"потолок снижения %s", "fine cap %s"},
	"said.contact_added":          {"контакт менеджера %s добавлен", "contact of manager %s added"},
	"said.contact_changed":        {"контакт менеджера %s изменён", "contact of manager %s changed"},
	"said.contact_removed":        {"контакт менеджера %s удалён", "contact of manager %s removed"},
	"said.head_added":             {"руководитель %s добавлен", "head %s added"},
	"said.head_changed":           {"руководитель %s изменён", "head %s changed"},
	"said.head_removed":           {"руководитель %s удалён", "head %s removed"},
	"said.heads_reordered":        {"изменён порядок руководителей", "heads reordered"},
	"said.hook_added":             {"вебхук уведомлений добавлен", "notification webhook added"},
	"said.hook_changed":           {"вебхук уведомлений изменён", "notification webhook changed"},
	"said.hook_removed":           {"вебхук уведомлений удалён", "notification webhook removed"},
	"said.reminders_default":      {"напоминания — по умолчанию", "reminders reset to the default"},
	"said.reminders_off":          {"напоминания выключены", "reminders turned off"},
	"said.reminders_set":          {"напоминания за %s до дедлайна", "reminders set to %s"},
	"said.statements_default":     {"время рассылки ведомостей — по умолчанию", "statements time reset to the default"},
	"said.statements_set":         {"время рассылки ведомостей: %s", "statements time set to %s"},
	"said.crm_added":              {"подключение к CRM добавлено: %s", "crm connection added: %s"},
	"said.crm_changed":            {"подключение к CRM изменено: %s", "crm connection changed: %s"},
	"said.oauth_dropped":          {"сохранённые токены OAuth удалены (подключите CRM заново)", "stored oauth tokens dropped (run reglament connect again)"},
	"said.field.name":             {"название", "name"},
	"said.field.timezone":         {"часовой пояс", "timezone"},
	"said.field.deadline":         {"дедлайн", "deadline"},
	"said.field.grace":            {"допуск", "grace"},
	"said.field.weekdays":         {"рабочие дни недели", "working weekdays"},
	"said.field.holidays":         {"праздники", "holidays"},
	"said.field.extra_days":       {"рабочие выходные", "extra working days"},
	"said.field.min_call":         {"мин. длительность звонка", "min call seconds"},
	"said.field.adjustment_limit": {"лимит корректировок", "adjustment limit"},
	"said.field.currency":         {"валюта", "currency"},
	"said.field.point_value":      {"цена балла", "point value"},
	"said.field.bonus_cap":        {"потолок премии", "bonus cap"},
	"said.field.fine_cap":         {"потолок снижения", "fine cap"},
	"said.field.pay_mode":         {"режим оплаты", "pay mode"},
	"said.field.base_month":       {"базовая премия за месяц", "pay base month"},
	"said.field.base_week":        {"базовая премия за неделю", "pay base week"},
	"said.field.kind":             {"вид CRM", "kind"},
	"said.field.base_url":         {"адрес CRM", "base url"},
	"said.field.token_file":       {"файл токена", "token file"},
	"said.field.sync_every":       {"интервал синхронизации", "sync interval"},
	"said.field.app_token_file":   {"файл токена приложения", "application token file"},
	"said.field.oauth":            {"OAuth", "oauth"},
	"said.hours":                  {"%d ч", "%d h"},
	"said.seconds":                {"%d с", "%d s"},

	"web.period": {"Период", "Period"},
	"web.email":  {"Эл. почта", "Email"},

	"audit.user.create":         {"пользователь создан", "user created"},
	"audit.user.role":           {"роль изменена", "role changed"},
	"audit.user.remove":         {"доступ закрыт", "access removed"},
	"audit.token.create":        {"API-токен создан", "API token created"},
	"audit.token.revoke":        {"API-токен отозван", "API token revoked"},
	"audit.webhook.secret":      {"URL вебхуков", "webhook URL"},
	"audit.webhook":             {"вебхук CRM", "CRM webhook"},
	"audit.import":              {"импорт", "import"},
	"audit.finalize":            {"фиксация дня", "day finalized"},
	"audit.recompute":           {"пересчёт дня", "day recomputed"},
	"audit.adjust":              {"корректировка", "adjustment"},
	"audit.sync":                {"синхронизация CRM", "CRM sync"},
	"audit.telegram_linked":     {"Telegram привязан", "Telegram linked"},
	"audit.apply":               {"настройки сохранены", "settings saved"},
	"audit.crm_oauth_connected": {"CRM подключена", "CRM connected"},
}
