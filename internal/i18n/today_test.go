package i18n

import "testing"

func TestTodayKeysOnce(t *testing.T) {
	if len(todayDuplicates) > 0 {
		t.Errorf("keys defined twice: %v", todayDuplicates)
	}
}
