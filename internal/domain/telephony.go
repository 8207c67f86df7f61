package domain

import (
	"strings"
	"time"
)

// Record kinds of the telephone exchange's second witness (DESIGN.md
// section 12).
const (
	KindPerson  = "contact"  // a contact person in the CRM (CSV type contacts)
	KindPBXCall = "pbx_call" // a call the PBX logged (CSV type pbx_calls)
)

// Source of records read from a PBX: the connector's own name is the
// Source of its calls ("mango", "zadarma"); a PBX call imported by CSV is
// SourceCSV like any CSV record.
const (
	PBXMango   = "mango"
	PBXZadarma = "zadarma"
)

// DefaultPhoneCountry is the country code put in front of a 10-digit
// number when the workspace names none (phone_country).
const DefaultPhoneCountry = "7"

// Person is a contact person in the CRM (DESIGN.md section 12: "contact";
// the Go name avoids domain.Contact, a notification address). It is
// entered at CreatedAt; its Phones are as the CRM holds them, compared
// after NormalizePhone.
type Person struct {
	RecordMeta
	Name        string
	Responsible string // CRM user id
	CompanyID   string // external id of the person's company, if any
	Phones      []string
	CreatedAt   time.Time
}

// PBXCall is one call the telephone exchange logged. It happens and is
// entered at StartedAt: the PBX logs as it goes. PBXUser is the extension
// or PBX user id, which a manager lists in pbx_ids; Phone is the other
// party's number as the PBX gave it. TalkSeconds 0 means not answered.
// Internal calls (both sides extensions) are not PBX calls: a connector
// or import leaves them out.
type PBXCall struct {
	RecordMeta
	PBXUser     string
	StartedAt   time.Time
	TalkSeconds int
	Direction   string // DirectionIn or DirectionOut
	Phone       string
}

// NormalizePhone returns a phone number as compared (DESIGN.md section 12):
// digits only; 11 digits starting with 8 become 7…; 10 digits get the
// country code in front (country "" means DefaultPhoneCountry). It returns
// "" for a number without digits.
func NormalizePhone(phone, country string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if country == "" {
		country = DefaultPhoneCountry
	}
	switch {
	case len(d) == 11 && d[0] == '8':
		return "7" + d[1:]
	case len(d) == 10:
		return country + d
	}
	return d
}
