package i18n

// The texts of connecting HubSpot and Pipedrive on the setup page's CRM
// step: a pasted token (a HubSpot private app's, a Pipedrive API token) or
// a public app by OAuth. They live in a file of their own and join the
// catalog at start.
func init() {
	for k, v := range setupCRMCatalog {
		if _, ok := catalog[k]; ok {
			setupCRMDuplicates = append(setupCRMDuplicates, k)
		}
		catalog[k] = v
	}
}

// setupCRMDuplicates lists the keys defined both here and in the main
// catalog; TestSetupCRMKeysOnce holds it empty.
var setupCRMDuplicates []string

var setupCRMCatalog = map[string][2]string{
	"setupcrm.hs_help": {"Частное приложение HubSpot («Настройки» → «Интеграции» → «Частные приложения») с правами на чтение компаний, сделок, контактов, владельцев и активностей: вставьте его токен доступа.",
		"A HubSpot private app (Settings → Integrations → Private apps) allowed to read companies, deals, contacts, owners and activities: paste its access token."},
	"setupcrm.hs_token":   {"Токен доступа частного приложения", "Private app access token"},
	"setupcrm.hs_connect": {"Подключить HubSpot", "Connect HubSpot"},
	"setupcrm.hs_app":     {"Или публичное приложение с разрешением доступа в HubSpot", "Or a public app by OAuth"},
	"setupcrm.hs_app_help": {"В аккаунте разработчика HubSpot создайте приложение; на вкладке авторизации вставьте этот адрес перенаправления точно как есть и укажите эти права:",
		"In a HubSpot developer account create an app; on its Auth tab paste this redirect URL exactly as it is and declare these scopes:"},
	"setupcrm.pd_help": {"Ваш API-токен Pipedrive: «Личные настройки» → «API». Синхронизация видит то же, что и владелец токена.",
		"Your Pipedrive API token: Personal preferences → API. The sync sees what the token's owner sees."},
	"setupcrm.pd_token":   {"API-токен", "API token"},
	"setupcrm.pd_domain":  {"Адрес компании в Pipedrive (необязательно, для ссылок на сделки)", "The company's Pipedrive address (optional, for links to deals)"},
	"setupcrm.pd_connect": {"Подключить Pipedrive", "Connect Pipedrive"},
	"setupcrm.pd_app":     {"Или приложение с разрешением доступа в Pipedrive", "Or an app by OAuth"},
	"setupcrm.pd_app_help": {"В центре разработчика Pipedrive создайте приложение с доступом на чтение сделок, активностей, контактов и пользователей; в поле адреса возврата вставьте этот адрес точно как есть:",
		"In Pipedrive's Developer Hub create an app with read access to deals, activities, contacts and users; paste this callback URL exactly as it is:"},
	"setupcrm.client_id":     {"Идентификатор приложения (client_id)", "Client ID"},
	"setupcrm.client_secret": {"Секрет приложения (client_secret)", "Client secret"},
	"setupcrm.app_save":      {"Сохранить приложение", "Save the app"},
	"setupcrm.sealed":        {"Токены и секреты хранятся только зашифрованными и больше не показываются.", "Tokens and secrets are stored encrypted only and never shown again."},
	"setupcrm.no_key": {"На сервере не задан ключ шифрования (REGLAMENT_SECRET_KEY): без него токен негде хранить.",
		"The server has no encryption key (REGLAMENT_SECRET_KEY): without it the token cannot be stored."},
	"setupcrm.token_missing": {"Вставьте токен", "Paste the token"},
	"setupcrm.token_refused": {"%s не принял токен (код ответа %d): проверьте, что он скопирован целиком и у него есть права на чтение",
		"%s refused the token (HTTP %d): check that it is copied whole and allowed to read"},
	"setupcrm.app_missing": {"Укажите идентификатор и секрет приложения %s", "Give the %s app's client ID and client secret"},
	"setupcrm.app_saved": {"Приложение %s сохранено. Нажмите «Подключить %s» и разрешите доступ.",
		"The %s app is saved. Press «Connect %s» and allow the access."},
	"setupcrm.authorize": {"Подключить %s", "Connect %s"},
	"setupcrm.denied":    {"Доступ в %s не разрешён: подключение не выполнено", "The access to %s was not allowed: nothing is connected"},
	"setupcrm.exchange_failed": {"%s не принял код авторизации: проверьте идентификатор, секрет и адрес перенаправления приложения и подключите ещё раз",
		"%s refused the authorization code: check the client ID, the client secret and the redirect URL, and connect again"},
	"setupcrm.bad_domain": {"Адрес компании — вида https://компания.pipedrive.com, без пути", "The company address looks like https://company.pipedrive.com, with no path"},
	"setupcrm.connect_checked": {"Подключено: %s (%s), CRM принимает токен, вставленный на странице настройки",
		"Connected: %s (%s), the CRM accepts the token pasted on the setup page"},
	"setupcrm.connect_refused": {"%s не принимает токен, вставленный на странице настройки (HTTP %d): вставьте его заново",
		"%s refused the token pasted on the setup page (HTTP %d): paste it again"},
	"setupcrm.bad_api_domain": {"Pipedrive назвал адрес компании, которому мы не доверяем: подключение не выполнено",
		"Pipedrive named a company address we do not trust: nothing is connected"},
}
