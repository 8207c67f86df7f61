package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is an in-process SMTP server (github.com/emersion/go-smtp) that keeps
// the messages it accepts. It can offer STARTTLS with a certificate of its
// own, require AUTH PLAIN, and refuse recipients with a chosen reply.
type SMTP struct {
	Addr string // host:port to give notify.Email

	roots    *x509.CertPool
	user     string
	password string

	mu       sync.Mutex
	received []Mail
	rcptErr  *smtp.SMTPError
	refusals int // how many more recipients to refuse; <0: all
	refused  int // how many recipients were refused
}

// Mail is one accepted message with how it came.
type Mail struct {
	From string
	To   []string
	Data string // headers and body as received
	TLS  bool   // the session had upgraded with STARTTLS
	User string // the authenticated user, "" without AUTH
}

// SMTPOptions configures StartSMTP.
type SMTPOptions struct {
	StartTLS       bool   // offer STARTTLS (with a self-signed certificate: see TLSConfig)
	User, Password string // require AUTH PLAIN with these before MAIL FROM
}

// StartSMTP starts a server on 127.0.0.1; it stops when the test ends.
func StartSMTP(tb testing.TB, opts SMTPOptions) *SMTP {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &SMTP{Addr: ln.Addr().String(), user: opts.User, password: opts.Password}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &smtpSession{srv: s, conn: c, tls: isTLS}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 1 << 20
	// AUTH over a plain connection is allowed only when TLS is not offered
	// at all: a test of STARTTLS then proves the password went encrypted.
	srv.AllowInsecureAuth = !opts.StartTLS
	srv.ErrorLog = discardLogger{}
	if opts.StartTLS {
		cert, roots, err := selfSigned()
		if err != nil {
			tb.Fatal(err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.roots = roots
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	tb.Cleanup(func() {
		srv.Close()
		<-done
	})
	return s
}

// TLSConfig returns the client configuration that trusts the server's
// certificate (nil without StartTLS).
func (s *SMTP) TLSConfig() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, ServerName: "127.0.0.1"}
}

// RefuseRecipients answers every RCPT TO with reply, e.g. "451 4.3.0 try
// later"; an empty reply accepts again.
func (s *SMTP) RefuseRecipients(reply string) { s.refuse(reply, -1) }

// RefuseNextRecipients answers the next n RCPT TO with reply, then accepts.
func (s *SMTP) RefuseNextRecipients(reply string, n int) { s.refuse(reply, n) }

func (s *SMTP) refuse(reply string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reply == "" {
		s.rcptErr, s.refusals = nil, 0
		return
	}
	code, rest, _ := strings.Cut(reply, " ")
	c, _ := strconv.Atoi(code)
	e := &smtp.SMTPError{Code: c, EnhancedCode: smtp.NoEnhancedCode, Message: rest}
	if ec, msg, ok := strings.Cut(rest, " "); ok && strings.Count(ec, ".") == 2 {
		var a, b, d int
		if _, err := fmt.Sscanf(ec, "%d.%d.%d", &a, &b, &d); err == nil {
			e.EnhancedCode, e.Message = smtp.EnhancedCode{a, b, d}, msg
		}
	}
	s.rcptErr, s.refusals = e, n
}

// Refused returns how many recipients the server refused.
func (s *SMTP) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Received returns the accepted messages, in order.
func (s *SMTP) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.received...)
}

// Messages returns the accepted messages' data (headers and body), in order.
func (s *SMTP) Messages() []string {
	var out []string
	for _, m := range s.Received() {
		out = append(out, m.Data)
	}
	return out
}

// Recipients returns the recipients of the accepted messages, in order.
func (s *SMTP) Recipients() []string {
	var out []string
	for _, m := range s.Received() {
		out = append(out, m.To...)
	}
	return out
}

type smtpSession struct {
	srv  *SMTP
	conn *smtp.Conn
	tls  bool
	user string
	mail Mail
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.srv.user || password != ss.srv.password || (identity != "" && identity != username) {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && ss.user == "" {
		return errAuthRequired
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.mail = Mail{From: from, TLS: isTLS, User: ss.user}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	if ss.srv.rcptErr != nil && ss.srv.refusals != 0 {
		err := ss.srv.rcptErr
		ss.srv.refused++
		if ss.srv.refusals > 0 {
			ss.srv.refusals--
			if ss.srv.refusals == 0 {
				ss.srv.rcptErr = nil
			}
		}
		return err
	}
	ss.mail.To = append(ss.mail.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(ss.mail.To) == 0 {
		return errors.New("no recipients")
	}
	ss.mail.Data = string(b)
	ss.srv.mu.Lock()
	ss.srv.received = append(ss.srv.received, ss.mail)
	ss.srv.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        { ss.mail = Mail{} }
func (ss *smtpSession) Logout() error { return nil }

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notifytest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
