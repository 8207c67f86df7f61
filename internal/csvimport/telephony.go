package csvimport

import (
	"strings"

	"reglament/internal/domain"
)

// The CSV types of DESIGN.md section 12: contacts with their phones, and
// the calls a telephone exchange logged (the way any PBX's export gets in).
// Companies take an optional phones column and activities an optional
// phone, read here too.

// phones returns the phone numbers of column c, separated by ';' (empty
// parts ignored), recording a problem for one with no digit.
func (im *importer) phones(c int) []string {
	s := im.get(c)
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if domain.NormalizePhone(p, "") == "" {
			im.fail(c, "%q is not a phone number: it has no digits", p)
			continue
		}
		out = append(out, p)
	}
	return out
}

// phone returns the one phone number of column c, "" when empty.
func (im *importer) phone(c int) string {
	s := im.get(c)
	if s != "" && domain.NormalizePhone(s, "") == "" {
		im.fail(c, "%q is not a phone number: it has no digits", s)
	}
	return s
}

func (im *importer) contact(line int) {
	n := len(im.problems)
	p := domain.Person{
		RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: im.externalID(contactExternalID, line)},
		Name:        im.get(contactName),
		Responsible: im.required(contactResponsible),
		CompanyID:   im.get(contactCompanyID),
		Phones:      im.phones(contactPhones),
		CreatedAt:   im.time(contactCreatedAt, true),
	}
	p.DeletedAt = im.time(contactDeletedAt, false)
	if len(im.problems) == n {
		im.persons.add(p)
	}
}

// pbxCall reads one call of a PBX's log. It happens and is entered at
// started_at; talk_seconds 0 is a call not answered; phone is the other
// party, empty when withheld. A call between two extensions is kept: the
// telephone bases leave it out, knowing the managers' pbx_ids.
func (im *importer) pbxCall(line int) {
	n := len(im.problems)
	c := domain.PBXCall{
		RecordMeta: domain.RecordMeta{Source: Source, ExternalID: im.externalID(pbxExternalID, line)},
		PBXUser:    im.required(pbxUser),
		StartedAt:  im.time(pbxStartedAt, true),
	}
	if im.get(pbxTalkSeconds) == "" {
		im.fail(pbxTalkSeconds, "value is required")
	} else {
		c.TalkSeconds = im.seconds(pbxTalkSeconds)
	}
	c.Direction = im.enum(pbxDirection, domain.DirectionIn, domain.DirectionOut)
	c.Phone = im.phone(pbxPhone)
	if len(im.problems) == n {
		im.pbxCalls.add(c)
	}
}
