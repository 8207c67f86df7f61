package csvimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}

func mustParse(tb testing.TB, kind, data string, loc *time.Location) *domain.RecordBatch {
	tb.Helper()
	b, err := Parse(kind, kind+".csv", strings.NewReader(data), loc)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", kind, err)
	}
	return b
}

func TestParseValid(t *testing.T) {
	moscow := mustLoad(t, "Europe/Moscow")
	meta := func(id string) domain.RecordMeta { return domain.RecordMeta{Source: Source, ExternalID: id} }
	tests := []struct {
		kind string
		data string
		want domain.RecordBatch
	}{
		{
			kind: Companies,
			data: "external_id,name,responsible,created_by,created_at,deleted_at\n" +
				"c1,\"Ромашка, ООО\",101,102,2026-11-16 10:00,\n" +
				"c2,Acme,101,,2026-11-16T10:00:00Z,2026-11-17 09:30:15\n",
			want: domain.RecordBatch{Companies: []domain.Company{
				{RecordMeta: meta("c1"), Name: "Ромашка, ООО", Responsible: "101", CreatedBy: "102",
					CreatedAt: mustTime(t, "2026-11-16T07:00:00Z")},
				{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "c2", DeletedAt: mustTime(t, "2026-11-17T06:30:15Z")},
					Name: "Acme", Responsible: "101", CreatedAt: mustTime(t, "2026-11-16T10:00:00Z")},
			}},
		},
		{
			kind: Deals,
			data: "external_id,title,responsible,amount,status,created_at,closed_at,deleted_at\n" +
				"d1,Big,101,150000.50,won,2026-11-01 09:00,2026-11-16 17:59:59,\n" +
				"d2,Small,101,,open,2026-11-02 09:00,2026-11-03 10:00,\n" +
				"d3,Lost,102,0,LOST,2026-11-02 09:00,2026-11-03T10:00:00+03:00,2026-11-04 00:00\n",
			want: domain.RecordBatch{Deals: []domain.Deal{
				{RecordMeta: meta("d1"), Title: "Big", Responsible: "101", Amount: decimal.RequireFromString("150000.50"),
					Status: domain.DealWon, CreatedAt: mustTime(t, "2026-11-01T06:00:00Z"), ClosedAt: mustTime(t, "2026-11-16T14:59:59Z")},
				{RecordMeta: meta("d2"), Title: "Small", Responsible: "101", Status: domain.DealOpen,
					CreatedAt: mustTime(t, "2026-11-02T06:00:00Z"), ClosedAt: mustTime(t, "2026-11-03T07:00:00Z")},
				{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "d3", DeletedAt: mustTime(t, "2026-11-03T21:00:00Z")},
					Title: "Lost", Responsible: "102", Status: domain.DealLost,
					CreatedAt: mustTime(t, "2026-11-02T06:00:00Z"), ClosedAt: mustTime(t, "2026-11-03T07:00:00Z")},
			}},
		},
		{
			kind: Deals,
			data: "external_id,title,responsible,amount,status,created_at,closed_at,deleted_at,pipeline,stage\n" +
				"d1,Big,101,5,open,2026-11-01 09:00,,,Продажи,КП отправлено\n" +
				"d2,Small,101,5,open,2026-11-01 09:00,,, Сервис ,\n" +
				"d3,None,101,5,open,2026-11-01 09:00,,,,\n",
			want: domain.RecordBatch{Deals: []domain.Deal{
				{RecordMeta: meta("d1"), Title: "Big", Responsible: "101", Amount: decimal.RequireFromString("5"),
					Status: domain.DealOpen, CreatedAt: mustTime(t, "2026-11-01T06:00:00Z"),
					PipelineID: "Продажи", Pipeline: "Продажи", StageID: "КП отправлено", Stage: "КП отправлено"},
				{RecordMeta: meta("d2"), Title: "Small", Responsible: "101", Amount: decimal.RequireFromString("5"),
					Status: domain.DealOpen, CreatedAt: mustTime(t, "2026-11-01T06:00:00Z"),
					PipelineID: "Сервис", Pipeline: "Сервис"},
				{RecordMeta: meta("d3"), Title: "None", Responsible: "101", Amount: decimal.RequireFromString("5"),
					Status: domain.DealOpen, CreatedAt: mustTime(t, "2026-11-01T06:00:00Z")},
			}},
		},
		{
			kind: Tasks,
			data: "external_id,responsible,deal_id,deadline,created_at,completed_at,deleted_at\n" +
				"t1,101,d1,2026-11-16 18:00,2026-11-10 12:00,,\n" +
				"t2,101,,,2026-11-10 12:00,2026-11-11 12:00,\n",
			want: domain.RecordBatch{Tasks: []domain.Task{
				{RecordMeta: meta("t1"), Responsible: "101", DealID: "d1", Deadline: mustTime(t, "2026-11-16T15:00:00Z"),
					CreatedAt: mustTime(t, "2026-11-10T09:00:00Z")},
				{RecordMeta: meta("t2"), Responsible: "101", CreatedAt: mustTime(t, "2026-11-10T09:00:00Z"),
					CompletedAt: mustTime(t, "2026-11-11T09:00:00Z")},
			}},
		},
		{
			kind: Tasks,
			data: "title,external_id,responsible,deal_id,deadline,created_at,completed_at,deleted_at\n" +
				"Call back,t1,101,d1,,2026-11-10 12:00,,\n",
			want: domain.RecordBatch{Tasks: []domain.Task{
				{RecordMeta: meta("t1"), Title: "Call back", Responsible: "101", DealID: "d1", CreatedAt: mustTime(t, "2026-11-10T09:00:00Z")},
			}},
		},
		{
			kind: Activities,
			data: "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
				"a1,call,101,2026-11-16 10:00,2026-11-16 10:05,95,held,d1,\n" +
				"a2,meeting,101,2026-11-16 12:00,2026-11-17 09:00,,canceled,,\n" +
				"a3,call,102,2026-11-16T10:00:00.250+03:00,2026-11-16T07:01:00Z,0,missed,,\n",
			want: domain.RecordBatch{Activities: []domain.Activity{
				{RecordMeta: meta("a1"), Kind: domain.ActivityCall, Responsible: "101", HappenedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					EnteredAt: mustTime(t, "2026-11-16T07:05:00Z"), DurationSeconds: 95, Outcome: domain.OutcomeHeld, DealID: "d1"},
				{RecordMeta: meta("a2"), Kind: domain.ActivityMeeting, Responsible: "101", HappenedAt: mustTime(t, "2026-11-16T09:00:00Z"),
					EnteredAt: mustTime(t, "2026-11-17T06:00:00Z"), Outcome: domain.OutcomeCanceled},
				{RecordMeta: meta("a3"), Kind: domain.ActivityCall, Responsible: "102", HappenedAt: mustTime(t, "2026-11-16T07:00:00.25Z"),
					EnteredAt: mustTime(t, "2026-11-16T07:01:00Z"), Outcome: domain.OutcomeMissed},
			}},
		},
		{
			kind: Activities,
			data: "direction,external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
				"in,a1,call,101,2026-11-16 10:00,2026-11-16 10:00,5,held,,\n" +
				" OUT ,a2,call,101,2026-11-16 10:00,2026-11-16 10:00,5,held,,\n" +
				",a3,call,101,2026-11-16 10:00,2026-11-16 10:00,5,held,,\n",
			want: domain.RecordBatch{Activities: []domain.Activity{
				{RecordMeta: meta("a1"), Kind: domain.ActivityCall, Responsible: "101", HappenedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					EnteredAt: mustTime(t, "2026-11-16T07:00:00Z"), DurationSeconds: 5, Outcome: domain.OutcomeHeld, Direction: domain.DirectionIn},
				{RecordMeta: meta("a2"), Kind: domain.ActivityCall, Responsible: "101", HappenedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					EnteredAt: mustTime(t, "2026-11-16T07:00:00Z"), DurationSeconds: 5, Outcome: domain.OutcomeHeld, Direction: domain.DirectionOut},
				{RecordMeta: meta("a3"), Kind: domain.ActivityCall, Responsible: "101", HappenedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					EnteredAt: mustTime(t, "2026-11-16T07:00:00Z"), DurationSeconds: 5, Outcome: domain.OutcomeHeld},
			}},
		},
		{
			kind: DealMoves,
			data: movesHeader +
				"m1,d1,101,2026-11-16 10:00,Продажи,Новая,КП отправлено,\n" +
				"m2,d1,102,2026-11-16T10:30:00+03:00,Продажи,КП отправлено,Счёт выставлен,2026-11-17 09:00\n" +
				"m3,d2,101,2026-11-16 11:00,Продажи,,Новая,\n",
			want: domain.RecordBatch{Moves: []domain.DealMove{
				{RecordMeta: meta("m1"), DealID: "d1", Responsible: "101", MovedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					PipelineID: "Продажи", Pipeline: "Продажи", StageID: "КП отправлено", Stage: "КП отправлено",
					FromStageID: "Новая", FromStage: "Новая"},
				{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "m2", DeletedAt: mustTime(t, "2026-11-17T06:00:00Z")},
					DealID: "d1", Responsible: "102", MovedAt: mustTime(t, "2026-11-16T07:30:00Z"),
					PipelineID: "Продажи", Pipeline: "Продажи", StageID: "Счёт выставлен", Stage: "Счёт выставлен",
					FromStageID: "КП отправлено", FromStage: "КП отправлено"},
				{RecordMeta: meta("m3"), DealID: "d2", Responsible: "101", MovedAt: mustTime(t, "2026-11-16T08:00:00Z"),
					PipelineID: "Продажи", Pipeline: "Продажи", StageID: "Новая", Stage: "Новая"},
			}},
		},
		{
			kind: DealMoves,
			data: "from_pipeline,pipeline,to_stage,from_stage,external_id,deal_id,responsible,moved_at,deleted_at\n" +
				"Продажи,Сервис,Новая,Успешно,m1,d1,101,2026-11-16 10:00,\n" +
				",Сервис,Работа,Новая,m2,d1,101,2026-11-16 10:01,\n" +
				"Сервис,Сервис,Готово,Работа,m3,d1,101,2026-11-16 10:02,\n",
			want: domain.RecordBatch{Moves: []domain.DealMove{
				{RecordMeta: meta("m1"), DealID: "d1", Responsible: "101", MovedAt: mustTime(t, "2026-11-16T07:00:00Z"),
					PipelineID: "Сервис", Pipeline: "Сервис", StageID: "Новая", Stage: "Новая",
					FromPipelineID: "Продажи", FromPipeline: "Продажи", FromStageID: "Успешно", FromStage: "Успешно"},
				{RecordMeta: meta("m2"), DealID: "d1", Responsible: "101", MovedAt: mustTime(t, "2026-11-16T07:01:00Z"),
					PipelineID: "Сервис", Pipeline: "Сервис", StageID: "Работа", Stage: "Работа",
					FromStageID: "Новая", FromStage: "Новая"},
				{RecordMeta: meta("m3"), DealID: "d1", Responsible: "101", MovedAt: mustTime(t, "2026-11-16T07:02:00Z"),
					PipelineID: "Сервис", Pipeline: "Сервис", StageID: "Готово", Stage: "Готово",
					FromPipelineID: "Сервис", FromPipeline: "Сервис", FromStageID: "Работа", FromStage: "Работа"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			got := mustParse(t, tt.kind, tt.data, moscow)
			if diff := cmp.Diff(&tt.want, got, decimalEqual); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.kind, diff)
			}
		})
	}
}

