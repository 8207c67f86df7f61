package i18n

// The texts of connecting a workspace's CRM by a token file (reglament
// connect without a code). They live in a file of their own and join the
// catalog at start.
func init() {
	for k, v := range crmConnectCatalog {
		if _, ok := catalog[k]; ok {
			crmConnectDuplicates = append(crmConnectDuplicates, k)
		}
		catalog[k] = v
	}
}

// crmConnectDuplicates lists the keys defined both here and in the main
// catalog; TestCRMConnectKeysOnce holds it empty.
var crmConnectDuplicates []string

var crmConnectCatalog = map[string][2]string{
	"connect.token_refused": {"%s не принимает токен из %s (HTTP %d): проверьте токен и base_url",
		"%s refused the token of %s (HTTP %d): check the token and the base_url"},
}
