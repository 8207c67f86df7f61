package crmsync_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// oauthFake is a fake CRM behind its OAuth front, as the end-to-end OAuth
// test drives it.
type oauthFake struct {
	kind     string
	url      string // what base_url names
	tokenURL string // Bitrix24's OAuth server
	lifetime time.Duration
	// tokens returns the fake's current pair; refreshes counts refresh grants.
	tokens    func() (access, refresh string)
	refreshes func() int
	// oauthYAML is the crm section's oauth mapping.
	oauthYAML string
	clientID  string
	secret    string
}

const oauthCode = "auth-code-7f3a"

func newAmoOAuthFake(t *testing.T, clock *crmtest.Clock) *oauthFake {
	fake := amocrmtest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	front := amocrmtest.NewOAuthFront(fake, oauthCode, "https://reglament.example/oauth")
	t.Cleanup(front.Close)
	fake.Mu.Lock()
	fake.ClientSecret = "cs-amo-5e0b9c"
	for id := int64(1); id <= 3; id++ {
		fake.Companies[id] = &amocrmtest.Company{ID: id, Name: "C", ResponsibleUserID: 101, CreatedAt: clock.Now().Unix() - 600, UpdatedAt: clock.Now().Unix() - 600}
	}
	fake.Leads[10] = &amocrmtest.Lead{ID: 10, Name: "L", Price: "100", ResponsibleUserID: 101, StatusID: 20001,
		CreatedAt: clock.Now().Unix() - 600, UpdatedAt: clock.Now().Unix() - 600}
	fake.Mu.Unlock()
	return &oauthFake{kind: "amocrm", url: front.URL, lifetime: amocrmtest.TokenLifetime,
		tokens: func() (string, string) {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return fake.AccessToken, fake.RefreshToken
		},
		refreshes: func() int {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return front.Refreshes
		},
		oauthYAML: "{client_id: " + fake.ClientID + ", client_secret_file: client.secret, redirect_uri: https://reglament.example/oauth}",
		clientID:  fake.ClientID, secret: fake.ClientSecret}
}

func newBitrixOAuthFake(t *testing.T, clock *crmtest.Clock) *oauthFake {
	fake := bitrix24test.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	front := bitrix24test.NewOAuthFront(fake, oauthCode)
	t.Cleanup(front.Close)
	fake.Mu.Lock()
	fake.ClientSecret = "cs-b24-41f7aa"
	for id := int64(1); id <= 3; id++ {
		fake.Companies[id] = &bitrix24test.Company{ID: id, Title: "C", AssignedBy: 101, CreatedBy: 101,
			Created: clock.Now().Add(-10 * time.Minute), Modified: clock.Now().Add(-10 * time.Minute)}
	}
	fake.Deals[10] = &bitrix24test.Deal{ID: 10, Title: "D", Semantic: "P", Opportunity: "100", AssignedBy: 101, CreatedBy: 101,
		Created: clock.Now().Add(-10 * time.Minute), Modified: clock.Now().Add(-10 * time.Minute)}
	fake.Mu.Unlock()
	return &oauthFake{kind: "bitrix24", url: front.URL, tokenURL: front.TokenURL(), lifetime: bitrix24test.TokenLifetime,
		tokens: func() (string, string) {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return fake.AccessToken, fake.RefreshToken
		},
		refreshes: func() int {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return front.Refreshes
		},
		oauthYAML: "{client_id: " + fake.ClientID + ", client_secret_file: client.secret}",
		clientID:  fake.ClientID, secret: fake.ClientSecret}
}

// applyOAuthWorkspace applies workspace acme connected to fake by OAuth,
// with the client secret in a file.
func applyOAuthWorkspace(t *testing.T, st *store.Store, clock *crmtest.Clock, fake *oauthFake) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "client.secret"), []byte(fake.secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(fmt.Sprintf(`workspace: acme
timezone: Europe/Moscow
managers:
  - {id: anna, crm_ids: ["101"]}
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 1}
crm:
  kind: %s
  base_url: %s
  oauth: %s
`, fake.kind, fake.url, fake.oauthYAML)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
		t.Fatal(err)
	}
}

