package i18n

import (
	"strings"
	"time"

	"reglament/internal/domain"
)

// The texts of the telephone exchange as a second witness (DESIGN.md
// section 12, issue 16): the three bases, their reasons, why a PBX call
// matched no CRM call, and the pages that show them. They live in a file
// of their own and join the catalog at start.
func init() {
	for k, v := range telephonyCatalog {
		if _, ok := catalog[k]; ok {
			telephonyDuplicates = append(telephonyDuplicates, k)
		}
		catalog[k] = v
	}
}

// telephonyDuplicates lists the keys defined both here and in the main
// catalog; TestTelephonyKeysOnce holds it empty.
var telephonyDuplicates []string

var telephonyCatalog = map[string][2]string{
	"ind.pbx_calls":         {"Разговоров по АТС", "PBX conversations"},
	"ind.calls_unlogged":    {"Разговоров не внесено в CRM", "Conversations not in the CRM"},
	"ind.unknown_numbers":   {"Неизвестных номеров", "Unknown numbers"},
	"short.pbx_calls":       {"АТС", "PBX"},
	"short.calls_unlogged":  {"Не в CRM", "Not in CRM"},
	"short.unknown_numbers": {"Неизв. номера", "Unknown no."},

	"kind.pbx_call": {"звонок АТС", "PBX call"},
	"kind.contact":  {"контакт", "contact"},
	"kind.phone":    {"номер", "number"},

	"reason.internal":       {"внутренний звонок", "internal call"},
	"reason.logged":         {"внесён в CRM", "in the CRM"},
	"reason.unlogged":       {"не внесён в CRM", "not in the CRM"},
	"reason.unknown_number": {"номера нет ни у одного контакта и компании", "no contact or company has the number"},
	"reason.known_number":   {"номер есть в CRM", "the number is in the CRM"},
	"reason.ignored_phone":  {"номер в списке исключений", "an ignored number"},
	"reason.no_phone":       {"номер скрыт", "number withheld"},

	"match.matched":      {"звонок в CRM %s", "CRM call %s"},
	"match.too_far":      {"ближайший звонок в CRM %s — дальше %d мин", "the nearest CRM call, %s, is more than %d min away"},
	"match.other_phone":  {"ближайший звонок в CRM %s — на другой номер (%s)", "the nearest CRM call, %s, is to another number (%s)"},
	"match.entered_late": {"ближайший звонок в CRM %s внесён после дедлайна (%s)", "the nearest CRM call, %s, was entered after the deadline (%s)"},
	"match.deleted":      {"ближайший звонок в CRM %s удалён до дедлайна", "the nearest CRM call, %s, was deleted before the deadline"},
	"match.taken":        {"ближайший звонок в CRM %s уже сопоставлен с более ранним звонком АТС", "the nearest CRM call, %s, matched an earlier PBX call"},
	"match.none":         {"звонков в CRM рядом нет", "no CRM call near it"},
	"match.holder":       {"%s «%s»", "%s “%s”"},
	"match.holder_late":  {"%s «%s» внесён после дедлайна (%s)", "%s “%s” was entered after the deadline (%s)"},
	"match.holder_gone":  {"%s «%s» удалён до дедлайна", "%s “%s” was deleted before the deadline"},
	"match.talked":       {"разговор %d с", "talked %d s"},
	"match.talked_total": {"разговоры %d с всего", "talked %d s in all"},

	"filter.match_minutes": {"совпадение в пределах %d мин", "matched within %d min"},

	"today.unlogged_title": {"Разговоры не внесены в CRM", "Conversations not in the CRM"},
	"today.unlogged_count": {"%s %s", "%s %s"},
	"today.unlogged_verb":  {"не внесён в CRM|не внесены в CRM|не внесены в CRM", "not in the CRM|not in the CRM"},
	"today.unlogged_line":  {"%s · %s · %d с", "%s · %s · %d s"},
	"plural.conversation":  {"разговор|разговора|разговоров", "conversation|conversations"},

	"tel.title":          {"Разговоры по АТС", "PBX conversations"},
	"tel.no_ids":         {"У менеджера нет добавочных номеров АТС (pbx_ids в настройках): его звонков здесь нет.", "The manager has no PBX extensions (pbx_ids in the settings): none of their calls are here."},
	"tel.talked":         {"разговоров по АТС", "PBX conversations"},
	"tel.crm_calls":      {"звонков в CRM", "CRM calls"},
	"tel.unlogged":       {"разговоров не внесено в CRM", "conversations not in the CRM"},
	"tel.unknown":        {"номеров без контакта", "numbers without a contact"},
	"tel.numbers":        {"Номера без контакта в CRM", "Numbers without a contact in the CRM"},
	"tel.numbers_none":   {"Все номера, с которыми говорил менеджер, есть в CRM.", "Every number the manager talked to is in the CRM."},
	"tel.numbers_note":   {"Номера, с которыми менеджер говорил, а контакта или компании с ними к дедлайну дня не было: вероятно, клиенты, которых не внесли. Выделены те, что засчитаны показателем «Неизвестных номеров».", "Numbers the manager talked to that no contact or company had by the day's deadline: likely clients never entered. Highlighted are those the unknown numbers indicator counted."},
	"tel.create_contact": {"создать контакт в CRM", "create the contact in the CRM"},
	"tel.calls":          {"Звонки АТС и звонки в CRM", "PBX calls and CRM calls"},
	"tel.calls_none":     {"За период АТС не записала ни одного звонка менеджера.", "The PBX logged no call of the manager in the period."},
	"tel.col.number":     {"Номер", "Number"},
	"tel.col.talk":       {"Разговор", "Talk"},
	"tel.col.days":       {"Дней", "Days"},
	"tel.col.last":       {"Последний день", "Last day"},
	"tel.col.time":       {"Время", "Time"},
	"tel.col.crm":        {"В CRM", "In the CRM"},
	"tel.seconds":        {"%d с", "%d s"},
	"tel.minutes":        {"%d мин %02d с", "%d min %02d s"},
}

