package crmsync_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/pbx/mango/mangotest"
	"reglament/internal/pbx/zadarma/zadarmatest"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// The planted pairs of issue 16 (a matched call, an unmatched one, a CRM
// call 6 minutes off, two PBX calls to one number, an internal call, a
// number whose contact was entered after the deadline), their PBX calls
// imported by CSV into one workspace and logged by a fake exchange
// synced into another: both freeze the same sheet. The connectors thus
// give the telephone bases what the CSV type pbx_calls gives.
const scenarioWorkspace = `workspace: %s
timezone: Europe/Moscow
min_call_seconds: 10
ignore_phones: ["8 800 555-35-35"]
managers:
  - {id: anna, name: Анна, crm_ids: ["101"], pbx_ids: ["501"]}
  - {id: boris, name: Борис, crm_ids: ["201"], pbx_ids: ["502"]}
regulation:
  - effective: 2026-11-01
    indicators:
      - {id: unlogged10, name: "Не в CRM (10 мин)", from: calls_unlogged, where: {match_minutes: 10}}
    rules:
      - {indicator: pbx_calls, at_least: 1}
      - {indicator: calls_unlogged, at_most: 0}
      - {indicator: unknown_numbers, at_most: 0}
`

var scenarioCRM = []struct{ kind, data string }{
	{"companies", `external_id,name,responsible,created_by,created_at,deleted_at,phones
k2,ООО Два,101,,2026-11-01 12:00,,(912) 000-00-02
`},
	{"contacts", `external_id,name,responsible,company_id,phones,created_at,deleted_at
c1,Иван,101,,8 912 000 00 01,2026-11-01 12:00,
c7,Пётр,101,,+79120000007,2026-11-16 18:30,
`},
	{"activities", `external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at,direction,phone
a1,call,101,2026-11-16 11:02,2026-11-16 11:10,120,held,,,out,89120000001
a3,call,101,2026-11-16 13:06,2026-11-16 13:10,90,held,,,out,9120000003
a4,call,101,2026-11-16 14:01,2026-11-16 14:05,40,held,,,out,+79120000004
a7,call,101,2026-11-16 16:00,2026-11-16 16:05,45,held,,,out,
`},
}

// scenarioCalls are the PBX calls: extension, Moscow time, talk seconds,
// direction, the other party (an extension for the internal call).
var scenarioCalls = []struct {
	ext, at     string
	talk        int
	dir, other  string
	internalExt bool
}{
	{"501", "11:00", 120, "out", "+7 912 000-00-01", false},
	{"501", "12:00", 60, "in", "+7 912 000-00-02", false},
	{"501", "13:00", 90, "out", "+7 912 000-00-03", false},
	{"501", "14:00", 40, "out", "+7 912 000-00-04", false},
	{"501", "14:03", 50, "out", "+7 912 000-00-04", false},
	{"501", "15:00", 300, "out", "502", true},
	{"501", "16:00", 45, "out", "+7 912 000-00-07", false},
	{"502", "10:00", 15, "out", "8 800 555-35-35", false},
}

