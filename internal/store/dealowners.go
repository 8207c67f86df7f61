package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// DealResponsibles returns the responsible CRM user of each stored deal of
// source among ids, by external id; a deal not stored is absent. A sync
// credits a stage move made by a user who is not a manager (a robot, an
// administrator) to the deal's responsible, as DESIGN.md section 10 says.
func (s *Store) DealResponsibles(ctx context.Context, workspace, source string, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += keepChunk {
		chunk := ids[start:min(start+keepChunk, len(ids))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, workspace, source)
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+3)
		}
		err := s.read(ctx, func(tx *sql.Tx) error {
			return queryRows(ctx, tx, `SELECT external_id, responsible FROM deals WHERE workspace = $1 AND source = $2 AND external_id IN (`+
				strings.Join(marks, ", ")+`)`, args, func(rows *sql.Rows) error {
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
	}
	return out, nil
}
