package web

import (
	"regexp"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var (
	tableRE = regexp.MustCompile(`(?s)<table\b.*?</table>`)
	theadRE = regexp.MustCompile(`(?s)<thead>(.*?)</thead>`)
	tbodyRE = regexp.MustCompile(`(?s)<tbody>\s*(<tr.*?</tr>)`)
	cellRE  = regexp.MustCompile(`(?s)<(th|td)\b([^>]*)>`)
	colspan = regexp.MustCompile(`colspan="(\d+)"`)
)

// cellClasses lists the class attribute of each cell of a row, a cell
// spanning n columns n times.
func cellClasses(row string) []string {
	var out []string
	for _, m := range cellRE.FindAllStringSubmatch(row, -1) {
		class := ""
		if c := regexp.MustCompile(`class="([^"]*)"`).FindStringSubmatch(m[2]); c != nil {
			class = c[1]
		}
		n := 1
		if s := colspan.FindStringSubmatch(m[2]); s != nil {
			n = int(s[1][0] - '0')
		}
		for range n {
			out = append(out, class)
		}
	}
	return out
}

func hasClass(classes, c string) bool { return strings.Contains(" "+classes+" ", " "+c+" ") }

// Issue 13 item 5: a column of numbers is right-aligned, and so is its
// header, on the pages of figures.
func TestNumbersAlignUnderTheirHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/regulation")
		_, preview := c.post("/w/acme/regulation", map[string][]string{"action": {"preview"},
			"yaml": {"regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 5}\n"}})
		pages := map[string]string{"regulation preview": preview}
		for _, p := range []string{"/w/acme/statement?period=2026-11", "/w/acme/month?period=2026-11", "/w/acme/adjustments", "/w/acme/day/2026-11-16"} {
			_, body := c.get(p)
			pages[p] = body
		}
		for name, body := range pages {
			tables := 0
			for _, table := range tableRE.FindAllString(body, -1) {
				head, row := theadRE.FindStringSubmatch(table), tbodyRE.FindStringSubmatch(table)
				if head == nil || row == nil {
					continue
				}
				tables++
				ths, tds := cellClasses(head[1]), cellClasses(row[1])
				for i, td := range tds {
					if i < len(ths) && hasClass(td, "num") && !hasClass(ths[i], "num") {
						t.Errorf("%s: column %d holds numbers right-aligned under a header that is not (th class %q)", name, i+1, ths[i])
					}
				}
			}
			if tables == 0 {
				t.Errorf("%s: no table with a header and rows", name)
			}
		}
	})
}
