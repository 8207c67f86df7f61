package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"reglament/internal/domain"
)

// The demo's telephone exchange (DESIGN.md section 12): every call a
// manager makes is in the PBX's log, entered in the CRM or not, with the
// client's number; the CRM call carries the number too, and a client's
// first conversation makes a contact. Viktor, who enters only half of his
// calls, also enters only half of his contacts: the log shows what the
// CRM cannot. Its randomness comes from generators of its own, seeded by
// the manager, the day and the call, so the rest of the history is the
// one it was without the exchange.

// clientsPerManager is how many clients each manager calls over and over.
const clientsPerManager = 150

// pbxID returns the manager's extension: 5 and the digits after the first
// of the manager's first CRM id (101 → 501).
func pbxID(crmID string) string { return "5" + crmID[1:] }

// clientPhone returns the number of client k of manager m, normalized
// (79XXXXXXXXX).
func clientPhone(m string, k int) string {
	r := rand.New(rand.NewPCG(seedOf(m+"/client"), uint64(k)))
	return fmt.Sprintf("79%02d%07d", 10+r.IntN(90), r.IntN(10000000))
}

// asCRM writes a normalized number as a manager types it: 8 (9XX) XXX-XX-XX.
func asCRM(phone string) string {
	return "8 (" + phone[1:4] + ") " + phone[4:7] + "-" + phone[7:9] + "-" + phone[9:11]
}

// entersContact reports whether the manager enters a contact for client k:
// every manager does, but the one who enters only half of his calls
// enters only half of his contacts.
func (w *worker) entersContact(k int) bool {
	if w.h.callShare == 0 {
		return true
	}
	return rand.New(rand.NewPCG(seedOf(w.m.ID+"/contact"), uint64(k))).Float64() < w.h.callShare
}

// pbxCall logs call attempt i of day d, a, in the exchange's log; entered
// says whether the manager entered it in the CRM, in which case the CRM
// call gets the client's number and the PBX call its direction.
func (w *worker) pbxCall(d domain.Date, i int, a *domain.Activity, entered bool) {
	if len(w.m.PBXIDs) == 0 {
		return
	}
	r := rand.New(rand.NewPCG(seedOf(w.m.ID+"/pbx/"+d.String()), uint64(i)))
	k := r.IntN(clientsPerManager)
	phone := clientPhone(w.m.ID, k)
	c := domain.PBXCall{RecordMeta: domain.RecordMeta{ExternalID: fmt.Sprintf("pbx-%s-%s-%d", d, w.m.ID, i+1)},
		PBXUser: w.m.PBXIDs[0], StartedAt: a.HappenedAt, Direction: domain.DirectionOut, Phone: "+" + phone}
	if a.Outcome == domain.OutcomeHeld {
		c.TalkSeconds = a.DurationSeconds
	}
	if r.Float64() < 0.2 {
		c.Direction = domain.DirectionIn
	}
	if entered {
		a.Phone = asCRM(phone)
		if a.Direction != "" {
			c.Direction = a.Direction
		}
	}
	w.g.addPBXCall(c)
	if c.TalkSeconds > 0 && !w.contacted[k] {
		// The client's first conversation: the manager enters the contact
		// soon after it (the late entrant in the evening).
		w.contacted[k] = true
		if w.entersContact(k) {
			end := a.HappenedAt.Add(time.Duration(c.TalkSeconds) * time.Second)
			created := end.Add(time.Duration(1+r.IntN(10)) * time.Minute)
			if w.h.entry == enterInEvening {
				created = w.clock(r, d, 19*60, 22*60)
			}
			w.g.addPerson(domain.Person{RecordMeta: domain.RecordMeta{ExternalID: fmt.Sprintf("contact-%s-%d", w.m.ID, k)},
				Name: personName(r), Responsible: w.m.CRMIDs[0], Phones: []string{asCRM(phone)}, CreatedAt: created})
		}
	}
	if r.Float64() < 0.02 {
		// Now and then a word with a colleague: an internal call, which
		// the telephone indicators leave out.
		other := w.g.ws.Managers[r.IntN(len(w.g.ws.Managers))]
		if len(other.PBXIDs) > 0 && other.ID != w.m.ID {
			w.g.addPBXCall(domain.PBXCall{RecordMeta: domain.RecordMeta{ExternalID: fmt.Sprintf("pbx-%s-%s-%d-int", d, w.m.ID, i+1)},
				PBXUser: w.m.PBXIDs[0], StartedAt: a.HappenedAt.Add(2 * time.Minute), TalkSeconds: 30 + r.IntN(90),
				Direction: domain.DirectionOut, Phone: other.PBXIDs[0]})
		}
	}
}

// addPBXCall keeps a call the exchange has logged by now: when it ended.
func (g *generator) addPBXCall(c domain.PBXCall) {
	if c.StartedAt.Add(time.Duration(c.TalkSeconds) * time.Second).After(g.now) {
		return
	}
	c.Source = Source
	c.UpdatedAt = c.StartedAt
	g.batch.PBXCalls = append(g.batch.PBXCalls, c)
}

// addPerson keeps a contact created by now.
func (g *generator) addPerson(p domain.Person) {
	if p.CreatedAt.After(g.now) {
		return
	}
	p.Source = Source
	p.UpdatedAt = p.CreatedAt
	g.batch.Persons = append(g.batch.Persons, p)
}

var (
	firstNames = [...]string{"Алексей", "Мария", "Сергей", "Ольга", "Андрей", "Наталья", "Павел", "Ирина", "Максим", "Светлана"}
	lastNames  = [...]string{"Иванов", "Смирнова", "Кузнецов", "Попова", "Васильев", "Новикова", "Фёдоров", "Морозова", "Зайцев", "Белова"}
)

// personName draws a client's name, e.g. Сергей Кузнецов.
func personName(r *rand.Rand) string {
	return firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
}
