package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"reglament/internal/store/storetest"
)

// Issue 14 item 7: a Settings form over the 1 MiB body limit is answered
// 413 in the reader's language, not "the form expired" (403), whether it
// declares its length or is sent in chunks.
func TestSettingsPostOverLimitIs413(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.login("head@acme.example")
	c.get("/w/acme/settings")
	big := url.Values{"csrf": {c.csrf}, "yaml": {strings.Repeat("x", 2<<20)}}.Encode()
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(big)
		if chunked {
			body = io.MultiReader(strings.NewReader(big)) // no length known: sent in chunks
		}
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/w/acme/settings", body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "ru")
		resp, page := c.do(req)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked %v: status %d, want 413\n%.300s", chunked, resp.StatusCode, page)
		}
		if !strings.Contains(page, "запрос слишком велик") || strings.Contains(page, "expired") {
			t.Errorf("chunked %v: the page does not say the request is too large, in Russian:\n%.2000s", chunked, page)
		}
	}
	// A form within the limit still needs its token.
	resp, _ := c.post("/w/acme/settings", url.Values{"csrf": {"wrong"}, "yaml": {"x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("small form with a wrong token: status %d, want 403", resp.StatusCode)
	}
}

// Issue 14 item 7: the API's JSON reader refuses a key given twice and
// data after the object, 400, naming the problem.
func TestAPIJSONRefusesDuplicatesAndTrailingData(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.api("head@acme.example")
	const path = "/api/v1/workspaces/acme/adjustments"
	for _, tc := range []struct{ name, body, want string }{
		{"duplicate key", `{"manager":"boris","manager":"anna","date":"2026-11-17","points":5,"reason":"x"}`, `duplicate key \"manager\"`},
		{"nested duplicate", `{"manager":"boris","date":"2026-11-17","points":5,"reason":"x","extra":{"a":1,"a":2}}`, `duplicate key \"a\" ($.extra)`},
		{"trailing object", `{"manager":"boris","date":"2026-11-17","points":5,"reason":"x"} {"points":500}`, "data after the JSON object"},
		{"trailing garbage", `{"manager":"boris","date":"2026-11-17","points":5,"reason":"x"}x`, "data after the JSON object"},
		{"empty", ``, "want a JSON object"},
	} {
		resp, body := c.postJSON(path, tc.body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s: status %d %s; want 400 saying %s", tc.name, resp.StatusCode, body, tc.want)
		}
	}
	resp, body := c.postJSON(path, `{"manager":"boris","date":"2026-11-17","points":5,"reason":"x"}`+"\n")
	if resp.StatusCode >= 300 {
		t.Errorf("a valid body: status %d %s", resp.StatusCode, body)
	}
}

// Issue 14 item 6: a reason is at most 1000 characters: a recompute's on
// the day page (said in the reader's language, the text not echoed back)
// and an adjustment's through the API.
func TestReasonsAreBounded(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.login("head@acme.example")
	c.get("/w/acme/day/2026-11-16")
	long := strings.Repeat("щ", 1001)
	resp, body := c.post("/w/acme/day/2026-11-16/recompute", url.Values{"reason": {long}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "не длиннее 1000 символов, а указано 1001") {
		t.Errorf("recompute with a 1001-character reason: status %d; want 400 saying the limit in Russian", resp.StatusCode)
	}
	if strings.Contains(body, long) {
		t.Errorf("the refused reason is shown back")
	}
	api := env.api("head@acme.example")
	resp, body = api.postJSON("/api/v1/workspaces/acme/adjustments",
		`{"manager":"boris","date":"2026-11-17","points":5,"reason":"`+long+`"}`)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "at most 1000 characters, got 1001") {
		t.Errorf("adjustment with a 1001-character reason: %d %.300s; want 400 naming the limit", resp.StatusCode, body)
	}
	resp, body = api.postJSON("/api/v1/workspaces/acme/adjustments",
		`{"manager":"boris","date":"2026-11-17","points":1e400,"reason":"x"}`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("adjustment of 1e400 points: %d %.300s; want 400", resp.StatusCode, body)
	}
}

// Issue 14 item 6: every web form's fields are bounded before a handler
// sees them (a user's e-mail, an API token's name…), naming the field in
// the reader's language; the settings file is bounded by its parser.
func TestFormFieldsAreBounded(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.login("head@acme.example")
	c.get("/w/acme/settings")
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/w/acme/users", url.Values{"email": {strings.Repeat("a", 300) + "@acme.example"}, "role": {"head"}}, "email: не длиннее 254 символов"},
		{"/w/acme/tokens", url.Values{"name": {strings.Repeat("т", 201)}, "user": {"1"}}, "name: не длиннее 200 символов, а указано 201"},
		{"/w/acme/users", url.Values{"role": {strings.Repeat("x", 3000)}}, "role: не длиннее 2048 символов"},
	} {
		resp, body := c.post(tc.path, tc.form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s: status %d; want 400 saying %q\n%.1500s", tc.path, resp.StatusCode, tc.want, body)
		}
	}
	if users, err := s.FindUsers(t.Context(), "acme"); err != nil || len(users) != 3 {
		t.Errorf("acme's users: %d (%v), want the 3 of the test: a refused form added one", len(users), err)
	}
}
