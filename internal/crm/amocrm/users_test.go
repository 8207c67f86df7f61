package amocrm_test

import (
	"context"
	"fmt"
	"testing"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm/amocrmtest"
)

func TestUsers(t *testing.T) {
	f := newFixture(t)
	f.server.Users = map[int64]*amocrmtest.User{}
	for i := range int64(260) {
		f.server.Users[100+i] = &amocrmtest.User{ID: 100 + i, Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("u%d@acme.example", i)}
	}
	f.server.Users[101].Inactive = true
	users, err := f.client.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 260 {
		t.Fatalf("Users returned %d users over two pages, want 260", len(users))
	}
	if users[0] != (crm.User{ID: "100", Name: "User 0", Email: "u0@acme.example", Active: true}) || users[1].Active {
		t.Errorf("users[0] = %+v, users[1] = %+v; want User 0 active and User 1 not", users[0], users[1])
	}
	if users[259].ID != "359" {
		t.Errorf("the last user is %+v, want id 359 from the second page", users[259])
	}
}
