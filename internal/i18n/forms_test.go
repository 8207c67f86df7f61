package i18n

import "testing"

func TestFormsKeysOnce(t *testing.T) {
	if len(formsDuplicates) > 0 {
		t.Errorf("keys defined both in forms.go and another catalog: %q", formsDuplicates)
	}
	for k, v := range formsCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: want both Russian and English", k)
		}
	}
}
