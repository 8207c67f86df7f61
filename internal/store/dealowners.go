package store

import (
	"context"
	"database/sql"
	"fmt"
)

// DealResponsibles returns the responsible CRM user of each stored deal of
// source among ids, by external id; a deal not stored is absent. A sync
// credits a stage move made by a user who is not a manager (a robot, an
// administrator) to the deal's responsible, as DESIGN.md section 10 says.
func (s *Store) DealResponsibles(ctx context.Context, workspace, source string, ids []string) (map[string]string, error) {
	keys := make([][2]string, len(ids))
	for i, id := range ids {
		keys[i] = [2]string{source, id}
	}
	out := make(map[string]string, len(ids))
	err := s.read(ctx, func(tx *sql.Tx) error {
		return lookupKeys(ctx, tx, `SELECT external_id, responsible FROM deals`, "external_id", workspace, keys,
			func(rows *sql.Rows) error {
				var id, user string
				if err := rows.Scan(&id, &user); err != nil {
					return err
				}
				out[id] = user
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: deal responsibles of %q: %w", workspace, err)
	}
	return out, nil
}
