package config

import (
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"reglament/internal/domain"
)

// Defaults of a workspace file, as DESIGN.md states them.
const (
	DefaultDeadline       = "18:00"
	DefaultGrace          = 10 * time.Minute
	DefaultMinCallSeconds = 1
	DefaultCurrency       = "RUB"
)

var (
	workspaceFields = []string{"workspace", "name", "timezone", "deadline", "grace", "working_days", "holidays",
		"extra_working_days", "min_call_seconds", "currency", "point_value", "caps", "pay", "pay_versions", "adjustment_limit", "managers", "regulation", "crm", "notifications",
		"phone_country", "ignore_phones"}
	crmFields     = []string{"kind", "base_url", "token_file", "oauth", "application_token_file", "sync_every"}
	oauthFields   = []string{"client_id", "client_secret_file", "redirect_uri"}
	capsFields    = []string{"bonus", "fine"}
	payFields     = []string{"mode", "base"}
	payBaseFields = []string{"month", "week"}
	managerFields = []string{"id", "name", "crm_ids", "team", "absences", "contact", "pbx_ids"}
	absenceFields = []string{"from", "to", "reason"}

	// weekdays are the names of working_days, indexed by time.Weekday.
	weekdays        = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	weekdayList     = "mon, tue, wed, thu, fri, sat, sun"
	defaultWeekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

	deadlinePattern    = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	defaultDeadline, _ = parseClock(DefaultDeadline)
	currencyPattern    = regexp.MustCompile(`^[A-Z]{3}$`)
)

// ParseWorkspace reads a workspace file in the format of `reglament apply`.
// filename is used only in messages. Absent fields take their defaults
// (name = id, deadline 18:00, grace 10m, working days mon–fri, minimum call
// 1 s, currency RUB, point value 0) and the regulation's versions are sorted
// by effective day. On failure it returns a *domain.Error with code
// domain.EINVALID whose message lists every problem found, one a line, in
// file order.
func ParseWorkspace(filename string, data []byte) (*domain.Workspace, error) {
	p := &parser{file: filename}
	root := p.document(data)
	if root == nil {
		return nil, p.err()
	}
	ws := p.workspace(root)
	p.limits(root)
	if err := p.err(); err != nil {
		return nil, err
	}
	return ws, nil
}

