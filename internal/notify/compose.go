// Package notify composes reglament's messages — the reminder before the
// deadline, the head's digest after it, the period statement — and delivers
// them through Telegram, e-mail or a JSON webhook. Composition is pure:
// given the same sheet it writes the same words, in Russian or English.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// Message is one notification in plain text and in HTML (Telegram's subset:
// b, i, a — which e-mail renders as well).
type Message struct {
	Subject string
	Text    string
	HTML    string

	// Key names the delivery the message is part of: the same on every
	// retry, so that a receiver can drop a repeat (a process killed after
	// the channel accepted the message but before the delivery was
	// recorded sends it again). Webhooks get it as an Idempotency-Key
	// header and e-mail as the Message-ID, both as DeliveryID. Telegram
	// takes no such key.
	Key string `json:"key,omitempty"`
}

// DeliveryID is the ASCII form of Key receivers see: the first 32 hex
// digits of its SHA-256 (a key holds names in any script), or "" without a
// key.
func (m Message) DeliveryID() string {
	if m.Key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(m.Key))
	return hex.EncodeToString(sum[:16])
}

// Item is one concrete thing to fix, with a link to the CRM record when the
// CRM is known.
type Item struct {
	Title string
	URL   string
}

// Gap is one rule a manager is about to miss, with what would close it.
type Gap struct {
	Indicator domain.Indicator
	Op        domain.Op
	Target    decimal.Decimal
	Value     decimal.Decimal
	Items     []Item // the records behind the number (deals without a task, overdue tasks)

	// Version is the regulation version in force on the day, which names
	// the own indicators (DESIGN.md section 10); nil says built-ins only,
	// and Reminder then looks an own indicator up in the workspace.
	Version *domain.RegulationVersion
}

// GapsOn is Gaps for working day day of ws: each gap knows the regulation
// version in force, so that an own indicator is said by its name ("КП
// отправлено: 1 из 2").
func GapsOn(ws *domain.Workspace, day domain.Date, line *domain.SheetLine, evidence map[domain.Indicator][]domain.Evidence, link func(domain.Evidence) string) []Gap {
	gaps := Gaps(line, evidence, link)
	if version, ok := ws.Regulation.At(day); ok {
		for i := range gaps {
			gaps[i].Version = version
		}
	}
	return gaps
}

// definingVersion returns the newest version of ws that knows ind, for a
// gap made without its day.
func definingVersion(ws *domain.Workspace, ind domain.Indicator) *domain.RegulationVersion {
	for i := len(ws.Regulation) - 1; i >= 0; i-- {
		v := &ws.Regulation[i]
		if _, ok := v.Indicator(ind); ok {
			return v
		}
	}
	return nil
}

// Gaps lists the failed rules of a manager's draft line, with the records
// behind the indicators a manager fixes record by record. link turns a
// record into a CRM URL ("" when unknown).
func Gaps(line *domain.SheetLine, evidence map[domain.Indicator][]domain.Evidence, link func(domain.Evidence) string) []Gap {
	var gaps []Gap
	for _, o := range line.Rules {
		if o.Passed {
			continue
		}
		g := Gap{Indicator: o.Indicator, Op: o.Op, Target: o.Target, Value: line.Values.Get(o.Indicator)}
		for _, e := range evidence[o.Indicator] {
			if !e.Counted {
				continue
			}
			title := e.Title
			if title == "" {
				title = e.Source + ":" + e.ExternalID
			}
			url := ""
			if link != nil {
				url = link(e)
			}
			g.Items = append(g.Items, Item{Title: title, URL: url})
		}
		gaps = append(gaps, g)
	}
	return gaps
}

// maxItems bounds the records listed per gap: a reminder is read on a phone.
const maxItems = 10

