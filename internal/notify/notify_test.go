package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func testWorkspace(t *testing.T) *domain.Workspace {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	return &domain.Workspace{ID: "acme", Name: "ООО Ромашка", Location: loc, Timezone: "Europe/Moscow",
		Deadline: domain.Clock{Hour: 18}, Currency: "RUB", PointValue: decimal.NewFromInt(100),
		Managers: []domain.Manager{{ID: "anna", Name: "Анна Петрова"}, {ID: "boris", Name: "Борис Смирнов"}, {ID: "vera", Name: "Вера Ким"}}}
}

// annaAt17 is Anna's draft at 17:00: 12 calls of 30, one deal without a
// task, two overdue tasks, companies fine.
func annaAt17() (*domain.SheetLine, map[domain.Indicator][]domain.Evidence) {
	var v domain.Values
	v.SetCount(domain.CallsHeld, 12)
	v.SetCount(domain.DealsWithoutTasks, 1)
	v.SetCount(domain.OverdueTasks, 2)
	v.SetCount(domain.CompaniesAdded, 1)
	line := &domain.SheetLine{Manager: "anna", Values: v, Rules: []domain.RuleOutcome{
		{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: decimal.NewFromInt(30), Passed: false, Points: -2},
		{Indicator: domain.CompaniesAdded, Op: domain.AtLeast, Target: decimal.NewFromInt(1), Passed: true, Points: 1},
		{Indicator: domain.DealsWithoutTasks, Op: domain.AtMost, Target: decimal.Zero, Passed: false, Points: -2},
		{Indicator: domain.OverdueTasks, Op: domain.AtMost, Target: decimal.Zero, Passed: false, Points: -2},
	}}
	ev := map[domain.Indicator][]domain.Evidence{
		domain.DealsWithoutTasks: {
			{Kind: domain.KindDeal, Source: "amocrm", ExternalID: "25813923", Title: "Поставка <оборудования>", Counted: true},
			{Kind: domain.KindDeal, Source: "amocrm", ExternalID: "1", Title: "Монтаж", Counted: false, Reason: domain.ReasonHasOpenTask},
		},
		domain.OverdueTasks: {
			{Kind: domain.KindTask, Source: "amocrm", ExternalID: "56981", Title: "Перезвонить Иванову", Counted: true},
			{Kind: domain.KindTask, Source: "csv", ExternalID: "t9", Title: "", Counted: true},
		},
	}
	return line, ev
}

func amoLink(e domain.Evidence) string {
	if e.Source != "amocrm" {
		return ""
	}
	if e.Kind == domain.KindDeal {
		return "https://acme.amocrm.ru/leads/detail/" + e.ExternalID
	}
	return "https://acme.amocrm.ru/todo/list/?id=" + e.ExternalID
}

func TestReminderGolden(t *testing.T) {
	ws := testWorkspace(t)
	line, ev := annaAt17()
	gaps := Gaps(line, ev, amoLink)
	if len(gaps) != 3 {
		t.Fatalf("got %d gaps, want 3 (calls, deals without tasks, overdue tasks)", len(gaps))
	}
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		m, ok := Reminder(lang, ws, &ws.Managers[0], gaps, 60*time.Minute)
		if !ok {
			t.Fatalf("%s: no reminder for a manager with gaps", lang)
		}
		golden(t, "reminder-"+string(lang)+".txt", "Subject: "+m.Subject+"\n\n"+m.Text+"\n\n--- html\n"+m.HTML+"\n")
	}
}

func TestNoReminderForACompliantManager(t *testing.T) {
	ws := testWorkspace(t)
	line := &domain.SheetLine{Manager: "boris", Rules: []domain.RuleOutcome{{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: decimal.NewFromInt(1), Passed: true, Points: 1}}}
	if _, ok := Reminder(i18n.RU, ws, &ws.Managers[1], Gaps(line, nil, nil), 15*time.Minute); ok {
		t.Error("a compliant manager got a reminder")
	}
}

func TestDigestAndStatementGolden(t *testing.T) {
	ws := testWorkspace(t)
	line, _ := annaAt17()
	line.Points, line.Total = -5, -5
	var bv domain.Values
	bv.SetCount(domain.CallsHeld, 31)
	sheet := &domain.DaySheet{Workspace: "acme", Date: domain.MustDate("2026-11-16"), Status: domain.SheetFinal, Stale: true,
		Watermark: time.Date(2026, 11, 16, 14, 30, 0, 0, time.UTC),
		Lines: []domain.SheetLine{*line,
			{Manager: "boris", Values: bv, Rules: []domain.RuleOutcome{{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: decimal.NewFromInt(30), Passed: true, Points: 1}}, Points: 1, Total: 1},
			{Manager: "vera", Absent: true}}}
	st := &domain.Statement{Workspace: "acme", Period: "2026-11", Currency: "RUB", Lines: []domain.StatementLine{
		{Manager: "anna", Name: "Анна Петрова", DaysScored: 18, Total: 40, Money: domain.NewMoney(decimal.NewFromInt(4000))},
		{Manager: "boris", Name: "Борис Смирнов", DaysScored: 20, Total: -150, Money: domain.NewMoney(decimal.NewFromInt(-10000)), Capped: true},
	}}
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		d := Digest(lang, ws, sheet)
		golden(t, "digest-"+string(lang)+".txt", d.Text+"\n--- html\n"+d.HTML+"\n")
		s := Statement(lang, ws, st, "")
		own := Statement(lang, ws, st, "boris")
		golden(t, "statement-"+string(lang)+".txt", s.Text+"\n--- own line\n"+own.Text+"\n")
	}
}