// workspace reads the top-level mapping of a workspace file.
func (p *parser) workspace(root *yaml.Node) *domain.Workspace {
	f := p.mapping(root, "", workspaceFields)
	ws := &domain.Workspace{
		Deadline:       defaultDeadline,
		Grace:          DefaultGrace,
		MinCallSeconds: DefaultMinCallSeconds,
		Currency:       DefaultCurrency,
	}
	for _, d := range defaultWeekdays {
		ws.WorkingWeekdays[d] = true
	}

	if n, path, ok := p.required(f, "workspace"); ok {
		if id, ok := p.nonEmpty(n, path); ok {
			if !domain.ValidWorkspaceID(id) {
				p.errorf(n, path, "invalid workspace id %q: use lower-case letters, digits and dashes", id)
			}
			ws.ID = id
		}
	}
	ws.Name = ws.ID
	if n, path, ok := f.get("name"); ok {
		if name, ok := p.str(n, path); ok && strings.TrimSpace(name) != "" {
			ws.Name = name
		}
	}
	if n, path, ok := p.required(f, "timezone"); ok {
		if tz, ok := p.nonEmpty(n, path); ok {
			ws.Timezone, ws.Location = tz, p.location(n, path, tz)
		}
	}
	if n, path, ok := f.get("deadline"); ok {
		if s, ok := p.str(n, path); ok {
			if c, ok := parseClock(s); ok {
				ws.Deadline = c
			} else {
				p.errorf(n, path, "invalid time of day %q: want HH:MM, e.g. %q", s, DefaultDeadline)
			}
		}
	}
	if n, path, ok := f.get("grace"); ok {
		if s, ok := p.str(n, path); ok {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				p.errorf(n, path, "invalid duration %q: want e.g. 10m", s)
			case d < 0 || d > domain.MaxGrace:
				p.errorf(n, path, "must be between 0 and %s, got %s", "60m", s)
			default:
				ws.Grace = d
			}
		}
	}
	if n, path, ok := f.get("working_days"); ok {
		p.workingDays(n, path, &ws.WorkingWeekdays)
	}
	var holidays, extra []datedNode
	if n, path, ok := f.get("holidays"); ok {
		holidays = p.dates(n, path)
	}
	if n, path, ok := f.get("extra_working_days"); ok {
		extra = p.dates(n, path)
	}
	for _, h := range holidays {
		ws.Holidays = append(ws.Holidays, h.date)
	}
	for _, e := range extra {
		for _, h := range holidays {
			if h.date == e.date {
				p.errorf(e.node, e.path, "date %s is also a holiday (line %d)", e.date, h.node.Line)
			}
		}
		ws.ExtraWorkingDays = append(ws.ExtraWorkingDays, e.date)
	}
	if n, path, ok := f.get("min_call_seconds"); ok {
		if v, ok := p.integer(n, path); ok {
			if v < 0 {
				p.errorf(n, path, "must not be negative, got %d", v)
			}
			ws.MinCallSeconds = v
		}
	}
	if n, path, ok := f.get("phone_country"); ok {
		ws.PhoneCountry = p.phoneCountry(n, path)
	}
	if n, path, ok := f.get("ignore_phones"); ok {
		ws.IgnorePhones = p.ignorePhones(n, path, ws.PhoneCountry)
	}
	if n, path, ok := f.get("currency"); ok {
		if s, ok := p.str(n, path); ok {
			if !currencyPattern.MatchString(s) {
				p.errorf(n, path, "invalid currency %q: want a three-letter upper-case code such as RUB", s)
			}
			ws.Currency = s
		}
	}
	if n, path, ok := f.get("point_value"); ok {
		ws.PointValue, _ = p.amount(n, path)
	}
	if n, path, ok := f.get("caps"); ok {
		cf := p.mapping(n, path, capsFields)
		if n, path, ok := cf.get("bonus"); ok {
			if d, ok := p.amount(n, path); ok {
				ws.BonusCap = decimal.NewNullDecimal(d)
			}
		}
		if n, path, ok := cf.get("fine"); ok {
			if d, ok := p.amount(n, path); ok {
				ws.FineCap = decimal.NewNullDecimal(d)
			}
		}
	}
	if n, path, ok := f.get("pay"); ok {
		ws.Pay = p.pay(n, path)
	}
	// The settings above are the pay version from the start; pay_versions
	// add the later ones (docs/formats.md).
	if n, path, ok := f.get("pay_versions"); ok {
		ws.SetPayHistory(p.payVersions(n, path, ws.PayHistory()[0]))
	}
	if n, path, ok := f.get("adjustment_limit"); ok {
		ws.AdjustmentLimit = p.adjustmentLimit(n, path)
	}

	if n, path, ok := f.get("crm"); ok {
		ws.CRM = p.crm(n, path)
	}
	p.pbxSection(f) // the telephone exchange: checked here, stored by reglament pbx connect (config/pbx.go)
	if n, path, ok := f.get("notifications"); ok {
		ws.Notifications = p.notifications(n, path)
	}

	var refs *managerRefs
	if n, path, ok := p.required(f, "managers"); ok {
		ws.Managers = p.managers(n, path)
		refs = newManagerRefs(ws.Managers)
	}
	ws.Regulation = domain.Regulation{}
	if n, path, ok := f.get("regulation"); ok {
		ws.Regulation = p.regulation(n, path, refs)
	}
	return ws
}

// pay reads `pay: {mode: bonus, base: {month: 15000, week: 3500}}`
// (DESIGN.md section 11).
func (p *parser) pay(n *yaml.Node, path string) domain.Pay {
	var pay domain.Pay
	f := p.mapping(n, path, payFields)
	if !f.ok {
		return pay
	}
	if n, path, ok := p.required(f, "mode"); ok {
		if s, ok := p.str(n, path); ok {
			switch s {
			case domain.PayPoints, domain.PayBonus:
				pay.Mode = s
			default:
				p.errorf(n, path, "unknown pay mode %q (known: points, bonus)", s)
			}
		}
	}
	bn, bpath, hasBase := f.get("base")
	switch {
	case hasBase && pay.Mode == domain.PayPoints:
		p.errorf(bn, bpath, "a base bonus applies only to pay mode bonus")
	case hasBase:
		bf := p.mapping(bn, bpath, payBaseFields)
		month, mpath, hasMonth := bf.get("month")
		week, wpath, hasWeek := bf.get("week")
		if hasMonth {
			pay.BaseMonth, _ = p.amount(month, mpath)
		}
		if hasWeek {
			pay.BaseWeek, _ = p.amount(week, wpath)
		}
		if bf.ok && !hasMonth && !hasWeek {
			p.errorf(bn, bpath, "give the base bonus of a month, a week or both")
		}
	case pay.Mode == domain.PayBonus:
		p.errorf(n, path, "pay mode bonus needs a base: {month: …, week: …}")
	}
	if pay.Mode == domain.PayPoints {
		pay.Mode = "" // the default, stored and compared as the zero Pay
	}
	return pay
}