func TestParseHeaderOnly(t *testing.T) {
	got := mustParse(t, Deals, "external_id,title,responsible,amount,status,created_at,closed_at,deleted_at\n", nil)
	if got.Len() != 0 {
		t.Errorf("got %d records from a header-only file, want 0", got.Len())
	}
}

// TestParseColumnOrder checks that columns are found by name, not position.
func TestParseColumnOrder(t *testing.T) {
	inOrder := "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
		"a1,call,101,2026-11-16 10:00,2026-11-16 10:05,95,held,d1,\n"
	shuffled := "deleted_at,outcome,Deal_ID,responsible, external_id ,duration_seconds,entered_at,happened_at,kind\n" +
		",held,d1,101,a1,95,2026-11-16 10:05,2026-11-16 10:00,call\n"
	want := mustParse(t, Activities, inOrder, time.UTC)
	got := mustParse(t, Activities, shuffled, time.UTC)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shuffled columns mismatch (-want +got):\n%s", diff)
	}
}

func TestParseBOM(t *testing.T) {
	data := "\uFEFFexternal_id,name,responsible,created_by,created_at,deleted_at\nc1,Acme,101,,2026-11-16 10:00,\n"
	got := mustParse(t, Companies, data, time.UTC)
	if len(got.Companies) != 1 || got.Companies[0].ExternalID != "c1" {
		t.Errorf("got %+v, want one company c1", got.Companies)
	}
}

