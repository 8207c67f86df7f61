package web

import (
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Where notifications can go is said as it is (issue 13, item 11): a
// manager's code comes with the bot's t.me link; without a bot the page
// says so and offers no code; Deliveries says that no channel is set up
// rather than that nothing failed.
func TestChannelsSaidAsTheyAre(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		anna := env.login("anna@acme.example")
		anna.get("/w/acme/telegram")
		_, body := anna.post("/w/acme/telegram", nil)
		if !strings.Contains(body, `id="tg-link" href="https://t.me/reglament_test_bot?start=`) || !strings.Contains(body, "Открыть @reglament_test_bot и отправить код") {
			t.Errorf("a manager's code comes without the bot's t.me link:\n%s", body)
		}
		if _, body := env.login("head@acme.example").get("/w/acme/deliveries"); strings.Contains(body, `id="no-channel"`) {
			t.Error("Deliveries says no channel is set up while a bot is")
		}

		env.srv.cfg.Channels = Channels{}
		_, body = anna.get("/w/acme/telegram")
		if !strings.Contains(body, `id="tg-no-bot"`) || strings.Contains(body, `id="tg-form"`) {
			t.Errorf("without a bot the Telegram page still offers a code:\n%s", body)
		}
		if resp, _ := anna.post("/w/acme/telegram", nil); resp.StatusCode != 400 {
			t.Errorf("a code without a bot: %d, want 400", resp.StatusCode)
		}
		_, body = env.login("head@acme.example").get("/w/acme/deliveries")
		if !strings.Contains(body, `id="no-channel"`) || strings.Contains(body, `id="failed-none"`) {
			t.Errorf("Deliveries without any channel does not say so:\n%s", body)
		}
	})
}
