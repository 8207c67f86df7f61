package i18n

import "testing"

func TestSetupKeysOnce(t *testing.T) {
	if len(setupDuplicates) > 0 {
		t.Errorf("keys defined both in setup.go and the catalog: %q", setupDuplicates)
	}
	for k, v := range setupCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: want both Russian and English", k)
		}
	}
}

func TestSetupSaid(t *testing.T) {
	if got := RU.Said("amocrm https://acme.amocrm.ru, client 7c1e-app"); got != "amocrm https://acme.amocrm.ru, приложение 7c1e-app" {
		t.Errorf("the connection's audit detail in Russian: %q", got)
	}
}
