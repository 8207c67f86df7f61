package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/domain"
	"reglament/internal/store/storetest"
)

// personRow is a row of the People step as the page shows it.
type personRow struct {
	ID, Name, Email, Input string
	Inactive               bool
}

var (
	personBlock = regexp.MustCompile(`(?s)<div class="panel" id="person-([^"]+)">(.*?)id="team-`)
	personName  = regexp.MustCompile(`<strong>([^<]*)</strong>`)
	personEmail = regexp.MustCompile(`<p class="muted">([^<·]*) · `)
	personInput = regexp.MustCompile(`id="name-[^"]+" value="([^"]*)"`)
)

// peopleRows reads the rows of the People step, in the page's order.
func peopleRows(body string) []personRow {
	var rows []personRow
	for _, m := range personBlock.FindAllStringSubmatch(body, -1) {
		r := personRow{ID: m[1], Inactive: strings.Contains(m[2], `<span class="tag">`)}
		if n := personName.FindStringSubmatch(m[2]); n != nil {
			r.Name = html.UnescapeString(n[1])
		}
		if e := personEmail.FindStringSubmatch(m[2]); e != nil {
			r.Email = html.UnescapeString(strings.TrimSpace(e[1]))
		}
		if v := personInput.FindStringSubmatch(m[2]); v != nil {
			r.Input = html.UnescapeString(v[1])
		}
		rows = append(rows, r)
	}
	return rows
}

// TestSetupPeopleNamesHubSpotPipedrive: after a HubSpot or Pipedrive
// account is connected with a pasted token and synced, the People step
// lists its users by the names and e-mails the CRM knows them by (the
// HubSpot owner id, the Pipedrive user id), with the name offered as the
// manager's; a user who left is listed, marked, only when they own
// records (Григорий), not when they own none (Вера); the page
// does not say the CRM could not list its users.
func TestSetupPeopleNamesHubSpotPipedrive(t *testing.T) {
	for _, kind := range []string{domain.CRMHubSpot, domain.CRMPipedrive} {
		t.Run(kind, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				e := newMoreEnv(t, dsn)
				ago := e.clock.Now().Add(-2 * time.Hour)
				admin, _ := e.company(t)
				form := url.Values{"action": {kind}}
				var token string
				var want []personRow
				switch kind {
				case domain.CRMHubSpot:
					e.hs.Mu.Lock()
					e.hs.Owners = []hubspottest.Owner{
						{ID: 101, UserID: 9101, FirstName: "Анна", LastName: "Смирнова", Email: "anna@acme.example"},
						{ID: 102, UserID: 9102, FirstName: "Борис", LastName: "Петров", Email: "boris@acme.example"},
						{ID: 103, UserID: 9103, FirstName: "Вера", LastName: "Левина", Email: "vera@acme.example", Archived: true},
						{ID: 104, UserID: 9104, FirstName: "Григорий", LastName: "Орлов", Email: "grisha@acme.example", Archived: true},
					}
					e.hs.Objects[hubspot.ObjectCompanies][2] = &hubspottest.Object{ID: 2, Properties: map[string]string{"name": "Клиент Григория",
						"hubspot_owner_id": "104", "createdate": hubspottest.Time(ago), "hs_lastmodifieddate": hubspottest.Time(ago)}}
					token = e.hs.AccessToken
					e.hs.Mu.Unlock()
					want = []personRow{
						{ID: "101", Name: "Анна Смирнова", Email: "anna@acme.example", Input: "Анна Смирнова"},
						{ID: "104", Name: "Григорий Орлов", Email: "grisha@acme.example", Input: "Григорий Орлов", Inactive: true},
						{ID: "102", Name: "Борис Петров", Email: "boris@acme.example", Input: "Борис Петров"},
					}
				case domain.CRMPipedrive:
					e.pd.Mu.Lock()
					e.pd.Users = []pipedrivetest.User{
						{ID: 1, Name: "Анна Смирнова", Email: "anna@acme.example"},
						{ID: 2, Name: "Борис Петров", Email: "boris@acme.example"},
						{ID: 3, Name: "Вера Левина", Email: "vera@acme.example", Inactive: true},
						{ID: 4, Name: "Григорий Орлов", Email: "grisha@acme.example", Inactive: true},
					}
					e.pd.Orgs[2] = &pipedrivetest.Org{ID: 2, OwnerID: 4, Name: "Клиент Григория", AddTime: ago, Updated: ago}
					token = e.pd.AccessToken
					e.pd.Mu.Unlock()
					form.Set("company_domain", e.pdFront.URL)
					want = []personRow{
						{ID: "1", Name: "Анна Смирнова", Email: "anna@acme.example", Input: "Анна Смирнова"},
						{ID: "4", Name: "Григорий Орлов", Email: "grisha@acme.example", Input: "Григорий Орлов", Inactive: true},
						{ID: "2", Name: "Борис Петров", Email: "boris@acme.example", Input: "Борис Петров"},
					}
				}
				form.Set("token", token)
				if resp, body := admin.post("/w/acme/setup/crm", form); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("connect %s with a pasted token: %d\n%s", kind, resp.StatusCode, body)
				}
				waitSync(t, e.setupEnv, "acme")

				resp, body := admin.get("/w/acme/setup/people")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("the People step: %d\n%s", resp.StatusCode, body)
				}
				if strings.Contains(body, `id="people-no-names"`) {
					t.Errorf("the People step says the CRM did not list its users")
				}
				// Rows with records first (Анна owns the company), then by name.
				if diff := cmp.Diff(want, peopleRows(body)); diff != "" {
					t.Errorf("the People step's rows (-want +got):\n%s", diff)
				}
			})
		})
	}
}
