package telegram

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/notify"
	"reglament/internal/store"
)

// Reply is what the bot answers: HTML (Telegram's subset) for one chat.
type Reply struct {
	ChatID string
	HTML   string
}

// Bot decides the answer to each message: /start CODE links the chat,
// /today shows the live checklist, anything else a short help. It keeps no
// state of its own: links live in the store, the checklist in the engine.
type Bot struct {
	Engine *engine.Engine
	// Link turns a record into a CRM URL in the /today checklist; nil
	// lists titles only.
	Link func(conn *domain.CRMConnection, e domain.Evidence) string
}

// Handle answers one update. ok is false when there is nothing to answer
// (not a text message, a message from another bot, a group chat). An
// error is internal (the database is down): the caller logs it and tells
// the person to try later.
func (b *Bot) Handle(ctx context.Context, u Update) (reply Reply, ok bool, err error) {
	m := u.Message
	if m == nil || m.Text == "" || m.Chat.Type != "private" || (m.From != nil && m.From.IsBot) {
		return Reply{}, false, nil
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	lang := i18n.RU
	if m.From != nil {
		if l, ok := i18n.Parse(m.From.LanguageCode); ok {
			lang = l
		}
	}
	cmd, arg, _ := strings.Cut(strings.TrimSpace(m.Text), " ")
	cmd, _, _ = strings.Cut(cmd, "@") // "/today@reglament_bot" in a chat with several bots
	arg = strings.TrimSpace(arg)
	var text string
	switch strings.ToLower(cmd) {
	case "/start":
		text, err = b.start(ctx, chat, arg, lang)
	case "/today":
		text, err = b.today(ctx, chat, lang)
	default:
		text = texts(lang).help
	}
	if err != nil {
		return Reply{}, false, err
	}
	return Reply{ChatID: chat, HTML: text}, true, nil
}

// SorryHTML is the answer when Handle failed inside.
func SorryHTML(u Update) (Reply, bool) {
	if u.Message == nil || u.Message.Chat.Type != "private" {
		return Reply{}, false
	}
	lang := i18n.RU
	if u.Message.From != nil {
		if l, ok := i18n.Parse(u.Message.From.LanguageCode); ok {
			lang = l
		}
	}
	return Reply{ChatID: strconv.FormatInt(u.Message.Chat.ID, 10), HTML: texts(lang).sorry}, true
}

func (b *Bot) start(ctx context.Context, chat, code string, lang i18n.Lang) (string, error) {
	if code == "" {
		if p, ws, ok, err := b.whom(ctx, chat); err != nil || ok {
			if err != nil {
				return "", err
			}
			name, _ := personName(ws, p)
			t := texts(personLang(ws, p, lang))
			return fmt.Sprintf(t.already, esc(name), esc(ws.Name)), nil
		}
		return texts(lang).howToLink, nil
	}
	p, err := b.Engine.Store.UseLinkCode(ctx, HashCode(code), chat, b.Engine.Now())
	switch domain.ErrorCode(err) {
	case "":
	case domain.ENOTFOUND, domain.EINVALID:
		return texts(lang).badCode, nil
	default:
		return "", err
	}
	ws, err := b.Engine.Workspace(ctx, p.Workspace)
	if err != nil {
		return "", err
	}
	name, _ := personName(ws, p)
	return fmt.Sprintf(texts(personLang(ws, p, lang)).linked, esc(name), esc(ws.Name)), nil
}

// whom finds the person chat is linked to, still listed in their
// workspace.
func (b *Bot) whom(ctx context.Context, chat string) (store.TelegramPerson, *domain.Workspace, bool, error) {
	p, err := b.Engine.Store.FindTelegramPerson(ctx, chat)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return p, nil, false, nil
	}
	if err != nil {
		return p, nil, false, err
	}
	ws, err := b.Engine.Workspace(ctx, p.Workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return p, nil, false, nil
	}
	if err != nil {
		return p, nil, false, err
	}
	if _, ok := personName(ws, p); !ok {
		return p, nil, false, nil
	}
	return p, ws, true, nil
}

// personLang is the language of p's contact in ws, else the one their
// Telegram app uses.
func personLang(ws *domain.Workspace, p store.TelegramPerson, fallback i18n.Lang) i18n.Lang {
	var c *domain.Contact
	switch p.Role {
	case store.RoleManager:
		if m, ok := ws.Manager(p.Person); ok {
			c = m.Contact
		}
	case store.RoleHead:
		for i, h := range ws.Notifications.Heads {
			if h.Name == p.Person {
				c = &ws.Notifications.Heads[i].Contact
			}
		}
	}
	if c != nil {
		if l, ok := i18n.Parse(c.Lang); ok {
			return l
		}
	}
	return fallback
}