// Unlogged says how many conversations are not in the CRM, the verb
// agreeing with the number: «1 разговор не внесён в CRM», «3 разговора
// не внесены в CRM».
func (l Lang) Unlogged(n int) string {
	verbs := strings.Split(l.T("today.unlogged_verb"), "|")
	return l.T("today.unlogged_count", l.Plural(n, "plural.conversation"), verbs[pluralForm(l, n, len(verbs))])
}

// telephonyBecause says why a line of a telephone base (DESIGN.md section
// 12) counts or not: a PBX call with the CRM call that matched it, or the
// nearest and why it did not match; a number with its talk time and the
// contact or company that has it. ok is false for any other evidence.
func (l Lang) telephonyBecause(ws *domain.Workspace, d *domain.IndicatorDef, e *domain.Evidence) (string, bool) {
	if e.Kind != domain.KindPBXCall && e.Kind != domain.KindPhone {
		return "", false
	}
	loc := time.UTC
	minCall := domain.DefaultUnknownMinSeconds
	if e.Kind == domain.KindPBXCall {
		minCall = 0
	}
	if ws != nil {
		if ws.Location != nil {
			loc = ws.Location
		}
		if e.Kind == domain.KindPBXCall {
			minCall = ws.MinCallSeconds
		}
	}
	var w domain.Filter
	if d != nil {
		w = d.Where
	}
	if w.MinSeconds != nil {
		minCall = *w.MinSeconds
	}
	at := func(t time.Time) string { return l.DateTime(t.In(loc)) }
	call := func(m *domain.CallMatch) string {
		s := "#" + m.ExternalID + ", " + at(m.Happened)
		if m.Phone != "" {
			s += ", " + m.Phone
		}
		return s
	}
	holder := func(m *domain.CallMatch) string { return l.T("match.holder", l.T("kind."+m.Kind), m.Title) }
	talked := l.T("match.talked", e.Seconds)
	if e.Kind == domain.KindPhone {
		talked = l.T("match.talked_total", e.Seconds)
	}
	m := e.Match
	switch e.Reason {
	case domain.ReasonLogged:
		return l.Reason(e.Reason) + " · " + l.T("match.matched", call(m)), true
	case domain.ReasonUnlogged:
		text := l.Reason(e.Reason) + " · " + talked
		switch {
		case m == nil || m.Reason == domain.MatchNone:
			return text + " · " + l.T("match.none"), true
		case m.Reason == domain.MatchTooFar:
			return text + " · " + l.T("match.too_far", call(m), w.MatchMinutesOrDefault()), true
		case m.Reason == domain.MatchOtherPhone:
			return text + " · " + l.T("match.other_phone", "#"+m.ExternalID+", "+at(m.Happened), m.Phone), true
		case m.Reason == domain.MatchEnteredLate:
			return text + " · " + l.T("match.entered_late", call(m), at(m.Entered)), true
		case m.Reason == domain.MatchDeleted:
			return text + " · " + l.T("match.deleted", call(m)), true
		case m.Reason == domain.MatchTaken:
			return text + " · " + l.T("match.taken", call(m)), true
		}
		return text, true
	case domain.ReasonUnknownNumber:
		text := l.Reason(e.Reason) + " · " + talked
		if m != nil {
			switch m.Reason {
			case domain.MatchEnteredLate:
				text += " · " + l.T("match.holder_late", l.T("kind."+m.Kind), m.Title, at(m.Entered))
			case domain.MatchDeleted:
				text += " · " + l.T("match.holder_gone", l.T("kind."+m.Kind), m.Title)
			}
		}
		return text, true
	case domain.ReasonKnownNumber:
		if m != nil {
			return l.Reason(e.Reason) + ": " + holder(m), true
		}
	case domain.ReasonTooShort:
		return l.T("because.too_short", minCall, e.Seconds), true
	case domain.ReasonTooLong:
		if w.MaxSeconds != nil {
			return l.T("because.too_long", *w.MaxSeconds, e.Seconds), true
		}
	case domain.ReasonOtherDirection:
		return l.direction(e.Direction), true
	case domain.ReasonCounted:
		return l.Reason(e.Reason) + " · " + talked, true
	}
	return l.Reason(e.Reason), true
}
