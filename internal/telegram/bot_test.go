package telegram_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/telegram"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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

const fixtures = "../engine/testdata/acme/"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var msk, _ = time.LoadLocation("Europe/Moscow")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t
}

// Setup applies the acme fixture company (with Olga as head, Boris's
// contact in English) and its records of 2026-11-16.
func Setup(t *testing.T, s *store.Store, c *clock) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	eng := engine.New(s, c.Now)
	data, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace("workspace.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	ws.Managers[1].Contact = &domain.Contact{Email: "boris@acme.example", Lang: "en", Notify: true}
	ws.Notifications.Heads = []domain.Head{{Name: "Olga", Contact: domain.Contact{Lang: "ru", Notify: true}}}
	if _, err := eng.Apply(ctx, ws, "test"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		f, err := os.Open(filepath.Join(fixtures, kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Import(ctx, "acme", kind, kind+".csv", f, "test"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return eng
}

func msg(chat int64, lang, text string) telegram.Update {
	return telegram.Update{UpdateID: 1, Message: &telegram.Message{MessageID: 1, From: &telegram.User{ID: chat, LanguageCode: lang},
		Chat: telegram.Chat{ID: chat, Type: "private"}, Text: text}}
}

// transcript sends each line as a message from chat and writes the
// conversation.
type transcript struct {
	t     *testing.T
	bot   *telegram.Bot
	codes map[string]string // random codes and what the transcript shows instead
	b     strings.Builder
}

func (tr *transcript) say(chat int64, lang, text string) string {
	tr.t.Helper()
	r, ok, err := tr.bot.Handle(context.Background(), msg(chat, lang, text))
	if err != nil || !ok {
		tr.t.Fatalf("%q from %d: ok=%v, err=%v", text, chat, ok, err)
	}
	if r.ChatID != strconv.FormatInt(chat, 10) {
		tr.t.Errorf("reply to %q went to chat %s, want %d", text, r.ChatID, chat)
	}
	shown := text
	for code, name := range tr.codes {
		shown = strings.ReplaceAll(shown, code, name)
		shown = strings.ReplaceAll(shown, strings.ToLower(code[:4])+" "+strings.ToLower(code[4:]), strings.ToLower(name))
	}
	tr.b.WriteString("> " + shown + "\n" + r.HTML + "\n\n")
	return r.HTML
}

func TestLinkAndToday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: at("2026-11-16 17:00")}
		eng := Setup(t, s, c)
		bot := &telegram.Bot{Engine: eng, Link: func(_ *domain.CRMConnection, e domain.Evidence) string {
			return "https://acme.example/crm/" + e.ExternalID
		}}
		anna := store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}
		boris := store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "boris"}
		olga := store.TelegramPerson{Workspace: "acme", Role: store.RoleHead, Person: "Olga"}
		if _, _, err := telegram.CreateLinkCode(ctx, s, store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "zoe"}, c.Now()); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("code for an unknown manager: got %v; want not_found", err)
		}
		codeA, expires, err := telegram.CreateLinkCode(ctx, s, anna, c.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !expires.Equal(c.Now().Add(telegram.CodeTTL)) || len(codeA) != 8 {
			t.Errorf("code %q expires %s; want 8 characters, expiring in %s", codeA, expires, telegram.CodeTTL)
		}
		codeB, _, err := telegram.CreateLinkCode(ctx, s, boris, c.Now())
		if err != nil {
			t.Fatal(err)
		}
		codeO, _, err := telegram.CreateLinkCode(ctx, s, olga, c.Now())
		if err != nil {
			t.Fatal(err)
		}

		codes := map[string]string{codeA: "ANNACODE", codeB: "BORISCOD", codeO: "OLGACODE"}
		ru := &transcript{t: t, bot: bot, codes: codes}
		ru.say(1001, "ru", "/today")
		ru.say(1001, "ru", "/start")
		ru.say(1001, "ru", "/start WRONG123")
		if _, err := s.FindTelegramChat(ctx, anna); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("a wrong code linked something: %v", err)
		}
		// Typed by hand: lower case, with a space in the middle.
		ru.say(1001, "ru", "/start "+strings.ToLower(codeA[:4])+" "+strings.ToLower(codeA[4:]))
		if chat, err := s.FindTelegramChat(ctx, anna); err != nil || chat != "1001" {
			t.Errorf("Anna's chat = %q, %v; want 1001", chat, err)
		}
		ru.say(2002, "ru", "/start "+codeA) // someone else with Anna's spent code
		ru.say(1001, "ru", "/today")
		ru.say(3003, "ru", "/start "+codeO)
		ru.say(3003, "ru", "/today")
		ru.say(1001, "ru", "привет")
		golden(t, "bot-ru.txt", ru.b.String())

		// Boris's contact says English, whatever his phone's language.
		en := &transcript{t: t, bot: bot, codes: codes}
		en.say(2002, "ru", "/start "+codeB)
		en.say(2002, "de", "/today@reglament_bot")
		en.say(2002, "en", "/start")
		en.say(4004, "en", "/today")
		en.say(4004, "en", "hello")
		golden(t, "bot-en.txt", en.b.String())

		// After the deadline and a day later (the codes have expired).
		c.Set(at("2026-11-16 18:30"))
		if got := ru.say(1001, "ru", "/today"); !strings.Contains(got, "18:00") {
			t.Errorf("after the deadline: %q; want the deadline named", got)
		}
		late, _, err := telegram.CreateLinkCode(ctx, s, store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "vera"}, c.Now())
		if err != nil {
			t.Fatal(err)
		}
		c.Set(at("2026-11-17 18:30"))
		if got := ru.say(5005, "ru", "/start "+late); !strings.Contains(got, "истёк") {
			t.Errorf("expired code: %q; want a refusal", got)
		}
		if _, err := s.FindTelegramPerson(ctx, "5005"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("an expired code linked chat 5005: %v", err)
		}
	})
}

func TestIgnoredUpdates(t *testing.T) {
	bot := &telegram.Bot{}
	group := msg(-100, "ru", "/today")
	group.Message.Chat.Type = "group"
	fromBot := msg(7, "ru", "/today")
	fromBot.Message.From.IsBot = true
	for name, u := range map[string]telegram.Update{"no message": {UpdateID: 1}, "group": group, "bot": fromBot, "no text": msg(7, "ru", "")} {
		if _, ok, err := bot.Handle(context.Background(), u); ok || err != nil {
			t.Errorf("%s: answered (ok=%v, err=%v); want silence", name, ok, err)
		}
	}
}

func TestCodes(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		c, err := telegram.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 8 || strings.ContainsAny(c, "0O1IL") || strings.ToUpper(c) != c {
			t.Fatalf("code %q: want 8 upper-case characters without 0, O, 1, I, L", c)
		}
		if seen[c] {
			t.Fatalf("code %q repeated within 1000", c)
		}
		seen[c] = true
	}
	if telegram.HashCode("ab cd-EFGH") != telegram.HashCode("ABCDEFGH") || telegram.HashCode("ABCDEFGH") == telegram.HashCode("ABCDEFGJ") {
		t.Error("HashCode must ignore case, spaces and dashes, and only them")
	}
}