// TestParseBerlinDST reads local times on both sides of both daylight-saving
// changes of 2026 in Europe/Berlin (29 March and 25 October).
func TestParseBerlinDST(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	data := "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
		"a1,call,101,2026-03-28 18:00,2026-03-28T18:00:00+01:00,1,held,,\n" + // CET, +01:00
		"a2,call,101,2026-03-29 01:59:59,2026-03-29 03:00,1,held,,\n" + // last second of CET, first of CEST
		"a3,call,101,2026-03-30 18:00,2026-03-30T18:00:00+02:00,1,held,,\n" + // CEST, +02:00
		"a4,call,101,2026-10-24 18:00,2026-10-26 18:00,1,held,,\n" // CEST, then CET again
	want := []struct{ happened, entered string }{
		{"2026-03-28T17:00:00Z", "2026-03-28T17:00:00Z"},
		{"2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z"},
		{"2026-03-30T16:00:00Z", "2026-03-30T16:00:00Z"},
		{"2026-10-24T16:00:00Z", "2026-10-26T17:00:00Z"},
	}
	got := mustParse(t, Activities, data, berlin)
	if len(got.Activities) != len(want) {
		t.Fatalf("got %d activities, want %d", len(got.Activities), len(want))
	}
	for i, w := range want {
		a := got.Activities[i]
		if !a.HappenedAt.Equal(mustTime(t, w.happened)) || !a.EnteredAt.Equal(mustTime(t, w.entered)) {
			t.Errorf("%s: got happened %s entered %s, want %s and %s", a.ExternalID,
				a.HappenedAt.Format(time.RFC3339), a.EnteredAt.Format(time.RFC3339), w.happened, w.entered)
		}
		if a.HappenedAt.Location() != time.UTC {
			t.Errorf("%s: happened_at in %s, want UTC", a.ExternalID, a.HappenedAt.Location())
		}
	}
}

