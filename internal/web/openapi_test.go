package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// schema is the part of an OpenAPI 3 schema object the checker reads.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	Items                *schema            `json:"items"`
	Enum                 []any              `json:"enum"`
	Pattern              string             `json:"pattern"`
	Format               string             `json:"format"`
	Nullable             bool               `json:"nullable"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
}

type openAPI struct {
	Paths map[string]map[string]json.RawMessage `json:"paths"`
	Comps struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

func loadOpenAPI(t *testing.T, body string) *openAPI {
	t.Helper()
	var doc openAPI
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &doc
}

// responseSchema finds the schema of a response by its concrete path, e.g.
// /workspaces/acme/sheets/2026-11-16 matches /workspaces/{ws}/sheets/{date}.
func (d *openAPI) responseSchema(method, path string, status int) (*schema, error) {
	for tmpl, item := range d.Paths {
		re := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if !regexp.MustCompile(re).MatchString(path) {
			continue
		}
		raw, ok := item[strings.ToLower(method)]
		if !ok {
			return nil, fmt.Errorf("%s %s: no such operation in the document", method, tmpl)
		}
		var op operation
		if err := json.Unmarshal(raw, &op); err != nil {
			return nil, err
		}
		resp, ok := op.Responses[strconv.Itoa(status)]
		if !ok {
			resp, ok = op.Responses["default"]
		}
		if !ok {
			return nil, fmt.Errorf("%s %s: status %d is not documented", method, tmpl, status)
		}
		return resp.Content["application/json"].Schema, nil
	}
	return nil, fmt.Errorf("%s: no path of the document matches", path)
}

// check validates v against s: types, required properties, enums,
// patterns, item and property schemas. It returns every violation.
func (d *openAPI) check(s *schema, v any, at string) []string {
	if s == nil {
		return []string{at + ": no schema"}
	}
	if s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		ref, ok := d.Comps.Schemas[name]
		if !ok {
			return []string{at + ": unknown $ref " + s.Ref}
		}
		return d.check(ref, v, at)
	}
	if v == nil {
		if s.Nullable {
			return nil
		}
		return []string{at + ": null is not allowed"}
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			break
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				bad("required property %q is missing", r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := s.Properties[k]; ok {
				errs = append(errs, d.check(p, m[k], at+"."+k)...)
			} else if s.Properties != nil && len(s.AdditionalProperties) == 0 {
				bad("property %q is not documented", k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			break
		}
		for i, x := range a {
			errs = append(errs, d.check(s.Items, x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			break
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			bad("%q does not match %s", str, s.Pattern)
		}
		if s.Format == "date" && !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(str) {
			bad("%q is not a date", str)
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			bad("want an integer, got %v", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if e == v {
				found = true
			}
		}
		if !found {
			bad("%v is not one of %v", v, s.Enum)
		}
	}
	return errs
}

func TestAPIMatchesOpenAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.api("head@acme.example")
		resp, body := c.get("/api/v1/openapi.json")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("openapi.json: status %d", resp.StatusCode)
		}
		doc := loadOpenAPI(t, body)
		manager := env.api("anna@acme.example")
		for _, r := range []struct {
			c            *client
			method, path string
			body         string
			status       int
		}{
			{c, "GET", "/workspaces", "", 200},
			{c, "GET", "/workspaces/acme", "", 200},
			{c, "GET", "/workspaces/acme/managers", "", 200},
			{manager, "GET", "/workspaces/acme/managers", "", 200},
			{c, "GET", "/workspaces/acme/sheets/2026-11-16", "", 200},
			{c, "GET", "/workspaces/acme/sheets/2026-11-20", "", 200},
			{manager, "GET", "/workspaces/acme/sheets/2026-11-16", "", 200},
			{c, "GET", "/workspaces/acme/sheets/2026-11-21", "", 400},
			{c, "GET", "/workspaces/acme/statements/2026-11", "", 200},
			{c, "GET", "/workspaces/acme/statements/2026-W47", "", 200},
			{c, "GET", "/workspaces/acme/statements/2026-13", "", 400},
			{c, "POST", "/workspaces/acme/adjustments", `{"manager":"boris","date":"2026-11-17","points":5,"reason":"звонки с личного телефона"}`, 201},
			{c, "POST", "/workspaces/acme/adjustments", `{"manager":"boris","date":"2026-11-17","points":5,"reason":""}`, 400},
			{c, "GET", "/workspaces/acme/adjustments?period=2026-11", "", 200},
			{c, "GET", "/workspaces/acme/regulation", "", 200},
			{c, "POST", "/workspaces/acme/regulation", `{"regulation":"regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 5, targets: {anna: 6}}\n"}`, 201},
			{c, "POST", "/workspaces/acme/regulation", `{"regulation":"regulation:\n  - effective: 2026-11-02\n    rules: []\n"}`, 400},
			{c, "POST", "/workspaces/acme/backtests", `{"regulation":"regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 40}\n","period":"2026-W47"}`, 200},
			{c, "GET", "/workspaces/nope", "", 404},
			{manager, "GET", "/workspaces/acme/statements/2026-11", "", 200},
			{manager, "GET", "/workspaces/acme/regulation", "", 403},
		} {
			var resp *http.Response
			var body string
			if r.method == "GET" {
				resp, body = r.c.get("/api/v1" + r.path)
			} else {
				resp, body = r.c.postJSON("/api/v1"+r.path, r.body)
			}
			if resp.StatusCode != r.status {
				t.Errorf("%s %s: status %d, want %d\n%s", r.method, r.path, resp.StatusCode, r.status, body)
				continue
			}
			path, _, _ := strings.Cut(r.path, "?")
			sch, err := doc.responseSchema(r.method, path, resp.StatusCode)
			if err != nil {
				t.Error(err)
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Errorf("%s %s: not JSON: %v", r.method, r.path, err)
				continue
			}
			for _, e := range doc.check(sch, v, "response") {
				t.Errorf("%s %s: %s", r.method, r.path, e)
			}
		}
	})
}

// TestOpenAPICheckerFails makes sure the checker can fail.
func TestOpenAPICheckerFails(t *testing.T) {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, string(b))
	sch := &schema{Ref: "#/components/schemas/StatementLine"}
	var v any
	json.Unmarshal([]byte(`{"manager":"anna","money":12.5,"extra":1}`), &v)
	errs := doc.check(sch, v, "x")
	for _, want := range []string{`"name" is missing`, "x.money: want a string", `"extra" is not documented`} {
		found := false
		for _, e := range errs {
			found = found || strings.Contains(e, want)
		}
		if !found {
			t.Errorf("checker did not report %q; got %q", want, errs)
		}
	}
}
