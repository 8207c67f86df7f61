package demo

import (
	"fmt"
	"strings"
	"testing"
)

// The PBX log shows what the CRM cannot (DESIGN.md section 12): Viktor,
// who enters only half of his calls and contacts, has about half of his
// conversations not in the CRM and numbers no contact has every day; Anna,
// who enters everything at once, has next to none; Boris, who enters in
// the evening, has his day's conversations unlogged at the deadline.
func TestPBXLogShowsTheHalfCaller(t *testing.T) {
	ws, b, sheets := history(t, testNow(t))
	if len(b.PBXCalls) == 0 || len(b.Persons) == 0 {
		t.Fatalf("the demo has %d PBX calls and %d contacts", len(b.PBXCalls), len(b.Persons))
	}
	type tally struct{ days, talks, unlogged, unknown int64 }
	tallies := make(map[string]*tally)
	for _, s := range sheets {
		v, _ := ws.Regulation.At(s.Date)
		if !v.UsesTelephony() {
			continue
		}
		for _, l := range s.Lines {
			if l.Absent {
				continue
			}
			tl := tallies[l.Manager]
			if tl == nil {
				tl = &tally{}
				tallies[l.Manager] = tl
			}
			tl.days++
			tl.talks += l.Values.Count("pbx_talks")
			tl.unlogged += l.Values.Count("calls_unlogged")
			tl.unknown += l.Values.Count("unknown_clients")
		}
	}
	var report strings.Builder
	for _, m := range ws.Managers {
		tl := tallies[m.ID]
		fmt.Fprintf(&report, "\n%-7s days %2d talks %4d unlogged %4d unknown numbers %4d", m.ID, tl.days, tl.talks, tl.unlogged, tl.unknown)
	}
	t.Log(report.String())
	anna, viktor, boris := tallies[Disciplined], tallies[HalfCaller], tallies[LateEntrant]
	if anna.days < 5 {
		t.Fatalf("only %d days under the regulation with the telephone", anna.days)
	}
	if viktor.unlogged*10 < viktor.talks*4 || viktor.unlogged*10 > viktor.talks*6 {
		t.Errorf("%s: %d of %d conversations not in the CRM, want about half", HalfCaller, viktor.unlogged, viktor.talks)
	}
	if anna.unlogged*30 > anna.talks {
		t.Errorf("%s: %d of %d conversations not in the CRM, want next to none", Disciplined, anna.unlogged, anna.talks)
	}
	if viktor.unknown < 5*viktor.days || anna.unknown*10 > viktor.unknown {
		t.Errorf("unknown numbers: %s %d in %d days, %s %d; want several a day for him, a tenth of that for her",
			HalfCaller, viktor.unknown, viktor.days, Disciplined, anna.unknown)
	}
	if boris.unlogged*10 < boris.talks*8 {
		t.Errorf("%s: %d of %d conversations not in the CRM at the deadline, want most (he enters in the evening)", LateEntrant, boris.unlogged, boris.talks)
	}
}