// maxAmount bounds every amount of money a workspace file gives: what a
// person writes, with room, and never a 400-digit number.
var maxAmount = decimal.New(1, 12)

// amount reads a non-negative amount of money: at most 10^12, with at
// most 4 decimals.
func (p *parser) amount(n *yaml.Node, path string) (decimal.Decimal, bool) {
	d, ok := p.decimalValue(n, path)
	if !ok {
		return d, false
	}
	if d.GreaterThan(maxAmount) || !d.Equal(d.Round(4)) {
		p.errorf(n, path, "an amount of at most %s with at most 4 decimals, got %s", maxAmount.String(), n.Value)
		return decimal.Decimal{}, false
	}
	return d, true
}

// location loads an IANA time zone.
func (p *parser) location(n *yaml.Node, path, tz string) *time.Location {
	if tz == "Local" {
		p.errorf(n, path, "time zone must be an IANA name such as Europe/Moscow, not %q", tz)
		return nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		p.errorf(n, path, "unknown time zone %q", tz)
		return nil
	}
	return loc
}

// parseClock parses HH:MM (H:MM is accepted too).
func parseClock(s string) (domain.Clock, bool) {
	m := deadlinePattern.FindStringSubmatch(s)
	if m == nil {
		return domain.Clock{}, false
	}
	h, _ := strconv.Atoi(m[1])
	minute, _ := strconv.Atoi(m[2])
	if h > 23 || minute > 59 {
		return domain.Clock{}, false
	}
	return domain.Clock{Hour: h, Minute: minute}, true
}

// workingDays reads a non-empty list of weekday names into days.
func (p *parser) workingDays(n *yaml.Node, path string, days *[7]bool) {
	items, ok := p.list(n, path)
	if !ok {
		return
	}
	if len(items) == 0 {
		p.errorf(n, path, "must name at least one working day")
		return
	}
	var set [7]bool
	for i, item := range items {
		ip := index(path, i)
		s, ok := p.str(item, ip)
		if !ok {
			continue
		}
		d := -1
		for wd, name := range weekdays {
			if strings.EqualFold(s, name) {
				d = wd
			}
		}
		switch {
		case d < 0:
			p.errorf(item, ip, "unknown weekday %q (known: %s)", s, weekdayList)
		case set[d]:
			p.errorf(item, ip, "weekday %s listed twice", weekdays[d])
		default:
			set[d] = true
		}
	}
	*days = set
}

// managers reads the non-empty list of managers.
func (p *parser) managers(n *yaml.Node, path string) []domain.Manager {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.errorf(n, path, "must list at least one manager")
		return nil
	}
	type owner struct {
		manager string
		line    int
	}
	ids := make(map[string]int, len(items))
	crmOwners := make(map[string]owner)
	pbxOwners := make(map[string]owner)
	out := make([]domain.Manager, 0, len(items))
	for i, item := range items {
		mp := index(path, i)
		f := p.mapping(item, mp, managerFields)
		if !f.ok {
			continue
		}
		var m domain.Manager
		if n, path, ok := p.required(f, "id"); ok {
			if id, ok := p.nonEmpty(n, path); ok {
				switch line, dup := ids[id]; {
				case !domain.ValidWorkspaceID(id):
					p.errorf(n, path, "invalid manager id %q: use lower-case letters, digits and dashes", id)
				case dup:
					p.errorf(n, path, "duplicate manager %q (first at line %d)", id, line)
				default:
					ids[id] = n.Line
				}
				m.ID = id
			}
		}
		m.Name = m.ID
		if n, path, ok := f.get("name"); ok {
			if name, ok := p.str(n, path); ok && strings.TrimSpace(name) != "" {
				m.Name = name
			}
		}
		if n, path, ok := f.get("team"); ok {
			m.Team, _ = p.str(n, path)
		}
		if n, path, ok := f.get("crm_ids"); ok {
			crmIDs := p.stringList(n, path, "crm id")
			for _, c := range crmIDs {
				if prev, dup := crmOwners[c.value]; dup {
					p.errorf(c.node, c.path, "crm id %q is used by two managers: %q (line %d) and %q", c.value, prev.manager, prev.line, m.ID)
					continue
				}
				crmOwners[c.value] = owner{m.ID, c.node.Line}
			}
			m.CRMIDs = values(crmIDs)
		}
		if n, path, ok := f.get("pbx_ids"); ok {
			pbxIDs := p.stringList(n, path, "pbx id")
			for _, c := range pbxIDs {
				if prev, dup := pbxOwners[c.value]; dup {
					p.errorf(c.node, c.path, "pbx id %q is used by two managers: %q (line %d) and %q", c.value, prev.manager, prev.line, m.ID)
					continue
				}
				pbxOwners[c.value] = owner{m.ID, c.node.Line}
			}
			m.PBXIDs = values(pbxIDs)
		}
		if n, path, ok := f.get("absences"); ok {
			m.Absences = p.absences(n, path)
		}
		if n, path, ok := f.get("contact"); ok {
			m.Contact = p.contact(n, path)
		}
		out = append(out, m)
	}
	return out
}

