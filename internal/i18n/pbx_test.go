package i18n

import (
	"strings"
	"testing"
)

func TestPBXKeysOnce(t *testing.T) {
	if len(pbxDuplicates) > 0 {
		t.Errorf("keys defined both in pbx.go and the catalog: %q", pbxDuplicates)
	}
	for k, v := range pbxCatalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: want both Russian and English", k)
		}
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("%s: the Russian and English texts take different arguments", k)
		}
	}
}
