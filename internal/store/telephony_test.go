package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// A workspace's phone settings and its managers' PBX ids are stored and
// read back; applying them again changes nothing, an id may move from one
// manager to another, and an id of two managers is a conflict.
func TestApplyTelephonySettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.PhoneCountry = "375"
		ws.IgnorePhones = []string{"+375 17 000-00-00"}
		ws.Managers[0].PBXIDs = []string{"101", "sip-anna"}
		ws.Managers[1].PBXIDs = []string{"102"}
		mustApply(t, s, ws)
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if got.PhoneCountry != "375" || !slices.Equal(got.IgnorePhones, ws.IgnorePhones) {
			t.Errorf("phone settings read back %q %q, want 375 %q", got.PhoneCountry, got.IgnorePhones, ws.IgnorePhones)
		}
		for i, m := range got.Managers {
			if !slices.Equal(m.PBXIDs, ws.Managers[i].PBXIDs) {
				t.Errorf("%s's PBX ids %q, want %q", m.ID, m.PBXIDs, ws.Managers[i].PBXIDs)
			}
		}
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("applying again changed %q", res.Changes)
		}
		ws.Managers[0].PBXIDs = []string{"101"}
		ws.Managers[1].PBXIDs = []string{"102", "sip-anna"}
		ws.PhoneCountry = ""
		res := mustApply(t, s, ws)
		want := []string{"phone country changed", "manager anna pbx ids changed", "manager boris pbx ids changed"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		got, _ = s.FindWorkspace(ctx, "acme")
		if !slices.Equal(got.Managers[1].PBXIDs, []string{"102", "sip-anna"}) || got.PhoneCountry != "" {
			t.Errorf("after the move: boris %q, country %q", got.Managers[1].PBXIDs, got.PhoneCountry)
		}
		ws.Managers[0].PBXIDs = []string{"102"}
		_, err = s.ApplyWorkspace(ctx, ws, "head", now)
		wantCode(t, err, domain.ECONFLICT)
	})
}

// telephonyBatch holds a contact, a company with phones, a CRM call with
// a phone and two PBX calls.
func telephonyBatch() *domain.RecordBatch {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 18, h, m, 0, 0, time.UTC) }
	return &domain.RecordBatch{
		Companies: []domain.Company{{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "k1"}, Name: "ООО Один",
			Responsible: "u1", CreatedAt: at(6, 0), Phones: []string{"+7 (495) 000-00-01", "8 912 000 00 02"}}},
		Persons: []domain.Person{
			{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c1"}, Name: "Иван", Responsible: "u1", CompanyID: "k1",
				Phones: []string{"9120000003"}, CreatedAt: at(6, 0)},
			{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c2"}, Name: "Без номера", Responsible: "u1", CreatedAt: at(6, 0)},
		},
		Activities: []domain.Activity{{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "a1"}, Kind: domain.ActivityCall,
			Responsible: "u1", HappenedAt: at(9, 1), EnteredAt: at(9, 5), DurationSeconds: 60, Outcome: domain.OutcomeHeld,
			Phone: "+7 912 000-00-03"}},
		PBXCalls: []domain.PBXCall{
			{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "p1"}, PBXUser: "101", StartedAt: at(9, 0),
				TalkSeconds: 60, Direction: domain.DirectionOut, Phone: "+7 912 000-00-03"},
			{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "p2"}, PBXUser: "101", StartedAt: at(10, 0),
				TalkSeconds: 45, Direction: domain.DirectionIn, Phone: "+7 999 000-00-09"},
		},
	}
}

