package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PBXUserSeen is one extension (or PBX user id) in a workspace's stored
// call log: how many calls it made or took since a moment, their talk time
// and the latest. The managers form lists them so that an extension no
// manager's pbx_ids names is seen, not silently left out of every count.
type PBXUserSeen struct {
	PBXUser     string
	Calls       int
	TalkSeconds int64
	Last        time.Time
}

// PBXUsersSeen returns the extensions of the workspace's PBX calls started
// at or after since and not deleted, most calls first.
func (s *Store) PBXUsersSeen(ctx context.Context, workspace string, since time.Time) ([]PBXUserSeen, error) {
	var out []PBXUserSeen
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT pbx_user, COUNT(*), SUM(talk_seconds), MAX(started_at)
			FROM pbx_calls WHERE workspace = $1 AND started_at >= $2 AND deleted_at IS NULL
			GROUP BY pbx_user ORDER BY COUNT(*) DESC, pbx_user`,
			[]any{workspace, since.UnixMicro()}, func(rows *sql.Rows) error {
				var u PBXUserSeen
				var last int64
				if err := rows.Scan(&u.PBXUser, &u.Calls, &u.TalkSeconds, &last); err != nil {
					return err
				}
				u.Last = fromMicros(sql.NullInt64{Int64: last, Valid: true})
				out = append(out, u)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: extensions seen in %s's PBX log: %w", workspace, err)
	}
	return out, nil
}
