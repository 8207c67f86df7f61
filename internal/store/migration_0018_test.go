package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Migration 0018 lets a workspace connect to HubSpot and Pipedrive, and
// keeps the connections and sealed tokens a database already holds (SQLite
// rebuilds crm_connections, and crm_tokens, which cascades from it). The
// test stores a connection with a token, runs 0018 again over it, and
// checks both survive; then it connects a workspace to each new CRM.
func TestMigration0018KeepsConnectionsAndTokens(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.MustOpen(t, dsn)
		ws := newWorkspace()
		ws.CRM = &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru", SyncEvery: 5 * time.Minute,
			OAuth: &domain.CRMOAuth{ClientID: "local.1", ClientSecretFile: "/run/secrets/b24"}}
		mustApply(t, s, ws)
		at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
		sealed := []byte("sealed-token-bytes")
		if err := s.SaveCRMToken(ctx, "acme", sealed, at); err != nil {
			t.Fatal(err)
		}
		s.Close()

		driver, source := "sqlite", strings.TrimPrefix(dsn, "sqlite://")+"?_pragma=foreign_keys(1)"
		old := []string{}
		if strings.HasPrefix(dsn, "postgres") {
			driver, source = "pgx", dsn
			old = []string{
				`ALTER TABLE crm_connections DROP CONSTRAINT crm_connections_kind_check`,
				`ALTER TABLE crm_connections ADD CONSTRAINT crm_connections_kind_check CHECK (kind IN ('amocrm', 'bitrix24'))`,
			}
		}
		db, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(old, `DELETE FROM schema_version WHERE version = 18`) {
			if _, err := db.ExecContext(ctx, q); err != nil {
				db.Close()
				t.Fatalf("%s: %v", q, err)
			}
		}
		db.Close()

		s2, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open with 0018 to apply again: %v", err)
		}
		defer s2.Close()
		got, gotAt, err := s2.CRMToken(ctx, "acme")
		if err != nil || !bytes.Equal(got, sealed) || !gotAt.Equal(at) {
			t.Fatalf("the sealed token after 0018 = %q at %v, %v; want it kept", got, gotAt, err)
		}
		stored, err := s2.FindWorkspace(ctx, "acme")
		if err != nil || !stored.CRM.Equal(ws.CRM) {
			t.Fatalf("the connection after 0018 = %+v, %v; want %+v", stored.CRM, err, ws.CRM)
		}
		for _, kind := range []string{domain.CRMHubSpot, domain.CRMPipedrive} {
			ws.CRM = &domain.CRMConnection{Kind: kind, BaseURL: "https://api.example.com", TokenFile: "/run/secrets/" + kind, SyncEvery: 5 * time.Minute}
			mustApply(t, s2, ws)
			if stored, err := s2.FindWorkspace(ctx, "acme"); err != nil || stored.CRM.Kind != kind {
				t.Errorf("a %s connection stored as %+v, %v", kind, stored.CRM, err)
			}
		}
		ws.CRM.Kind = "zoho"
		if _, err := s2.ApplyWorkspace(ctx, ws, "test", at); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("a zoho connection: err = %v, want invalid", err)
		}
	})
}
