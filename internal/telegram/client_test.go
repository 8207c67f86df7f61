package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/notify/notifytest"
	"reglament/internal/telegram"
)

func TestGetUpdates(t *testing.T) {
	const token = "4242:UPDATES-SECRET"
	fake := notifytest.StartTelegram(t, token)
	c := &telegram.Client{BaseURL: fake.URL, Token: token}
	if c.BotID() != "4242" {
		t.Errorf("BotID = %q, want 4242", c.BotID())
	}
	first := fake.Incoming(1001, "ru", "/start ABCDEFGH")
	fake.Incoming(1002, "en", "/today")
	got, err := c.GetUpdates(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []telegram.Update{
		{UpdateID: first, Message: &telegram.Message{MessageID: first, From: &telegram.User{ID: 1001, LanguageCode: "ru"}, Chat: telegram.Chat{ID: 1001, Type: "private"}, Text: "/start ABCDEFGH"}},
		{UpdateID: first + 1, Message: &telegram.Message{MessageID: first + 1, From: &telegram.User{ID: 1002, LanguageCode: "en"}, Chat: telegram.Chat{ID: 1002, Type: "private"}, Text: "/today"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	// The next offset confirms both: they are not delivered again.
	if got, err := c.GetUpdates(context.Background(), first+2, 0); err != nil || len(got) != 0 || fake.Pending() != 0 {
		t.Errorf("after confirming: %d updates, %v, %d pending; want none", len(got), err, fake.Pending())
	}
	if diff := cmp.Diff([]int64{0, first + 2}, fake.Offsets()); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}

	// A long poll returns as soon as a message arrives.
	go func() {
		time.Sleep(50 * time.Millisecond)
		fake.Incoming(1001, "ru", "/today")
	}()
	if got, err := c.GetUpdates(context.Background(), first+2, 10*time.Second); err != nil || len(got) != 1 {
		t.Errorf("long poll: %d updates, %v; want the one that arrived", len(got), err)
	}
}

func TestGetUpdatesErrorsKeepTheTokenOut(t *testing.T) {
	const token = "4242:UPDATES-SECRET"
	conflict := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		w.Write([]byte(`{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}`))
	}))
	defer conflict.Close()
	if _, err := (&telegram.Client{BaseURL: conflict.URL, Token: token}).GetUpdates(context.Background(), 0, 0); !errors.Is(err, telegram.ErrConflict) {
		t.Errorf("409: got %v; want ErrConflict", err)
	}
	fake := notifytest.StartTelegram(t, token)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for name, c := range map[string]*telegram.Client{
		"wrong token": {BaseURL: fake.URL, Token: "4242:WRONG-SECRET"},
		"server down": {BaseURL: down.URL, Token: token},
	} {
		_, err := c.GetUpdates(context.Background(), 0, 0)
		if err == nil || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%s: got %v; want an error naming neither token nor address", name, err)
		}
	}
}
