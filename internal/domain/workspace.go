package domain

import (
	"regexp"
	"time"

	"github.com/shopspring/decimal"
)

// Workspace is one company: its calendar, deadline, managers, regulation and
// point value. Every other object belongs to exactly one workspace.
type Workspace struct {
	ID       string
	Name     string
	Timezone string         // IANA name, e.g. Europe/Moscow
	Location *time.Location // loaded from Timezone

	// Deadline is the local clock time by which a day's work must be in the
	// CRM; Grace only absorbs CRM and sync lag after it.
	Deadline Clock
	Grace    time.Duration

	WorkingWeekdays  [7]bool // indexed by time.Weekday
	Holidays         []Date  // days off that would otherwise be working days
	ExtraWorkingDays []Date  // moved working days (e.g. a Saturday)

	MinCallSeconds int
	Currency       string
	PointValue     decimal.Decimal
	BonusCap       decimal.NullDecimal // limits a positive statement amount
	FineCap        decimal.NullDecimal // limits a negative statement amount (given as a positive number)
	Pay            Pay                 // how points become money (DESIGN.md section 11)
	// PayVersions are the pay settings by effective date (PayHistory).
	// Empty means one version from the start, the fields above; when set,
	// they win, and the fields above mirror the newest (SetPayHistory).
	PayVersions []PayVersion

	// AdjustmentLimit is the most points a manager's adjustments of one
	// day may add up to, either way; 0 means DefaultAdjustmentLimit.
	AdjustmentLimit int

	// PhoneCountry is the country code put in front of a 10-digit phone
	// number (DESIGN.md section 12); empty means DefaultPhoneCountry.
	PhoneCountry string
	// IgnorePhones are numbers unknown_numbers never counts (the office's
	// own lines, a courier service), as written; compared normalized.
	IgnorePhones []string

	Managers   []Manager
	Regulation Regulation

	// CRM is how the workspace's records are fetched from its CRM; nil when
	// records come only from CSV imports.
	CRM *CRMConnection

	// Notifications lists the heads and the webhook that receive the
	// digests and statements.
	Notifications Notifications
}

// DefaultAdjustmentLimit is the most points a manager's adjustments of one
// day may add up to, either way, when the workspace sets no limit.
const DefaultAdjustmentLimit = 20

// AdjustmentLimitOrDefault is the workspace's adjustment limit, the
// default when it sets none.
func (w *Workspace) AdjustmentLimitOrDefault() int {
	if w.AdjustmentLimit > 0 {
		return w.AdjustmentLimit
	}
	return DefaultAdjustmentLimit
}

// Pay modes: how points become money.
const (
	// PayPoints: money = points × point value after caps, a bonus when
	// positive, a fine when negative (DESIGN.md section 7).
	PayPoints = "points"
	// PayBonus: money = the period's base bonus + points × point value,
	// never below zero nor above the bonus cap: a bonus raised or reduced,
	// never a fine (DESIGN.md section 11; in Russia a fine from pay is
	// unlawful).
	PayBonus = "bonus"
)

// Pay says how a workspace turns points into money. The zero Pay is the
// points mode.
type Pay struct {
	Mode      string          // PayPoints (or empty) or PayBonus
	BaseMonth decimal.Decimal // the bonus of a calendar month before points
	BaseWeek  decimal.Decimal // the bonus of an ISO week before points
}

// ModeName returns the mode, PayPoints when none is set.
func (p Pay) ModeName() string {
	if p.Mode == "" {
		return PayPoints
	}
	return p.Mode
}

// BaseFor returns the base bonus of a period kind (PeriodMonth or
// PeriodWeek); zero in points mode.
func (p Pay) BaseFor(period string) decimal.Decimal {
	if p.Mode != PayBonus {
		return decimal.Zero
	}
	if period == PeriodWeek {
		return p.BaseWeek
	}
	return p.BaseMonth
}

// The CRMs a workspace can connect to.
const (
	CRMAmoCRM   = "amocrm"
	CRMBitrix24 = "bitrix24"
)

// DefaultSyncEvery is how often a workspace's CRM is synced by default.
const DefaultSyncEvery = 5 * time.Minute

