package web

import (
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// compress gzips the responses worth it for a client that accepts gzip
// (issue 13, item 14): HTML, CSS, JavaScript, JSON, CSV and SVG of at
// least compressMin bytes. XLSX (already a zip), images and empty answers
// pass as they are. A page of the month grid shrinks about tenfold, which
// a phone on a weak network feels.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// compressMin is the smallest body worth compressing: below it the gzip
// header and the work outweigh the saving.
const compressMin = 1024

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// compressible reports whether a response of contentType is worth
// compressing.
func compressible(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(t, "text/"):
		return true
	case t == "application/json", t == "application/javascript", t == "image/svg+xml", t == "application/problem+json":
		return true
	}
	return false
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipWriter decides at the first write whether to compress: by the status,
// the content type, an encoding already set, and the size of what is
// written before the header must go (buffered up to compressMin).
type gzipWriter struct {
	http.ResponseWriter
	status  int
	decided bool
	buf     []byte
	gz      *gzip.Writer
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.status != 0 {
		return // a second call, as net/http ignores it
	}
	w.status = code
	h := w.Header()
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified || h.Get("Content-Encoding") != "" ||
		!compressible(h.Get("Content-Type")) {
		w.decide(false)
	}
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if !w.decided {
		w.buf = append(w.buf, b...)
		if len(w.buf) < compressMin {
			return len(b), nil
		}
		w.decide(true)
		buf := w.buf
		w.buf = nil
		if _, err := w.gz.Write(buf); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// decide sends the header, compressed or not, and what was buffered when
// not.
func (w *gzipWriter) decide(gz bool) {
	w.decided = true
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if gz {
		h := w.Header()
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		w.gz = gzipPool.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(status)
	if !gz && len(w.buf) > 0 {
		w.ResponseWriter.Write(w.buf)
		w.buf = nil
	}
}

// close ends the response: a small body goes out as it is, a compressed
// one is flushed and its writer returned to the pool.
func (w *gzipWriter) close() {
	if !w.decided {
		if w.status == 0 && len(w.buf) == 0 {
			return // nothing written: the handler's server writes the 200
		}
		w.decide(false)
		return
	}
	if w.gz != nil {
		w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// assetFiles are the embedded static files; templates link them with
// their hash ({{static "style.css"}}).
var assetFiles = func() *staticFiles {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	s, err := newStaticFiles(sub)
	if err != nil {
		panic(err)
	}
	return s
}()

func init() { funcs["static"] = assetFiles.url }

// staticFiles serves the embedded static files. A URL carrying the file's
// content hash (?v=, as staticURL writes it) is cached for a year, as it
// changes whenever the file does; any other for an hour, revalidated by
// the hash as ETag.
type staticFiles struct {
	files  http.Handler
	hashes map[string]string // by file name
}

func newStaticFiles(fsys fs.FS) (*staticFiles, error) {
	s := &staticFiles{files: http.StripPrefix("/static/", http.FileServerFS(fsys)), hashes: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.hashes[path] = hex.EncodeToString(sum[:8])
		return nil
	})
	return s, err
}

func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if hash, ok := s.hashes[name]; ok {
		h := w.Header()
		h.Set("ETag", `"`+hash+`"`)
		if r.URL.Query().Get("v") == hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=3600")
		}
	}
	s.files.ServeHTTP(w, r)
}

// url is the address of static file name with its content hash.
func (s *staticFiles) url(name string) string {
	return "/static/" + name + "?v=" + s.hashes[name]
}

// maskCSRF returns the CSRF token as a page carries it: XORed with fresh
// random bytes, which come first. Every page then carries a different
// text for the same token, so that compressing pages that also reflect
// what a request sent cannot leak the token byte by byte (BREACH).
func maskCSRF(token string) string {
	pad := make([]byte, len(token))
	rand.Read(pad)
	out := make([]byte, 2*len(token))
	copy(out, pad)
	for i := range len(token) {
		out[len(token)+i] = token[i] ^ pad[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// csrfMatches reports whether sent, a masked token (maskCSRF) or the token
// itself, is token.
func csrfMatches(sent, token string) bool {
	if token == "" {
		return false
	}
	if b, err := base64.RawURLEncoding.DecodeString(sent); err == nil && len(b) == 2*len(token) {
		n := len(token)
		plain := make([]byte, n)
		for i := range n {
			plain[i] = b[i] ^ b[n+i]
		}
		if subtle.ConstantTimeCompare(plain, []byte(token)) == 1 {
			return true
		}
	}
	return subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1
}
