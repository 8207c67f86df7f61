package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// table is an export: a header and rows of cells. A numeric cell is written
// to XLSX as a number from its exact decimal text, never through a float.
type table struct {
	// Lang is the language of the people the file is for: a Russian CSV
	// is what a Russian Excel opens (";" between cells, a UTF-8 BOM,
	// decimal commas), an English one stays the plain machine-readable
	// form.
	Lang   i18n.Lang
	Header []string
	Rows   [][]tableCell
	Money  map[int]bool // columns holding money (two decimals)
	Sum    map[int]bool // columns the XLSX totals row adds up
}

type tableCell struct {
	Text    string
	Numeric bool
}

func text(s string) tableCell { return tableCell{Text: s} }
func num(s string) tableCell  { return tableCell{Text: s, Numeric: true} }
func integer(n int) tableCell { return num(strconv.Itoa(n)) }

// statementTable is the statement as payroll reads it. In bonus pay
// (DESIGN.md section 11) it says "bonus": the base bonus, the reduction of
// it and the bonus paid, never a fine.
func statementTable(l i18n.Lang, ws *domain.Workspace, st *domain.Statement) table {
	t := table{Header: []string{l.T("col.manager"), l.T("web.col.name"), l.T("col.working_days"), l.T("col.days_scored"),
		l.T("col.days_absent"), l.T("col.days_pending"), l.T("col.points"), l.T("col.adjustments"), l.T("col.total")},
		Lang: l, Money: map[int]bool{}, Sum: map[int]bool{6: true, 7: true, 8: true}}
	bonus := st.PayMode == domain.PayBonus
	if bonus {
		t.Header = append(t.Header, l.T("col.base_bonus", st.Currency), l.T("col.reduction", st.Currency))
		t.Money[len(t.Header)-2], t.Money[len(t.Header)-1] = true, true
		t.Sum[len(t.Header)-2], t.Sum[len(t.Header)-1] = true, true
	}
	t.Header = append(t.Header, l.T(moneyColumn(st), st.Currency), l.T("web.col.capped"), l.T("col.pay_settings"))
	t.Money[len(t.Header)-3], t.Sum[len(t.Header)-3] = true, true
	version := paySettingsName(l, st.PaySettings)
	for _, line := range st.Lines {
		capped := ""
		if line.Capped {
			capped = "*"
		}
		row := []tableCell{text(line.Manager), text(line.Name), integer(line.WorkingDays), integer(line.DaysScored),
			integer(line.DaysAbsent), integer(line.DaysPending), integer(line.Points), integer(line.Adjustments), integer(line.Total)}
		if bonus {
			base := baseBonus(st)
			row = append(row, num(base.String()), num(reduction(st, &line).String()))
		}
		t.Rows = append(t.Rows, append(row, num(line.Money.String()), text(capped), text(version)))
	}
	return t
}

// paySettingsName names the pay settings version that took effect on
// effective (zero: the version from the start): "с 2026-12-01".
func paySettingsName(l i18n.Lang, effective domain.Date) string {
	if effective.IsZero() {
		return l.T("pay.start")
	}
	return l.T("pay.version_from", effective)
}

// moneyColumn is the key of a statement's money column: "bonus" in bonus
// pay, the neutral "amount" (a bonus or a fine) in points pay.
func moneyColumn(st *domain.Statement) string {
	if st.PayMode == domain.PayBonus {
		return "col.bonus"
	}
	return "col.money"
}

// baseBonus is the period's bonus before points in bonus pay, else zero.
func baseBonus(st *domain.Statement) domain.Money {
	if st.Base == nil {
		return domain.NewMoney(decimal.Zero)
	}
	return *st.Base
}

// reduction is how much a line's bonus falls short of the base bonus
// (zero when the points raised it).
func reduction(st *domain.Statement, line *domain.StatementLine) domain.Money {
	d := baseBonus(st).Sub(line.Money.Decimal)
	if d.IsNegative() {
		d = decimal.Zero
	}
	return domain.NewMoney(d)
}

