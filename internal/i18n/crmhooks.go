package i18n

// The texts of the HubSpot and Pipedrive webhooks (issue 17): what
// `reglament webhook-url` says beside the URL it prints. They live in a
// file of their own and join the catalog at start.
func init() {
	for k, v := range crmHooksCatalog {
		if _, ok := catalog[k]; ok {
			crmHooksDuplicates = append(crmHooksDuplicates, k)
		}
		catalog[k] = v
	}
}

// crmHooksDuplicates lists the keys defined both here and in another
// catalog; TestCRMHooksKeysOnce holds it empty.
var crmHooksDuplicates []string

var crmHooksCatalog = map[string][2]string{
	"crmhooks.hubspot": {"hubspot: подпишите приложение на события сделок, компаний и контактов (deal.*, company.*, contact.*) с этим URL; подпись X-HubSpot-Signature-v3 проверяется client secret приложения, запросы старше 5 минут отклоняются; звонки, встречи и задачи приходят синхронизацией",
		"hubspot: subscribe the app to deal, company and contact events (deal.*, company.*, contact.*) with this URL; the X-HubSpot-Signature-v3 is checked with the app's client secret and calls older than 5 minutes are refused; calls, meetings and tasks come by the sync"},
	"crmhooks.hubspot_no_secret": {"hubspot: вебхуки будут отклоняться, пока в разделе crm не указан client secret: oauth.client_secret_file или, для приватного приложения, application_token_file",
		"hubspot: webhooks are refused until the crm section names the client secret: oauth.client_secret_file or, for a private app, application_token_file"},
	"crmhooks.pipedrive": {"pipedrive: создайте вебхуки (Настройки → Вебхуки или POST /v1/webhooks) версии 2.0 для объектов deal, activity и person, действие *, с этим URL и пользователем и паролем HTTP выше; они показаны один раз и хранятся зашифрованными, прежние перестанут работать в течение нескольких секунд",
		"pipedrive: create the webhooks (Settings → Webhooks, or POST /v1/webhooks) of version 2.0 for the objects deal, activity and person, action *, with this URL and the HTTP user and password above; they are shown once and stored encrypted, and any previous ones stop working within seconds"},
}
