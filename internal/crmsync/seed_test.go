package crmsync_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
)

// volume is how many records of each kind a generated CRM holds.
type volume struct{ companies, deals, tasks, activities int }

// seedStart is when generated records begin: 1 November 2026, UTC. Record
// i of a kind is created i×10 s after it, so 100,000 records span 12 days.
var seedStart = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// users are the CRM users generated records belong to; 999 maps to no manager.
var users = []int64{101, 102, 999}

// seedAmo fills an amoCRM fake with generated records of every shape the
// connector maps: open, won, lost and deleted leads; open and completed
// tasks, calls and meetings, on leads and on contacts; held and missed call
// notes on leads, contacts and companies, and non-call notes it must skip.
// Records come in threes sharing a modification time, so keyset paging
// meets ties.
func seedAmo(f *amocrmtest.Server, v volume) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	base := seedStart.Unix()
	for i := range int64(v.companies) {
		at := base + i*10
		f.Companies[i+1] = &amocrmtest.Company{ID: i + 1, ResponsibleUserID: users[i%3], CreatedBy: users[i%3],
			Name: fmt.Sprintf("company %d", i+1), CreatedAt: at, UpdatedAt: base + i/3*30 + 5}
	}
	for i := range int64(v.deals) {
		at := base + i*10
		l := &amocrmtest.Lead{ID: i + 1, ResponsibleUserID: users[i%3], CreatedBy: users[i%3], StatusID: 20001,
			Name: fmt.Sprintf("lead %d", i+1), Price: fmt.Sprintf("%d.%02d", 1000+i, i%100), CreatedAt: at,
			UpdatedAt: base + i/3*30 + 5}
		switch i % 5 {
		case 0:
			l.StatusID, l.ClosedAt = 142, at+3600
		case 1:
			l.StatusID, l.ClosedAt = 143, at+7200
		}
		if i%13 == 12 {
			l.IsDeleted = true
		}
		f.Leads[l.ID] = l
	}
	for i := range int64(v.tasks) {
		at := base + i*10
		k := &amocrmtest.Task{ID: i + 1, ResponsibleUserID: users[i%3], EntityID: i%max(1, int64(v.deals)) + 1,
			EntityType: "leads", TaskTypeID: 1 + i%3%2, Text: fmt.Sprintf("task %d", i+1), CompleteTill: at + 86400,
			CreatedAt: at, UpdatedAt: base + i/3*30 + 5}
		if i%4 == 3 {
			k.EntityType = "contacts"
		}
		if i%2 == 0 {
			k.IsCompleted = true
		}
		f.Tasks[k.ID] = k
	}
	entities := []string{"leads", "contacts", "companies"}
	for i := range int64(v.activities) {
		at := base + i*10
		n := &amocrmtest.Note{ID: i + 1, EntityID: i%max(1, int64(v.deals)) + 1, ResponsibleUserID: users[i%3],
			CreatedBy: users[i%3], Entity: entities[i%3], NoteType: "call_out", CreatedAt: at, UpdatedAt: base + i/3*30 + 5,
			Duration: i % 200, CallStatus: 4}
		switch i % 10 {
		case 1:
			n.NoteType = "call_in"
		case 2:
			n.CallStatus = 6
		case 9:
			n.NoteType = "common"
		}
		if i%7 == 6 {
			n.ResponsibleUserID = 0 // the call's author is its manager
		}
		f.Notes[fmt.Sprintf("%s:%d", n.Entity, n.ID)] = n
	}
}

// seedBitrix fills a Bitrix24 fake with generated records: open, won and
// lost deals; open and closed tasks linked to deals, companies or nothing;
// held and missed calls, held and planned meetings, and e-mails the
// connector must skip.
func seedBitrix(f *bitrix24test.Server, v volume) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	sec := func(i int64) time.Time { return seedStart.Add(time.Duration(i) * 10 * time.Second) }
	for i := range int64(v.companies) {
		f.Companies[i+1] = &bitrix24test.Company{ID: i + 1, AssignedBy: users[i%3], CreatedBy: users[(i+1)%3],
			Title: fmt.Sprintf("company %d", i+1), Created: sec(i), Modified: sec(i).Add(time.Minute)}
	}
	for i := range int64(v.deals) {
		d := &bitrix24test.Deal{ID: i + 1, AssignedBy: users[i%3], CreatedBy: users[i%3], Title: fmt.Sprintf("deal %d", i+1),
			Semantic: "P", Opportunity: fmt.Sprintf("%d.%02d", 1000+i, i%100), Created: sec(i), Modified: sec(i).Add(time.Minute)}
		switch i % 5 {
		case 0:
			d.Semantic, d.CloseDate = "S", sec(i).Add(time.Hour)
		case 1:
			d.Semantic, d.CloseDate = "F", sec(i).Add(2*time.Hour)
		}
		f.Deals[d.ID] = d
	}
	for i := range int64(v.tasks) {
		k := &bitrix24test.Task{ID: i + 1, Responsible: users[i%3], Status: 2, Title: fmt.Sprintf("task %d", i+1),
			Created: sec(i), Changed: sec(i).Add(time.Minute), Deadline: sec(i).Add(24 * time.Hour)}
		switch i % 3 {
		case 0:
			k.Links = []string{fmt.Sprintf("D_%d", i%max(1, int64(v.deals))+1)}
		case 1:
			k.Links = []string{"CO_1"}
		}
		if i%2 == 0 {
			k.Status, k.Closed, k.Changed = 5, sec(i).Add(2*time.Hour), sec(i).Add(2*time.Hour)
		}
		f.Tasks[k.ID] = k
	}
	for i := range int64(v.activities) {
		a := &bitrix24test.Activity{ID: i + 1, TypeID: 2, OwnerTypeID: 2, OwnerID: i%max(1, int64(v.deals)) + 1,
			Responsible: users[i%3], Start: sec(i), End: sec(i).Add(time.Duration(i%300) * time.Second),
			Created: sec(i).Add(5 * time.Minute), Updated: sec(i).Add(5 * time.Minute), Completed: i%4 != 1}
		switch i % 10 {
		case 0:
			a.TypeID = 4 // e-mail
		case 1, 2:
			a.TypeID = 1 // meeting: held when completed (i%4 != 1), else planned
		case 3:
			a.OwnerTypeID, a.OwnerID = 3, 77 // on a contact
		}
		f.Activities[a.ID] = a
	}
}

// applyWorkspace applies the acme workspace with the crm section of kind
// (amocrm: baseURL and a token file holding token; bitrix24: the inbound
// webhook URL) and returns it as stored.
func applyWorkspace(t testing.TB, st *store.Store, now func() time.Time, kind, baseURL, token string) *domain.Workspace {
	t.Helper()
	dir := t.TempDir()
	yaml := workspaceYAML
	if kind == domain.CRMBitrix24 {
		yaml = bitrixWorkspaceYAML
	} else if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(yaml+baseURL+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(st, now).Apply(ctx, ws, "head"); err != nil {
		t.Fatal(err)
	}
	stored, err := st.FindWorkspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	return stored
}