func TestPBXScenarioMatchesCSV(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	at := func(hm string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-16 "+hm, msk)
		if err != nil {
			panic(err)
		}
		return t
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at("20:00"))
		eng := engine.New(st, clock.Now)
		box, err := secret.NewBox(bytes.Repeat([]byte{3}, secret.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep, Secrets: box}
		var csv strings.Builder
		csv.WriteString("external_id,pbx_user,started_at,talk_seconds,direction,phone\n")
		for i, c := range scenarioCalls {
			csv.WriteString(strings.Join([]string{"p" + string(rune('1'+i)), c.ext, "2026-11-16 " + c.at, itoa(int64(c.talk)), c.dir, c.other}, ",") + "\n")
		}
		mango := mangotest.NewServer(clock.Now)
		t.Cleanup(mango.Close)
		zadarma := zadarmatest.NewServer(clock.Now)
		t.Cleanup(zadarma.Close)
		zadarma.Numbers = []string{"501", "502"}
		for i, c := range scenarioCalls {
			start := at(c.at).Unix()
			leg := mangotest.Leg{Start: start, Answer: start, Finish: start + int64(c.talk), EntryID: "e" + itoa(int64(i))}
			call := zadarmatest.Call{CallID: "z" + itoa(int64(i)), PBXCallID: "pz" + itoa(int64(i)), SIP: c.ext, Start: at(c.at),
				Disposition: "answered", Seconds: c.talk, Type: c.dir}
			switch {
			case c.internalExt:
				leg.FromExtension, leg.ToExtension = c.ext, c.other
				call.CLID, call.Destination = c.ext, c.other
			case c.dir == "out":
				leg.FromExtension, leg.ToNumber = c.ext, c.other
				call.CLID, call.Destination = "74950000000", c.other
			default:
				leg.FromNumber, leg.ToExtension = c.other, c.ext
				call.CLID, call.Destination = c.other, c.ext
			}
			mango.Legs = append(mango.Legs, leg)
			zadarma.Calls = append(zadarma.Calls, call)
		}

		sheets := map[string]*domain.DaySheet{}
		for _, id := range []string{"csv", "mango", "zadarma"} {
			ws, err := config.ParseWorkspace(id+".yaml", []byte(strings.Replace(scenarioWorkspace, "%s", id, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := eng.Apply(ctx, ws, "test"); err != nil {
				t.Fatal(err)
			}
			for _, f := range scenarioCRM {
				if _, err := eng.Import(ctx, id, f.kind, f.kind+".csv", strings.NewReader(f.data), "test"); err != nil {
					t.Fatalf("%s: import %s: %v", id, f.kind, err)
				}
			}
			switch id {
			case "csv":
				_, err = eng.Import(ctx, id, "pbx_calls", "pbx_calls.csv", strings.NewReader(csv.String()), "test")
			case "mango":
				_, err = syncer.ConnectPBX(ctx, id, domain.PBXMango, mango.URL+"/vpbx", mango.Key, mango.Salt, "test")
			case "zadarma":
				_, err = syncer.ConnectPBX(ctx, id, domain.PBXZadarma, zadarma.URL, zadarma.Key, zadarma.Secret, "test")
			}
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if id != "csv" {
				if _, err := syncer.SyncPBX(ctx, id, false, "sync"); err != nil {
					t.Fatalf("%s: sync: %v", id, err)
				}
			}
			fin, err := eng.Finalize(ctx, id, domain.MustDate("2026-11-16"), "test")
			if err != nil {
				t.Fatalf("%s: finalize: %v", id, err)
			}
			sheets[id] = fin.Sheet
		}
		// What a line says: the telephone bases, the own indicator on them,
		// every rule's outcome and the points.
		type line struct {
			Manager                     string
			PBX, Unlogged, Unknown, Own int64
			Rules                       []domain.RuleOutcome
			Points, Total               int
		}
		lines := func(s *domain.DaySheet) []line {
			var out []line
			for _, l := range s.Lines {
				out = append(out, line{l.Manager, l.Values.Count(domain.PBXCalls), l.Values.Count(domain.CallsUnlogged),
					l.Values.Count(domain.UnknownNumbers), l.Values.Count("unlogged10"), l.Rules, l.Points, l.Total})
			}
			return out
		}
		want := lines(sheets["csv"])
		var unlogged int64
		for _, l := range want {
			unlogged += l.Unlogged
		}
		if unlogged == 0 || len(want) != 2 {
			t.Fatalf("the CSV sheet counts no unlogged call: the scenario proves nothing\n%+v", want)
		}
		t.Logf("the CSV sheet: %+v", want)
		for _, id := range []string{"mango", "zadarma"} {
			if diff := cmp.Diff(want, lines(sheets[id])); diff != "" {
				t.Errorf("the %s sheet differs from the CSV one (-csv +%s):\n%s", id, id, diff)
			}
		}
		mango.CheckClean(t)
		zadarma.CheckClean(t)
	})
}
