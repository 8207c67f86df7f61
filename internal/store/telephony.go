package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/domain"
)

// The telephone exchange as a second witness (DESIGN.md section 12):
// contacts and PBX calls are upserted with the other records
// (upsertBatch), the normalized phones of contacts and companies kept in
// record_phones for lookup, and a day's read gets what the telephone
// bases need (telephonyPart).

// phonesText is how a record's phones are stored: a JSON array, "" for
// none.
func phonesText(phones []string) string {
	if len(phones) == 0 {
		return ""
	}
	b, _ := json.Marshal(phones)
	return string(b)
}

// parsePhones reads what phonesText writes.
func parsePhones(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("phones %q: %w", s, err)
	}
	return out, nil
}

// phoneCountry returns the workspace's phone_country as stored.
func phoneCountry(ctx context.Context, tx *sql.Tx, workspace string) (string, error) {
	var country string
	err := tx.QueryRowContext(ctx, `SELECT phone_country FROM workspaces WHERE id = $1`, workspace).Scan(&country)
	if err != nil {
		return "", fmt.Errorf("phone country: %w", err)
	}
	return country, nil
}

// phoneRecord is a contact's or company's phones, to be indexed.
type phoneRecord struct {
	source, id string
	phones     []string
}

// refreshRecordPhones makes record_phones hold the normalized phones of
// records of kind (domain.KindPerson or domain.KindCompany), replacing
// what it held of them; a record listed twice keeps its last phones.
// When no record has a phone and the workspace has no phone of kind yet
// (a CRM that sends none), there is nothing to do.
func refreshRecordPhones(ctx context.Context, tx *sql.Tx, workspace, kind string, records []phoneRecord) error {
	if len(records) == 0 {
		return nil
	}
	if !slices.ContainsFunc(records, func(r phoneRecord) bool { return len(r.phones) > 0 }) {
		var any bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM record_phones WHERE workspace = $1 AND kind = $2)`,
			workspace, kind).Scan(&any); err != nil {
			return fmt.Errorf("record phones: %w", err)
		}
		if !any {
			return nil
		}
	}
	country, err := phoneCountry(ctx, tx, workspace)
	if err != nil {
		return err
	}
	last := make(map[[2]string]int, len(records))
	keys := make([][2]string, 0, len(records))
	for i, r := range records {
		k := [2]string{r.source, r.id}
		if _, ok := last[k]; !ok {
			keys = append(keys, k)
		}
		last[k] = i
	}
	for lo := 0; lo < len(keys); lo += keepChunk {
		chunk := keys[lo:min(lo+keepChunk, len(keys))]
		var b strings.Builder
		b.WriteString(`DELETE FROM record_phones WHERE workspace = $1 AND kind = $2 AND (source, external_id) IN (VALUES `)
		args := []any{workspace, kind}
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("($" + strconv.Itoa(len(args)+1) + ", $" + strconv.Itoa(len(args)+2) + ")")
			args = append(args, k[0], k[1])
		}
		b.WriteString(")")
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("record phones: %w", err)
		}
	}
	var rows [][4]string
	for _, k := range keys {
		r := records[last[k]]
		seen := make(map[string]bool, len(r.phones))
		for _, p := range r.phones {
			if n := domain.NormalizePhone(p, country); n != "" && !seen[n] {
				seen[n] = true
				rows = append(rows, [4]string{n, kind, r.source, r.id})
			}
		}
	}
	return insertRecordPhones(ctx, tx, workspace, rows)
}

// insertRecordPhones inserts rows (phone, kind, source, external id) into
// record_phones, chunkRows a statement.
func insertRecordPhones(ctx context.Context, tx *sql.Tx, workspace string, rows [][4]string) error {
	for lo := 0; lo < len(rows); lo += chunkRows {
		chunk := rows[lo:min(lo+chunkRows, len(rows))]
		var b strings.Builder
		b.WriteString(`INSERT INTO record_phones (workspace, phone, kind, source, external_id) VALUES `)
		args := []any{workspace}
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("($1")
			for _, v := range r {
				args = append(args, v)
				b.WriteString(", $" + strconv.Itoa(len(args)))
			}
			b.WriteString(")")
		}
		b.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("record phones: %w", err)
		}
	}
	return nil
}

// rebuildRecordPhones normalizes every stored phone of the workspace's
// contacts and companies again, after its phone_country changed.
func rebuildRecordPhones(ctx context.Context, tx *sql.Tx, workspace, country string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM record_phones WHERE workspace = $1`, workspace); err != nil {
		return fmt.Errorf("record phones: %w", err)
	}
	var rows [][4]string
	for _, t := range []struct{ table, kind string }{{"persons", domain.KindPerson}, {"companies", domain.KindCompany}} {
		err := queryRows(ctx, tx, `SELECT source, external_id, phones FROM `+t.table+` WHERE workspace = $1 AND phones <> ''`,
			[]any{workspace}, func(r *sql.Rows) error {
				var source, id, text string
				if err := r.Scan(&source, &id, &text); err != nil {
					return err
				}
				phones, err := parsePhones(text)
				if err != nil {
					return err
				}
				seen := make(map[string]bool, len(phones))
				for _, p := range phones {
					if n := domain.NormalizePhone(p, country); n != "" && !seen[n] {
						seen[n] = true
						rows = append(rows, [4]string{n, t.kind, source, id})
					}
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("record phones: %s: %w", t.table, err)
		}
	}
	return insertRecordPhones(ctx, tx, workspace, rows)
}

// The queries of a day's telephone data. PBX calls take the workspace,
// From and To; CRM calls the workspace and the bounds of the window
// widened by domain.MaxMatchMinutes, read by activities_happened.
const (
	pbxCallColumns   = `source, external_id, pbx_user, started_at, talk_seconds, direction, phone, updated_at, deleted_at`
	pbxCallsDayQuery = `SELECT ` + pbxCallColumns + ` FROM pbx_calls WHERE workspace = $1 AND started_at > $2 AND started_at <= $3`
	crmCallsQuery    = `SELECT source, external_id, responsible, happened_at, entered_at, duration_seconds, outcome,
	deal_id, direction, phone, deleted_at FROM activities
	WHERE workspace = $1 AND happened_at > $2 AND happened_at <= $3 AND kind = 'call'`
	personColumns       = `source, external_id, name, responsible, company_id, phones, created_at, updated_at, deleted_at`
	phoneCompanyColumns = `source, external_id, name, responsible, created_by, created_at, updated_at, deleted_at, phones`
)

// telephonyPart is the part of a day's read that loads into *out what
// the telephone bases need (domain.TelephonyData): the PBX calls started
// in the window; when there are any, the CRM calls that happened within
// domain.MaxMatchMinutes of the window, and the contacts and companies
// holding one of the calls' numbers (normalized with the workspace's
// phone_country, by record_phones). With no PBX call in the window, *out
// stays nil.
func telephonyPart(workspace string, win domain.Window, out **domain.TelephonyData) dayPart {
	return func(ctx context.Context, tx *sql.Tx) error {
		t, err := loadTelephony(ctx, tx, workspace, win)
		if err != nil {
			return fmt.Errorf("telephony: %w", err)
		}
		*out = t
		return nil
	}
}

func loadTelephony(ctx context.Context, tx *sql.Tx, workspace string, win domain.Window) (*domain.TelephonyData, error) {
	t := &domain.TelephonyData{}
	err := queryRows(ctx, tx, pbxCallsDayQuery, []any{workspace, win.From.UnixMicro(), win.To.UnixMicro()},
		func(rows *sql.Rows) error {
			c, err := scanPBXCall(rows)
			t.PBXCalls = append(t.PBXCalls, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("pbx calls: %w", err)
	}
	if len(t.PBXCalls) == 0 {
		return nil, nil // no call, nothing to compare
	}
	reach := domain.MaxMatchMinutes * time.Minute
	err = queryRows(ctx, tx, crmCallsQuery, []any{workspace, win.From.Add(-reach).UnixMicro(), win.To.Add(reach).UnixMicro()},
		func(rows *sql.Rows) error {
			a := domain.Activity{Kind: domain.ActivityCall}
			var happened, entered, deleted sql.NullInt64
			var duration int64
			err := rows.Scan(&a.Source, &a.ExternalID, &a.Responsible, &happened, &entered, &duration, &a.Outcome,
				&a.DealID, &a.Direction, &a.Phone, &deleted)
			a.HappenedAt, a.EnteredAt, a.DeletedAt = fromMicros(happened), fromMicros(entered), fromMicros(deleted)
			a.DurationSeconds = int(duration)
			t.CRMCalls = append(t.CRMCalls, a)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("crm calls: %w", err)
	}
	country, err := phoneCountry(ctx, tx, workspace)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool)
	var phones []string
	for _, c := range t.PBXCalls {
		if n := domain.NormalizePhone(c.Phone, country); n != "" && !seen[n] {
			seen[n] = true
			phones = append(phones, n)
		}
	}
	slices.Sort(phones)
	holders := make(map[string][][2]string) // by kind
	for lo := 0; lo < len(phones); lo += keepChunk {
		chunk := phones[lo:min(lo+keepChunk, len(phones))]
		var b strings.Builder
		// A list of values, not of parameters: PostgreSQL compares each
		// row with every parameter of an IN list, but joins a VALUES list:
		// a day of 8,000 PBX calls read in 1.9 s with the one, 0.25 s with
		// the other (BenchmarkLoadTelephony, PostgreSQL 2 cores).
		b.WriteString(`SELECT DISTINCT kind, source, external_id FROM record_phones WHERE workspace = $1 AND phone IN (VALUES `)
		args := []any{workspace}
		for i, p := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, p)
			b.WriteString("($" + strconv.Itoa(len(args)) + ")")
		}
		b.WriteString(")")
		err := queryRows(ctx, tx, b.String(), args, func(rows *sql.Rows) error {
			var kind, source, id string
			if err := rows.Scan(&kind, &source, &id); err != nil {
				return err
			}
			holders[kind] = append(holders[kind], [2]string{source, id})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("record phones: %w", err)
		}
	}
	if keys := uniqueKeys(holders[domain.KindPerson]); len(keys) > 0 {
		err := lookupKeys(ctx, tx, `SELECT `+personColumns+` FROM persons`, "external_id", workspace, keys, func(rows *sql.Rows) error {
			p, err := scanPerson(rows)
			t.Persons = append(t.Persons, p)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("contacts: %w", err)
		}
	}
	if keys := uniqueKeys(holders[domain.KindCompany]); len(keys) > 0 {
		err := lookupKeys(ctx, tx, `SELECT `+phoneCompanyColumns+` FROM companies`, "external_id", workspace, keys, func(rows *sql.Rows) error {
			c, err := scanPhoneCompany(rows)
			t.Companies = append(t.Companies, c)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("companies: %w", err)
		}
	}
	return t, nil
}

// uniqueKeys returns keys, each once, in order.
func uniqueKeys(keys [][2]string) [][2]string {
	seen := make(map[[2]string]bool, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func scanPBXCall(rows *sql.Rows) (domain.PBXCall, error) {
	var c domain.PBXCall
	var started, updated, deleted sql.NullInt64
	var talk int64
	err := rows.Scan(&c.Source, &c.ExternalID, &c.PBXUser, &started, &talk, &c.Direction, &c.Phone, &updated, &deleted)
	c.StartedAt, c.UpdatedAt, c.DeletedAt = fromMicros(started), fromMicros(updated), fromMicros(deleted)
	c.TalkSeconds = int(talk)
	return c, err
}

func scanPerson(rows *sql.Rows) (domain.Person, error) {
	var p domain.Person
	var phones string
	var created, updated, deleted sql.NullInt64
	if err := rows.Scan(&p.Source, &p.ExternalID, &p.Name, &p.Responsible, &p.CompanyID, &phones,
		&created, &updated, &deleted); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt, p.DeletedAt = fromMicros(created), fromMicros(updated), fromMicros(deleted)
	var err error
	p.Phones, err = parsePhones(phones)
	return p, err
}

func scanPhoneCompany(rows *sql.Rows) (domain.Company, error) {
	var c domain.Company
	var phones string
	var created, updated, deleted sql.NullInt64
	if err := rows.Scan(&c.Source, &c.ExternalID, &c.Name, &c.Responsible, &c.CreatedBy, &created, &updated, &deleted,
		&phones); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt, c.DeletedAt = fromMicros(created), fromMicros(updated), fromMicros(deleted)
	var err error
	c.Phones, err = parsePhones(phones)
	return c, err
}

// findTelephony reads the workspace's phone settings and its managers'
// PBX ids into ws, whose managers are read.
func findTelephony(ctx context.Context, tx *sql.Tx, ws *domain.Workspace) error {
	var ignore string
	err := tx.QueryRowContext(ctx, `SELECT phone_country, ignore_phones FROM workspaces WHERE id = $1`, ws.ID).
		Scan(&ws.PhoneCountry, &ignore)
	if err != nil {
		return fmt.Errorf("phone settings: %w", err)
	}
	if err := json.Unmarshal([]byte(ignore), &ws.IgnorePhones); err != nil {
		return fmt.Errorf("ignore phones: %w", err)
	}
	if len(ws.IgnorePhones) == 0 {
		ws.IgnorePhones = nil
	}
	index := make(map[string]int, len(ws.Managers))
	for i, m := range ws.Managers {
		index[m.ID] = i
	}
	return queryRows(ctx, tx, `SELECT manager, pbx_id FROM manager_pbx_ids WHERE workspace = $1 ORDER BY manager, position`,
		[]any{ws.ID}, func(rows *sql.Rows) error {
			var manager, id string
			if err := rows.Scan(&manager, &id); err != nil {
				return err
			}
			if i, ok := index[manager]; ok {
				ws.Managers[i].PBXIDs = append(ws.Managers[i].PBXIDs, id)
			}
			return nil
		})
}

// applyTelephony makes the stored phone settings and PBX ids equal to
// ws's, after applyManagers: a PBX id maps to one manager (a conflict
// otherwise), and a new phone_country normalizes the stored phones again.
func applyTelephony(ctx context.Context, tx *sql.Tx, old, ws *domain.Workspace) ([]string, error) {
	var changes []string
	owner := make(map[string]string)
	for _, m := range ws.Managers {
		for _, id := range m.PBXIDs {
			if other, ok := owner[id]; ok {
				return nil, domain.Errorf(domain.ECONFLICT, "pbx id %q is mapped to both manager %q and manager %q", id, other, m.ID)
			}
			owner[id] = m.ID
		}
	}
	if old.PhoneCountry != ws.PhoneCountry || !slices.Equal(old.IgnorePhones, ws.IgnorePhones) {
		ignore := ws.IgnorePhones
		if ignore == nil {
			ignore = []string{}
		}
		b, _ := json.Marshal(ignore)
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET phone_country = $2, ignore_phones = $3 WHERE id = $1`,
			ws.ID, ws.PhoneCountry, string(b)); err != nil {
			return nil, err
		}
		if old.PhoneCountry != ws.PhoneCountry {
			changes = append(changes, "phone country changed")
			if err := rebuildRecordPhones(ctx, tx, ws.ID, ws.PhoneCountry); err != nil {
				return nil, err
			}
		}
		if !slices.Equal(old.IgnorePhones, ws.IgnorePhones) {
			changes = append(changes, "ignored phones changed")
		}
	}
	had := make(map[string][]string, len(old.Managers))
	for _, m := range old.Managers {
		had[m.ID] = m.PBXIDs
	}
	var changed []string
	for _, m := range ws.Managers {
		if !slices.Equal(had[m.ID], m.PBXIDs) {
			changed = append(changed, m.ID)
		}
	}
	if len(changed) == 0 {
		return changes, nil
	}
	// Every manager's ids are written again, so that an id may move from
	// one manager to another.
	if _, err := tx.ExecContext(ctx, `DELETE FROM manager_pbx_ids WHERE workspace = $1`, ws.ID); err != nil {
		return nil, err
	}
	for _, m := range ws.Managers {
		for k, id := range m.PBXIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO manager_pbx_ids (workspace, pbx_id, manager, position) VALUES ($1, $2, $3, $4)`,
				ws.ID, id, m.ID, k); err != nil {
				return nil, err
			}
		}
	}
	for _, id := range changed {
		changes = append(changes, fmt.Sprintf("manager %s pbx ids changed", id))
	}
	return changes, nil
}

// upsertTelephony writes batch's contacts and PBX calls in tx, as
// upsertBatch writes the other kinds, and keeps record_phones for its
// contacts and companies. It returns how many records it wrote.
func (s *Store) upsertTelephony(ctx context.Context, tx *sql.Tx, conn *sql.Conn, workspace string, batch *domain.RecordBatch) (int, error) {
	invalid := func(kind string, i int, m domain.RecordMeta, what string) error {
		return domain.Errorf(domain.EINVALID, "%s %d (%s %q): %s", kind, i+1, m.Source, m.ExternalID, what)
	}
	written := 0
	run := func(kind string, n int, add func(u *upserter, i int) error) error {
		if n == 0 {
			return nil
		}
		u := s.newUpserter(ctx, tx, conn, kind, workspace, n)
		defer u.close()
		for i := range n {
			if err := add(u, i); err != nil {
				return err
			}
		}
		if err := u.finish(); err != nil {
			return err
		}
		written += u.written
		return nil
	}
	err := run(domain.KindPerson, len(batch.Persons), func(u *upserter, i int) error {
		p := &batch.Persons[i]
		if p.Source == "" || p.ExternalID == "" || p.CreatedAt.IsZero() {
			return invalid(domain.KindPerson, i, p.RecordMeta, "source, external id and creation time are required")
		}
		return u.add(p.Source, p.ExternalID, p.Name, p.Responsible, p.CompanyID, phonesText(p.Phones),
			p.CreatedAt.UnixMicro(), micros(p.UpdatedAt), micros(p.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	err = run(domain.KindPBXCall, len(batch.PBXCalls), func(u *upserter, i int) error {
		c := &batch.PBXCalls[i]
		switch {
		case c.Source == "" || c.ExternalID == "" || c.StartedAt.IsZero():
			return invalid(domain.KindPBXCall, i, c.RecordMeta, "source, external id and start time are required")
		case c.PBXUser == "":
			return invalid(domain.KindPBXCall, i, c.RecordMeta, "the PBX user is required")
		case c.TalkSeconds < 0:
			return invalid(domain.KindPBXCall, i, c.RecordMeta, "talk seconds must not be negative")
		case c.Direction != domain.DirectionIn && c.Direction != domain.DirectionOut && c.Direction != "":
			return invalid(domain.KindPBXCall, i, c.RecordMeta, "direction must be in, out or empty")
		}
		return u.add(c.Source, c.ExternalID, c.PBXUser, c.StartedAt.UnixMicro(), int64(c.TalkSeconds), c.Direction, c.Phone,
			micros(c.UpdatedAt), micros(c.DeletedAt))
	})
	if err != nil {
		return 0, err
	}
	persons := make([]phoneRecord, len(batch.Persons))
	for i, p := range batch.Persons {
		persons[i] = phoneRecord{p.Source, p.ExternalID, p.Phones}
	}
	if err := refreshRecordPhones(ctx, tx, workspace, domain.KindPerson, persons); err != nil {
		return 0, err
	}
	companies := make([]phoneRecord, len(batch.Companies))
	for i, c := range batch.Companies {
		companies[i] = phoneRecord{c.Source, c.ExternalID, c.Phones}
	}
	if err := refreshRecordPhones(ctx, tx, workspace, domain.KindCompany, companies); err != nil {
		return 0, err
	}
	return written, nil
}

// telephonyCounts is what batchCounts adds for contacts and PBX calls,
// when the batch holds any.
func telephonyCounts(batch *domain.RecordBatch) string {
	if len(batch.Persons) == 0 && len(batch.PBXCalls) == 0 {
		return ""
	}
	return fmt.Sprintf(", contacts %d, pbx calls %d", len(batch.Persons), len(batch.PBXCalls))
}

// LoadTelephony returns what the telephone bases need of the day of win
// (see telephonyPart), nil when no PBX call started in the window: what a
// manager's page of PBX conversations reads day by day, without the
// day's other records.
func (s *Store) LoadTelephony(ctx context.Context, workspace string, win domain.Window) (*domain.TelephonyData, error) {
	var t *domain.TelephonyData
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = loadTelephony(ctx, tx, workspace, win)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: load telephony %s: %w", win.Day, err)
	}
	return t, nil
}
