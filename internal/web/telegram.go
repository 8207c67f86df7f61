package web

import (
	"net/http"
	"net/url"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
	"reglament/internal/telegram"
)

// telegramData is the Telegram page: whether the logged-in person's chat is
// linked, and a fresh one-time code when they asked for one.
type telegramData struct {
	Person  *store.TelegramPerson // nil: the account is no manager or head of the workspace
	Name    string
	Linked  bool
	Code    string
	Expires string // in the workspace's time zone
	// NoBot: the serving process has no Telegram bot, so a code would
	// link nothing. Link opens the chat with the bot with the code sent
	// (https://t.me/<bot>?start=<code>) when the bot's name is known.
	NoBot bool
	Bot   string
	Link  string
}

// telegramPerson is whom the logged-in user is in the workspace: a manager
// user is their manager; a head user is the head of the YAML whose e-mail
// is theirs. Admins and viewers are nobody to notify.
func telegramPerson(ws *domain.Workspace, u *store.User) (*store.TelegramPerson, string) {
	if u == nil {
		return nil, ""
	}
	switch u.Role {
	case auth.Manager:
		if m, ok := ws.Manager(u.Manager); ok {
			return &store.TelegramPerson{Workspace: ws.ID, Role: store.RoleManager, Person: m.ID}, m.Name
		}
	case auth.Head:
		for _, h := range ws.Notifications.Heads {
			if h.Email != "" && strings.EqualFold(h.Email, u.Email) {
				return &store.TelegramPerson{Workspace: ws.ID, Role: store.RoleHead, Person: h.Name}, h.Name
			}
		}
	}
	return nil, ""
}

func (s *Server) telegramData(r *http.Request, ws *domain.Workspace) (*telegramData, error) {
	data := &telegramData{NoBot: !s.cfg.Channels.Telegram, Bot: s.cfg.Channels.BotUsername}
	data.Person, data.Name = telegramPerson(ws, state(r).user)
	if data.Person == nil {
		return data, nil
	}
	_, err := s.store.FindTelegramChat(r.Context(), *data.Person)
	switch domain.ErrorCode(err) {
	case "":
		data.Linked = true
	case domain.ENOTFOUND:
	default:
		return nil, err
	}
	return data, nil
}

// telegramPage shows the person whether Telegram is linked and how to link.
func (s *Server) telegramPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	data, err := s.telegramData(r, ws)
	if err != nil {
		return err
	}
	return s.render(w, r, "telegram", &page{Title: "Telegram", WS: ws, Nav: "telegram", Data: data})
}

// telegramCode makes the logged-in person a new one-time code; the older
// one stops working.
func (s *Server) telegramCode(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	data, err := s.telegramData(r, ws)
	if err != nil {
		return err
	}
	if data.Person == nil {
		return domain.Errorf(domain.EFORBIDDEN, "this account is no manager or head of workspace %q", ws.ID)
	}
	if data.NoBot {
		return i18n.Invalid("web.tg.no_bot")
	}
	code, expires, err := telegram.CreateLinkCode(r.Context(), s.store, *data.Person, s.now())
	if err != nil {
		return err
	}
	data.Code, data.Expires = code, expires.In(ws.Location).Format("2006-01-02 15:04")
	if data.Bot != "" {
		data.Link = "https://t.me/" + url.PathEscape(data.Bot) + "?start=" + url.QueryEscape(code)
	}
	return s.render(w, r, "telegram", &page{Title: "Telegram", WS: ws, Nav: "telegram", Data: data})
}

// deliveriesData lists the notifications that finally failed; NoChannel
// says none can be sent at all (no bot, no mail server, no webhook), which
// "nothing failed" would hide.
type deliveriesData struct {
	Failed    []failedRow
	NoChannel bool
}

type failedRow struct {
	store.FailedDelivery
	When string // in the workspace's time zone
}

// maxFailedShown bounds the list: the newest matter.
const maxFailedShown = 100

// deliveriesPage shows heads and admins the deliveries that failed for good.
func (s *Server) deliveriesPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	list, err := s.store.FindFailedDeliveries(r.Context(), ws.ID, maxFailedShown)
	if err != nil {
		return err
	}
	c := s.cfg.Channels
	data := &deliveriesData{NoChannel: !c.Telegram && !c.Email && ws.Notifications.WebhookURL == ""}
	for _, f := range list {
		data.Failed = append(data.Failed, failedRow{FailedDelivery: f, When: f.At.In(ws.Location).Format("2006-01-02 15:04")})
	}
	return s.render(w, r, "deliveries", &page{Title: state(r).lang.T("web.fail.title"), WS: ws, Nav: "deliveries", Data: data})
}
