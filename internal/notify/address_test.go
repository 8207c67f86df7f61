package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

func TestPrivateAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fd00::1": true, "100.64.0.1": true, "0.0.0.0": true, "::": true,
		"::ffff:127.0.0.1": true, "224.0.0.1": true, "255.255.255.255": true, "198.18.0.1": true, "192.0.0.8": true,
		"64:ff9b::7f00:1": true, "64:ff9b::a00:1": true, "64:ff9b::5db8:d822": false,
		"93.184.216.34": false, "8.8.8.8": false, "2a00:1450:4010::8a": false, "100.128.0.1": false,
	} {
		if got := PrivateAddress(netip.MustParseAddr(s)); got != want {
			t.Errorf("PrivateAddress(%s) = %v, want %v", s, got, want)
		}
	}
}

// fakeResolver answers every name with its addresses.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	list, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// Issue 14 item 7: a webhook URL naming, or resolving to, a loopback,
// link-local or private address is refused, said in each language; a
// public one (and one that does not resolve, which delivery reports) is
// not.
func TestCheckWebhookURL(t *testing.T) {
	r := fakeResolver{"chat.example": {"93.184.216.34"}, "db.internal": {"93.184.216.34", "10.0.0.5"}, "meta.example": {"169.254.169.254"}}
	for raw, refused := range map[string]string{
		"http://127.0.0.1:5432/":              "127.0.0.1",
		"http://[::1]/x":                      "::1",
		"http://169.254.169.254/latest/meta":  "169.254.169.254",
		"https://db.internal/hook":            "10.0.0.5",
		"https://meta.example/":               "169.254.169.254",
		"http://[::ffff:192.168.0.1]:8080/":   "192.168.0.1",
		"https://chat.example/hooks/abc":      "",
		"https://unknown.example/hooks/abc":   "",
		"https://93.184.216.34:8443/services": "",
	} {
		err := CheckWebhookURL(context.Background(), r, raw)
		if refused == "" {
			if err != nil {
				t.Errorf("%s: %v, want accepted", raw, err)
			}
			continue
		}
		var p *PrivateAddressError
		if !errors.As(err, &p) || p.IP.String() != refused || domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v, want refused as private address %s (invalid input)", raw, err, refused)
			continue
		}
		if ru := p.Text(i18n.RU); !strings.Contains(ru, "частн") || !strings.Contains(ru, "--allow-private-webhooks") {
			t.Errorf("%s: Russian text %q", raw, ru)
		}
		if en := err.Error(); !strings.Contains(en, "private") || !strings.Contains(en, refused) {
			t.Errorf("%s: English text %q", raw, en)
		}
	}
}

// A public-only webhook is not posted to a loopback server, and the failure
// is permanent and says why; the operator's allowance lets it through.
// The address is checked on the connection itself too: a name that now
// resolves to loopback (DNS rebinding after the save-time check) cannot
// connect through the public client.
func TestWebhookPublicOnly(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	err := (&Webhook{URL: srv.URL, PublicOnly: true}).Send(context.Background(), "", Message{Text: "x"})
	var d *DeliveryError
	if !errors.As(err, &d) || d.Temporary || !strings.Contains(d.Reason, "127.0.0.1") || !strings.Contains(d.Reason, "--allow-private-webhooks") {
		t.Errorf("public-only webhook to loopback: %v; want a permanent failure naming the address and the flag", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests, want 0", n)
	}
	if _, err := publicHTTP.Get(srv.URL); privateRefusal(err) == nil {
		t.Errorf("public client connected to loopback: %v", err)
	}
	if err := (&Webhook{URL: srv.URL}).Send(context.Background(), "", Message{Text: "x"}); err != nil || hits.Load() != 1 {
		t.Errorf("allowed webhook: %v, %d requests; want delivered", err, hits.Load())
	}
}
