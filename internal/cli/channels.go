package cli

import (
	"flag"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strings"

	"reglament/internal/delivery"
	"reglament/internal/domain"
	"reglament/internal/notify"
	"reglament/internal/secret"
)

// channelFlags are serve's notification channels. The secrets are read from
// files named by flags or the environment, never given on the command line,
// so that they stay out of the workspace YAML, the database, `ps` and the
// logs.
type channelFlags struct {
	telegramTokenFile *string
	telegramAPI       *string
	smtpAddr          *string
	smtpUser          *string
	smtpPasswordFile  *string
	smtpFrom          *string
	smtpInsecure      *bool
}

// addChannelFlags registers the channel flags on fs, each defaulting to its
// environment variable.
func (m *Main) addChannelFlags(fs *flag.FlagSet) *channelFlags {
	return &channelFlags{
		telegramTokenFile: fs.String("telegram-token-file", m.Getenv("REGLAMENT_TELEGRAM_TOKEN_FILE"), "file holding the Telegram bot token (env REGLAMENT_TELEGRAM_TOKEN_FILE)"),
		telegramAPI:       fs.String("telegram-api-url", "https://api.telegram.org", "Telegram Bot API server"),
		smtpAddr:          fs.String("smtp-addr", m.Getenv("REGLAMENT_SMTP_ADDR"), "SMTP server host:port for e-mail notifications (env REGLAMENT_SMTP_ADDR)"),
		smtpUser:          fs.String("smtp-user", m.Getenv("REGLAMENT_SMTP_USER"), "SMTP user name (env REGLAMENT_SMTP_USER)"),
		smtpPasswordFile:  fs.String("smtp-password-file", m.Getenv("REGLAMENT_SMTP_PASSWORD_FILE"), "file holding the SMTP password (env REGLAMENT_SMTP_PASSWORD_FILE)"),
		smtpFrom:          fs.String("smtp-from", m.Getenv("REGLAMENT_SMTP_FROM"), "sender address of notification e-mail (env REGLAMENT_SMTP_FROM)"),
		smtpInsecure:      fs.Bool("smtp-insecure", false, "allow plain SMTP without STARTTLS (only to a relay on this host)"),
	}
}

// botTokenPattern is the shape of a Telegram bot token: the bot's id, a
// colon, and the secret.
var botTokenPattern = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// router reads the secrets and builds the router over the configured
// channels. It returns nil when no channel is configured: serve then logs
// every notification. No message names a secret's value.
func (c *channelFlags) router() (*delivery.Router, error) {
	r := &delivery.Router{}
	if *c.telegramTokenFile != "" {
		token, err := readSecret("--telegram-token-file", *c.telegramTokenFile)
		if err != nil {
			return nil, err
		}
		if !botTokenPattern.MatchString(token) {
			return nil, domain.Errorf(domain.EINVALID, "flag --telegram-token-file: %s does not hold a bot token (want the form 123456:ABC-DEF… that @BotFather gives)", *c.telegramTokenFile)
		}
		u, err := url.Parse(*c.telegramAPI)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, usagef("flag --telegram-api-url: invalid URL %q", *c.telegramAPI)
		}
		r.Telegram = &notify.Telegram{BaseURL: strings.TrimRight(*c.telegramAPI, "/"), Token: token}
	}
	email, err := c.email()
	if err != nil {
		return nil, err
	}
	if email != nil {
		r.Email = email
	}
	if r.Telegram == nil && r.Email == nil {
		return nil, nil
	}
	return r, nil
}

// email builds the SMTP sender, or nil when --smtp-addr is not given.
func (c *channelFlags) email() (*notify.Email, error) {
	if *c.smtpAddr == "" {
		for _, f := range []struct{ name, value string }{{"smtp-user", *c.smtpUser}, {"smtp-password-file", *c.smtpPasswordFile}, {"smtp-from", *c.smtpFrom}} {
			if f.value != "" {
				return nil, usagef("flag --%s needs --smtp-addr", f.name)
			}
		}
		if *c.smtpInsecure {
			return nil, usagef("flag --smtp-insecure needs --smtp-addr")
		}
		return nil, nil
	}
	host, port, err := net.SplitHostPort(*c.smtpAddr)
	if err != nil || host == "" || port == "" {
		return nil, usagef("flag --smtp-addr: want host:port, e.g. smtp.example.com:587, got %q", *c.smtpAddr)
	}
	if *c.smtpFrom == "" {
		return nil, usagef("flag --smtp-from is required with --smtp-addr")
	}
	if a, err := mail.ParseAddress(*c.smtpFrom); err != nil || a.Address == "" {
		return nil, usagef("flag --smtp-from: invalid address %q", *c.smtpFrom)
	}
	if *c.smtpInsecure && !isLoopback(host) {
		return nil, usagef("flag --smtp-insecure: plain SMTP is allowed only to a relay on this host, not %s", host)
	}
	e := &notify.Email{Addr: *c.smtpAddr, From: *c.smtpFrom, AllowInsecure: *c.smtpInsecure}
	switch {
	case *c.smtpUser != "" && *c.smtpPasswordFile == "":
		return nil, usagef("flag --smtp-user needs --smtp-password-file")
	case *c.smtpUser == "" && *c.smtpPasswordFile != "":
		return nil, usagef("flag --smtp-password-file needs --smtp-user")
	case *c.smtpUser != "":
		password, err := readSecret("--smtp-password-file", *c.smtpPasswordFile)
		if err != nil {
			return nil, err
		}
		e.Username, e.Password = *c.smtpUser, password
	}
	return e, nil
}

// readSecret reads a one-line secret from path. Its errors name the file,
// never the content; a file that cannot be used is invalid input rather
// than a usage mistake, so no flag list follows the message.
func readSecret(flagName, path string) (string, error) {
	s, err := secret.ReadFile(os.ReadFile, path, "file")
	if err != nil {
		return "", domain.Errorf(domain.EINVALID, "flag %s: %s", flagName, domain.ErrorMessage(err))
	}
	return s, nil
}

// isLoopback reports whether host is this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
