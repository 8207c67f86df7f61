package config

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

// FormatWorkspace writes ws as YAML in the format ParseWorkspace reads: the
// settings, the calendar, the CRM section, the managers with their CRM ids,
// teams, absences and contacts, the notifications and the regulation (as
// FormatRegulation writes it), so that ParseWorkspace(FormatWorkspace(ws))
// gives ws back. Optional sections that are empty are left out; lists are
// written in flow style where that keeps a line readable.
func FormatWorkspace(ws *domain.Workspace) []byte {
	var days []string
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if ws.WorkingWeekdays[d] {
			days = append(days, weekdays[d])
		}
	}
	root := mappingNode(0,
		"workspace", stringNode(ws.ID),
		"name", stringNode(ws.Name),
		"timezone", stringNode(ws.Timezone),
		"deadline", quotedNode(ws.Deadline.String()),
		"grace", stringNode(formatDuration(ws.Grace)),
		"working_days", plainList(days),
		"holidays", dateList(ws.Holidays),
		"extra_working_days", dateList(ws.ExtraWorkingDays),
		"min_call_seconds", plainNode(strconv.Itoa(ws.MinCallSeconds)))
	if ws.PhoneCountry != "" {
		root.Content = append(root.Content, stringNode("phone_country"), quotedNode(ws.PhoneCountry))
	}
	if len(ws.IgnorePhones) > 0 {
		root.Content = append(root.Content, stringNode("ignore_phones"), listNode(ws.IgnorePhones))
	}
	formatPay(root, ws)
	if c := ws.CRM; c != nil {
		n := mappingNode(0, "kind", stringNode(c.Kind), "base_url", stringNode(c.BaseURL))
		if c.TokenFile != "" {
			n.Content = append(n.Content, stringNode("token_file"), stringNode(c.TokenFile))
		}
		if o := c.OAuth; o != nil {
			on := mappingNode(0, "client_id", stringNode(o.ClientID))
			if o.ClientSecretFile != "" {
				on.Content = append(on.Content, stringNode("client_secret_file"), stringNode(o.ClientSecretFile))
			}
			if o.RedirectURI != "" {
				on.Content = append(on.Content, stringNode("redirect_uri"), stringNode(o.RedirectURI))
			}
			n.Content = append(n.Content, stringNode("oauth"), on)
		}
		if c.ApplicationTokenFile != "" {
			n.Content = append(n.Content, stringNode("application_token_file"), stringNode(c.ApplicationTokenFile))
		}
		n.Content = append(n.Content, stringNode("sync_every"), stringNode(formatDuration(c.SyncEvery)))
		root.Content = append(root.Content, stringNode("crm"), n)
	}
	managers := &yaml.Node{Kind: yaml.SequenceNode}
	for i := range ws.Managers {
		managers.Content = append(managers.Content, formatManager(&ws.Managers[i]))
	}
	if len(managers.Content) == 0 {
		managers.Style = yaml.FlowStyle
	}
	root.Content = append(root.Content, stringNode("managers"), managers)
	if nt := ws.Notifications; len(nt.Heads) > 0 || nt.WebhookURL != "" || nt.Reminders != nil || nt.StatementsAt != nil {
		n := &yaml.Node{Kind: yaml.MappingNode}
		if len(nt.Heads) > 0 {
			heads := &yaml.Node{Kind: yaml.SequenceNode}
			for _, h := range nt.Heads {
				hn := mappingNode(yaml.FlowStyle, "name", stringNode(h.Name))
				appendChannels(hn, &h.Contact)
				heads.Content = append(heads.Content, hn)
			}
			n.Content = append(n.Content, stringNode("heads"), heads)
		}
		if nt.WebhookURL != "" {
			n.Content = append(n.Content, stringNode("webhook_url"), stringNode(nt.WebhookURL))
		}
		// The rhythm is written only when the workspace sets it (an empty
		// list of reminders, which turns them off, as []), so that a
		// workspace keeps following the default rhythm unless it chose not to.
		if nt.Reminders != nil {
			items := make([]string, len(nt.Reminders))
			for i, d := range nt.Reminders {
				items[i] = formatDuration(d)
			}
			n.Content = append(n.Content, stringNode("reminders"), plainList(items))
		}
		if nt.StatementsAt != nil {
			n.Content = append(n.Content, stringNode("statements_at"), quotedNode(nt.StatementsAt.String()))
		}
		root.Content = append(root.Content, stringNode("notifications"), n)
	}
	root.Content = append(root.Content, stringNode("regulation"), regulationNode(ws.Regulation))

	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	// Every node is built here from valid UTF-8 strings, so encoding cannot fail.
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		panic("config: format workspace: " + err.Error())
	}
	_ = enc.Close()
	return b.Bytes()
}