// Reminder composes the message a manager gets before the deadline. ok is
// false when there is nothing to say (no gap): a compliant manager is not
// disturbed.
func Reminder(lang i18n.Lang, ws *domain.Workspace, m *domain.Manager, gaps []Gap, left time.Duration) (msg Message, ok bool) {
	if len(gaps) == 0 {
		return Message{}, false
	}
	t := texts(lang)
	var text, htm strings.Builder
	deadline := ws.Deadline.String()
	fmt.Fprintf(&text, t.reminderHead, m.Name, deadline, Minutes(lang, left))
	fmt.Fprintf(&htm, t.reminderHead, "<b>"+esc(m.Name)+"</b>", "<b>"+deadline+"</b>", Minutes(lang, left))
	text.WriteString("\n")
	htm.WriteString("\n")
	for _, g := range gaps {
		if g.Version == nil && !domain.IsBuiltin(g.Indicator) {
			g.Version = definingVersion(ws, g.Indicator)
		}
		line := gapLine(lang, t, g)
		text.WriteString("\n• " + line)
		htm.WriteString("\n• " + esc(line))
		for i, it := range g.Items {
			if i == maxItems {
				more := fmt.Sprintf(t.more, len(g.Items)-maxItems)
				text.WriteString("\n   " + more)
				htm.WriteString("\n   " + esc(more))
				break
			}
			text.WriteString("\n   – " + it.Title)
			if it.URL != "" {
				text.WriteString(" " + it.URL)
				htm.WriteString("\n   – <a href=\"" + esc(it.URL) + "\">" + esc(it.Title) + "</a>")
			} else {
				htm.WriteString("\n   – " + esc(it.Title))
			}
		}
	}
	text.WriteString("\n\n" + t.reminderTail)
	htm.WriteString("\n\n" + esc(t.reminderTail))
	return Message{Subject: fmt.Sprintf(t.reminderSubject, deadline), Text: text.String(), HTML: htm.String()}, true
}

// Describe says in words, in lang, what is missing for the rule: "Calls
// held: 12 of 30, 18 to go".
func (g Gap) Describe(lang i18n.Lang) string { return gapLine(lang, texts(lang), g) }

// gapLine says in words what is missing for one rule.
func gapLine(lang i18n.Lang, t *catalog, g Gap) string {
	name := lang.Label(g.Version, g.Indicator)
	value, target := g.Value.String(), g.Target.String()
	amount := g.Indicator == domain.WonAmount
	if def, ok := g.Version.Indicator(g.Indicator); ok && def.Base == domain.WonAmount {
		amount = true
	}
	if amount {
		value, target = g.Value.StringFixed(2), g.Target.StringFixed(2)
	}
	switch {
	case g.Op == domain.AtLeast && !amount:
		return fmt.Sprintf(t.short, name, value, target, g.Target.Sub(g.Value).String())
	case g.Op == domain.AtMost && g.Target.IsZero():
		return fmt.Sprintf(t.shouldBeZero, name, value)
	case g.Op == domain.AtMost:
		return fmt.Sprintf(t.tooMany, name, value, target)
	default:
		return fmt.Sprintf(t.notMet, name, value, target)
	}
}

// Digest composes the head's evening message: the final sheet in a few
// lines, who lost points and on which rules, best first.
func Digest(lang i18n.Lang, ws *domain.Workspace, s *domain.DaySheet) Message {
	t := texts(lang)
	lines := append([]domain.SheetLine(nil), s.Lines...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Total > lines[j].Total })
	version, _ := ws.Regulation.At(s.Date)
	var text, htm strings.Builder
	head := fmt.Sprintf(t.digestHead, s.Date, ws.Name)
	text.WriteString(head + "\n")
	htm.WriteString("<b>" + esc(head) + "</b>\n")
	if s.Stale {
		stale := fmt.Sprintf(t.stale, s.Watermark.In(ws.Location).Format("2006-01-02 15:04"))
		text.WriteString(stale + "\n")
		htm.WriteString("<i>" + esc(stale) + "</i>\n")
	}
	for _, l := range lines {
		name := l.Manager
		if m, ok := ws.Manager(l.Manager); ok {
			name = m.Name
		}
		var row string
		switch {
		case l.Absent:
			row = fmt.Sprintf(t.digestAbsent, name)
		default:
			var failed []string
			for _, o := range l.Rules {
				if !o.Passed {
					failed = append(failed, fmt.Sprintf("%s %s", lang.Label(version, o.Indicator), l.Values.Format(o.Indicator)))
				}
			}
			row = fmt.Sprintf("%s: %+d", name, l.Total)
			if len(failed) > 0 {
				row += " — " + strings.Join(failed, "; ")
			}
		}
		text.WriteString("\n" + row)
		htm.WriteString("\n" + esc(row))
	}
	return Message{Subject: head, Text: text.String(), HTML: htm.String()}
}

