package notify

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/notify/notifytest"
)

// mailParts reads a received message the way a mail client does: the
// decoded subject and each part of the multipart/alternative body, decoded,
// by content type.
func mailParts(t *testing.T, data string) (subject string, parts map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: want multipart/alternative (%v)", msg.Header.Get("Content-Type"), err)
	}
	parts = make(map[string]string)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if cp["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s: charset %q, encoding %q; want utf-8 quoted-printable", ct, cp["charset"], p.Header.Get("Content-Transfer-Encoding"))
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("part %s: %v", ct, err)
		}
		parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return subject, parts
}

func TestEmailStartTLSAndAuth(t *testing.T) {
	const password = "s3cret-smtp-pass"
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{StartTLS: true, User: "reglament", Password: password})
	mail := &Email{Addr: srv.Addr, Username: "reglament", Password: password, From: "reglament@acme.test",
		TLSConfig: srv.TLSConfig(), Timeout: 5 * time.Second}
	m := Message{Subject: "Итоги дня 2026-11-16", Text: "Анна: +2\nБорис: −1", HTML: "<b>Анна</b>: +2\nБорис: −1"}
	if err := mail.Send(context.Background(), "head@acme.test", m); err != nil {
		t.Fatalf("send over STARTTLS with AUTH: %v", err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if !got[0].TLS || got[0].User != "reglament" || got[0].From != "reglament@acme.test" || !cmp.Equal(got[0].To, []string{"head@acme.test"}) {
		t.Errorf("received %+v; want over TLS, authenticated as reglament, from reglament@acme.test to head@acme.test", got[0])
	}
	subject, parts := mailParts(t, got[0].Data)
	if subject != m.Subject {
		t.Errorf("subject %q, want %q", subject, m.Subject)
	}
	want := map[string]string{
		"text/plain": m.Text,
		"text/html":  `<html><body><pre style="font-family:sans-serif;white-space:pre-wrap">` + m.HTML + `</pre></body></html>`,
	}
	if diff := cmp.Diff(want, parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}

	// A wrong password is refused for good, and the error does not repeat it.
	wrong := *mail
	wrong.Password = "not-" + password
	err := wrong.Send(context.Background(), "head@acme.test", m)
	if err == nil || IsTemporary(err) || strings.Contains(err.Error(), password) {
		t.Errorf("wrong password: got %v; want a permanent failure without the password", err)
	}
	// A certificate the client does not trust stops the upgrade: nothing is
	// sent in the clear instead.
	untrusted := *mail
	untrusted.TLSConfig = nil
	if err := untrusted.Send(context.Background(), "head@acme.test", m); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("untrusted certificate: got %v; want a STARTTLS failure", err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("server holds %d messages after the refused sends, want 1", n)
	}
}

func TestEmailTemporaryRefusalThenDelivered(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	mail := &Email{Addr: srv.Addr, From: "reglament@acme.test", AllowInsecure: true, Timeout: 5 * time.Second}
	m := Message{Subject: "s", Text: "t", HTML: "h"}
	srv.RefuseNextRecipients("451 4.3.0 mailbox busy, try later", 2)
	var d *DeliveryError
	for i := range 2 {
		err := mail.Send(context.Background(), "anna@acme.test", m)
		if !errors.As(err, &d) || !d.Temporary || !strings.Contains(d.Reason, "451") {
			t.Fatalf("attempt %d: got %v; want a temporary SMTP 451 failure", i+1, err)
		}
	}
	if err := mail.Send(context.Background(), "anna@acme.test", m); err != nil {
		t.Fatalf("third attempt: %v", err)
	}
	if diff := cmp.Diff([]string{"anna@acme.test"}, srv.Recipients()); diff != "" {
		t.Errorf("delivered to (-want +got):\n%s", diff)
	}
}