// regulationNode is the value of the `regulation:` key as FormatRegulation
// writes it, so that both formats stay one.
func regulationNode(reg domain.Regulation) *yaml.Node {
	var doc yaml.Node
	// FormatRegulation's output is valid YAML by construction.
	if err := yaml.Unmarshal(FormatRegulation(reg), &doc); err != nil {
		panic("config: format workspace: regulation: " + err.Error())
	}
	n := doc.Content[0].Content[1]
	clearPositions(n)
	return n
}

// clearPositions forgets the lines and columns a decoded node tree was read
// at, so that the encoder lays it out afresh within the workspace.
func clearPositions(n *yaml.Node) {
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		clearPositions(c)
	}
}

// formatManager writes one manager as a block mapping.
func formatManager(m *domain.Manager) *yaml.Node {
	n := mappingNode(0, "id", stringNode(m.ID), "name", stringNode(m.Name))
	if len(m.CRMIDs) > 0 {
		n.Content = append(n.Content, stringNode("crm_ids"), listNode(m.CRMIDs))
	}
	if m.Team != "" {
		n.Content = append(n.Content, stringNode("team"), stringNode(m.Team))
	}
	if len(m.PBXIDs) > 0 {
		n.Content = append(n.Content, stringNode("pbx_ids"), listNode(m.PBXIDs))
	}
	// An empty but present list of absences is written as [] so that it
	// reads back as the same (empty, not nil) list.
	if m.Absences != nil {
		abs := &yaml.Node{Kind: yaml.SequenceNode}
		if len(m.Absences) == 0 {
			abs.Style = yaml.FlowStyle
		}
		for _, a := range m.Absences {
			an := mappingNode(yaml.FlowStyle, "from", plainNode(a.From.String()), "to", plainNode(a.To.String()))
			if a.Reason != "" {
				an.Content = append(an.Content, stringNode("reason"), stringNode(a.Reason))
			}
			abs.Content = append(abs.Content, an)
		}
		n.Content = append(n.Content, stringNode("absences"), abs)
	}
	if c := m.Contact; c != nil {
		cn := &yaml.Node{Kind: yaml.MappingNode}
		appendChannels(cn, c)
		cn.Content = append(cn.Content, stringNode("notify"), plainNode(strconv.FormatBool(c.Notify)))
		n.Content = append(n.Content, stringNode("contact"), cn)
	}
	return n
}

// appendChannels adds the telegram, email and lang fields of c to n.
func appendChannels(n *yaml.Node, c *domain.Contact) {
	if c.Telegram != "" {
		n.Content = append(n.Content, stringNode("telegram"), stringNode(c.Telegram))
	}
	if c.Email != "" {
		n.Content = append(n.Content, stringNode("email"), stringNode(c.Email))
	}
	if c.Lang != "" {
		n.Content = append(n.Content, stringNode("lang"), stringNode(c.Lang))
	}
}

// formatDuration writes d as ParseDuration reads it, in whole minutes when
// it is some (10m rather than 10m0s).
func formatDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// quotedNode is a double-quoted string scalar, for values such as 18:00 that
// a reader could take for something else.
func quotedNode(s string) *yaml.Node {
	n := stringNode(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

// plainList is a flow list of unquoted scalars.
func plainList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, plainNode(s))
	}
	return n
}

// dateList is a flow list of dates.
func dateList(days []domain.Date) *yaml.Node {
	items := make([]string, len(days))
	for i, d := range days {
		items[i] = d.String()
	}
	return plainList(items)
}