// absences reads a manager's list of absences.
func (p *parser) absences(n *yaml.Node, path string) []domain.Absence {
	items, ok := p.list(n, path)
	if !ok {
		return nil
	}
	out := make([]domain.Absence, 0, len(items))
	for i, item := range items {
		ap := index(path, i)
		f := p.mapping(item, ap, absenceFields)
		if !f.ok {
			continue
		}
		var a domain.Absence
		fromNode, fromPath, fromOK := p.required(f, "from")
		if fromOK {
			a.From, fromOK = p.date(fromNode, fromPath)
		}
		toNode, toPath, toOK := p.required(f, "to")
		if toOK {
			a.To, toOK = p.date(toNode, toPath)
		}
		if fromOK && toOK && a.From.After(a.To) {
			p.errorf(toNode, toPath, "absence ends (%s) before it starts (%s)", a.To, a.From)
		}
		if n, path, ok := f.get("reason"); ok {
			a.Reason, _ = p.str(n, path)
		}
		out = append(out, a)
	}
	return out
}

// MinSyncEvery is the shortest sync interval a workspace may set: a shorter
// one would spend the CRM's rate limit on empty fetches.
const MinSyncEvery = time.Minute

// crm reads the crm section: which CRM, where, and how to authenticate:
// the file holding a token (token_file), or an OAuth application (oauth:
// client_id, client_secret_file, redirect_uri) whose tokens the connect
// command obtains and the store keeps encrypted. Bitrix24 may also name the
// file holding its outbound events' application token, and HubSpot with a
// private app token the file holding the private app's client secret,
// which signs its webhooks. Relative file paths
// are relative to the workspace file.
func (p *parser) crm(n *yaml.Node, path string) *domain.CRMConnection {
	f := p.mapping(n, path, crmFields)
	if !f.ok {
		return nil
	}
	c := &domain.CRMConnection{SyncEvery: domain.DefaultSyncEvery}
	if n, path, ok := p.required(f, "kind"); ok {
		if kind, ok := p.nonEmpty(n, path); ok {
			if !domain.KnownCRM(kind) {
				p.errorf(n, path, "unknown CRM %q (known: %s)", kind, strings.Join(domain.CRMKinds, ", "))
			}
			c.Kind = kind
		}
	}
	if n, path, ok := p.required(f, "base_url"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.errorf(n, path, "invalid URL %q: want e.g. https://acme.amocrm.ru", s)
			}
			c.BaseURL = s
		}
	}
	tokenNode, _, hasToken := f.get("token_file")
	oauthNode, oauthPath, hasOAuth := f.get("oauth")
	switch {
	case hasToken && hasOAuth:
		p.errorf(oauthNode, oauthPath, "give either token_file or oauth, not both (token_file at line %d)", tokenNode.Line)
	case c.Kind == domain.CRMAmoCRM && !hasToken && !hasOAuth:
		// amoCRM is reached only with a token or OAuth; Bitrix24 also by
		// an inbound webhook URL, which carries its secret itself; HubSpot
		// and Pipedrive also by a token (a private app's, an API token)
		// pasted on the setup page and stored sealed in the database.
		p.errorf(f.node, join(f.path, "token_file"), "required field is missing: give token_file or an oauth section")
	}
	if n, path, ok := f.get("token_file"); ok {
		c.TokenFile = p.filePath(n, path)
	}
	if hasOAuth {
		c.OAuth = p.crmOAuth(oauthNode, oauthPath, c.Kind)
		if u, err := url.Parse(c.BaseURL); err == nil && c.Kind == domain.CRMBitrix24 && inboundWebhook.MatchString(u.Path) {
			p.errorf(oauthNode, oauthPath, "base_url is an inbound webhook URL, which needs no OAuth: give the portal URL (e.g. https://acme.bitrix24.ru) or drop oauth")
		}
	}
	if n, path, ok := f.get("application_token_file"); ok {
		if c.Kind != "" && c.Kind != domain.CRMBitrix24 && c.Kind != domain.CRMHubSpot {
			p.errorf(n, path, "only a bitrix24 or a hubspot connection has an application_token_file")
		}
		c.ApplicationTokenFile = p.filePath(n, path)
	}
	if n, path, ok := f.get("sync_every"); ok {
		if s, ok := p.str(n, path); ok {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				p.errorf(n, path, "invalid duration %q: want e.g. 5m", s)
			case d < MinSyncEvery:
				p.errorf(n, path, "must be at least 1m, got %s", s)
			default:
				c.SyncEvery = d
			}
		}
	}
	return c
}

