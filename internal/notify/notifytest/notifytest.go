// Package notifytest provides fake channel servers for tests: a Telegram Bot
// API server (sendMessage and getUpdates, telegram.go's wire format) and an
// in-process SMTP server built on github.com/emersion/go-smtp, both speaking
// the real wire protocol so that the real senders talk to them unchanged.
package notifytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Telegram is a fake Bot API server: it records sendMessage calls and can
// answer the first Limited of them with 429 and a retry_after of 7 seconds.
type Telegram struct {
	URL   string // the base URL to give notify.Telegram
	Token string

	mu       sync.Mutex
	limited  int
	received []map[string]any
	updates  updateQueue
}

// StartTelegram starts a fake Bot API server for the bot token; it stops
// when the test ends.
func StartTelegram(tb testing.TB, token string) *Telegram {
	tb.Helper()
	f := &Telegram{Token: token}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Limit makes the next n sendMessage calls fail with 429.
func (f *Telegram) Limit(n int) {
	f.mu.Lock()
	f.limited = n
	f.mu.Unlock()
}

// Received returns the bodies of the accepted sendMessage calls, in order.
func (f *Telegram) Received() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.received...)
}

// ServeHTTP implements the Bot API's sendMessage and getUpdates.
func (f *Telegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/bot"+f.Token+"/getUpdates" {
		f.getUpdates(w, r)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/bot"+f.Token+"/sendMessage" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"ok":false,"error_code":401,"description":"Unauthorized"}`))
		return
	}
	if f.limited > 0 {
		f.limited--
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`))
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"ok":false,"error_code":400,"description":"Bad Request: can't parse JSON"}`))
		return
	}
	f.received = append(f.received, body)
	w.Write([]byte(`{"ok":true,"result":{"message_id":1}}`))
}
