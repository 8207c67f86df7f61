package i18n

import "testing"

func TestCRMConnectKeysOnce(t *testing.T) {
	if len(crmConnectDuplicates) > 0 {
		t.Errorf("keys defined both in crmconnect.go and the main catalog: %q", crmConnectDuplicates)
	}
	for k, v := range crmConnectCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: want both Russian and English", k)
		}
	}
}