func (b *Bot) today(ctx context.Context, chat string, lang i18n.Lang) (string, error) {
	p, ws, ok, err := b.whom(ctx, chat)
	if err != nil {
		return "", err
	}
	if !ok {
		return texts(lang).notLinked, nil
	}
	lang = personLang(ws, p, lang)
	t := texts(lang)
	now := b.Engine.Now()
	day := ws.Today(now)
	if !ws.IsWorkingDay(day) {
		return t.dayOff, nil
	}
	deadline := ws.Cutoff(day)
	clock := deadline.In(ws.Location).Format("15:04")
	if !now.Before(deadline) {
		return fmt.Sprintf(t.deadlinePassed, clock), nil
	}
	sheet, err := b.Engine.Table(ctx, ws.ID, day)
	if err != nil {
		return "", err
	}
	left := deadline.Sub(now)
	if p.Role == store.RoleHead {
		return b.teamToday(lang, ws, sheet, clock, left), nil
	}
	m, _ := ws.Manager(p.Person)
	var line *domain.SheetLine
	for i := range sheet.Lines {
		if sheet.Lines[i].Manager == m.ID {
			line = &sheet.Lines[i]
		}
	}
	if line == nil || line.Absent {
		return t.absent, nil
	}
	evidence := make(map[domain.Indicator][]domain.Evidence)
	for _, ind := range []domain.Indicator{domain.DealsWithoutTasks, domain.OverdueTasks} {
		x, err := b.Engine.Why(ctx, ws.ID, m.ID, day, ind)
		if err != nil {
			return "", err
		}
		evidence[ind] = x.Evidence
	}
	var link func(domain.Evidence) string
	if b.Link != nil {
		link = func(e domain.Evidence) string { return b.Link(ws.CRM, e) }
	}
	msg, ok := notify.Reminder(lang, ws, m, notify.GapsOn(ws, day, line, evidence, link), left)
	if !ok {
		return fmt.Sprintf(t.allDone, esc(m.Name), clock, notify.Minutes(lang, left)), nil
	}
	return msg.HTML, nil
}

// teamToday is a head's /today: who is at risk now, on which rules.
func (b *Bot) teamToday(lang i18n.Lang, ws *domain.Workspace, sheet *domain.DaySheet, clock string, left time.Duration) string {
	t := texts(lang)
	var rows []string
	present := 0
	for _, l := range sheet.Lines {
		if l.Absent {
			continue
		}
		present++
		var failed []string
		for _, g := range notify.GapsOn(ws, sheet.Date, &l, nil, nil) {
			failed = append(failed, g.Describe(lang))
		}
		if len(failed) == 0 {
			continue
		}
		name := l.Manager
		if m, ok := ws.Manager(l.Manager); ok {
			name = m.Name
		}
		rows = append(rows, "• "+esc(name)+": "+esc(strings.Join(failed, "; ")))
	}
	head := fmt.Sprintf(t.teamHead, clock, notify.Minutes(lang, left))
	if len(rows) == 0 {
		return head + "\n" + fmt.Sprintf(t.teamFine, present)
	}
	return head + "\n" + fmt.Sprintf(t.teamAtRisk, len(rows), present) + "\n\n" + strings.Join(rows, "\n")
}

func esc(s string) string { return html.EscapeString(s) }

// catalog holds the bot's answers in one language, as HTML.
type catalog struct {
	linked, already, badCode, howToLink, notLinked, help, sorry string
	dayOff, deadlinePassed, absent, allDone                     string
	teamHead, teamFine, teamAtRisk                              string
}

var catalogs = map[i18n.Lang]*catalog{
	i18n.RU: {
		linked:         "Готово: этот чат привязан к <b>%s</b> (%s). Сюда будут приходить напоминания.\n/today — что осталось сделать сегодня.",
		already:        "Этот чат уже привязан к <b>%s</b> (%s).\n/today — что осталось сделать сегодня.",
		badCode:        "Этот код не подошёл: он неверный, уже использован или истёк. Возьмите новый код в reglament (страница Telegram в меню) и отправьте <code>/start КОД</code>.",
		howToLink:      "Чтобы получать напоминания здесь, отправьте <code>/start КОД</code>. Код показан в reglament на странице Telegram (в меню); его также может выдать руководитель.",
		notLinked:      "Этот чат ещё не привязан. Отправьте <code>/start КОД</code> — код показан в reglament на странице Telegram (в меню).",
		help:           "Команды:\n/today — что осталось сделать до дедлайна\n/start КОД — привязать этот чат",
		sorry:          "Не получилось ответить: сервис временно недоступен. Попробуйте через несколько минут.",
		dayOff:         "Сегодня нерабочий день, таблица не ведётся.",
		deadlinePassed: "Дедлайн %s уже прошёл: сегодняшняя таблица закрыта.",
		absent:         "Сегодня вы отмечены как отсутствующий, таблица вас не оценивает.",
		allDone:        "%s, на сейчас всё выполнено. До дедлайна %s осталось %s.",
		teamHead:       "До дедлайна %s осталось %s.",
		teamFine:       "Все %d менеджеров на сейчас выполняют регламент.",
		teamAtRisk:     "Под риском %d из %d:",
	},
	i18n.EN: {
		linked:         "Done: this chat is linked to <b>%s</b> (%s). Reminders will come here.\n/today shows what is left for today.",
		already:        "This chat is already linked to <b>%s</b> (%s).\n/today shows what is left for today.",
		badCode:        "This code did not work: it is wrong, already used or expired. Get a new code in reglament (the Telegram page in its menu) and send <code>/start CODE</code>.",
		howToLink:      "To get reminders here, send <code>/start CODE</code>. The code is on the Telegram page of reglament (in its menu); your head can also give you one.",
		notLinked:      "This chat is not linked yet. Send <code>/start CODE</code>; the code is on the Telegram page of reglament (in its menu).",
		help:           "Commands:\n/today — what is left before the deadline\n/start CODE — link this chat",
		sorry:          "Could not answer: the service is unavailable for a moment. Please try again in a few minutes.",
		dayOff:         "Today is not a working day; there is no table.",
		deadlinePassed: "The %s deadline has passed: today's table is closed.",
		absent:         "You are marked absent today; the table does not score you.",
		allDone:        "%s, everything is done for now. %s is the deadline, %s left.",
		teamHead:       "%s is the deadline, %s left.",
		teamFine:       "All %d managers meet the regulation for now.",
		teamAtRisk:     "At risk: %d of %d:",
	},
}

func texts(lang i18n.Lang) *catalog {
	if c, ok := catalogs[lang]; ok {
		return c
	}
	return catalogs[i18n.EN]
}
