package i18n

import "testing"

func TestSetupCRMKeysOnce(t *testing.T) {
	if len(setupCRMDuplicates) > 0 {
		t.Errorf("keys defined both in setupcrm.go and the main catalog: %q", setupCRMDuplicates)
	}
	for k, v := range setupCRMCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s lacks a language: %q", k, v)
		}
	}
}