func TestParseTime(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	valid := []struct{ in, want string }{
		{"2026-11-16 17:45", "2026-11-16T16:45:00Z"},
		{"2026-11-16 17:45:30", "2026-11-16T16:45:30Z"},
		{"2026-11-16T17:45:30", "2026-11-16T16:45:30Z"},
		{"2026-07-16 17:45", "2026-07-16T15:45:00Z"},
		{"2026-11-16T17:45:00+03:00", "2026-11-16T14:45:00Z"},
		{"2026-11-16T17:45:00-05:30", "2026-11-16T23:15:00Z"},
		{"2026-11-16T17:45:00Z", "2026-11-16T17:45:00Z"},
		{"2026-11-16t17:45:00z", "2026-11-16T17:45:00Z"},
		{"2026-11-16 17:45:00+0300", "2026-11-16T14:45:00Z"},
		{"2026-11-16 17:45:00+03", "2026-11-16T14:45:00Z"},
		{"2026-11-16T17:45:00.123456789Z", "2026-11-16T17:45:00.123456789Z"},
		{"2026-11-16T17:45:00.5+01:00", "2026-11-16T16:45:00.5Z"},
		{"2028-02-29 00:00", "2028-02-28T23:00:00Z"},
		{"2026-12-31 23:59:59", "2026-12-31T22:59:59Z"},
	}
	for _, tt := range valid {
		got, ok := parseTime(tt.in, berlin)
		if want := mustTime(t, tt.want); !ok || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %s, %v; want %s", tt.in, got.Format(time.RFC3339Nano), ok, tt.want)
		}
	}
	invalid := []string{
		"", "2026-11-16", "16.11.2026 10:00", "2026-11-16 1:45", "2026-11-16_17:45", "2026-13-01 10:00",
		"2026-02-29 10:00", "2026-04-31 10:00", "2026-11-00 10:00", "2026-11-16 24:00", "2026-11-16 10:60",
		"2026-11-16 10:00:60", "2026-11-16 10:00:5", "2026-11-16T10:00:00.Z", "2026-11-16T10:00:00+3:00",
		"2026-11-16T10:00:00+03:0", "2026-11-16T10:00:00+24:00", "2026-11-16T10:00:00 MSK", "2026-11-16T10:00:00+03:00x",
		"２０２６-11-16 10:00", "-026-11-16 10:00", "2026-11-16 10:00 ",
	}
	for _, in := range invalid {
		if got, ok := parseTime(in, berlin); ok {
			t.Errorf("parseTime(%q) = %s, want an error", in, got)
		}
	}
}