// CRMConnection says where a workspace's CRM is and how to authenticate to
// it. The secret itself is not part of it: TokenFile names the file that
// holds it, so that the token never reaches the database or the audit log.
type CRMConnection struct {
	Kind      string        // CRMAmoCRM or CRMBitrix24
	BaseURL   string        // the account (amoCRM) or portal / inbound webhook URL (Bitrix24)
	TokenFile string        // the file holding the access token; may be empty for a Bitrix24 inbound webhook
	SyncEvery time.Duration // how often to sync incrementally
	// ApplicationTokenFile names the file holding the Bitrix24
	// application_token every outbound event carries (auth[application_token]);
	// webhooks of a Bitrix24 workspace are refused while it is empty.
	ApplicationTokenFile string
	// OAuth, when set, replaces TokenFile: tokens come from the OAuth flow and
	// are stored encrypted in the database, refreshed automatically.
	OAuth *CRMOAuth
}

// Equal reports whether c and o describe the same connection (nil equals
// only nil); the OAuth application is compared by value.
func (c *CRMConnection) Equal(o *CRMConnection) bool {
	if c == nil || o == nil {
		return c == o
	}
	x, y := *c, *o
	x.OAuth, y.OAuth = nil, nil
	return x == y && c.OAuth.Equal(o.OAuth)
}

// Equal reports whether a and b name the same OAuth application (nil
// equals only nil).
func (a *CRMOAuth) Equal(b *CRMOAuth) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// CRMOAuth is the OAuth application a workspace reaches its CRM with. The
// client secret stays in a file; the tokens it yields are stored encrypted.
type CRMOAuth struct {
	ClientID         string
	ClientSecretFile string
	RedirectURI      string
}

// Clock is a local time of day.
type Clock struct{ Hour, Minute int }

func (c Clock) String() string {
	return string([]byte{byte('0' + c.Hour/10), byte('0' + c.Hour%10), ':', byte('0' + c.Minute/10), byte('0' + c.Minute%10)})
}

// MaxGrace is the largest grace a workspace may set.
const MaxGrace = 60 * time.Minute

var workspaceIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidWorkspaceID reports whether id is a valid workspace or manager id:
// lower-case letters, digits and dashes.
func ValidWorkspaceID(id string) bool { return workspaceIDPattern.MatchString(id) }

// Manager is an employee being scored, mapped to one or more CRM user ids.
type Manager struct {
	ID       string
	Name     string
	Team     string
	CRMIDs   []string
	Absences []Absence
	// Contact is how the manager is notified; nil when the workspace file
	// gives none, so the manager receives nothing.
	Contact *Contact

	// PBXIDs are the manager's extensions or user ids in the telephone
	// exchange (DESIGN.md section 12), unique across managers.
	PBXIDs []string
}

// Absence is a span of days (inclusive) on which a manager is not scored.
type Absence struct {
	From, To Date
	Reason   string // vacation, sick, …
}

// AbsentOn reports whether m is absent on d.
func (m *Manager) AbsentOn(d Date) bool {
	for _, a := range m.Absences {
		if !d.Before(a.From) && !d.After(a.To) {
			return true
		}
	}
	return false
}

// Manager returns the manager with the given id.
func (w *Workspace) Manager(id string) (*Manager, bool) {
	for i := range w.Managers {
		if w.Managers[i].ID == id {
			return &w.Managers[i], true
		}
	}
	return nil, false
}

// ManagerIndex maps CRM user ids to manager ids.
func (w *Workspace) ManagerIndex() map[string]string {
	idx := make(map[string]string)
	for _, m := range w.Managers {
		for _, c := range m.CRMIDs {
			idx[c] = m.ID
		}
	}
	return idx
}

// Contact is how a person is notified: a Telegram chat, an e-mail address,
// the language of their messages and whether they want them at all. The
// channels' secrets (bot token, SMTP password) are never part of it: they
// belong to the serving process's configuration.
type Contact struct {
	Telegram string // chat id: digits, with a leading '-' for a group
	Email    string
	Lang     string // "ru" or "en"
	Notify   bool   // false: the person opted out
}

// Head is one person who receives the digests and full statements.
type Head struct {
	Name string
	Contact
}

// Notifications says who besides the managers is notified: the heads, and a
// Slack/Mattermost-style webhook channel that also receives digests and
// statements.
type Notifications struct {
	Heads      []Head
	WebhookURL string

	// Reminders are how long before the deadline the managers at risk are
	// reminded, each a whole number of minutes. Nil means the workspace sets
	// none and the serving process's default rhythm applies (60 and 15
	// minutes); an empty, non-nil list turns reminders off.
	Reminders []time.Duration
	// StatementsAt is the local time the weekly and monthly statements are
	// sent; nil means the serving process's default (09:00).
	StatementsAt *Clock
}

// DefaultLang is the language of a person whose contact names none.
const DefaultLang = "ru"
