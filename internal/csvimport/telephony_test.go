package csvimport

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
)

func TestParseContacts(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	b := mustParse(t, Contacts, "external_id,name,responsible,company_id,phones,created_at,deleted_at\n"+
		"c1,Иван Петров,101,k1,+7 912 000-00-01; 8 (495) 000-00-02 ;,2026-11-16 10:00,\n"+
		"c2,Без номера,101,,,2026-11-16T09:00:00+03:00,2026-11-17 12:00\n", msk)
	want := []domain.Person{
		{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "c1"}, Name: "Иван Петров", Responsible: "101", CompanyID: "k1",
			Phones: []string{"+7 912 000-00-01", "8 (495) 000-00-02"}, CreatedAt: time.Date(2026, 11, 16, 7, 0, 0, 0, time.UTC)},
		{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "c2", DeletedAt: time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)},
			Name: "Без номера", Responsible: "101", CreatedAt: time.Date(2026, 11, 16, 6, 0, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, b.Persons); diff != "" {
		t.Errorf("contacts (-want +got):\n%s", diff)
	}
	if b.Len() != 2 {
		t.Errorf("batch holds %d records, want the 2 contacts only", b.Len())
	}
}

func TestParsePBXCalls(t *testing.T) {
	b := mustParse(t, PBXCalls, "started_at,external_id,pbx_user,talk_seconds,direction,phone\n"+
		"2026-11-16T10:00:00+03:00,p1,101,95,OUT,+7 912 000-00-01\n"+
		"2026-11-16T10:05:00+03:00,p2,101,0,in,\n", time.UTC)
	want := []domain.PBXCall{
		{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "p1"}, PBXUser: "101",
			StartedAt: time.Date(2026, 11, 16, 7, 0, 0, 0, time.UTC), TalkSeconds: 95, Direction: domain.DirectionOut, Phone: "+7 912 000-00-01"},
		{RecordMeta: domain.RecordMeta{Source: Source, ExternalID: "p2"}, PBXUser: "101",
			StartedAt: time.Date(2026, 11, 16, 7, 5, 0, 0, time.UTC), Direction: domain.DirectionIn},
	}
	if diff := cmp.Diff(want, b.PBXCalls); diff != "" {
		t.Errorf("pbx calls (-want +got):\n%s", diff)
	}
}

// Companies take an optional phones column, activities an optional phone.
func TestParseTelephoneColumns(t *testing.T) {
	b := mustParse(t, Companies, "external_id,name,responsible,created_by,created_at,deleted_at,phones\n"+
		"k1,Acme,101,,2026-11-16 10:00,,+7 495 000-00-01;+7 495 000-00-02\n", time.UTC)
	if got := b.Companies[0].Phones; !cmp.Equal(got, []string{"+7 495 000-00-01", "+7 495 000-00-02"}) {
		t.Errorf("company phones %q", got)
	}
	b = mustParse(t, Activities, strings.TrimSuffix(activitiesHeader, "\n")+",phone\n"+
		"a1,call,101,2026-11-16 10:00,2026-11-16 10:05,95,held,,,8 912 000 00 01\n", time.UTC)
	if got := b.Activities[0].Phone; got != "8 912 000 00 01" {
		t.Errorf("activity phone %q", got)
	}
}

// Problems name the file, line and column, and a file with any imports
// nothing.
func TestParseTelephonyErrors(t *testing.T) {
	for _, c := range []struct {
		kind, data string
		want       []string
	}{
		{Contacts, "external_id,name,responsible,company_id,phones,created_at,deleted_at\n" +
			"c1,Иван,101,,+7 912 000-00-01;нет,2026-11-16 10:00,\n" +
			"c2,Пётр,,,,,\n",
			[]string{`2: column phones: "нет" is not a phone number: it has no digits`,
				"3: column responsible: value is required", "3: column created_at: value is required"}},
		{PBXCalls, "external_id,pbx_user,started_at,talk_seconds,direction\n",
			[]string{"1: missing column phone"}},
		{PBXCalls, "external_id,pbx_user,started_at,talk_seconds,direction,phone\n" +
			"p1,101,2026-11-16 10:00,,out,+79120000001\n" +
			"p2,,2026-11-16 10:00,-5,sideways,???\n" +
			"p1,101,2026-11-16 10:00,5,in,\n",
			[]string{"2: column talk_seconds: value is required",
				"3: column pbx_user: value is required",
				`3: column talk_seconds: must not be negative, got -5`,
				`3: column direction: invalid value "sideways" (want one of in, out)`,
				`3: column phone: "???" is not a phone number: it has no digits`,
				`4: column external_id: duplicate external id "p1" (first on line 2)`}},
	} {
		b, err := Parse(c.kind, c.kind+".csv", strings.NewReader(c.data), time.UTC)
		if b != nil {
			t.Errorf("%s: a file with problems gave a batch", c.kind)
		}
		var want []string
		for _, w := range c.want {
			want = append(want, c.kind+".csv:"+w)
		}
		if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
			t.Errorf("%s problems (-want +got):\n%s", c.kind, diff)
		}
	}
}
