package delivery

import (
	"reglament/internal/crmlink"
	"reglament/internal/engine"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/telegram"
)

// LinkBot turns on the Telegram bot's receive side for a serving process:
// the router then also sends to the chats people linked with /start CODE,
// and the returned configuration (for jobs.Config.Telegram) polls the bot's
// messages and answers them. It returns nil, changing nothing, when the
// router has no bot.
func (r *Router) LinkBot(eng *engine.Engine) *jobs.TelegramConfig {
	tg, ok := r.Telegram.(*notify.Telegram)
	if !ok || tg == nil {
		return nil
	}
	r.LinkedChat = telegram.LinkedChat(eng.Store)
	return &jobs.TelegramConfig{
		Client: &telegram.Client{BaseURL: tg.BaseURL, Token: tg.Token},
		Sender: tg,
		Bot:    &telegram.Bot{Engine: eng, Link: crmlink.Record},
	}
}
