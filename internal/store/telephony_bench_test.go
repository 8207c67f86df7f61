package store_test

import (
	"fmt"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// BenchmarkLoadTelephony times a day's telephone read (LoadTelephony,
// what a day sheet adds when its regulation uses a telephone base) for
// 200 managers with 40 PBX calls each, as many CRM calls, and a contact
// per client number, over a week of history.
func BenchmarkLoadTelephony(b *testing.B) {
	storetest.Each(b, func(b *testing.B, s *store.Store) {
		ws := newWorkspace()
		ws.Managers = nil
		for m := range 200 {
			ws.Managers = append(ws.Managers, domain.Manager{ID: fmt.Sprintf("m%d", m), Name: "M",
				CRMIDs: []string{fmt.Sprintf("u%d", m)}, PBXIDs: []string{fmt.Sprintf("%d", 1000+m)}})
		}
		ws.Regulation = nil
		if _, err := s.ApplyWorkspace(ctx, ws, "bench", now); err != nil {
			b.Fatal(err)
		}
		var batch domain.RecordBatch
		day := date("2026-11-18")
		for d := range 7 {
			for m := range 200 {
				for c := range 40 {
					phone := fmt.Sprintf("+7912%03d%04d", m, c)
					at := time.Date(2026, 11, 12+d, 6, 0, 0, 0, time.UTC).Add(time.Duration(c*10) * time.Minute)
					id := fmt.Sprintf("%d-%d-%d", d, m, c)
					batch.PBXCalls = append(batch.PBXCalls, domain.PBXCall{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "p" + id},
						PBXUser: fmt.Sprintf("%d", 1000+m), StartedAt: at, TalkSeconds: 60, Direction: domain.DirectionOut, Phone: phone})
					if c%2 == 0 {
						batch.Activities = append(batch.Activities, domain.Activity{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "a" + id},
							Kind: domain.ActivityCall, Responsible: fmt.Sprintf("u%d", m), HappenedAt: at, EnteredAt: at.Add(time.Minute),
							DurationSeconds: 60, Outcome: domain.OutcomeHeld, Phone: phone})
					}
					if d == 0 && c%3 != 0 {
						batch.Persons = append(batch.Persons, domain.Person{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c" + id},
							Name: "P", Responsible: fmt.Sprintf("u%d", m), Phones: []string{phone}, CreatedAt: at})
					}
				}
			}
		}
		start := time.Now()
		if _, err := s.UpsertRecords(ctx, "acme", &batch, time.Time{}, "bench", now); err != nil {
			b.Fatal(err)
		}
		b.Logf("upserted %d records in %s", batch.Len(), time.Since(start).Round(time.Millisecond))
		win := ws.Window(day)
		b.ResetTimer()
		for b.Loop() {
			t, err := s.LoadTelephony(ctx, "acme", win)
			if err != nil {
				b.Fatal(err)
			}
			if len(t.PBXCalls) != 8000 || len(t.Persons) == 0 {
				b.Fatalf("%d PBX calls, %d contacts", len(t.PBXCalls), len(t.Persons))
			}
		}
	})
}
