package i18n

import "testing"

func TestCRMHooksKeysOnce(t *testing.T) {
	if len(crmHooksDuplicates) > 0 {
		t.Errorf("keys defined both in crmhooks.go and another catalog: %q", crmHooksDuplicates)
	}
}
