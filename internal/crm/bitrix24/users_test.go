package bitrix24_test

import (
	"context"
	"fmt"
	"testing"

	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24/bitrix24test"
)

func TestUsers(t *testing.T) {
	f := newFixture(t)
	f.server.Users = map[int64]*bitrix24test.User{}
	for i := range int64(70) {
		f.server.Users[1+i] = &bitrix24test.User{ID: 1 + i, Name: fmt.Sprintf("Имя%d", i), LastName: "Фамилия", Email: fmt.Sprintf("u%d@acme.example", i)}
	}
	f.server.Users[2].Inactive = true
	users, err := f.client.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 70 {
		t.Fatalf("Users returned %d users over two pages, want 70", len(users))
	}
	if users[0] != (crm.User{ID: "1", Name: "Имя0 Фамилия", Email: "u0@acme.example", Active: true}) || users[1].Active {
		t.Errorf("users[0] = %+v, users[1] = %+v; want the first active and the second not", users[0], users[1])
	}
}
