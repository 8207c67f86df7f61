package i18n

import (
	"testing"
	"time"
)

func TestSaidKeysOnce(t *testing.T) {
	if len(saidDuplicates) > 0 {
		t.Errorf("keys defined twice or missing: %q", saidDuplicates)
	}
}

func TestSaid(t *testing.T) {
	for _, tt := range []struct{ en, ru string }{
		{`workspace "nope" not found`, `рабочее пространство "nope" не найдено`},
		{`2026-11-22 is not a working day of workspace "acme"`, `22 ноября 2026 — нерабочий день по календарю "acme"`},
		{"user.create", "user.create"}, // not a sentence: left as it is
		{"settings changed: point value, grace, something new", "изменены настройки: цена балла, допуск, something new"},
		{"settings changed: name; manager anna added; regulation 2026-12-01 added", "изменены настройки: название; менеджер anna добавлен; версия регламента с 1 декабря 2026 добавлена"},
		{"companies 3, deals 4, tasks 5, activities 6, deal moves 0: 18 written, 0 unchanged", "компаний 3, сделок 4, задач 5, активностей 6, переходов этапа 0: записано 18, без изменений 0"},
		{"2026-11-16 version 2 (stale): CRM was late", "16 ноября 2026, версия 2 (данные CRM неполные): CRM was late"},
		{"adjustment 7: manager boris, 2026-11-17, +2 points: звонок", "корректировка #7: менеджер boris, 17 ноября 2026, баллы: +2, причина: звонок"},
		{"new@acme.example (head)", "new@acme.example (руководитель)"},
		{"anna@acme.example: manager → head", "anna@acme.example: менеджер → руководитель"},
		{"reports@acme.example (head of reports)", "reports@acme.example (head of reports)"},
		{"pay settings from 2026-12-01 changed: point value, currency", "настройки оплаты с 1 декабря 2026 изменены: цена балла, валюта"},
		// A field of a file keeps its name: only a list of changes says it.
		{"bad.yaml:2: timezone: unknown time zone", "bad.yaml:2: timezone: unknown time zone"},
		{"regulation.yaml:2: regulation version 2026-11-01: the effective date must be today (2026-11-20) or later; the past keeps its rules",
			"regulation.yaml:2: версия регламента с 1 ноября 2026: дата начала должна быть не раньше сегодняшней (20 ноября 2026); прошлые дни остаются с прежними правилами"},
		{"workspace.yaml:1: ошибка в YAML: did not find expected node content", "workspace.yaml:1: ошибка в YAML: не найдено ожидаемое значение"},
		{`workspace "demo" has no telephone exchange connected: run reglament pbx connect --workspace demo -f WORKSPACE.yaml`,
			`к "demo" не подключена АТС: выполните reglament pbx connect --workspace demo -f WORKSPACE.yaml`},
		{"acme.yaml: no pbx section: add one (kind, key, secret_file) and run pbx connect again",
			"acme.yaml: нет раздела pbx: добавьте его (kind, key, secret_file) и снова выполните pbx connect"},
	} {
		if got := RU.Said(tt.en); got != tt.ru {
			t.Errorf("RU.Said(%q)\n got %q\nwant %q", tt.en, got, tt.ru)
		}
		if got := EN.Said(tt.en); got != tt.en {
			t.Errorf("EN.Said(%q) = %q, want it unchanged", tt.en, got)
		}
	}
}

// TestSaidPatternsSayTheirEnglish holds each pattern's English text to the
// sentence it matches, so that a pattern and its catalog entry agree.
func TestSaidPatternsSayTheirEnglish(t *testing.T) {
	for _, p := range saidPatterns {
		en := EN.T(p.key)
		if p.re.NumSubexp() > 0 {
			continue // formats with %s and %q: checked by TestSaid's examples
		}
		if !p.re.MatchString(en) {
			t.Errorf("pattern %s does not match its English %q", p.re, en)
		}
	}
}

func TestAuditActionAndDuration(t *testing.T) {
	if got := RU.AuditAction("user.create"); got != "пользователь создан" {
		t.Errorf("RU.AuditAction(user.create) = %q", got)
	}
	if got := RU.AuditAction("telegram linked"); got != "Telegram привязан" {
		t.Errorf("RU.AuditAction(telegram linked) = %q", got)
	}
	if got := RU.AuditAction("something.new"); got != "something.new" {
		t.Errorf("an unknown action = %q, want it as it is", got)
	}
	for _, tt := range []struct {
		d      time.Duration
		ru, en string
	}{
		{10 * time.Minute, "10 мин", "10 min"},
		{90 * time.Minute, "1 ч 30 мин", "1 h 30 min"},
		{0, "0 с", "0 s"},
		{45 * time.Second, "45 с", "45 s"},
	} {
		if got := RU.Duration(tt.d); got != tt.ru {
			t.Errorf("RU.Duration(%s) = %q, want %q", tt.d, got, tt.ru)
		}
		if got := EN.Duration(tt.d); got != tt.en {
			t.Errorf("EN.Duration(%s) = %q, want %q", tt.d, got, tt.en)
		}
	}
}
