package notify

import (
	"context"
	"encoding/json"
	"flag"
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
	"reglament/internal/notify/notifytest"
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

// digestAndStatement is the final sheet of 2026-11-16 (stale: the CRM data
// stopped at 17:30) and the month's statement with a capped fine.
func digestAndStatement(t *testing.T) (*domain.DaySheet, *domain.Statement) {
	t.Helper()
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
	return sheet, st
}

func TestDigestAndStatementGolden(t *testing.T) {
	ws := testWorkspace(t)
	sheet, st := digestAndStatement(t)
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		d := Digest(lang, ws, sheet)
		golden(t, "digest-"+string(lang)+".txt", d.Text+"\n--- html\n"+d.HTML+"\n")
		s := Statement(lang, ws, st, "")
		own := Statement(lang, ws, st, "boris")
		golden(t, "statement-"+string(lang)+".txt", s.Text+"\n--- own line\n"+own.Text+"\n")
	}
}

func TestTelegram(t *testing.T) {
	const token = "123456:SECRET-token"
	fake := notifytest.StartTelegram(t, token)
	fake.Limit(1)
	tg := &Telegram{BaseURL: fake.URL, Token: token}
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
	if diff := cmp.Diff(want, fake.Received()); diff != "" {
		t.Errorf("bot API saw (-want +got):\n%s", diff)
	}

	bad := &Telegram{BaseURL: fake.URL, Token: "wrong"}
	if err := bad.Send(context.Background(), "42", msg); err == nil || IsTemporary(err) {
		t.Errorf("wrong token: got %v; want a permanent failure", err)
	}
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	tg.BaseURL = down.URL
	err = tg.Send(context.Background(), "42", msg)
	if !IsTemporary(err) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), down.URL) {
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

func TestEmail(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	mail := &Email{Addr: srv.Addr, From: "reglament@acme.test", AllowInsecure: true, Timeout: 5 * time.Second}
	m := Message{Subject: "Итоги дня 2026-11-16", Text: "Анна: +2", HTML: "<b>Анна</b>: +2"}
	if err := mail.Send(context.Background(), "head@acme.test", m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()[0]
	for _, want := range []string{"To: head@acme.test", "Subject: =?utf-8?q?", "multipart/alternative", "text/plain; charset=utf-8", "text/html; charset=utf-8", "=D0=90=D0=BD=D0=BD=D0=B0: +2"} {
		if !strings.Contains(got, want) {
			t.Errorf("message lacks %q:\n%s", want, got)
		}
	}

	srv.RefuseRecipients("451 4.3.0 mailbox busy, try later")
	if err := mail.Send(context.Background(), "head@acme.test", m); !IsTemporary(err) {
		t.Errorf("451: got %v; want temporary", err)
	}
	srv.RefuseRecipients("550 5.1.1 no such user")
	if err := mail.Send(context.Background(), "nobody@acme.test", m); err == nil || IsTemporary(err) {
		t.Errorf("550: got %v; want permanent", err)
	}

	strict := &Email{Addr: srv.Addr, From: "reglament@acme.test", Timeout: 5 * time.Second}
	if err := strict.Send(context.Background(), "head@acme.test", m); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("no STARTTLS offered: got %v; want a refusal to send in the clear", err)
	}
}

// A delivery's key reaches the receiver as an ASCII id that is the same on
// every retry: the webhook's Idempotency-Key header, the e-mail's
// Message-ID. Without a key a webhook sends no such header.
func TestDeliveryIDReachesReceivers(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
	}))
	defer srv.Close()
	wh := &Webhook{URL: srv.URL}
	m := Message{Text: "итоги дня", Key: "digest/acme/2026-11-16/head:Ольга"}
	for _, msg := range []Message{m, m, {Text: "no key"}} {
		if err := wh.Send(context.Background(), "", msg); err != nil {
			t.Fatal(err)
		}
	}
	id := m.DeliveryID()
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Fatalf("DeliveryID %q: want 32 hex digits", id)
	}
	if diff := cmp.Diff([]string{id, id, ""}, keys); diff != "" {
		t.Errorf("Idempotency-Key headers (-want +got):\n%s", diff)
	}

	smtpSrv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	mail := &Email{Addr: smtpSrv.Addr, From: "reglament@acme.test", AllowInsecure: true, Timeout: 5 * time.Second}
	for range 2 {
		if err := mail.Send(context.Background(), "head@acme.test", m); err != nil {
			t.Fatal(err)
		}
	}
	for i, got := range smtpSrv.Messages() {
		if want := "Message-ID: <" + id + "@acme.test>"; !strings.Contains(got, want) || !strings.Contains(got, "\r\nDate: ") {
			t.Errorf("message %d lacks %q or a Date:\n%s", i, want, got)
		}
	}
}