// Statement composes the period statement for the head (all lines) or, with
// manager set, for one manager (their own line only). In bonus pay
// (DESIGN.md section 11) every line is a bonus, with its reduction from the
// base bonus: never a fine.
func Statement(lang i18n.Lang, ws *domain.Workspace, st *domain.Statement, manager string) Message {
	t := texts(lang)
	head := fmt.Sprintf(t.statementHead, st.Period, ws.Name)
	var text, htm strings.Builder
	text.WriteString(head + "\n")
	htm.WriteString("<b>" + esc(head) + "</b>\n")
	for _, l := range st.Lines {
		if manager != "" && l.Manager != manager {
			continue
		}
		var row string
		if st.PayMode == domain.PayBonus {
			row = fmt.Sprintf(t.statementLine, l.Name, l.Total, l.DaysScored, t.bonus, l.Money.StringFixed(2), st.Currency)
			if st.Base != nil {
				if cut := st.Base.Sub(l.Money.Decimal); cut.IsPositive() {
					row += " " + fmt.Sprintf(t.reduction, cut.StringFixed(2), st.Currency, st.Base.StringFixed(2))
				}
			}
		} else {
			kind := t.bonus
			if l.Money.IsNegative() {
				kind = t.fine
			}
			row = fmt.Sprintf(t.statementLine, l.Name, l.Total, l.DaysScored, kind, l.Money.Abs().StringFixed(2), st.Currency)
		}
		if l.Capped {
			row += " " + t.capped
		}
		text.WriteString("\n" + row)
		htm.WriteString("\n" + esc(row))
	}
	return Message{Subject: head, Text: text.String(), HTML: htm.String()}
}

func esc(s string) string { return html.EscapeString(s) }

// Minutes writes d in whole minutes in lang: "45 мин", "45 min".
func Minutes(lang i18n.Lang, d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if lang == i18n.RU {
		return fmt.Sprintf("%d мин", m)
	}
	return fmt.Sprintf("%d min", m)
}

// catalog holds the message texts of one language. They are longer than
// the UI's labels and read as sentences, so they live here rather than in
// the shared label catalog.
type catalog struct {
	reminderSubject, reminderHead, reminderTail string
	short, tooMany, shouldBeZero, notMet, more  string
	digestHead, digestAbsent, stale             string
	statementHead, statementLine                string
	bonus, fine, capped, reduction              string
}

var catalogs = map[i18n.Lang]*catalog{
	i18n.RU: {
		reminderSubject: "До дедлайна %s — что внести в CRM",
		reminderHead:    "%s, до дедлайна %s осталось %s. Чтобы выполнить норму дня:",
		reminderTail:    "Всё, что внесено до дедлайна, попадёт в сегодняшнюю таблицу.",
		short:           "%s: %s из %s — не хватает %s",
		tooMany:         "%s: %s, норма — не больше %s",
		shouldBeZero:    "%s: %s — должно быть 0",
		notMet:          "%s: %s, норма — %s",
		more:            "…и ещё %d",
		digestHead:      "Итоги дня %s · %s",
		digestAbsent:    "%s: отсутствует",
		stale:           "Данные CRM получены только до %s — итоги могут быть неполными.",
		statementHead:   "Ведомость за %s · %s",
		statementLine:   "%s: %+d баллов за %d дн. — %s %s %s",
		bonus:           "премия",
		fine:            "штраф",
		capped:          "(ограничено лимитом)",
		reduction:       "(снижение премии %s %s из %s)",
	},
	i18n.EN: {
		reminderSubject: "Deadline %s: what to enter in the CRM",
		reminderHead:    "%s, %s is the deadline, %s left. To meet today's norms:",
		reminderTail:    "Everything entered before the deadline goes into today's table.",
		short:           "%s: %s of %s, %s to go",
		tooMany:         "%s: %s, the norm is at most %s",
		shouldBeZero:    "%s: %s, should be 0",
		notMet:          "%s: %s, the norm is %s",
		more:            "…and %d more",
		digestHead:      "Day results %s · %s",
		digestAbsent:    "%s: absent",
		stale:           "CRM data was only known up to %s; the results may be incomplete.",
		statementHead:   "Statement for %s · %s",
		statementLine:   "%s: %+d points over %d days: %s %s %s",
		bonus:           "bonus",
		fine:            "fine",
		capped:          "(capped)",
		reduction:       "(bonus reduction %s %s of %s)",
	},
}

func texts(lang i18n.Lang) *catalog {
	if c, ok := catalogs[lang]; ok {
		return c
	}
	return catalogs[i18n.EN]
}
