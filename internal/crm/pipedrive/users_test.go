package pipedrive_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/crm/pipedrive/pipedrivetest"
)

// TestUsers lists the company's users through real HTTP: ids as owner_id
// names them, names and e-mails, deactivated users inactive, and a company
// of 600 users whole from the one answer GET /v1/users gives.
func TestUsers(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	f.server.Users = []pipedrivetest.User{
		{ID: 101, Name: "Анна Смирнова", Email: "anna@acme.example"},
		{ID: 102, Name: "Борис Петров", Email: "boris@acme.example"},
		{ID: 103, Name: "Вера Левина", Email: "vera@acme.example", Inactive: true},
	}
	for i := range int64(600) {
		f.server.Users = append(f.server.Users, pipedrivetest.User{ID: 1000 + i, Inactive: i%3 == 0})
	}
	f.server.Mu.Unlock()

	users, err := f.client.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []crm.User{
		{ID: "101", Name: "Анна Смирнова", Email: "anna@acme.example", Active: true},
		{ID: "102", Name: "Борис Петров", Email: "boris@acme.example", Active: true},
		{ID: "103", Name: "Вера Левина", Email: "vera@acme.example"},
	}
	for i := range int64(600) {
		want = append(want, crm.User{ID: strconv.FormatInt(1000+i, 10), Name: fmt.Sprintf("User %d", 1000+i),
			Email: fmt.Sprintf("user%d@example.com", 1000+i), Active: i%3 != 0})
	}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	f.server.Mu.Lock()
	n := f.server.PerPath["/v1/users"]
	f.server.Mu.Unlock()
	if n != 1 {
		t.Errorf("%d requests to /v1/users, want 1", n)
	}
	f.server.CheckClean(t)
}

// TestUsersAPITokenRefused: users asked for with a wrong API token are an
// error with Pipedrive's status, not an empty list.
func TestUsersAPITokenRefused(t *testing.T) {
	f := newFixture(t)
	bad := pipedrive.NewClient(pipedrive.Config{BaseURL: f.server.URL, APIToken: "wrong",
		ClientConfig: crm.ClientConfig{HTTPClient: &http.Client{Timeout: time.Second}, Now: f.clock.Now, Sleep: f.clock.Sleep}})
	users, err := bad.Users(t.Context())
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || users != nil {
		t.Errorf("Users with a wrong API token = %v, %v; want a 401", users, err)
	}
}

// TestUsersSurviveFaults: the listing is retried through a 429, a 502
// and a truncated answer like any other read.
func TestUsersSurviveFaults(t *testing.T) {
	f := newFixture(t)
	f.server.Inject(pipedrivetest.Fault429, pipedrivetest.Fault502, pipedrivetest.FaultTruncated)
	users, err := f.client.Users(t.Context())
	if err != nil || len(users) != 5 || users[0].Name != "User 1" || !users[0].Active {
		t.Errorf("Users through a 429, a 502 and a truncated answer = %+v, %v; want users 1–5", users, err)
	}
	f.server.CheckClean(t)
}