func monthTable(l i18n.Lang, ws *domain.Workspace, data *monthData) table {
	t := table{Lang: l, Header: []string{l.T("col.manager"), l.T("web.col.name")}, Money: map[int]bool{}, Sum: map[int]bool{}}
	for _, d := range data.Days {
		t.Header = append(t.Header, d.String())
	}
	t.Header = append(t.Header, l.T("col.total"), l.T(moneyColumn(data.Statement), ws.Currency))
	t.Money[len(t.Header)-1] = true
	for i := 2; i < len(t.Header); i++ {
		t.Sum[i] = true
	}
	for _, row := range data.Rows {
		cells := []tableCell{text(row.Manager.ID), text(row.Manager.Name)}
		for _, c := range row.Cells {
			if c.Class == "pos" || c.Class == "neg" || c.Class == "zero" || c.Class == "val" && c.URL != "" {
				cells = append(cells, num(c.Text))
			} else if c.Class == "absent" {
				cells = append(cells, text("-"))
			} else {
				cells = append(cells, text(""))
			}
		}
		cells = append(cells, integer(row.Line.Total), num(row.Line.Money.String()))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// SafeCSV neutralizes a text cell a spreadsheet would run as a formula
// (issue 14): one that begins with = + - @, a tab or a carriage return gets
// a leading apostrophe, so that a manager named =HYPERLINK(…) is shown as
// text. Numbers the exports write themselves are not text cells and stay
// numbers. XLSX cells are typed and need none of this.
func SafeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func attachment(w http.ResponseWriter, contentType, filename string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("Cache-Control", "no-store")
}

func writeCSV(w http.ResponseWriter, filename string, t table) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	russian := t.Lang == i18n.RU
	if russian {
		// Excel in a Russian locale reads ";" between cells and a comma
		// before decimals, and takes a file for UTF-8 only by its BOM.
		buf.WriteString("\ufeff")
		cw.Comma = ';'
	}
	header := make([]string, len(t.Header))
	for i, h := range t.Header {
		header[i] = SafeCSV(h)
	}
	cw.Write(header)
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			switch {
			case !c.Numeric:
				rec[i] = SafeCSV(c.Text)
			case russian:
				rec[i] = strings.Replace(c.Text, ".", ",", 1)
			default:
				rec[i] = c.Text
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("web: csv: %w", err)
	}
	attachment(w, "text/csv; charset=utf-8", filename)
	_, err := w.Write(buf.Bytes())
	return err
}

func writeXLSX(w http.ResponseWriter, filename, sheetName string, t table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	if err := f.SetSheetName(sheet, sheetName); err != nil {
		return fmt.Errorf("web: xlsx: %w", err)
	}
	sheet = sheetName
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("web: xlsx: %w", err)
	}
	moneyFmt := "#,##0.00" // Excel shows the reader's separators: 136 500,00 or 136,500.00
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return fmt.Errorf("web: xlsx: %w", err)
	}
	for i, h := range t.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return fmt.Errorf("web: xlsx: %w", err)
		}
		f.SetCellStyle(sheet, cell, cell, bold)
	}
	for r, row := range t.Rows {
		for i, c := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if c.Numeric {
				// SetCellDefault stores the decimal text as the cell's
				// numeric value as is, so money keeps its exact digits.
				err = f.SetCellDefault(sheet, cell, c.Text)
			} else {
				err = f.SetCellStr(sheet, cell, c.Text)
			}
			if err != nil {
				return fmt.Errorf("web: xlsx: %w", err)
			}
			if t.Money[i] {
				f.SetCellStyle(sheet, cell, cell, money)
			}
		}
	}
	if err := xlsxTotals(f, sheet, t, bold, money); err != nil {
		return fmt.Errorf("web: xlsx: %w", err)
	}
	for i, width := range columnWidths(t) {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return fmt.Errorf("web: xlsx: %w", err)
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("web: xlsx: %w", err)
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename)
	_, err = w.Write(buf.Bytes())
	return err
}

// xlsxTotals writes the row under the table that adds up its Sum columns,
// from the cells' exact decimals, labelled as the statement's total.
func xlsxTotals(f *excelize.File, sheet string, t table, bold, money int) error {
	if len(t.Sum) == 0 || len(t.Rows) == 0 {
		return nil
	}
	r := len(t.Rows) + 2
	cell, _ := excelize.CoordinatesToCellName(1, r)
	if err := f.SetCellStr(sheet, cell, t.Lang.T("statement.sum")); err != nil {
		return err
	}
	f.SetCellStyle(sheet, cell, cell, bold)
	for i := range t.Header {
		if !t.Sum[i] {
			continue
		}
		sum := decimal.Zero
		for _, row := range t.Rows {
			if i < len(row) && row[i].Numeric {
				d, err := decimal.NewFromString(row[i].Text)
				if err == nil {
					sum = sum.Add(d)
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, r)
		text := sum.String()
		if t.Money[i] {
			text = sum.StringFixed(2)
		}
		if err := f.SetCellDefault(sheet, cell, text); err != nil {
			return err
		}
		style := bold
		if t.Money[i] {
			style = money
		}
		f.SetCellStyle(sheet, cell, cell, style)
	}
	return nil
}

// columnWidths fits each column to its longest cell, within bounds that
// keep a long name from pushing the figures off the screen.
func columnWidths(t table) []float64 {
	widths := make([]float64, len(t.Header))
	fit := func(i int, s string) {
		if w := float64(utf8.RuneCountInString(s)) + 2; i < len(widths) && w > widths[i] {
			widths[i] = w
		}
	}
	for i, h := range t.Header {
		fit(i, h)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			fit(i, c.Text)
		}
	}
	for i, w := range widths {
		widths[i] = min(max(w, 6), 40)
	}
	return widths
}
