// Package csvimport reads CRM records from CSV files: the universal
// connector, and the way any CRM's export gets into reglament.
//
// A file is UTF-8 (a leading byte order mark is ignored), comma-separated,
// with a header row naming its columns in any order. Invalid UTF-8 and NUL
// bytes are refused: stored, they would be broken text on SQLite and an
// internal error on PostgreSQL, and they mostly mean a file saved as
// Windows-1251 (the default of a Russian Excel) or UTF-16. Times are RFC 3339 with
// an offset (2026-11-16T17:45:00+03:00) or local "YYYY-MM-DD HH:MM[:SS]" read
// in the workspace timezone; an empty cell is null. Every problem names the
// file, the physical line (the header is line 1) and the column, and a file
// with any problem imports nothing.
package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// Kinds accepted by Parse.
const (
	Companies  = "companies"
	Deals      = "deals"
	Tasks      = "tasks"
	Activities = "activities"
	DealMoves  = "deal_moves"
	Contacts   = "contacts"  // DESIGN.md section 12: contact persons with their phones
	PBXCalls   = "pbx_calls" // the calls a telephone exchange logged
)

// Source is the RecordMeta.Source of every record read from CSV.
const Source = "csv"

// MaxErrors is how many problems Parse reports before it stops reading: past
// that, the file is wrong in a way that more lines would not explain better.
const MaxErrors = 20

// Columns of each kind, in the order of the format; the constants index them.
const (
	companyExternalID = iota
	companyName
	companyResponsible
	companyCreatedBy
	companyCreatedAt
	companyDeletedAt
	companyPhones // optional
)

const (
	dealExternalID = iota
	dealTitle
	dealResponsible
	dealAmount
	dealStatus
	dealCreatedAt
	dealClosedAt
	dealDeletedAt
	dealPipeline // optional
	dealStage    // optional
)

const (
	taskExternalID = iota
	taskResponsible
	taskDealID
	taskDeadline
	taskCreatedAt
	taskCompletedAt
	taskDeletedAt
	taskTitle // optional
)

const (
	activityExternalID = iota
	activityKind
	activityResponsible
	activityHappenedAt
	activityEnteredAt
	activityDuration
	activityOutcome
	activityDealID
	activityDeletedAt
	activityDirection // optional
	activityPhone     // optional
)

const (
	moveExternalID = iota
	moveDealID
	moveResponsible
	moveMovedAt
	movePipeline
	moveFromStage
	moveToStage
	moveDeletedAt
	moveFromPipeline // optional
)

const (
	contactExternalID = iota
	contactName
	contactResponsible
	contactCompanyID
	contactPhones
	contactCreatedAt
	contactDeletedAt
)

const (
	pbxExternalID = iota
	pbxUser
	pbxStartedAt
	pbxTalkSeconds
	pbxDirection
	pbxPhone
)

// layout is the set of columns of one kind of file.
type layout struct {
	columns  []string // indexed by the constants above
	optional int      // columns from this index on may be left out of the header
}

var layouts = map[string]layout{
	Companies: {columns: []string{"external_id", "name", "responsible", "created_by", "created_at", "deleted_at", "phones"},
		optional: companyPhones},
	Deals: {columns: []string{"external_id", "title", "responsible", "amount", "status", "created_at", "closed_at", "deleted_at", "pipeline", "stage"},
		optional: dealPipeline},
	Tasks: {columns: []string{"external_id", "responsible", "deal_id", "deadline", "created_at", "completed_at", "deleted_at", "title"},
		optional: taskTitle},
	Activities: {columns: []string{"external_id", "kind", "responsible", "happened_at", "entered_at", "duration_seconds", "outcome", "deal_id", "deleted_at", "direction", "phone"},
		optional: activityDirection},
	DealMoves: {columns: []string{"external_id", "deal_id", "responsible", "moved_at", "pipeline", "from_stage", "to_stage", "deleted_at", "from_pipeline"},
		optional: moveFromPipeline},
	Contacts: {columns: []string{"external_id", "name", "responsible", "company_id", "phones", "created_at", "deleted_at"}},
	PBXCalls: {columns: []string{"external_id", "pbx_user", "started_at", "talk_seconds", "direction", "phone"}},
}