const (
	companiesHeader  = "external_id,name,responsible,created_by,created_at,deleted_at\n"
	dealsHeader      = "external_id,title,responsible,amount,status,created_at,closed_at,deleted_at\n"
	tasksHeader      = "external_id,responsible,deal_id,deadline,created_at,completed_at,deleted_at\n"
	activitiesHeader = "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n"
	movesHeader      = "external_id,deal_id,responsible,moved_at,pipeline,from_stage,to_stage,deleted_at\n"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		kind string
		data string
		want []string // the error's lines, without the file name
	}{
		{"empty file", Deals, "",
			[]string{"1: empty file: want a header row (external_id,title,responsible,amount,status,created_at,closed_at,deleted_at)"}},
		{"missing column", Companies, "external_id,name,responsible,created_by,deleted_at\n",
			[]string{"1: missing column created_at"}},
		{"unknown column", Companies, "external_id,name,responsible,created_by,created_at,deleted_at,phone\n",
			[]string{`1: unknown column "phone" (known: external_id,name,responsible,created_by,created_at,deleted_at,phones)`}},
		{"column twice", Companies, "external_id,name,responsible,created_by,created_at,deleted_at,name\n",
			[]string{"1: column name given twice"}},
		{"title is only for tasks", Activities, strings.TrimSuffix(activitiesHeader, "\n") + ",title\n",
			[]string{`1: unknown column "title" (known: external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at,direction,phone)`}},
		{"wrong field count", Companies, companiesHeader + "c1,Acme,101,,2026-11-16 10:00,,extra\nc2,Acme,101\n",
			[]string{"2: wrong number of fields: got 7, want 6 as in the header", "3: wrong number of fields: got 3, want 6 as in the header"}},
		{"bad quote", Companies, companiesHeader + "c1,Ac\"me,101,,2026-11-16 10:00,\n",
			[]string{`2: invalid CSV: bare " in non-quoted-field`}},
		{"missing external id", Companies, companiesHeader + ",Acme,101,,2026-11-16 10:00,\n",
			[]string{"2: column external_id: value is required"}},
		{"missing responsible", Companies, companiesHeader + "c1,Acme, ,,2026-11-16 10:00,\n",
			[]string{"2: column responsible: value is required"}},
		{"missing created_at", Tasks, tasksHeader + "t1,101,,,,,\n",
			[]string{"2: column created_at: value is required"}},
		{"invalid time", Companies, companiesHeader + "c1,Acme,101,,16.11.2026 10:00,\n",
			[]string{`2: column created_at: invalid time "16.11.2026 10:00": want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]`}},
		{"invalid deleted_at", Tasks, tasksHeader + "t1,101,,,2026-11-16 10:00,,yesterday\n",
			[]string{`2: column deleted_at: invalid time "yesterday": want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]`}},
		{"invalid decimal", Deals, dealsHeader + "d1,Big,101,\"12,5\",open,2026-11-16 10:00,,\n",
			[]string{`2: column amount: invalid decimal "12,5"`}},
		{"negative amount", Deals, dealsHeader + "d1,Big,101,-5,open,2026-11-16 10:00,,\n",
			[]string{"2: column amount: must not be negative, got -5"}},
		{"invalid status", Deals, dealsHeader + "d1,Big,101,5,closed,2026-11-16 10:00,,\n",
			[]string{`2: column status: invalid value "closed" (want one of open, won, lost)`}},
		{"missing status", Deals, dealsHeader + "d1,Big,101,5,,2026-11-16 10:00,,\n",
			[]string{"2: column status: value is required (one of open, won, lost)"}},
		{"won without closed_at", Deals, dealsHeader + "d1,Big,101,5,won,2026-11-16 10:00,,\nd2,Big,101,5,lost,2026-11-16 10:00,,\n",
			[]string{"2: column closed_at: value is required for a deal that is won", "3: column closed_at: value is required for a deal that is lost"}},
		{"invalid kind", Activities, activitiesHeader + "a1,email,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,\n",
			[]string{`2: column kind: invalid value "email" (want one of call, meeting)`}},
		{"invalid outcome", Activities, activitiesHeader + "a1,call,101,2026-11-16 10:00,2026-11-16 10:00,0,done,,\n",
			[]string{`2: column outcome: invalid value "done" (want one of held, missed, canceled)`}},
		{"missing happened and entered", Activities, activitiesHeader + "a1,call,101,,,0,held,,\n",
			[]string{"2: column happened_at: value is required", "2: column entered_at: value is required"}},
		{"invalid duration", Activities, activitiesHeader + "a1,call,101,2026-11-16 10:00,2026-11-16 10:00,1.5,held,,\n",
			[]string{`2: column duration_seconds: invalid whole number "1.5"`}},
		{"negative duration", Activities, activitiesHeader + "a1,call,101,2026-11-16 10:00,2026-11-16 10:00,-3,held,,\n",
			[]string{"2: column duration_seconds: must not be negative, got -3"}},
		{"huge duration", Activities, activitiesHeader + "a1,call,101,2026-11-16 10:00,2026-11-16 10:00,99999999999,held,,\n",
			[]string{`2: column duration_seconds: invalid whole number "99999999999"`}},
		{"duplicate external id", Activities, activitiesHeader +
			"a1,call,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,\n" +
			"a2,call,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,\n" +
			"a1,call,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,\n",
			[]string{`4: column external_id: duplicate external id "a1" (first on line 2)`}},
		{"physical line after a multi-line field", Deals, dealsHeader +
			"d1,\"Two\nlines\",101,5,open,2026-11-16 10:00,,\n" +
			"d2,Big,101,x,open,2026-11-16 10:00,,\n",
			[]string{`4: column amount: invalid decimal "x"`}},
		{"invalid direction", Activities, strings.TrimSuffix(activitiesHeader, "\n") + ",direction\n" +
			"a1,call,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,,in\n" +
			"a2,call,101,2026-11-16 10:00,2026-11-16 10:00,0,held,,,incoming\n",
			[]string{`3: column direction: invalid value "incoming" (want one of in, out)`}},
		{"stage without pipeline", Deals, strings.TrimSuffix(dealsHeader, "\n") + ",pipeline,stage\n" +
			"d1,Big,101,5,open,2026-11-16 10:00,,,,Новая\n",
			[]string{"2: column pipeline: value is required when stage is given"}},
		{"stage without a pipeline column", Deals, strings.TrimSuffix(dealsHeader, "\n") + ",stage\n" +
			"d1,Big,101,5,open,2026-11-16 10:00,,,Новая\n",
			[]string{"2: column pipeline: value is required when stage is given"}},
		{"pipeline is not a task column", Tasks, strings.TrimSuffix(tasksHeader, "\n") + ",pipeline\n",
			[]string{`1: unknown column "pipeline" (known: external_id,responsible,deal_id,deadline,created_at,completed_at,deleted_at,title)`}},
		{"move missing column", DealMoves, "external_id,deal_id,responsible,moved_at,pipeline,to_stage,deleted_at,from_pipeline\n",
			[]string{"1: missing column from_stage"}},
		{"move empty file", DealMoves, "",
			[]string{"1: empty file: want a header row (external_id,deal_id,responsible,moved_at,pipeline,from_stage,to_stage,deleted_at)"}},
		{"move unknown column", DealMoves, strings.TrimSuffix(movesHeader, "\n") + ",stage\n",
			[]string{`1: unknown column "stage" (known: external_id,deal_id,responsible,moved_at,pipeline,from_stage,to_stage,deleted_at,from_pipeline)`}},
		{"move required values", DealMoves, movesHeader + ",,,,,Новая,,\n",
			[]string{
				"2: column external_id: value is required",
				"2: column deal_id: value is required",
				"2: column responsible: value is required",
				"2: column moved_at: value is required",
				"2: column pipeline: value is required",
				"2: column to_stage: value is required",
			}},
		{"move invalid times", DealMoves, movesHeader + "m1,d1,101,16.11.2026,Продажи,Новая,КП,never\n",
			[]string{
				`2: column moved_at: invalid time "16.11.2026": want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]`,
				`2: column deleted_at: invalid time "never": want RFC 3339 with an offset (2026-11-16T17:45:00+03:00) or YYYY-MM-DD HH:MM[:SS]`,
			}},
		{"move to the same stage", DealMoves, "from_pipeline," + movesHeader +
			",m1,d1,101,2026-11-16 10:00,Продажи,Новая,Новая,\n" +
			"Продажи,m2,d1,101,2026-11-16 10:00,Продажи,Новая,Новая,\n" +
			"Сервис,m3,d1,101,2026-11-16 10:00,Продажи,Новая,Новая,\n", // another pipeline: a move
			[]string{
				`2: column to_stage: same as from_stage "Новая": a move changes the stage or the pipeline`,
				`3: column to_stage: same as from_stage "Новая": a move changes the stage or the pipeline`,
			}},
		{"move duplicate external id", DealMoves, movesHeader +
			"m1,d1,101,2026-11-16 10:00,Продажи,Новая,КП,\n" +
			"m1,d2,101,2026-11-16 10:00,Продажи,Новая,КП,\n",
			[]string{`3: column external_id: duplicate external id "m1" (first on line 2)`}},
		{"several errors in one row", Deals, dealsHeader + "d1,Big,,x,won,,,\n",
			[]string{
				"2: column responsible: value is required",
				`2: column amount: invalid decimal "x"`,
				"2: column created_at: value is required",
				"2: column closed_at: value is required for a deal that is won",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.kind + ".csv"
			got, err := Parse(tt.kind, file, strings.NewReader(tt.data), time.UTC)
			if got != nil {
				t.Errorf("got a batch of %d records with an error, want nil", got.Len())
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = file + ":" + w
			}
			if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// errorLines checks that err is an invalid-input *domain.Error and returns
// its message's lines.
func errorLines(tb testing.TB, err error) []string {
	tb.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		tb.Fatalf("got error %v (%T), want a *domain.Error", err, err)
	}
	if de.Code != domain.EINVALID {
		tb.Errorf("got code %q, want %q", de.Code, domain.EINVALID)
	}
	return strings.Split(de.Message, "\n")
}

func TestParseStopsAfterMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(dealsHeader)
	for i := range 50 {
		fmt.Fprintf(&b, "d%d,Big,101,bad,open,2026-11-16 10:00,,\n", i)
	}
	_, err := Parse(Deals, "deals.csv", strings.NewReader(b.String()), time.UTC)
	lines := errorLines(t, err)
	if len(lines) != MaxErrors+1 {
		t.Fatalf("got %d lines, want %d problems and a final note:\n%s", len(lines), MaxErrors, strings.Join(lines, "\n"))
	}
	if want := `deals.csv:21: column amount: invalid decimal "bad"`; lines[MaxErrors-1] != want {
		t.Errorf("last problem = %q, want %q", lines[MaxErrors-1], want)
	}
	if want := "deals.csv:22: too many errors, stopped here"; lines[MaxErrors] != want {
		t.Errorf("final line = %q, want %q", lines[MaxErrors], want)
	}
}

const (
	notUTF8 = `file is not in UTF-8: save it as "CSV UTF-8" (Excel saves CSV in Windows-1251 by default)`
	nulByte = `NUL byte: file is not in UTF-8 (UTF-16?): save it as "CSV UTF-8"`
)

// cp1251 is "Ромашка" as a Russian Excel saves it by default.
const cp1251 = "\xd0\xee\xec\xe0\xf8\xea\xe0"

// utf16 returns s in UTF-16LE with a byte order mark, as Excel's
// "Unicode text" saves it.
func utf16(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

// TestParseEncoding checks that text that is not UTF-8, or holds a NUL
// byte, is refused at its line and column, once: a file in another
// encoding is wrong on every line.
func TestParseEncoding(t *testing.T) {
	row := func(id, name string) string { return id + "," + name + ",101,,2026-11-16 10:00,\n" }
	tests := []struct {
		name string
		kind string
		data string
		want []string // the error's lines, without the file name
	}{
		{"cp1251 in a field", Companies, companiesHeader + row("c1", "Acme") + row("c2", cp1251) + row("c3", cp1251),
			[]string{"3: column name: " + notUTF8}},
		{"cp1251 in a shuffled column", Companies, "name,external_id,responsible,created_by,created_at,deleted_at\n" +
			"Acme,c1,101," + cp1251 + ",2026-11-16 10:00,\n",
			[]string{"2: column created_by: " + notUTF8}},
		{"cp1251 in the header", Deals, "external_id,title,responsible,amount,status,created_at,closed_at,deleted_at,\xcf\xee\xeb\xe5\n",
			[]string{"1: " + notUTF8}},
		{"cp1251 on the second line of a quoted field", Companies, companiesHeader + "c1,\"Acme\nООО " + cp1251 + "\",101,,2026-11-16 10:00,\n",
			[]string{"3: column name: " + notUTF8}},
		{"truncated UTF-8", Companies, companiesHeader + row("c1", "Ром\xd0"),
			[]string{"2: column name: " + notUTF8}},
		{"UTF-16", Companies, utf16(companiesHeader + row("c1", "Ромашка")),
			[]string{"1: " + notUTF8}},
		{"NUL byte", Companies, companiesHeader + row("c1", "Ac\x00me"),
			[]string{"2: column name: " + nulByte}},
		{"NUL byte before invalid UTF-8", Companies, companiesHeader + row("c1", "\x00"+cp1251),
			[]string{"2: column name: " + nulByte}},
		{"invalid UTF-8 before a NUL byte", Companies, companiesHeader + row("c1", cp1251+"\x00"),
			[]string{"2: column name: " + notUTF8}},
		{"NUL byte in the header", Companies, "external_id\x00,name,responsible,created_by,created_at,deleted_at\n",
			[]string{"1: " + nulByte}},
		{"after other problems", Companies, companiesHeader + row("c1", "Acme") + row("c1", "Acme") + row("c2", cp1251),
			[]string{`3: column external_id: duplicate external id "c1" (first on line 2)`, "4: column name: " + notUTF8}},
		{"a deal move", DealMoves, movesHeader + "m1,d1,101,2026-11-16 10:00,Продажи,Новая," + cp1251 + ",\n",
			[]string{"2: column to_stage: " + notUTF8}},
		{"BOM then cp1251", Companies, "\uFEFF" + companiesHeader + row("c1", cp1251),
			[]string{"2: column name: " + notUTF8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.kind + ".csv"
			got, err := Parse(tt.kind, file, strings.NewReader(tt.data), time.UTC)
			if got != nil {
				t.Errorf("got a batch of %d records with an error, want nil", got.Len())
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = file + ":" + w
			}
			if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseUTF8 checks that valid UTF-8 of every width is kept as written.
func TestParseUTF8(t *testing.T) {
	for _, name := range []string{"Ромашка", "Café “Ёж” № 5 — €", "東京", "🦔 Ёжик", "\uFFFD"} {
		got := mustParse(t, Companies, companiesHeader+"c1,\""+name+"\",101,,2026-11-16 10:00,\n", time.UTC)
		if len(got.Companies) != 1 || got.Companies[0].Name != name {
			t.Errorf("got %+v; want one company named %q", got.Companies, name)
		}
	}
}

func TestParseUnknownKind(t *testing.T) {
	_, err := Parse("leads", "x.csv", strings.NewReader(companiesHeader), time.UTC)
	want := `csv import: unknown type "leads" (known: companies, deals, tasks, activities, deal_moves, contacts, pbx_calls)`
	if lines := errorLines(t, err); len(lines) != 1 || lines[0] != want {
		t.Errorf("got %q, want %q", lines, want)
	}
}

type failingReader struct{ data io.Reader }

func (r failingReader) Read(p []byte) (int, error) {
	n, err := r.data.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestParseReadError(t *testing.T) {
	_, err := Parse(Companies, "c.csv", failingReader{strings.NewReader(companiesHeader + "c1,Acme,101,,2026-11-16 10:00,\n")}, time.UTC)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %v, want the read error", err)
	}
	if code := domain.ErrorCode(err); code != domain.EINTERNAL {
		t.Errorf("got code %q, want %q: a read failure is not the file's fault", code, domain.EINTERNAL)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Companies, companiesHeader+"c1,Acme,101,,2026-11-16 10:00,\n")
	f.Add(Deals, dealsHeader+"d1,Big,101,150000.50,won,2026-11-01 09:00,2026-11-16T17:59:59+03:00,\n")
	f.Add(Tasks, "title,"+tasksHeader+"Call,t1,101,d1,2026-11-16 18:00,2026-11-10 12:00,,\n")
	f.Add(Activities, activitiesHeader+"a1,call,101,2026-11-16 10:00:05.5Z,2026-11-16 10:05+0300,95,held,d1,\n")
	f.Add(Activities, "\uFEFF"+activitiesHeader+"a1,call,101,\"2026-11-16\n10:00\",,x,held,,\na1\n")
	f.Add(DealMoves, "from_pipeline,"+movesHeader+"Сервис,m1,d1,101,2026-11-16 10:00,Продажи,Новая,КП,\n")
	f.Add(Deals, "pipeline,stage,"+dealsHeader+"Продажи,КП,d1,Big,101,5,open,2026-11-01 09:00,,\n")
	f.Add(Companies, companiesHeader+"c1,"+cp1251+",101,,2026-11-16 10:00,\n")
	f.Add("contacts", "")
	berlin := mustLoad(f, "Europe/Berlin")
	f.Fuzz(func(t *testing.T, kind, data string) {
		b, err := Parse(kind, "f.csv", strings.NewReader(data), berlin)
		if (b == nil) == (err == nil) {
			t.Fatalf("got batch %v and error %v, want exactly one", b, err)
		}
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.EINVALID {
				t.Fatalf("got code %q for %v, want %q", code, err, domain.EINVALID)
			}
			return
		}
		check := func(m domain.RecordMeta, times ...time.Time) {
			if m.Source != Source || m.ExternalID == "" {
				t.Fatalf("record %+v: want source %q and an external id", m, Source)
			}
			for _, tm := range append(times, m.DeletedAt) {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Fatalf("record %s: time %s not in UTC", m.ExternalID, tm)
				}
			}
		}
		for _, c := range b.Companies {
			check(c.RecordMeta, c.CreatedAt)
		}
		for _, d := range b.Deals {
			check(d.RecordMeta, d.CreatedAt, d.ClosedAt)
			if d.Amount.IsNegative() {
				t.Fatalf("deal %s: negative amount %s", d.ExternalID, d.Amount)
			}
		}
		for _, k := range b.Tasks {
			check(k.RecordMeta, k.CreatedAt, k.Deadline, k.CompletedAt)
		}
		for _, a := range b.Activities {
			check(a.RecordMeta, a.HappenedAt, a.EnteredAt)
			if a.DurationSeconds < 0 {
				t.Fatalf("activity %s: negative duration", a.ExternalID)
			}
		}
		for _, m := range b.Moves {
			check(m.RecordMeta, m.MovedAt)
			if m.DealID == "" || m.Responsible == "" || m.Pipeline == "" || m.Stage == "" {
				t.Fatalf("move %s: empty required field in %+v", m.ExternalID, m)
			}
		}
		if !utf8.ValidString(data) || strings.IndexByte(data, 0) >= 0 {
			t.Fatalf("got a batch from a file that is not UTF-8 or holds NUL: %q", data)
		}
	})
}

// activityRows returns a CSV file of n activities in the most common shape:
// local times, a mix of kinds and outcomes, a few RFC 3339 times.
func activityRows(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 100)
	b.WriteString(activitiesHeader)
	kinds := []string{"call", "call", "call", "meeting"}
	outcomes := []string{"held", "held", "missed", "canceled"}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * 17 * time.Second)
		entered := at.Add(3 * time.Minute)
		if i%10 == 0 {
			fmt.Fprintf(&b, "a%d,%s,%d,%s,%s,%d,%s,d%d,\n", i, kinds[i%4], 100+i%50,
				at.Format("2006-01-02T15:04:05+03:00"), entered.Format("2006-01-02T15:04:05+03:00"), i%600, outcomes[i/4%4], i%3000)
			continue
		}
		fmt.Fprintf(&b, "a%d,%s,%d,%s,%s,%d,%s,d%d,\n", i, kinds[i%4], 100+i%50,
			at.Format("2006-01-02 15:04:05"), entered.Format("2006-01-02 15:04"), i%600, outcomes[i/4%4], i%3000)
	}
	return b.Bytes()
}

func BenchmarkParseActivities(b *testing.B) {
	const rows = 100_000
	data := activityRows(rows)
	moscow := mustLoad(b, "Europe/Moscow")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		batch, err := Parse(Activities, "activities.csv", bytes.NewReader(data), moscow)
		if err != nil {
			b.Fatal(err)
		}
		if len(batch.Activities) != rows {
			b.Fatalf("got %d activities, want %d", len(batch.Activities), rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
