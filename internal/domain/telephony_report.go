package domain

import "slices"

// TelephonyDefs returns the definitions a report of the telephone (a
// manager's page of PBX conversations against CRM calls) evaluates on a
// day: for each telephone base, the base itself when a rule of version v
// names it, else the first own indicator of v built on it (its filter and
// match_minutes), else the base with no filter.
func TelephonyDefs(v *RegulationVersion) []IndicatorDef {
	out := []IndicatorDef{{ID: PBXCalls, Base: PBXCalls}, {ID: CallsUnlogged, Base: CallsUnlogged}, {ID: UnknownNumbers, Base: UnknownNumbers}}
	if v == nil {
		return out
	}
	own := v.Own()
	for i := range out {
		if slices.ContainsFunc(own, func(d IndicatorDef) bool { return d.ID == out[i].Base }) {
			continue
		}
		for _, d := range own {
			if d.Base == out[i].Base {
				out[i].Where = d.Where
				break
			}
		}
	}
	return out
}

// TelephonyDay evaluates the telephone data of one day (data.Telephony)
// for manager under defs (TelephonyDefs) and returns the evidence of
// calls_unlogged, a line per PBX call with its CRM call or why none
// matched, and of unknown_numbers, a line per number with its talk time.
// It is Evaluate's own definition, so the report and the day sheets agree.
func TelephonyDay(ws *Workspace, win Window, data *DayData, manager string, defs []IndicatorDef) (calls, numbers []Evidence) {
	tmp := *ws
	tmp.Regulation = Regulation{{Effective: win.Day, Indicators: defs}}
	Evaluate(&tmp, win, &DayData{Telephony: data.Telephony}, func(e Evidence) {
		if e.Manager != manager {
			return
		}
		switch e.Indicator {
		case CallsUnlogged:
			calls = append(calls, e)
		case UnknownNumbers:
			numbers = append(numbers, e)
		}
	})
	return calls, numbers
}