func init() {
	for kind, l := range layouts {
		if l.optional == 0 {
			l.optional = len(l.columns)
			layouts[kind] = l
		}
	}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Parse reads a CSV file of the given kind (Companies, Deals, Tasks,
// Activities or DealMoves) into a batch of records, every one with Source "csv" and its
// times in UTC. Local times are read in loc (UTC when nil). filename is used
// only in messages.
//
// A file with problems gives a nil batch and a *domain.Error with code
// domain.EINVALID listing up to MaxErrors problems, one a line, such as
//
//	deals.csv:14: column amount: invalid decimal "12,5"
//
// A failure to read r is returned as is.
func Parse(kind, filename string, r io.Reader, loc *time.Location) (*domain.RecordBatch, error) {
	lay, ok := layouts[kind]
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "csv import: unknown type %q (known: %s, %s, %s, %s, %s, %s, %s)",
			kind, Companies, Deals, Tasks, Activities, DealMoves, Contacts, PBXCalls)
	}
	if loc == nil {
		loc = time.UTC
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // checked here, to report it in our words

	im := &importer{file: filename, loc: loc, cr: cr, columns: lay.columns}
	if err := im.header(lay); err != nil {
		return nil, err
	}
	var row func(line int)
	switch kind {
	case Companies:
		row = im.company
	case Deals:
		row = im.deal
	case Tasks:
		row = im.task
	case Activities:
		row = im.activity
	case DealMoves:
		row = im.move
	case Contacts:
		row = im.contact
	case PBXCalls:
		row = im.pbxCall
	}
	for !im.stopped {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if perr := (*csv.ParseError)(nil); errors.As(err, &perr) {
				im.add(perr.Line, "invalid CSV: %s", perr.Err.Error())
				break
			}
			return nil, fmt.Errorf("csv import: read %s: %w", filename, err)
		}
		if !im.textOK(rec, im.names) {
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != im.width {
			im.add(line, "wrong number of fields: got %d, want %d as in the header", len(rec), im.width)
			continue
		}
		im.rec = rec
		row(line)
	}
	if len(im.problems) > 0 {
		return nil, im.err()
	}
	return &domain.RecordBatch{
		Companies:  im.companies.slice(),
		Deals:      im.deals.slice(),
		Tasks:      im.tasks.slice(),
		Activities: im.activities.slice(),
		Moves:      im.moves.slice(),
		Persons:    im.persons.slice(),
		PBXCalls:   im.pbxCalls.slice(),
	}, nil
}

// importer holds the state of one Parse call.
type importer struct {
	file    string
	loc     *time.Location
	cr      *csv.Reader
	columns []string // the layout's column names
	pos     []int    // layout column → field index in a row; -1 when absent
	names   []string // field index → layout column name, from the header
	width   int      // fields per row, from the header
	rec     []string // the current row

	ids      map[string]int // external id → line, to find duplicates
	problems []problem
	stopped  bool

	companies  chunks[domain.Company]
	deals      chunks[domain.Deal]
	tasks      chunks[domain.Task]
	activities chunks[domain.Activity]
	moves      chunks[domain.DealMove]
	persons    chunks[domain.Person]
	pbxCalls   chunks[domain.PBXCall]
}

// problem is one error found in a file, at a line (and a column of the
// layout, or ""), kept as its format and arguments so that it can be said
// in each language (importer.text).
type problem struct {
	line   int
	column string
	format string
	args   []any
}

// text says every problem in lang, one a line, prefixed with the file and
// line.
func (im *importer) text(lang i18n.Lang) string {
	lines := make([]string, len(im.problems))
	for i, pr := range im.problems {
		format, column := pr.format, "column "
		if lang == i18n.RU {
			if ru, ok := ruFormats[format]; ok {
				format, column = ru, "колонка "
			}
		}
		msg := fmt.Sprintf(format, pr.args...)
		if pr.column != "" {
			msg = column + pr.column + ": " + msg
		}
		lines[i] = fmt.Sprintf("%s:%d: %s", im.file, pr.line, msg)
	}
	return strings.Join(lines, "\n")
}

// err returns the recorded problems as one *i18n.FileError.
func (im *importer) err() error { return i18n.NewFileError(im.text) }

// add records a problem at a line. Past MaxErrors it stops the import.
func (im *importer) add(line int, format string, args ...any) {
	im.addAt(line, "", format, args...)
}

func (im *importer) addAt(line int, column, format string, args ...any) {
	if len(im.problems) >= MaxErrors {
		if !im.stopped {
			im.problems = append(im.problems, problem{line: line, format: "too many errors, stopped here"})
			im.stopped = true
		}
		return
	}
	im.problems = append(im.problems, problem{line: line, column: column, format: format, args: args})
}

// fail records a problem in column c of the current row. When the file has
// no such column (an optional one), the problem is on the row's first line.
func (im *importer) fail(c int, format string, args ...any) {
	line, _ := im.cr.FieldPos(max(im.pos[c], 0))
	im.addAt(line, im.columns[c], format, args...)
}

// stopAt records a problem at a line and column (or none) and stops the
// import there.
func (im *importer) stopAt(line int, column, format string) {
	im.addAt(line, column, format)
	im.stopped = true
}

// textOK reports whether every field of rec is UTF-8 without NUL bytes.
// Otherwise it records the first bad field's line and column (names[i],
// or none when names is nil, as in the header) and stops the import: a
// file in another encoding is wrong on nearly every line, and one problem
// says what to do.
func (im *importer) textOK(rec, names []string) bool {
	for i, f := range rec {
		bad := strings.IndexByte(f, 0)
		nul := bad >= 0
		if !utf8.ValidString(f) {
			if inv := invalidUTF8(f); !nul || inv < bad {
				bad, nul = inv, false
			}
		}
		if bad < 0 {
			continue
		}
		line, _ := im.cr.FieldPos(i)
		line += strings.Count(f[:bad], "\n") // a quoted field may span lines
		column := ""
		if names != nil {
			column = names[i]
		}
		if nul {
			im.stopAt(line, column, "NUL byte: file is not in UTF-8 (UTF-16?): save it as \"CSV UTF-8\"")
		} else {
			im.stopAt(line, column, "file is not in UTF-8: save it as \"CSV UTF-8\" (Excel saves CSV in Windows-1251 by default)")
		}
		return false
	}
	return true
}

// invalidUTF8 returns the index of the first byte of s that is not valid
// UTF-8, or -1.
func invalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// header reads the header row and maps the layout's columns to fields.
func (im *importer) header(lay layout) error {
	rec, err := im.cr.Read()
	if err == io.EOF {
		im.add(1, "empty file: want a header row (%s)", strings.Join(lay.columns[:lay.optional], ","))
		return im.err()
	}
	if err != nil {
		if perr := (*csv.ParseError)(nil); errors.As(err, &perr) {
			im.add(perr.Line, "invalid CSV: %s", perr.Err.Error())
			return im.err()
		}
		return fmt.Errorf("csv import: read %s: %w", im.file, err)
	}
	if !im.textOK(rec, nil) {
		return im.err()
	}
	line, _ := im.cr.FieldPos(0)
	im.width = len(rec)
	im.names = make([]string, len(rec))
	im.pos = make([]int, len(lay.columns))
	for i := range im.pos {
		im.pos[i] = -1
	}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		c := slices.Index(lay.columns, name)
		switch {
		case c < 0:
			im.add(line, "unknown column %q (known: %s)", name, strings.Join(lay.columns, ","))
		case im.pos[c] >= 0:
			im.add(line, "column %s given twice", name)
		default:
			im.pos[c] = i
			im.names[i] = name
		}
	}
	for c, name := range lay.columns[:lay.optional] {
		if im.pos[c] < 0 {
			im.add(line, "missing column %s", name)
		}
	}
	if len(im.problems) > 0 {
		return im.err()
	}
	im.ids = make(map[string]int, 1024)
	return nil
}

