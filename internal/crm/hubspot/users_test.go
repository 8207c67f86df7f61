package hubspot_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/hubspot/hubspottest"
)

// TestUsers lists the owners as users through real HTTP: the owner id
// (what hubspot_owner_id names), not the user id; first and last name;
// the e-mail; live owners active and archived ones inactive; more than
// one page of each listing read whole.
func TestUsers(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	f.server.Owners = []hubspottest.Owner{
		{ID: 101, UserID: 9101, FirstName: "Анна", LastName: "Смирнова", Email: "anna@acme.example"},
		{ID: 102, UserID: 9102, FirstName: "Борис", Email: "boris@acme.example"},
		{ID: 103, UserID: 9103, Email: "nameless@acme.example"},
		{ID: 104, UserID: 9104, FirstName: "Вера", LastName: "Левина", Email: "vera@acme.example", Archived: true},
	}
	// Past one page (500) of live owners and of archived ones.
	for i := range int64(1100) {
		f.server.Owners = append(f.server.Owners, hubspottest.Owner{ID: 1000 + i, UserID: 20000 + i,
			FirstName: "Owner", LastName: strconv.FormatInt(1000+i, 10), Archived: i%2 == 1})
	}
	f.server.Mu.Unlock()

	users, err := f.client.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []crm.User{
		{ID: "101", Name: "Анна Смирнова", Email: "anna@acme.example", Active: true},
		{ID: "102", Name: "Борис", Email: "boris@acme.example", Active: true},
		{ID: "103", Name: "", Email: "nameless@acme.example", Active: true},
	}
	for i := int64(0); i < 1100; i += 2 {
		want = append(want, crm.User{ID: strconv.FormatInt(1000+i, 10), Name: fmt.Sprintf("Owner %d", 1000+i),
			Email: fmt.Sprintf("owner%d@example.com", 1000+i), Active: true})
	}
	want = append(want, crm.User{ID: "104", Name: "Вера Левина", Email: "vera@acme.example"})
	for i := int64(1); i < 1100; i += 2 {
		want = append(want, crm.User{ID: strconv.FormatInt(1000+i, 10), Name: fmt.Sprintf("Owner %d", 1000+i),
			Email: fmt.Sprintf("owner%d@example.com", 1000+i)})
	}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	// 553 live owners: two pages; 551 archived: two pages.
	f.server.Mu.Lock()
	n := f.server.PerPath["/crm/v3/owners"]
	f.server.Mu.Unlock()
	if n != 4 {
		t.Errorf("%d requests to /crm/v3/owners, want 4 (two pages of live owners, two of archived)", n)
	}
	f.server.CheckClean(t)
}

// TestUsersNone: an account with no owners has no users, and no error.
func TestUsersNone(t *testing.T) {
	f := newFixture(t)
	users, err := f.client.Users(t.Context())
	if err != nil || len(users) != 0 {
		t.Errorf("Users = %v, %v; want none", users, err)
	}
}

// TestUsersRefused: an owners listing HubSpot refuses is an error naming
// it, not an empty list.
func TestUsersRefused(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	f.server.Owners = []hubspottest.Owner{{ID: 101, UserID: 9101, FirstName: "Анна"}}
	f.server.AccessToken = "another"
	f.server.RefreshToken = "another-refresh"
	f.server.Mu.Unlock()
	users, err := f.client.Users(t.Context())
	if err == nil || users != nil {
		t.Fatalf("Users with a revoked token = %v, %v; want an error", users, err)
	}
	t.Log(err)
}
