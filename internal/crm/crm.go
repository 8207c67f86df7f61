// Package crm is the skeleton every CRM connector stands on. Client sends a
// connector's API calls: it paces them under the CRM's rate limit
// (Limiter), retries transient failures with backoff (Backoff, Retryable),
// keeps the OAuth token pair and refreshes it, reports progress, and keeps
// the incremental cursor (Client.Fetch). A connector gives it its Wire (how
// an answer is judged, which failure means the token expired, how an OAuth
// grant is sent, how many records a page holds) and does the rest in its
// own wire format: requests, paging, typed payloads, the mapping to domain
// records. The package also holds the record kinds, the cursor, a redacted
// token type, lenient JSON scalars and the one error type naming the CRM,
// method and status. docs/connectors.md says how to add a connector.
//
// The connectors live in the subpackages amocrm and bitrix24; they return
// domain records and know nothing of storage. crmtest is the harness their
// tests share.
package crm

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Kind is a kind of record a connector fetches. The values are the domain's
// record kinds.
type Kind string

// The kinds of record every connector can fetch.
const (
	KindCompany  Kind = "company"
	KindDeal     Kind = "deal"
	KindTask     Kind = "task"
	KindActivity Kind = "activity"
	// KindDealMove is a deal's change of stage (domain.DealMove): amoCRM's
	// lead_status_changed events, Bitrix24's stage history.
	KindDealMove Kind = "deal_move"
	// KindPerson is a contact person with phones (domain.Person, DESIGN.md
	// section 12's "contact"): amoCRM's and Bitrix24's contacts, HubSpot's
	// contacts, Pipedrive's persons.
	KindPerson Kind = "contact"
)

// Plural names the records of kind in messages: "companies", "deals"…
func (k Kind) Plural() string {
	switch k {
	case KindCompany:
		return "companies"
	case KindActivity:
		return "activities"
	case KindDealMove:
		return "deal moves"
	case KindPerson:
		return "contacts"
	}
	return string(k) + "s"
}

// Kinds lists every kind, in the order a full sync fetches them.
var Kinds = []Kind{KindCompany, KindPerson, KindDeal, KindTask, KindActivity, KindDealMove}

// Cursor is where an incremental fetch of one kind resumes: every change made
// in the CRM before Since has been fetched. The zero Cursor asks for
// everything. A connector re-reads a short overlap before Since (clock skew,
// replication lag) and dedupes by id, so a cursor is never too far ahead.
// Cursors are plain data, meant to be stored as JSON by the caller after the
// records of the batch are stored.
type Cursor struct {
	Since time.Time `json:"since"`
}

// IsZero reports whether the cursor asks for a full fetch.
func (c Cursor) IsZero() bool { return c.Since.IsZero() }

// Change is one record a webhook says changed: the caller re-fetches it with
// FetchByIDs, or, when Deleted is set and the CRM cannot list deleted records,
// marks it deleted at At.
type Change struct {
	Kind    Kind
	ID      string
	Deleted bool
	At      time.Time // when the CRM says it happened; zero if it does not say
}

// Token is an OAuth token pair. Its String, GoString and LogValue never show
// the secrets, so a token logged by mistake leaks nothing.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time // zero if unknown
	// APIDomain is the account's own API address when the token answer
	// names one (Pipedrive's api_domain, https://acme.pipedrive.com), where
	// the token's requests go; empty otherwise.
	APIDomain string
}

// String returns a redacted description of the token.
func (t Token) String() string { return fmt.Sprintf("crm.Token{expiry: %s, redacted}", t.Expiry.UTC()) }

// GoString returns the same as String, so %#v redacts too.
func (t Token) GoString() string { return t.String() }

// LogValue redacts the token in structured logs.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Renewed returns the token pair a refresh answered with. A CRM that does
// not rotate refresh tokens leaves refresh empty: the old one stays valid.
// expiresIn is in seconds; 0 leaves the expiry unknown.
func (t Token) Renewed(access, refresh string, expiresIn int64, now time.Time) Token {
	next := Token{AccessToken: access, RefreshToken: refresh}
	if next.RefreshToken == "" {
		next.RefreshToken = t.RefreshToken
	}
	if expiresIn > 0 {
		next.Expiry = now.Add(time.Duration(expiresIn) * time.Second)
	}
	return next
}

// RefreshMargin is how long before its expiry a token is refreshed.
const RefreshMargin = time.Minute

// DueForRefresh reports whether the token can be refreshed (it has a
// refresh token) and should be: its expiry is known and less than
// RefreshMargin away at now.
func (t Token) DueForRefresh(now time.Time) bool {
	return t.RefreshToken != "" && !t.Expiry.IsZero() && !now.Before(t.Expiry.Add(-RefreshMargin))
}

// TokenFunc is called with every token a connector obtains by refreshing, so
// the caller can persist it (encrypted) before the old refresh token, now
// spent, is needed again. An error stops the call that needed the refresh.
type TokenFunc func(ctx context.Context, t Token) error

// Sleep waits for d or until ctx is done. It is the default sleep of the
// connectors; tests inject one that advances a fake clock instead.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
