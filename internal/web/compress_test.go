package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Responses are compressed for a client that accepts gzip, and static
// files carry cache headers (issue 13, item 14).
func TestCompressionAndStaticCaching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		head := env.login("head@acme.example")
		raw := func(path string, header http.Header) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, env.http.URL+path, nil)
			for k, v := range header {
				req.Header[k] = v
			}
			for _, c := range head.http.Jar.Cookies(req.URL) {
				req.AddCookie(c)
			}
			// A transport of its own, which does not undo the gzip itself.
			resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, b
		}
		gz := http.Header{"Accept-Encoding": {"gzip, deflate, br"}}

		resp, body := raw("/w/acme/day/2026-11-19", gz)
		if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("a page for a gzip client: Content-Encoding %q, Vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		page, err := io.ReadAll(zr)
		if err != nil || !strings.Contains(string(page), `id="sheet"`) {
			t.Fatalf("the gzipped page does not read back (%v): %.200s", err, page)
		}
		if len(body)*3 > len(page) {
			t.Errorf("the page compressed from %d to %d bytes only", len(page), len(body))
		}

		if resp, _ := raw("/w/acme/day/2026-11-19", nil); resp.Header.Get("Content-Encoding") != "" {
			t.Error("a page is compressed for a client that does not accept it")
		}
		if resp, _ := raw("/w/acme/day/2026-11-19", http.Header{"Accept-Encoding": {"gzip;q=0"}}); resp.Header.Get("Content-Encoding") != "" {
			t.Error("a page is compressed for a client that refuses gzip")
		}
		if resp, _ := raw("/healthz", gz); resp.Header.Get("Content-Encoding") != "" {
			t.Error("a body of a few bytes is compressed")
		}
		if resp, body := raw("/w/acme/statement?period=2026-11&format=xlsx", gz); resp.StatusCode != http.StatusOK ||
			resp.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(string(body), "PK") {
			t.Errorf("an XLSX (already a zip): %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}

		// The layout links the stylesheet by its content hash.
		_, html := head.get("/w/acme/today")
		m := regexp.MustCompile(`href="(/static/style\.css\?v=([0-9a-f]{16}))"`).FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("the layout does not link the stylesheet by its hash")
		}
		resp, _ = raw(m[1], gz)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("the hashed stylesheet: %d, Cache-Control %q, Content-Encoding %q", resp.StatusCode,
				resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Encoding"))
		}
		resp, _ = raw("/static/style.css", nil)
		if resp.Header.Get("Cache-Control") != "public, max-age=3600" || resp.Header.Get("ETag") != `"`+m[2]+`"` {
			t.Errorf("the stylesheet without its hash: Cache-Control %q, ETag %q", resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
		}
		if resp, _ := raw("/static/style.css", http.Header{"If-None-Match": {`"` + m[2] + `"`}}); resp.StatusCode != http.StatusNotModified {
			t.Errorf("a revalidation with the current ETag: %d, want 304", resp.StatusCode)
		}
	})
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"": false, "gzip": true, "deflate, gzip;q=0.5": true, "GZIP": true,
		"gzip;q=0": false, "br": false, "x-gzip": false} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// The CSRF token a page carries differs from page to page (masked), and
// each masked form of it, and the token itself, is accepted.
func TestCSRFMasked(t *testing.T) {
	token := "0123456789abcdef0123456789abcdef"
	a, b := maskCSRF(token), maskCSRF(token)
	if a == b || strings.Contains(a, token) {
		t.Errorf("two masks %q and %q of one token", a, b)
	}
	for _, sent := range []string{a, b, token} {
		if !csrfMatches(sent, token) {
			t.Errorf("%q does not match its token", sent)
		}
	}
	for _, sent := range []string{"", maskCSRF("fedcba9876543210fedcba9876543210"), token[1:], a[:len(a)-2]} {
		if csrfMatches(sent, token) {
			t.Errorf("%q matches another token", sent)
		}
	}
	if csrfMatches("", "") {
		t.Error("an empty token matches")
	}
}
