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

// inviteRow is a manager on the Invite step: their login, if any, and
// whether their Telegram is linked.
type inviteRow struct {
	ID, Name, Team string
	Email          string // the login's e-mail; "" without one
	Linked         bool   // Telegram linked
}

// inviteLogin is a login just made, shown once: only the password's hash
// is stored.
type inviteLogin struct {
	Manager, Email, Password string
}

// inviteCode is a Telegram link code just made.
type inviteCode struct {
	Manager, Code, Command, Link, Expires string
}

type inviteData struct {
	Rows    []inviteRow
	Login   *inviteLogin
	Code    *inviteCode
	NoBot   bool
	Bot     string
	Error   string
	LoginAt string // the login page's address, to hand over with the password
}

func (s *Server) inviteData(r *http.Request, ws *domain.Workspace) (*inviteData, error) {
	ctx := r.Context()
	d := &inviteData{NoBot: !s.cfg.Channels.Telegram, Bot: s.cfg.Channels.BotUsername, LoginAt: s.publicURL(r) + "/login"}
	users, err := s.store.FindUsers(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	login := map[string]string{}
	for _, u := range users {
		if u.Role == auth.Manager {
			login[u.Manager] = u.Email
		}
	}
	for _, m := range ws.Managers {
		row := inviteRow{ID: m.ID, Name: m.Name, Team: m.Team, Email: login[m.ID]}
		_, err := s.store.FindTelegramChat(ctx, store.TelegramPerson{Workspace: ws.ID, Role: store.RoleManager, Person: m.ID})
		switch domain.ErrorCode(err) {
		case "":
			row.Linked = true
		case domain.ENOTFOUND:
		default:
			return nil, err
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	d, err := s.inviteData(r, ws)
	if err != nil {
		return err
	}
	return s.render(w, r, "setup-invite", &page{Title: state(r).lang.T("setup.invite.title"), WS: ws, Nav: "settings", Data: d})
}

// invitePost makes a manager's login (a generated password, shown once)
// or a Telegram link code for them, with the bot's t.me link when the
// bot's name is known.
func (s *Server) invitePost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	l := state(r).lang
	m, ok := ws.Manager(r.PostFormValue("manager"))
	var login *inviteLogin
	var code *inviteCode
	err = func() error {
		if !ok {
			return notFound("no such manager")
		}
		switch r.PostFormValue("action") {
		case "login":
			email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
			if !strings.Contains(email, "@") || strings.ContainsAny(email, " <>,") {
				return i18n.Invalid("setup.invite.bad_email")
			}
			password := auth.NewPassword()
			hash, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			u := &store.User{Email: email, Role: auth.Manager, Workspace: ws.ID, Manager: m.ID, PasswordHash: hash, CreatedAt: s.now()}
			if err := s.store.CreateUser(r.Context(), u, actor(r)); err != nil {
				if domain.ErrorCode(err) == domain.ECONFLICT {
					return i18n.Invalid("setup.invite.taken", email)
				}
				return err
			}
			login = &inviteLogin{Manager: m.Name, Email: email, Password: password}
			return nil
		case "telegram":
			if !s.cfg.Channels.Telegram {
				return i18n.Invalid("web.tg.no_bot")
			}
			c, expires, err := telegram.CreateLinkCode(r.Context(), s.store, store.TelegramPerson{Workspace: ws.ID, Role: store.RoleManager, Person: m.ID}, s.now())
			if err != nil {
				return err
			}
			code = &inviteCode{Manager: m.Name, Code: c, Command: "/start " + c, Expires: l.DateTime(expires.In(ws.Location))}
			if bot := s.cfg.Channels.BotUsername; bot != "" {
				code.Link = "https://t.me/" + url.PathEscape(bot) + "?start=" + url.QueryEscape(c)
			}
			return s.store.AppendAudit(r.Context(), store.AuditEntry{Workspace: ws.ID, Actor: actor(r), Action: "telegram link code",
				Detail: m.ID, At: s.now()})
		}
		return invalid("action: want login or telegram")
	}()
	status := http.StatusOK
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.EINVALID && code != domain.ENOTFOUND {
			return err
		}
		status = http.StatusBadRequest
	}
	d, derr := s.inviteData(r, ws)
	if derr != nil {
		return derr
	}
	d.Login, d.Code = login, code
	if err != nil {
		d.Error = errorText(err, l)
	}
	return s.renderStatus(w, r, status, "setup-invite", &page{Title: l.T("setup.invite.title"), WS: ws, Nav: "settings", Data: d})
}

// starterRegulationPost saves the article's nine rules from today, each
// target suggested from the final sheets of the last four weeks when
// there are any, for a workspace with no regulation yet. The Norms step
// edits them with the backtest beside them.
func (s *Server) starterRegulationPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	if len(ws.Regulation) > 0 {
		return i18n.Invalid("setup.norms.exists")
	}
	today := domain.DateOf(s.now().In(ws.Location))
	sheets, err := s.store.FindSheets(r.Context(), ws.ID, today.AddDays(-28), today.AddDays(-1))
	if err != nil {
		return err
	}
	rules := domain.StarterRules()
	for i, sg := range domain.SuggestTargets(ws, nil, rules, false, sheets) {
		if sg.Target.Valid {
			rules[i].Target = sg.Target.Decimal
		}
	}
	ws.Regulation = domain.Regulation{{Effective: today, Rules: rules}}
	if _, err := s.applyWorkspace(r, ws); err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/setup", http.StatusSeeOther)
	return nil
}
