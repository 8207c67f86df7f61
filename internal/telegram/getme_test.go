package telegram

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGetMe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bot123:secret/getMe":
			w.Write([]byte(`{"ok":true,"result":{"id":123,"is_bot":true,"first_name":"Регламент","username":"reglament_bot"}}`))
		default:
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"ok":false,"error_code":401,"description":"Unauthorized"}`))
		}
	}))
	defer srv.Close()
	name, err := (&Client{BaseURL: srv.URL, Token: "123:secret"}).GetMe(context.Background())
	if err != nil || name != "reglament_bot" {
		t.Fatalf("GetMe = %q, %v", name, err)
	}
	_, err = (&Client{BaseURL: srv.URL, Token: "123:wrong"}).GetMe(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("GetMe with a wrong token: %v (must say why, never the token)", err)
	}
}