// fakeTelegram is a Bot API server: it records sendMessage calls and can
// answer the first n of them with 429 and a retry_after.
type fakeTelegram struct {
	mu       sync.Mutex
	token    string
	limited  int
	received []map[string]any
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/bot"+f.token+"/sendMessage" {
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

func TestTelegram(t *testing.T) {
	const token = "123456:SECRET-token"
	fake := &fakeTelegram{token: token, limited: 1}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	tg := &Telegram{BaseURL: srv.URL, Token: token}
	msg := Message{HTML: "<b>Анна</b>, до дедлайна 60 мин"}

	err := tg.Send(context.Background(), "42", msg)
	var d *DeliveryError
	if !asDelivery(err, &d) || !d.Temporary || d.RetryAfter != 7*time.Second {
		t.Fatalf("first send: got %v; want a temporary failure retrying after 7s", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error text leaks the token: %v", err)
	}
	if err := tg.Send(context.Background(), "42", msg); err != nil {
		t.Fatalf("second send: %v", err)
	}
	want := []map[string]any{{"chat_id": "42", "text": msg.HTML, "parse_mode": "HTML", "disable_web_page_preview": true}}
	if diff := cmp.Diff(want, fake.received); diff != "" {
		t.Errorf("bot API saw (-want +got):\n%s", diff)
	}

	bad := &Telegram{BaseURL: srv.URL, Token: "wrong"}
	if err := bad.Send(context.Background(), "42", msg); err == nil || IsTemporary(err) {
		t.Errorf("wrong token: got %v; want a permanent failure", err)
	}
	srv.Close()
	err = tg.Send(context.Background(), "42", msg)
	if !IsTemporary(err) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), srv.URL) {
		t.Errorf("server down: got %v; want a temporary failure naming no URL or token", err)
	}
}

func asDelivery(err error, d **DeliveryError) bool {
	x, ok := err.(*DeliveryError)
	*d = x
	return ok
}

func TestWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, body.Text)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	wh := &Webhook{URL: srv.URL}
	if err := wh.Send(context.Background(), "", Message{Text: "итоги дня"}); err != nil {
		t.Fatal(err)
	}
	status = http.StatusServiceUnavailable
	if err := wh.Send(context.Background(), "", Message{Text: "x"}); !IsTemporary(err) {
		t.Errorf("503: got %v; want temporary", err)
	}
	status = http.StatusBadRequest
	if err := wh.Send(context.Background(), "", Message{Text: "x"}); err == nil || IsTemporary(err) {
		t.Errorf("400: got %v; want permanent", err)
	}
	if diff := cmp.Diff([]string{"итоги дня", "x", "x"}, got); diff != "" {
		t.Errorf("receiver saw (-want +got):\n%s", diff)
	}
}

// smtpServer is a minimal in-process SMTP server: enough of RFC 5321 to
// accept a message, and a hook to refuse recipients with a chosen reply.
type smtpServer struct {
	ln       net.Listener
	mu       sync.Mutex
	messages []string
	rcptCode string // e.g. "451 4.3.0 try later"; empty accepts
	starttls bool
}

func startSMTP(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			if s.starttls {
				say("250-test")
				say("250 STARTTLS")
			} else {
				say("250 test")
			}
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			code := s.rcptCode
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

func TestEmail(t *testing.T) {
	srv := startSMTP(t)
	mail := &Email{Addr: srv.ln.Addr().String(), From: "reglament@acme.test", AllowInsecure: true, Timeout: 5 * time.Second}
	m := Message{Subject: "Итоги дня 2026-11-16", Text: "Анна: +2", HTML: "<b>Анна</b>: +2"}
	if err := mail.Send(context.Background(), "head@acme.test", m); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	got := srv.messages[0]
	srv.mu.Unlock()
	for _, want := range []string{"To: head@acme.test", "Subject: =?utf-8?q?", "multipart/alternative", "text/plain; charset=utf-8", "text/html; charset=utf-8", "=D0=90=D0=BD=D0=BD=D0=B0: +2"} {
		if !strings.Contains(got, want) {
			t.Errorf("message lacks %q:\n%s", want, got)
		}
	}

	srv.mu.Lock()
	srv.rcptCode = "451 4.3.0 mailbox busy, try later"
	srv.mu.Unlock()
	if err := mail.Send(context.Background(), "head@acme.test", m); !IsTemporary(err) {
		t.Errorf("451: got %v; want temporary", err)
	}
	srv.mu.Lock()
	srv.rcptCode = "550 5.1.1 no such user"
	srv.mu.Unlock()
	if err := mail.Send(context.Background(), "nobody@acme.test", m); err == nil || IsTemporary(err) {
		t.Errorf("550: got %v; want permanent", err)
	}

	strict := &Email{Addr: srv.ln.Addr().String(), From: "reglament@acme.test", Timeout: 5 * time.Second}
	if err := strict.Send(context.Background(), "head@acme.test", m); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("no STARTTLS offered: got %v; want a refusal to send in the clear", err)
	}
}