// get returns the trimmed value of column c, or "" when the file has no such
// column.
func (im *importer) get(c int) string {
	i := im.pos[c]
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(im.rec[i])
}

// required returns the value of column c, recording a problem when empty.
func (im *importer) required(c int) string {
	s := im.get(c)
	if s == "" {
		im.fail(c, "value is required")
	}
	return s
}

// externalID returns the row's external id, recording a problem when it is
// empty or was already used on an earlier line.
func (im *importer) externalID(c, line int) string {
	id := im.required(c)
	if id == "" {
		return ""
	}
	if first, dup := im.ids[id]; dup {
		im.fail(c, "duplicate external id %q (first on line %d)", id, first)
		return id
	}
	im.ids[id] = line
	return id
}

// time returns the time in column c in UTC; zero when empty and not required.
func (im *importer) time(c int, required bool) time.Time {
	s := im.get(c)
	if s == "" {
		if required {
			im.fail(c, "value is required")
		}
		return time.Time{}
	}
	t, ok := parseTime(s, im.loc)
	if !ok {
		im.fail(c, "invalid time %q: want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]", s)
	}
	return t
}

// amount returns the non-negative decimal in column c; zero when empty.
func (im *importer) amount(c int) decimal.Decimal {
	s := im.get(c)
	if s == "" {
		return decimal.Decimal{}
	}
	d, err := decimal.NewFromString(s)
	switch {
	case err != nil:
		im.fail(c, "invalid decimal %q", s)
	case d.IsNegative():
		im.fail(c, "must not be negative, got %s", s)
	}
	return d
}

