package crmsync_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// phoneRows reads what the store keeps of contacts and phones for source:
// each contact "id|name|responsible|company|phones|created|deleted",
// each company's and call's phones, and the normalized phones the
// telephone bases look numbers up by.
func phoneRows(t *testing.T, st *store.Store, source string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, query := range map[string]string{
		"persons": `SELECT external_id, name, responsible, company_id, phones, created_at, deleted_at FROM persons
			WHERE workspace = 'acme' AND source = $1 ORDER BY external_id`,
		"companies":     `SELECT external_id, phones FROM companies WHERE workspace = 'acme' AND source = $1 AND phones <> '' ORDER BY external_id`,
		"activities":    `SELECT external_id, phone FROM activities WHERE workspace = 'acme' AND source = $1 AND phone <> '' ORDER BY external_id`,
		"record_phones": `SELECT phone, kind, external_id FROM record_phones WHERE workspace = 'acme' AND source = $1 ORDER BY phone, kind, external_id`,
	} {
		rows, err := st.DB().QueryContext(ctx, query, source)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := make([]string, len(cols))
			for i, v := range vals {
				line[i] = str(v)
			}
			out[table] = append(out[table], strings.Join(line, "|"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// TestSyncStoresContactsAndPhones syncs amoCRM's contacts (the PHONE field),
// companies' phones and call notes' phones through the fake into the
// store, then an incremental sync brings a changed and a new contact: the
// store holds the CRM's phones as written and their normalized forms.
func TestSyncStoresContactsAndPhones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		fake := amocrmtest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).Unix()
		fake.Mu.Lock()
		fake.Companies[1] = &amocrmtest.Company{ID: 1, ResponsibleUserID: 101, CreatedBy: 101, Name: "ООО Ромашка",
			CreatedAt: base, UpdatedAt: base, Phones: []string{"+7 (495) 123-45-67"}}
		fake.Contacts[10] = &amocrmtest.Contact{ID: 10, ResponsibleUserID: 101, CompanyID: 1, Name: "Иван Петров",
			CreatedAt: base + 60, UpdatedAt: base + 60, Phones: []string{"8 912 000-00-01", "+7 912 000 00 02"}}
		fake.Contacts[11] = &amocrmtest.Contact{ID: 11, ResponsibleUserID: 102, Name: "Без телефона", CreatedAt: base + 120, UpdatedAt: base + 120}
		fake.Notes["contacts:20"] = &amocrmtest.Note{ID: 20, EntityID: 10, Entity: "contacts", NoteType: "call_out",
			ResponsibleUserID: 101, CreatedBy: 101, CreatedAt: base + 300, UpdatedAt: base + 300, Duration: 95, CallStatus: 4, Phone: "89120000001"}
		fake.Mu.Unlock()
		applyWorkspace(t, st, clock.Now, domain.CRMAmoCRM, fake.URL, fake.AccessToken)
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		res, err := syncer.Sync(ctx, "acme", true, "sync")
		if err != nil {
			t.Fatalf("full sync: %v", err)
		}
		if n := fetchedOf(res, "contact"); n != 2 {
			t.Errorf("full sync fetched %d contacts, want 2", n)
		}
		us := func(s int64) string { return itoa(s * 1e6) }
		want := map[string][]string{
			"persons": {
				"10|Иван Петров|101|1|[\"8 912 000-00-01\",\"+7 912 000 00 02\"]|" + us(base+60) + "|",
				"11|Без телефона|102||[]|" + us(base+120) + "|",
			},
			"companies":  {"1|[\"+7 (495) 123-45-67\"]"},
			"activities": {"note:contacts:20|89120000001"},
			"record_phones": {
				"74951234567|company|1",
				"79120000001|contact|10",
				"79120000002|contact|10",
			},
		}
		got := phoneRows(t, st, "amocrm")
		// An empty phone list may be kept as "" or "[]": both say none.
		for i, line := range got["persons"] {
			got["persons"][i] = strings.Replace(line, "||"+us(base+120), "|[]|"+us(base+120), 1)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored contacts and phones after the full sync (-want +got):\n%s", diff)
		}

		// A phone changes, a contact is added: the incremental sync brings
		// both and the normalized phones follow.
		clock.Advance(10 * time.Minute)
		now := clock.Now().Unix()
		fake.Mu.Lock()
		fake.Contacts[10].Phones, fake.Contacts[10].UpdatedAt = []string{"+7 912 000-00-03"}, now
		fake.Contacts[12] = &amocrmtest.Contact{ID: 12, ResponsibleUserID: 101, Name: "Новый", CreatedAt: now, UpdatedAt: now,
			Phones: []string{"9120000004"}}
		fake.Mu.Unlock()
		clock.Advance(time.Minute)
		if res, err = syncer.Sync(ctx, "acme", false, "sync"); err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		if n := fetchedOf(res, "contact"); n != 2 {
			t.Errorf("incremental sync fetched %d contacts, want the 2 changed", n)
		}
		got = phoneRows(t, st, "amocrm")
		wantPhones := []string{"74951234567|company|1", "79120000003|contact|10", "79120000004|contact|12"}
		if diff := cmp.Diff(wantPhones, got["record_phones"]); diff != "" {
			t.Errorf("normalized phones after the incremental sync (-want +got):\n%s", diff)
		}
		if len(got["persons"]) != 3 || !strings.HasPrefix(got["persons"][2], "12|Новый|101||[\"9120000004\"]|") {
			t.Errorf("contacts after the incremental sync: %q", got["persons"])
		}
	})
}