// inboundWebhook matches the path of a Bitrix24 inbound webhook URL,
// /rest/{user id}/{secret}.
var inboundWebhook = regexp.MustCompile(`^/rest/\d+/[^/]+`)

// crmOAuth reads the oauth section of crm. amoCRM, HubSpot and Pipedrive
// require the redirect URI in the code exchange; Bitrix24 takes the one
// registered with the application, so it is optional there.
func (p *parser) crmOAuth(n *yaml.Node, path, kind string) *domain.CRMOAuth {
	f := p.mapping(n, path, oauthFields)
	if !f.ok {
		return nil
	}
	o := &domain.CRMOAuth{}
	if n, path, ok := p.required(f, "client_id"); ok {
		o.ClientID, _ = p.nonEmpty(n, path)
	}
	// Without client_secret_file, the secret is the one entered on the
	// setup page and stored sealed in the database.
	if n, path, ok := f.get("client_secret_file"); ok {
		o.ClientSecretFile = p.filePath(n, path)
	}
	get := f.get
	if kind != domain.CRMBitrix24 {
		get = func(key string) (*yaml.Node, string, bool) { return p.required(f, key) }
	}
	if n, path, ok := get("redirect_uri"); ok {
		if s, ok := p.nonEmpty(n, path); ok {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.errorf(n, path, "invalid URL %q: want the redirect URI registered with the integration, e.g. https://reglament.example/oauth", s)
			}
			o.RedirectURI = s
		}
	}
	return o
}

// filePath reads a file name, made absolute relative to the workspace
// file's directory.
func (p *parser) filePath(n *yaml.Node, path string) string {
	s, ok := p.nonEmpty(n, path)
	if !ok {
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(filepath.Dir(p.file), s)
		if abs, err := filepath.Abs(s); err == nil {
			s = abs
		}
	}
	return s
}

// phoneCountryPattern is a country calling code: 1 to 3 digits.
var phoneCountryPattern = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)

// phoneCountry reads `phone_country: 7`, the code put in front of 10-digit
// numbers (DESIGN.md section 12).
func (p *parser) phoneCountry(n *yaml.Node, path string) string {
	s, ok := p.str(n, path)
	if !ok {
		return ""
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	if !phoneCountryPattern.MatchString(s) {
		p.errorf(n, path, "invalid country code %q: want 1 to 3 digits, e.g. 7", s)
		return ""
	}
	return s
}

// ignorePhones reads the numbers unknown_numbers never counts; each must
// have digits, and a number listed twice (as normalized) is a problem.
func (p *parser) ignorePhones(n *yaml.Node, path, country string) []string {
	items := p.stringList(n, path, "phone")
	seen := make(map[string]int, len(items))
	for _, it := range items {
		norm := domain.NormalizePhone(it.value, country)
		if norm == "" {
			p.errorf(it.node, it.path, "%q is not a phone number: it has no digits", it.value)
			continue
		}
		if line, dup := seen[norm]; dup {
			p.errorf(it.node, it.path, "%s %q listed twice (first at line %d)", phrase("phone"), it.value, line)
			continue
		}
		seen[norm] = it.node.Line
	}
	return values(items)
}