// seconds returns the non-negative whole number in column c; zero when empty.
func (im *importer) seconds(c int) int {
	s := im.get(c)
	n, ok := parseUint(s)
	if !ok {
		if len(s) > 1 && s[0] == '-' {
			if _, digits := parseUint(s[1:]); digits {
				im.fail(c, "must not be negative, got %s", s)
				return 0
			}
		}
		im.fail(c, "invalid whole number %q", s)
	}
	return n
}

// enum returns the one of values that column c holds (case is ignored),
// recording a problem when it holds none of them.
func (im *importer) enum(c int, values ...string) string {
	s := im.get(c)
	for _, v := range values {
		if s == v || strings.EqualFold(s, v) {
			return v
		}
	}
	if s == "" {
		im.fail(c, "value is required (one of %s)", strings.Join(values, ", "))
	} else {
		im.fail(c, "invalid value %q (want one of %s)", s, strings.Join(values, ", "))
	}
	return ""
}

// optionalEnum is enum for a column that may be empty (or absent): "" then.
func (im *importer) optionalEnum(c int, values ...string) string {
	if im.get(c) == "" {
		return ""
	}
	return im.enum(c, values...)
}

func (im *importer) company(line int) {
	n := len(im.problems)
	c := domain.Company{
		RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: im.externalID(companyExternalID, line)},
		Name:        im.get(companyName),
		Responsible: im.required(companyResponsible),
		CreatedBy:   im.get(companyCreatedBy),
		CreatedAt:   im.time(companyCreatedAt, true),
	}
	c.DeletedAt = im.time(companyDeletedAt, false)
	c.Phones = im.phones(companyPhones)
	if len(im.problems) == n {
		im.companies.add(c)
	}
}