// TestSyncStoresBitrix24Contacts: Bitrix24's contacts and companies carry
// the PHONE multi-field, and activities COMMUNICATIONS, only when selected
// by name; the sync stores them, a call's phone as the call's.
func TestSyncStoresBitrix24Contacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		fake := bitrix24test.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		fake.Mu.Lock()
		fake.Companies[1] = &bitrix24test.Company{ID: 1, AssignedBy: 101, CreatedBy: 101, Title: "Ромашка", Created: at, Modified: at,
			Phones: []string{"+7 495 123-45-67", "8-800-555-35-35"}}
		fake.Contacts[5] = &bitrix24test.Contact{ID: 5, AssignedBy: 102, CompanyID: 1, Name: "Анна", LastName: "Смирнова",
			Created: at.Add(time.Hour), Modified: at.Add(time.Hour), Phones: []string{"+7 (903) 111-22-33"}}
		call := &bitrix24test.Activity{ID: 30, TypeID: bitrix24.TypeCall, OwnerTypeID: 3, OwnerID: 5, Responsible: 102,
			Direction: bitrix24.DirectionOutgoing, Completed: true, Start: at.Add(2 * time.Hour), End: at.Add(2*time.Hour + time.Minute),
			Created: at.Add(2*time.Hour + time.Minute), Updated: at.Add(2*time.Hour + time.Minute), Phone: "+79031112233"}
		fake.Activities[30] = call
		fake.Mu.Unlock()
		applyWorkspace(t, st, clock.Now, domain.CRMBitrix24, fake.URL+fake.WebhookPath, "")
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		if _, err := syncer.Sync(ctx, "acme", true, "sync"); err != nil {
			t.Fatalf("full sync: %v", err)
		}
		got := phoneRows(t, st, "bitrix24")
		want := map[string][]string{
			"persons":       {"5|Анна Смирнова|102|1|[\"+7 (903) 111-22-33\"]|" + micros(at.Add(time.Hour)) + "|"},
			"companies":     {"1|[\"+7 495 123-45-67\",\"8-800-555-35-35\"]"},
			"activities":    {"30|+79031112233"},
			"record_phones": {"74951234567|company|1", "78005553535|company|1", "79031112233|contact|5"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored contacts and phones (-want +got):\n%s", diff)
		}
	})
}
