package amocrm

import "encoding/json"

// skip decodes any JSON value into nothing: counting list items without
// copying them.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// countRecords returns how many records a list page carries under
// _embedded; 0 for an empty (204) or unexpected body.
func countRecords(body []byte) int {
	if len(body) == 0 {
		return 0
	}
	var p struct {
		Embedded map[string][]skip `json:"_embedded"`
	}
	if json.Unmarshal(body, &p) != nil {
		return 0
	}
	n := 0
	for _, items := range p.Embedded {
		n += len(items)
	}
	return n
}
