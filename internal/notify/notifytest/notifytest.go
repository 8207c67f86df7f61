// Package notifytest provides fake channel servers for tests: a Telegram Bot
// API server and a minimal in-process SMTP server, both speaking enough of
// the real wire protocol that the real senders talk to them unchanged.
package notifytest

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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

// ServeHTTP implements the Bot API's sendMessage.
func (f *Telegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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

// SMTP is a minimal in-process SMTP server: enough of RFC 5321 to accept a
// message, AUTH PLAIN when a user is set, and a hook to refuse recipients
// with a chosen reply.
type SMTP struct {
	Addr string // host:port to give notify.Email

	ln       net.Listener
	mu       sync.Mutex
	messages []string
	rcpts    []string
	rcptCode string
	starttls bool
	user     string
	password string
}

// SMTPOptions configures StartSMTP.
type SMTPOptions struct {
	StartTLS       bool   // advertise STARTTLS (which then fails: no certificate)
	User, Password string // require AUTH PLAIN with these
}

// StartSMTP starts a server on 127.0.0.1; it stops when the test ends.
func StartSMTP(tb testing.TB, opts SMTPOptions) *SMTP {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &SMTP{Addr: ln.Addr().String(), ln: ln, starttls: opts.StartTLS, user: opts.User, password: opts.Password}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return s
}

// RefuseRecipients answers RCPT TO with reply (e.g. "451 4.3.0 try later");
// an empty reply accepts again.
func (s *SMTP) RefuseRecipients(reply string) {
	s.mu.Lock()
	s.rcptCode = reply
	s.mu.Unlock()
}

// Messages returns the accepted messages (headers and body), in order.
func (s *SMTP) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.messages...)
}

// Recipients returns the accepted RCPT TO addresses, in order.
func (s *SMTP) Recipients() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rcpts...)
}

func (s *SMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	authed := s.user == ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		raw := strings.TrimSpace(line)
		cmd := strings.ToUpper(raw)
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			ext := []string{"test"}
			if s.starttls {
				ext = append(ext, "STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				if i < len(ext)-1 {
					say("250-" + e)
				} else {
					say("250 " + e)
				}
			}
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			fields := strings.Fields(raw)
			b, _ := base64.StdEncoding.DecodeString(fields[len(fields)-1])
			if string(b) == "\x00"+s.user+"\x00"+s.password {
				authed = true
				say("235 2.7.0 authenticated")
			} else {
				say("535 5.7.8 authentication credentials invalid")
			}
		case strings.HasPrefix(cmd, "MAIL FROM"):
			if !authed {
				say("530 5.7.0 authentication required")
				continue
			}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			code := s.rcptCode
			if code == "" {
				s.rcpts = append(s.rcpts, strings.Trim(strings.TrimSpace(raw[len("RCPT TO:"):]), "<>"))
			}
			s.mu.Unlock()
			if code != "" {
				say(code)
			} else {
				say("250 ok")
			}
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.messages = append(s.messages, b.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		case cmd == "RSET" || cmd == "NOOP":
			say("250 ok")
		default:
			say("502 not implemented")
		}
	}
}