// testBox is the key box of the OAuth tests.
func testBox(t *testing.T) *secret.Box {
	t.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{0x5a}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// The CRM spends the old refresh token when it refreshes: a refreshed pair
// whose save fails for a moment is saved again, and the sync goes on
// (PostgreSQL: a trigger refuses the first two writes of crm_tokens).
func TestRefreshedTokenSavedThroughAPassingFailure(t *testing.T) {
	dsn := storetest.NewPostgresDatabase(t)
	st := storetest.MustOpen(t, dsn)
	clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	fake := newAmoOAuthFake(t, clock)
	applyOAuthWorkspace(t, st, clock, fake)
	syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep, Secrets: testBox(t)}
	if _, err := syncer.Connect(ctx, "acme", oauthCode, "head"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE SEQUENCE token_write_failures`,
		`CREATE FUNCTION fail_token_writes() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('token_write_failures') <= 2 THEN
				RAISE EXCEPTION 'the database is failing over';
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER fail_token_writes BEFORE INSERT OR UPDATE ON crm_tokens FOR EACH ROW EXECUTE FUNCTION fail_token_writes()`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(fake.lifetime + time.Minute)
	if _, err := syncer.Sync(ctx, "acme", false, "sync"); err != nil {
		t.Fatalf("sync after expiry, the token's save failing twice: %v", err)
	}
	var failures int64
	// An upsert fires the trigger for its insert and again for its update.
	if err := st.DB().QueryRowContext(ctx, `SELECT last_value FROM token_write_failures`).Scan(&failures); err != nil || failures < 3 {
		t.Errorf("trigger calls on crm_tokens: %d (%v), want two refused and the save after them", failures, err)
	}
	got, err := syncer.LoadToken(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if access, refresh := fake.tokens(); got.AccessToken != access || got.RefreshToken != refresh {
		t.Error("the stored pair is not the refreshed one")
	}
}

// TestOAuthConnectSyncRefresh connects a workspace by OAuth, syncs, lets
// the access token expire by the clock, syncs again (the connector
// refreshes it, and the new pair is stored sealed before it is used), then
// syncs from a fresh Syncer, which must use the stored new pair. No
// plaintext token may reach the database: its bytes are searched on both
// stores.
func TestOAuthConnectSyncRefresh(t *testing.T) {
	for kind, newFake := range map[string]func(*testing.T, *crmtest.Clock) *oauthFake{
		domain.CRMAmoCRM: newAmoOAuthFake, domain.CRMBitrix24: newBitrixOAuthFake} {
		t.Run(kind, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				st := storetest.MustOpen(t, dsn)
				clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
				fake := newFake(t, clock)
				applyOAuthWorkspace(t, st, clock, fake)
				box := testBox(t)
				var progress []crmsync.Progress
				newSyncer := func(box *secret.Box) *crmsync.Syncer {
					return &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep, Secrets: box,
						Bitrix24TokenURL: fake.tokenURL, Progress: func(p crmsync.Progress) { progress = append(progress, p) }}
				}
				syncer := newSyncer(box)

				if _, err := syncer.Sync(ctx, "acme", true, "sync"); domain.ErrorCode(err) != domain.ENOTFOUND ||
					!strings.Contains(err.Error(), "reglament connect") {
					t.Fatalf("sync before connect: err = %v, want not_found telling to run reglament connect", err)
				}
				if _, err := newSyncer(nil).Connect(ctx, "acme", oauthCode, "head"); err != secret.ErrNoKey {
					t.Fatalf("connect without a key: err = %v, want ErrNoKey", err)
				}
				if _, err := syncer.Connect(ctx, "acme", "bad-code", "head"); domain.ErrorCode(err) != domain.EINVALID ||
					!strings.Contains(err.Error(), "refused the authorization code") || strings.Contains(err.Error(), fake.secret) {
					t.Fatalf("connect with a wrong code: err = %v, want invalid, refused, no secret", err)
				}
				expiry, err := syncer.Connect(ctx, "acme", oauthCode, "head")
				if err != nil {
					t.Fatal(err)
				}
				if d := expiry.Sub(clock.Now().Add(fake.lifetime)); d < -time.Second || d > time.Second {
					t.Errorf("connected until %s, want about %s", expiry, clock.Now().Add(fake.lifetime))
				}
				access1, refresh1 := fake.tokens()
				audit, err := st.FindAudit(ctx, "acme", 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(audit) != 1 || audit[0].Action != "crm oauth connected" || audit[0].Actor != "head" {
					t.Errorf("last audit entry = %+v, want head's crm oauth connected", audit)
				}
				requireNoPlaintext(t, st, dsn, access1, refresh1, fake.secret)

				res, err := syncer.Sync(ctx, "acme", true, "sync")
				if err != nil {
					t.Fatalf("first sync: %v", err)
				}
				if c, dl := fetchedOf(res, "company"), fetchedOf(res, "deal"); c != 3 || dl != 1 {
					t.Errorf("first sync fetched %d companies, %d deals; want 3, 1", c, dl)
				}
				requireProgress(t, progress, res)

				// The day after (amoCRM) or the hour after (Bitrix24), the access
				// token has expired.
				clock.Advance(fake.lifetime + time.Minute)
				if _, err := syncer.Sync(ctx, "acme", false, "sync"); err != nil {
					t.Fatalf("sync after expiry: %v", err)
				}
				if n := fake.refreshes(); n != 1 {
					t.Fatalf("the fake served %d refreshes, want 1", n)
				}
				access2, refresh2 := fake.tokens()
				if access2 == access1 || refresh2 == refresh1 {
					t.Fatal("the fake did not rotate the pair")
				}
				got, err := syncer.LoadToken(ctx, "acme")
				if err != nil {
					t.Fatal(err)
				}
				if got.AccessToken != access2 || got.RefreshToken != refresh2 {
					t.Errorf("stored pair is not the refreshed one")
				}
				if d := got.Expiry.Sub(clock.Now().Add(fake.lifetime)); d < -time.Minute || d > 0 {
					t.Errorf("stored expiry %s, want just before %s", got.Expiry, clock.Now().Add(fake.lifetime))
				}
				requireNoPlaintext(t, st, dsn, access1, refresh1, access2, refresh2, fake.secret)

				// Another process: it has only the database and the key. Had it
				// used the spent pair, the fake would refuse the refresh token.
				clock.Advance(time.Minute)
				fresh := newSyncer(box)
				fresh.Progress = nil
				if _, err := fresh.Sync(ctx, "acme", false, "sync"); err != nil {
					t.Fatalf("sync from a fresh syncer: %v", err)
				}
				if n := fake.refreshes(); n != 1 {
					t.Errorf("the fake served %d refreshes after the fresh sync, want still 1", n)
				}

				// Another key cannot open the stored pair, and says so.
				other, _ := secret.NewBox(bytes.Repeat([]byte{0x5b}, secret.KeySize))
				if _, err := newSyncer(other).Sync(ctx, "acme", false, "sync"); err == nil ||
					!strings.Contains(err.Error(), "does not match") {
					t.Errorf("sync with another key: err = %v, want one saying the key does not match", err)
				}
			})
		})
	}
}

// requireProgress checks the progress reports of a full sync: each kind
// begins at zero, its records only grow, and it ends with a Done report of
// the records fetched; the requests never go back and end at the sync's.
func requireProgress(t *testing.T, progress []crmsync.Progress, res *crmsync.Result) {
	t.Helper()
	var done []crmsync.Progress
	var last crmsync.Progress
	pages := 0
	for i, p := range progress {
		if p.Requests < last.Requests {
			t.Errorf("progress %d: requests went back from %d to %d", i, last.Requests, p.Requests)
		}
		switch {
		case p.Done:
			done = append(done, p)
		case p.Kind != last.Kind || last.Done:
			if p.Records != 0 {
				t.Errorf("progress %d: %s begins at %d records, want 0", i, p.Kind, p.Records)
			}
		default:
			pages++
			if p.Records < last.Records {
				t.Errorf("progress %d: %s records went back from %d to %d", i, p.Kind, last.Records, p.Records)
			}
		}
		last = p
	}
	if len(done) != len(res.Kinds) {
		t.Fatalf("%d kinds reported done, want %d", len(done), len(res.Kinds))
	}
	for i, k := range res.Kinds {
		if done[i].Kind != k.Kind || done[i].Records != k.Fetched {
			t.Errorf("done %d = %+v, want %s with %d records", i, done[i], k.Kind, k.Fetched)
		}
	}
	if pages < len(res.Kinds) {
		t.Errorf("%d page reports, want at least one per kind", pages)
	}
	if last.Requests != res.Requests {
		t.Errorf("the last report counts %d requests, the result %d", last.Requests, res.Requests)
	}
}

// requireNoPlaintext fails if any of the secrets appears in the database:
// in the SQLite files' bytes, or in any PostgreSQL table's rows (as text,
// where a bytea shows as hex).
func requireNoPlaintext(t *testing.T, st *store.Store, dsn string, secrets ...string) {
	t.Helper()
	var dump []byte
	if st.Dialect() == store.SQLite {
		path := strings.TrimPrefix(dsn, "sqlite://")
		for _, name := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(name)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			dump = append(dump, b...)
		}
		if len(dump) == 0 {
			t.Fatal("read no database bytes")
		}
	} else {
		dump = postgresDump(t, st.DB())
	}
	if !bytes.Contains(dump, []byte("crm_tokens")) && st.Dialect() == store.SQLite {
		t.Fatal("the database bytes do not even hold the table's name: wrong file?")
	}
	for _, s := range secrets {
		for _, form := range [][]byte{[]byte(s), []byte(hex.EncodeToString([]byte(s)))} {
			if bytes.Contains(dump, form) {
				t.Errorf("the database holds a secret in plaintext (%d bytes)", len(s))
			}
		}
	}
}

func postgresDump(t *testing.T, db *sql.DB) []byte {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var dump []byte
	sawTokens := false
	for _, table := range tables {
		var text sql.NullString
		if err := db.QueryRowContext(context.Background(), `SELECT string_agg(t::text, E'\n') FROM "`+table+`" t`).Scan(&text); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		if table == "crm_tokens" && text.Valid && strings.Contains(text.String, `\\x01`) {
			sawTokens = true // a sealed row: version 1, hex
		}
		dump = append(dump, text.String...)
	}
	if !sawTokens {
		t.Fatal("the dump holds no sealed crm token row")
	}
	return dump
}

// TestOAuthClientErrors holds what an OAuth connection needs to an error
// naming what is missing, and never a secret.
func TestOAuthClientErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(`workspace: acme
timezone: Europe/Moscow
managers: [{id: anna, crm_ids: ["101"]}]
crm:
  kind: amocrm
  base_url: https://acme.amocrm.ru
  oauth: {client_id: app, client_secret_file: client.secret, redirect_uri: https://reglament.example/oauth}
`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.New(st, time.Now).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		box, _ := secret.NewBox(bytes.Repeat([]byte{1}, secret.KeySize))
		files := map[string]string{}
		read := func(name string) ([]byte, error) {
			if s, ok := files[name]; ok {
				return []byte(s), nil
			}
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
		}
		syncer := &crmsync.Syncer{Store: st, ReadFile: read}
		if _, err := syncer.NewClient(ws.CRM); err == nil || domain.ErrorCode(err) != domain.EINTERNAL {
			t.Errorf("NewClient of an OAuth connection: err = %v, want an internal error", err)
		}
		secretFile := filepath.Join(dir, "client.secret")
		for _, tc := range []struct {
			name    string
			box     *secret.Box
			file    *string // client secret file content; nil: missing
			connect bool
			want    string
		}{
			{"missing secret file", box, nil, false, "cannot read the client secret file " + secretFile + ": file does not exist"},
			{"empty secret file", box, oauthText("\n"), false, "the client secret file " + secretFile + " is empty"},
			{"no key", nil, oauthText("s3cr3t-value"), false, "no secret key configured"},
			{"no token yet", box, oauthText("s3cr3t-value"), false, `workspace "acme" has no stored crm token: run reglament connect --workspace acme --code CODE`},
			{"connect without key", nil, oauthText("s3cr3t-value"), true, "no secret key configured"},
			{"connect, missing secret file", box, nil, true, "cannot read the client secret file"},
		} {
			delete(files, secretFile)
			if tc.file != nil {
				files[secretFile] = *tc.file
			}
			syncer.Secrets = tc.box
			if tc.connect {
				_, err = syncer.Connect(ctx, "acme", "code", "head")
			} else {
				_, err = syncer.ClientFor(ctx, ws)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || domain.ErrorCode(err) == domain.EINTERNAL {
				t.Errorf("%s: err = %v, want a user error containing %q", tc.name, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("%s: the error shows the client secret", tc.name)
			}
		}
	})
}

func oauthText(s string) *string { return &s }
