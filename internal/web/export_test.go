package web

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var decimalComma = regexp.MustCompile(`^-?\d+,\d+$`)

// readCSV reads an export as a spreadsheet would: a Russian one (with a
// BOM) by ";" and its decimal commas, an English one by ",". Decimals come
// back with a point, so that tests compare them with the API's.
func readCSV(tb testing.TB, body string) [][]string {
	tb.Helper()
	r := csv.NewReader(strings.NewReader(body))
	russian := strings.HasPrefix(body, "\ufeff")
	if russian {
		r = csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("csv: %v\n%s", err, body)
	}
	for _, row := range rows {
		for i, c := range row {
			if russian && decimalComma.MatchString(c) {
				row[i] = strings.Replace(c, ",", ".", 1)
			}
		}
	}
	return rows
}

// Issue 13 item 5: a Russian CSV is what a Russian Excel opens (a BOM, ";"
// and decimal commas); an English one stays plain "," with decimal
// points; the XLSX has fitted columns and a totals row.
func TestExportsForExcel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.post("/lang", map[string][]string{"lang": {"ru"}})
		_, ru := c.get("/w/acme/statement?period=2026-11&format=csv")
		if !strings.HasPrefix(ru, "\ufeffМенеджер;Имя;") {
			t.Errorf("Russian CSV does not start with a BOM and ;-separated header: %.80q", ru)
		}
		if !regexp.MustCompile(`;-?\d+,\d\d;`).MatchString(ru) || regexp.MustCompile(`;-?\d+\.\d\d;`).MatchString(ru) {
			t.Errorf("Russian CSV money is not written with a decimal comma:\n%s", ru)
		}
		c.post("/lang", map[string][]string{"lang": {"en"}})
		_, en := c.get("/w/acme/statement?period=2026-11&format=csv")
		if strings.HasPrefix(en, "\ufeff") || !strings.HasPrefix(en, "Manager,Name,") || !regexp.MustCompile(`,-?\d+\.\d\d,`).MatchString(en) {
			t.Errorf("English CSV is not plain comma-separated with decimal points:\n%s", en)
		}
		ruRows, enRows := readCSV(t, ru), readCSV(t, en)
		if len(ruRows) != len(enRows) {
			t.Fatalf("Russian CSV has %d rows, English %d", len(ruRows), len(enRows))
		}
		for i := 1; i < len(ruRows); i++ {
			if ruRows[i][9] != enRows[i][9] {
				t.Errorf("row %d: Russian money %q, English %q", i, ruRows[i][9], enRows[i][9])
			}
		}

		c.post("/lang", map[string][]string{"lang": {"ru"}})
		resp, body := c.get("/w/acme/statement?period=2026-11&format=xlsx")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: status %d", resp.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("2026-11", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		last := rows[len(rows)-1]
		if last[0] != "Итого" {
			t.Fatalf("xlsx last row = %q, want the totals", last)
		}
		if want := sumColumn(t, rows[1:len(rows)-1], 9); !sameDecimal(last[9], want) {
			t.Errorf("xlsx total money = %s, want the sum of the lines %s", last[9], want)
		}
		if want := sumColumn(t, rows[1:len(rows)-1], 8); !sameDecimal(last[8], want) {
			t.Errorf("xlsx total points = %s, want %s", last[8], want)
		}
		if w, _ := f.GetColWidth("2026-11", "B"); w < 12 {
			t.Errorf("xlsx name column is %.1f wide; want it fitted to the names", w)
		}
	})
}

func sumColumn(tb testing.TB, rows [][]string, col int) string {
	tb.Helper()
	sum := decimal.Zero
	for _, r := range rows {
		d, err := decimal.NewFromString(r[col])
		if err != nil {
			tb.Fatalf("column %d of %q: %v", col, r, err)
		}
		sum = sum.Add(d)
	}
	return sum.String()
}