// Contacts and PBX calls are upserted with the other records, all or
// none; sent again unchanged they are not rewritten.
func TestUpsertTelephony(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		res := mustUpsert(t, s, telephonyBatch(), time.Time{})
		if res.Written != 6 {
			t.Errorf("written %d, want 6", res.Written)
		}
		if res = mustUpsert(t, s, telephonyBatch(), time.Time{}); res.Written != 0 || res.Unchanged != 6 {
			t.Errorf("again: %+v, want 0 written, 6 unchanged", res)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM record_phones WHERE workspace = 'acme'`); n != 3 {
			t.Errorf("record_phones holds %d numbers, want 3", n)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM record_phones WHERE phone = '79120000003' AND kind = 'contact'`); n != 1 {
			t.Errorf("the contact's 10-digit number is not stored as 79120000003")
		}
		// A company that lost a phone loses it in the lookup too.
		b := telephonyBatch()
		b.Companies[0].Phones = b.Companies[0].Phones[:1]
		mustUpsert(t, s, &domain.RecordBatch{Companies: b.Companies}, time.Time{})
		if n := countRows(t, s, `SELECT COUNT(*) FROM record_phones WHERE kind = 'company'`); n != 1 {
			t.Errorf("after removing a phone the company has %d numbers, want 1", n)
		}

		// A bad PBX call rolls back the whole batch.
		bad := telephonyBatch()
		bad.Persons[0].ExternalID = "c9"
		bad.PBXCalls[1].PBXUser = ""
		_, err := s.UpsertRecords(ctx, "acme", bad, time.Time{}, "test", now)
		wantCode(t, err, domain.EINVALID)
		if err == nil || !strings.Contains(err.Error(), `pbx_call 2 (csv "p2"): the PBX user is required`) {
			t.Errorf("error %v does not name the record", err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM persons WHERE external_id = 'c9'`); n != 0 {
			t.Errorf("a failed batch stored its contact")
		}
	})
}

// A day's read holds what the telephone bases need: LoadDay always, a
// day sheet when its regulation uses one; both give the values Evaluate
// gives. A change of phone_country normalizes the stored phones again.
func TestLoadDayTelephony(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.Managers[0].PBXIDs = []string{"101"}
		mustApply(t, s, ws)
		mustUpsert(t, s, telephonyBatch(), time.Time{})
		day := date("2026-11-18")
		win := ws.Window(day)
		data := mustLoadDay(t, s, "acme", win)
		tel := data.Telephony
		if tel == nil {
			t.Fatal("LoadDay: no telephone data")
		}
		ids := func(calls []domain.PBXCall) []string {
			var out []string
			for _, c := range calls {
				out = append(out, c.ExternalID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(tel.PBXCalls); !slices.Equal(got, []string{"p1", "p2"}) {
			t.Errorf("PBX calls %q, want p1 p2", got)
		}
		if len(tel.CRMCalls) != 1 || tel.CRMCalls[0].Phone != "+7 912 000-00-03" {
			t.Errorf("CRM calls %+v, want a1 with its phone", tel.CRMCalls)
		}
		if len(tel.Persons) != 1 || tel.Persons[0].ExternalID != "c1" || !slices.Equal(tel.Persons[0].Phones, []string{"9120000003"}) {
			t.Errorf("contacts %+v, want c1 (holds p1's number)", tel.Persons)
		}
		if len(tel.Companies) != 0 {
			t.Errorf("companies %+v, want none (no PBX call to theirs)", tel.Companies)
		}

		// Without a telephone base in the regulation, a sheet reads none.
		sheet, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: 2, HoldWriters: true})
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Telephony != nil {
			t.Errorf("a sheet whose regulation uses no telephone base read %+v", sheet.Telephony)
		}
		for _, own := range [][]domain.IndicatorDef{nil, {{ID: "sales_calls", Base: domain.CallsHeld, Where: domain.Filter{Pipeline: []string{"Sales"}}}}} {
			ws.Regulation[0].Indicators = own
			ws.Regulation[0].Rules = append(ws.Regulation[0].Rules[:2:2],
				domain.Rule{Indicator: domain.CallsUnlogged, Op: domain.AtMost, Target: dec("0"), Pass: 1, Fail: -2},
				domain.Rule{Indicator: domain.UnknownNumbers, Op: domain.AtMost, Target: dec("0"), Pass: 1, Fail: -2},
				domain.Rule{Indicator: domain.PBXCalls, Op: domain.AtLeast, Target: dec("1"), Pass: 1, Fail: -2})
			sheet, err = s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: 2, HoldWriters: true})
			if err != nil {
				t.Fatal(err)
			}
			values, _ := domain.ComputeValues(ws, win, sheet)
			full, _ := domain.ComputeValues(ws, win, data)
			for ind, want := range map[domain.Indicator]int64{domain.PBXCalls: 2, domain.CallsUnlogged: 1, domain.UnknownNumbers: 1} {
				if got := values["anna"].Count(ind); got != want || full["anna"].Count(ind) != want {
					t.Errorf("own %v: anna's %s: sheet %d, LoadDay %d, want %d", own != nil, ind, got, full["anna"].Count(ind), want)
				}
			}
		}

		// Under country 375 the contact's 10-digit number is another.
		ws.PhoneCountry = "375"
		mustApply(t, s, ws)
		if n := countRows(t, s, `SELECT COUNT(*) FROM record_phones WHERE phone = '3759120000003'`); n != 1 {
			t.Errorf("phone_country 375 did not normalize the stored phones again")
		}
		data = mustLoadDay(t, s, "acme", win)
		if len(data.Telephony.Persons) != 0 {
			t.Errorf("under 375 the contact %+v still holds +7 912 000-00-03", data.Telephony.Persons)
		}
	})
}