func (im *importer) deal(line int) {
	n := len(im.problems)
	d := domain.Deal{
		RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: im.externalID(dealExternalID, line)},
		Title:       im.get(dealTitle),
		Responsible: im.required(dealResponsible),
		Amount:      im.amount(dealAmount),
		Status:      im.enum(dealStatus, domain.DealOpen, domain.DealWon, domain.DealLost),
		CreatedAt:   im.time(dealCreatedAt, true),
	}
	d.ClosedAt = im.time(dealClosedAt, false)
	d.DeletedAt = im.time(dealDeletedAt, false)
	if d.Closed() && im.get(dealClosedAt) == "" {
		im.fail(dealClosedAt, "value is required for a deal that is %s", d.Status)
	}
	// CSV has no ids of pipelines and stages: their names serve as ids.
	d.Pipeline, d.Stage = im.get(dealPipeline), im.get(dealStage)
	d.PipelineID, d.StageID = d.Pipeline, d.Stage
	if d.Stage != "" && d.Pipeline == "" {
		// Stages are named within a pipeline ("Новая" is in every one).
		im.fail(dealPipeline, "value is required when %s is given", "stage")
	}
	if len(im.problems) == n {
		im.deals.add(d)
	}
}

func (im *importer) task(line int) {
	n := len(im.problems)
	k := domain.Task{
		RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: im.externalID(taskExternalID, line)},
		Title:       im.get(taskTitle),
		Responsible: im.required(taskResponsible),
		DealID:      im.get(taskDealID),
		Deadline:    im.time(taskDeadline, false),
		CreatedAt:   im.time(taskCreatedAt, true),
	}
	k.CompletedAt = im.time(taskCompletedAt, false)
	k.DeletedAt = im.time(taskDeletedAt, false)
	if len(im.problems) == n {
		im.tasks.add(k)
	}
}

func (im *importer) activity(line int) {
	n := len(im.problems)
	a := domain.Activity{
		RecordMeta:      domain.RecordMeta{Source: Source, ExternalID: im.externalID(activityExternalID, line)},
		Kind:            im.enum(activityKind, domain.ActivityCall, domain.ActivityMeeting),
		Responsible:     im.required(activityResponsible),
		HappenedAt:      im.time(activityHappenedAt, true),
		EnteredAt:       im.time(activityEnteredAt, true),
		DurationSeconds: im.seconds(activityDuration),
		Outcome:         im.enum(activityOutcome, domain.OutcomeHeld, domain.OutcomeMissed, domain.OutcomeCanceled),
		DealID:          im.get(activityDealID),
		Direction:       im.optionalEnum(activityDirection, domain.DirectionIn, domain.DirectionOut),
		Phone:           im.phone(activityPhone),
	}
	a.DeletedAt = im.time(activityDeletedAt, false)
	if len(im.problems) == n {
		im.activities.add(a)
	}
}

func (im *importer) move(line int) {
	n := len(im.problems)
	m := domain.DealMove{
		RecordMeta:   domain.RecordMeta{Source: Source, ExternalID: im.externalID(moveExternalID, line)},
		DealID:       im.required(moveDealID),
		Responsible:  im.required(moveResponsible),
		MovedAt:      im.time(moveMovedAt, true),
		Pipeline:     im.required(movePipeline),
		FromStage:    im.get(moveFromStage),
		Stage:        im.required(moveToStage),
		FromPipeline: im.get(moveFromPipeline),
	}
	m.DeletedAt = im.time(moveDeletedAt, false)
	// CSV has no ids of pipelines and stages: their names serve as ids.
	m.PipelineID, m.StageID = m.Pipeline, m.Stage
	m.FromPipelineID, m.FromStageID = m.FromPipeline, m.FromStage
	if m.Stage != "" && m.Stage == m.FromStage && (m.FromPipeline == "" || m.FromPipeline == m.Pipeline) {
		// Counted by deal_moves, it would credit a move that moved nothing.
		im.fail(moveToStage, "same as %s %q: a move changes the stage or the pipeline", "from_stage", m.Stage)
	}
	if len(im.problems) == n {
		im.moves.add(m)
	}
}

// parseUint parses a run of at most nine decimal digits; "" is 0.
func parseUint(s string) (int, bool) {
	if len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, true
}
