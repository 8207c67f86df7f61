package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"reglament/internal/auth"
	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// peopleRow is a CRM user on the People step.
type peopleRow struct {
	CRMID   string
	CRMName string // as the CRM names them; "" when the CRM could not be asked
	Email   string
	Records int // records in the last 30 days
	Active  bool
	Manager bool   // ticked: a sales manager
	Name    string // the manager's name (rows with one name are merged)
	Team    string
	Mapped  string // the manager id the user maps to now
}

type peopleData struct {
	Rows     []peopleRow
	NoNames  bool // the CRM's users could not be listed: ids only
	NoCRM    bool
	Error    string
	Saved    bool
	Unmapped int // users with records in the period who map to no manager
	Days     int
	// Extensions are those of the PBX log, mapped on the managers form
	// (partial-extensions.html).
	Extensions []extensionRow
	MapHere    bool
}

// peopleWindow is the period whose records the People step counts.
const peopleWindow = 30

func (s *Server) peopleData(r *http.Request, ws *domain.Workspace) (*peopleData, error) {
	ctx := r.Context()
	d := &peopleData{NoCRM: ws.CRM == nil, Days: peopleWindow}
	var err error
	if d.Extensions, err = s.extensionsSeen(ctx, ws); err != nil {
		return nil, err
	}
	counts, err := s.store.CRMUserCounts(ctx, ws.ID, s.now().Add(-peopleWindow*24*time.Hour))
	if err != nil {
		return nil, err
	}
	var users []crm.User
	if ws.CRM != nil && s.cfg.Setup.CRM != nil {
		users, err = s.crmUsers(ctx, ws)
		if err != nil {
			s.log.Warn("setup: cannot list the CRM's users", "workspace", ws.ID, "error", err.Error())
			d.NoNames = true
		}
	} else {
		d.NoNames = ws.CRM != nil
	}
	owner := map[string]*domain.Manager{}
	for i := range ws.Managers {
		for _, id := range ws.Managers[i].CRMIDs {
			owner[id] = &ws.Managers[i]
		}
	}
	rows := map[string]*peopleRow{}
	row := func(id string) *peopleRow {
		if p, ok := rows[id]; ok {
			return p
		}
		p := &peopleRow{CRMID: id, Active: true}
		if m, ok := owner[id]; ok {
			p.Manager, p.Name, p.Team, p.Mapped = true, m.Name, m.Team, m.ID
		}
		rows[id] = p
		return p
	}
	left := map[string]crm.User{} // users who left, listed only when they have records
	for _, u := range users {
		if !u.Active && owner[u.ID] == nil {
			left[u.ID] = u
			continue
		}
		p := row(u.ID)
		p.CRMName, p.Email, p.Active = u.Name, u.Email, u.Active
		if p.Name == "" {
			p.Name = u.Name
		}
	}
	for _, c := range counts {
		p := row(c.CRMID)
		if u, ok := left[c.CRMID]; ok && p.CRMName == "" {
			p.CRMName, p.Email, p.Active = u.Name, u.Email, false
			if p.Name == "" {
				p.Name = u.Name
			}
		}
		p.Records = c.Records
		if p.Mapped == "" {
			d.Unmapped++
		}
	}
	for id := range owner {
		row(id)
	}
	for _, p := range rows {
		d.Rows = append(d.Rows, *p)
	}
	slices.SortFunc(d.Rows, func(a, b peopleRow) int {
		if c := cmp.Compare(b.Records, a.Records); c != 0 {
			return c
		}
		if c := cmp.Compare(a.CRMName, b.CRMName); c != 0 {
			return c
		}
		return cmp.Compare(a.CRMID, b.CRMID)
	})
	return d, nil
}

