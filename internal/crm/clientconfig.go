package crm

import (
	"context"
	"net/http"
	"time"
)

// ClientConfig is what every connector's Config holds alike, embedded in
// it: the token pair, the OAuth application, the callbacks and the
// injected plumbing. A connector adds its own (base URL, limits, page
// size) and builds the skeleton's Options with Options, so that the
// caller (crmsync) fills one ClientConfig for any connector.
type ClientConfig struct {
	Token        string // the access token (OAuth or long-lived)
	RefreshToken string
	// Expiry is when Token expires (zero: unknown). A token this close to
	// expiring is refreshed before it is used, not after the CRM refuses it.
	Expiry time.Time
	// ClientID and ClientSecret are the OAuth application's; without a
	// ClientID the token is never refreshed.
	ClientID, ClientSecret string
	// OnRefresh receives every refreshed token pair to persist it.
	OnRefresh TokenFunc
	// OnPage, if set, is called after every answered request with the
	// number of records it carried, for progress reports. It must be quick.
	OnPage func(ctx context.Context, records int)

	HTTPClient *http.Client                               // default: the connector's timeout
	Now        func() time.Time                           // default time.Now
	Sleep      func(context.Context, time.Duration) error // default Sleep
	Backoff    Backoff
	// Overlap is re-read before a cursor to absorb clock skew and
	// replication lag; the connector's default when zero.
	Overlap time.Duration
}

// Options returns the skeleton's options for the connector named crm (its
// Source) with c's settings and its limit: rate requests a second with a
// bucket of burst.
func (c ClientConfig) Options(crm string, rate float64, burst int) Options {
	return Options{
		CRM:          crm,
		Token:        Token{AccessToken: c.Token, RefreshToken: c.RefreshToken, Expiry: c.Expiry},
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		OnRefresh:    c.OnRefresh,
		OnPage:       c.OnPage,
		HTTPClient:   c.HTTPClient,
		Now:          c.Now,
		Sleep:        c.Sleep,
		Backoff:      c.Backoff,
		Rate:         rate,
		Burst:        burst,
		Overlap:      c.Overlap,
	}
}
