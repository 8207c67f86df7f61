package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// A workspace's webhook URL is written by a head, not by the operator: a
// URL naming this machine or the private network (http://127.0.0.1:5432/,
// http://169.254.169.254/ of a cloud's metadata, a database next door)
// would make reglament send requests there for them (issue 14). Such
// addresses are refused when the URL is saved, and again at every
// delivery on the address actually connected to, so that a name that
// resolved to a public address when saved and to a private one later (DNS
// rebinding) is refused too. The operator may allow them (serve
// --allow-private-webhooks), e.g. for a chat server on the same network.

// nonPublic are ranges beyond the standard library's predicates that
// reach no public host: carrier-grade NAT (RFC 6598), IETF protocol
// assignments, benchmarking (RFC 2544), "this network" and the reserved
// 240/4 with the broadcast address.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// nat64 is the well-known NAT64 prefix (RFC 6052): its addresses reach the
// IPv4 address in their last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// PrivateAddress reports whether ip is no address of the public internet:
// loopback, private (RFC 1918, IPv6 unique local), link-local, carrier-
// grade NAT, unspecified, multicast, reserved, or a NAT64 address of one
// of them.
func PrivateAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// PrivateAddressError is a webhook URL whose host is, or resolves to, a
// private address. It is invalid input, said in each language.
type PrivateAddressError struct {
	Host string
	IP   netip.Addr
}

func (e *PrivateAddressError) Error() string { return e.Text(i18n.EN) }

// Text says the refusal in l.
func (e *PrivateAddressError) Text(l i18n.Lang) string {
	if e.Host == e.IP.String() || e.Host == "" {
		return l.T("notify.webhook_private_ip", e.IP.String())
	}
	return l.T("notify.webhook_private", e.Host, e.IP.String())
}

// Unwrap is the domain error of invalid input, with the English text.
func (e *PrivateAddressError) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: e.Error()}
}

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckWebhookURL refuses a webhook URL whose host is a private address or
// resolves to one (any of its addresses). A host that does not resolve is
// not refused here: delivery will fail and say so. r nil is the system's
// resolver.
func CheckWebhookURL(ctx context.Context, r Resolver, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil // the workspace file's parser says what is wrong with it
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if PrivateAddress(ip) {
			return &PrivateAddressError{Host: host, IP: ip.Unmap()}
		}
		return nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, ip := range ips {
		if PrivateAddress(ip) {
			return &PrivateAddressError{Host: host, IP: ip.Unmap()}
		}
	}
	return nil
}

// publicOnly is a dialer's Control: it refuses to connect to a private
// address. It runs on the address being connected to, after the name was
// resolved, so no later answer of the DNS can slip past it.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if PrivateAddress(ip) {
		return &PrivateAddressError{IP: ip.Unmap()}
	}
	return nil
}

// publicHTTP is the client of webhooks that may reach only public
// addresses. It uses no proxy: through one, the address connected to
// would be the proxy's.
var publicHTTP = &http.Client{
	Timeout: 15 * time.Second,
	Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, Control: publicOnly}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
	},
}

// privateRefusal turns a refused private address into a permanent delivery
// failure that says why (retrying cannot help until the URL or the
// operator's flag changes), or returns nil for any other error.
func privateRefusal(err error) *DeliveryError {
	var p *PrivateAddressError
	if !errors.As(err, &p) {
		return nil
	}
	return &DeliveryError{Channel: "webhook", Reason: "address " + p.IP.String() +
		" is loopback, link-local or private; serve --allow-private-webhooks allows it"}
}