// crmUsers lists the users of the workspace's CRM account.
func (s *Server) crmUsers(ctx context.Context, ws *domain.Workspace) ([]crm.User, error) {
	client, err := s.cfg.Setup.CRM.ClientFor(ctx, ws)
	if err != nil {
		return nil, err
	}
	lister, ok := client.(userLister)
	if !ok {
		return nil, invalid("%s cannot list its users", ws.CRM.Kind)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return lister.Users(ctx)
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	d, err := s.peopleData(r, ws)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	return s.render(w, r, "setup-people", &page{Title: state(r).lang.T("setup.people.title"), WS: ws, Nav: "settings", Data: d})
}

// peoplePost makes the ticked CRM users the workspace's managers: rows
// with the same name become one manager with both CRM ids (one person with
// two CRM accounts), a row mapped already keeps its manager's id, and a
// CRM user unticked leaves the manager it mapped to. Saved as the
// workspace file's managers would be, audited with the head as the actor.
func (s *Server) peoplePost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	l := state(r).lang
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	type ticked struct{ crmID, name, team string }
	var rows []ticked
	shown := map[string]bool{}
	for i := range min(n, 10000) {
		k := strconv.Itoa(i)
		id := strings.TrimSpace(r.PostFormValue("crm_" + k))
		if id == "" {
			continue
		}
		shown[id] = true
		if r.PostFormValue("m_"+k) == "" {
			continue
		}
		rows = append(rows, ticked{id, strings.Join(strings.Fields(r.PostFormValue("name_"+k)), " "), strings.TrimSpace(r.PostFormValue("team_" + k))})
	}
	err = func() error {
		owner := map[string]string{}
		for _, m := range ws.Managers {
			for _, id := range m.CRMIDs {
				owner[id] = m.ID
			}
		}
		// Group the ticked rows by name, in the order they came.
		var order []string
		groups := map[string][]ticked{}
		for _, t := range rows {
			if t.name == "" {
				return i18n.Invalid("setup.people.no_name", t.crmID)
			}
			key := strings.ToLower(t.name)
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], t)
		}
		// Unticked users leave their managers; managers keep the CRM ids
		// the form did not show.
		managers := slices.Clone(ws.Managers)
		for i := range managers {
			managers[i].CRMIDs = slices.DeleteFunc(slices.Clone(managers[i].CRMIDs), func(id string) bool { return shown[id] })
		}
		index := func(id string) int {
			return slices.IndexFunc(managers, func(m domain.Manager) bool { return m.ID == id })
		}
		taken := map[string]bool{}
		for _, m := range managers {
			taken[m.ID] = true
		}
		for _, key := range order {
			g := groups[key]
			id := ""
			for _, t := range g {
				if id = owner[t.crmID]; id != "" {
					break
				}
			}
			if id == "" {
				for _, m := range managers {
					if strings.EqualFold(m.Name, g[0].name) {
						id = m.ID
						break
					}
				}
			}
			if id == "" {
				id = managerID(g[0].name, taken)
				taken[id] = true
				managers = append(managers, domain.Manager{ID: id})
			}
			m := &managers[index(id)]
			m.Name = g[0].name
			m.Team = ""
			for _, t := range g {
				if m.Team == "" {
					m.Team = t.team
				}
				if !slices.Contains(m.CRMIDs, t.crmID) {
					m.CRMIDs = append(m.CRMIDs, t.crmID)
				}
			}
		}
		ws.Managers = managers
		_, err := s.applyWorkspace(r, ws)
		return err
	}()
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		fresh, ferr := s.eng.Workspace(r.Context(), ws.ID)
		if ferr != nil {
			return ferr
		}
		d, derr := s.peopleData(r, fresh)
		if derr != nil {
			return derr
		}
		d.Error = errorText(err, l)
		return s.renderStatus(w, r, http.StatusBadRequest, "setup-people", &page{Title: l.T("setup.people.title"), WS: fresh, Nav: "settings", Data: d})
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/setup/people?saved=1", http.StatusSeeOther)
	return nil
}

// translit spells Russian letters in Latin ones for manager ids.
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
	'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

// managerID makes a manager id from a name ("Анна Смирнова" → "anna-smirnova"),
// one not taken yet.
func managerID(name string, taken map[string]bool) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case translit[r] != "" || r == 'ъ' || r == 'ь':
			b.WriteString(translit[r])
			dash = false
		case unicode.IsSpace(r) || r == '-' || r == '.' || r == '_':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	id := strings.Trim(b.String(), "-")
	if len(id) > 40 {
		id = strings.Trim(id[:40], "-")
	}
	if id == "" {
		id = "manager"
	}
	candidate := id
	for i := 2; taken[candidate] || !domain.ValidWorkspaceID(candidate); i++ {
		candidate = id + "-" + strconv.Itoa(i)
		if i > 1000 {
			break
		}
	}
	return candidate
}
