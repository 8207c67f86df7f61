package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Sender delivers a message to one address of its channel: a Telegram chat
// id, an e-mail address, or (for a webhook) the empty string.
type Sender interface {
	Send(ctx context.Context, to string, m Message) error
}

// DeliveryError reports a failed delivery. Temporary failures (rate limits,
// 4xx SMTP replies, 5xx HTTP statuses, network errors) are worth retrying,
// after RetryAfter when the channel said how long to wait. The message never
// contains a token or password.
type DeliveryError struct {
	Channel    string
	Temporary  bool
	RetryAfter time.Duration
	Reason     string
}

func (e *DeliveryError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	s := fmt.Sprintf("notify: %s: %s failure: %s", e.Channel, kind, e.Reason)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// IsTemporary reports whether err is a delivery failure worth retrying.
func IsTemporary(err error) bool {
	var d *DeliveryError
	return errors.As(err, &d) && d.Temporary
}

// transportError describes a network failure without the request URL, which
// for Telegram carries the bot token.
func transportError(channel string, err error) *DeliveryError {
	reason := "network error"
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		reason = "timeout"
	} else if errors.Is(err, context.Canceled) {
		reason = "canceled"
	}
	return &DeliveryError{Channel: channel, Temporary: true, Reason: reason}
}

func defaultHTTP(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// Telegram sends messages through the Bot API's sendMessage with HTML
// formatting.
type Telegram struct {
	BaseURL string // https://api.telegram.org unless a test points elsewhere
	Token   string
	HTTP    *http.Client
}

// telegramLimit is the Bot API's maximum message length.
const telegramLimit = 4096

// Send posts m.HTML to chat id to.
func (t *Telegram) Send(ctx context.Context, to string, m Message) error {
	text := m.HTML
	if r := []rune(text); len(r) > telegramLimit {
		text = string(r[:telegramLimit-1]) + "…"
	}
	body, _ := json.Marshal(map[string]any{"chat_id": to, "text": text, "parse_mode": "HTML", "disable_web_page_preview": true})
	base := t.BaseURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/bot"+t.Token+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Channel: "telegram", Reason: "invalid bot API address"}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := defaultHTTP(t.HTTP).Do(req)
	if err != nil {
		return transportError("telegram", err)
	}
	defer resp.Body.Close()
	var reply struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&reply); err != nil {
		return &DeliveryError{Channel: "telegram", Temporary: resp.StatusCode >= 500, Reason: "HTTP " + strconv.Itoa(resp.StatusCode) + " with an unreadable body"}
	}
	if reply.OK {
		return nil
	}
	d := &DeliveryError{Channel: "telegram", Reason: fmt.Sprintf("HTTP %d: %s", resp.StatusCode, reply.Description)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || reply.ErrorCode == 429:
		d.Temporary = true
		d.RetryAfter = time.Duration(reply.Parameters.RetryAfter) * time.Second
	case resp.StatusCode >= 500:
		d.Temporary = true
	}
	return d
}

// Webhook posts a Slack/Mattermost-compatible JSON body {"text": …}, with
// the message's DeliveryID as the Idempotency-Key header when it has one.
type Webhook struct {
	URL  string
	HTTP *http.Client
	// PublicOnly refuses a URL that resolves to a loopback, link-local or
	// private address (see CheckWebhookURL): checked before sending, and,
	// with the default HTTP client, on the address connected to.
	PublicOnly bool
}

// Send posts m's plain text; to is ignored (the URL is the address).
func (w *Webhook) Send(ctx context.Context, _ string, m Message) error {
	body, _ := json.Marshal(map[string]string{"text": m.Text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Channel: "webhook", Reason: "invalid webhook address"}
	}
	req.Header.Set("Content-Type", "application/json")
	if id := m.DeliveryID(); id != "" {
		req.Header.Set("Idempotency-Key", id)
	}
	client := defaultHTTP(w.HTTP)
	if w.PublicOnly {
		if d := privateRefusal(CheckWebhookURL(ctx, nil, w.URL)); d != nil {
			return d
		}
		if w.HTTP == nil {
			client = publicHTTP
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		if d := privateRefusal(err); d != nil {
			return d
		}
		return transportError("webhook", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode < 300 {
		return nil
	}
	d := &DeliveryError{Channel: "webhook", Reason: "HTTP " + strconv.Itoa(resp.StatusCode),
		Temporary: resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		d.RetryAfter = time.Duration(s) * time.Second
	}
	return d
}

// Email sends multipart (text and HTML) mail over SMTP, upgrading with
// STARTTLS whenever the server offers it and authenticating when a user is
// set. Plain connections are refused unless AllowInsecure is set (for a
// relay on localhost).
type Email struct {
	Addr          string // host:port
	Username      string
	Password      string
	From          string
	TLSConfig     *tls.Config
	AllowInsecure bool
	Timeout       time.Duration
}

// Send mails m to the address to.
func (e *Email) Send(ctx context.Context, to string, m Message) error {
	timeout := e.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	dialer := net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return transportError("email", err)
	}
	conn.SetDeadline(time.Now().Add(timeout))
	host, _, _ := net.SplitHostPort(e.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return smtpError(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := e.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return &DeliveryError{Channel: "email", Reason: "STARTTLS failed"}
		}
	} else if !e.AllowInsecure {
		return &DeliveryError{Channel: "email", Reason: "the server does not offer STARTTLS"}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return smtpError(err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return smtpError(err)
	}
	if err := c.Rcpt(to); err != nil {
		return smtpError(err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError(err)
	}
	if _, err := w.Write(buildMIME(e.From, to, m)); err != nil {
		return smtpError(err)
	}
	if err := w.Close(); err != nil {
		return smtpError(err)
	}
	if err := c.Quit(); err != nil {
		return smtpError(err)
	}
	return nil
}

// smtpError classifies an SMTP failure: 4xx replies are temporary, 5xx
// permanent, anything else (a dropped connection) temporary.
func smtpError(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &DeliveryError{Channel: "email", Temporary: tp.Code >= 400 && tp.Code < 500, Reason: fmt.Sprintf("SMTP %d %s", tp.Code, tp.Msg)}
	}
	return &DeliveryError{Channel: "email", Temporary: true, Reason: "SMTP connection failed"}
}

// buildMIME writes a multipart/alternative message with UTF-8 text and HTML
// parts in quoted-printable. Its Message-ID comes from the message's
// DeliveryID when it has one, so that a resent delivery is the same
// message to mail clients that drop repeats.
func buildMIME(from, to string, m Message) []byte {
	var b bytes.Buffer
	boundary := randomBoundary()
	id := m.DeliveryID()
	if id == "" {
		id = strings.TrimPrefix(randomBoundary(), "reglament-")
	}
	idHost := "reglament.invalid"
	if _, host, ok := strings.Cut(from, "@"); ok && host != "" {
		idHost = host
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n",
		from, to, mime.QEncoding.Encode("utf-8", m.Subject), time.Now().Format(time.RFC1123Z), id, idHost)
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", boundary)
	for _, part := range []struct{ kind, body string }{{"text/plain", m.Text}, {"text/html", "<html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">" + m.HTML + "</pre></body></html>"}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.kind)
		qp := quotedprintable.NewWriter(&b)
		qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n")))
		qp.Close()
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

func randomBoundary() string {
	var buf [12]byte
	rand.Read(buf[:])
	return "reglament-" + hex.EncodeToString(buf[:])
}
