package store

import (
	"context"
	"database/sql"
)

// LoadDayQueries exposes the queries of LoadDay and LoadDaySheet to the
// plan tests, with the number of parameters each takes and the one dialect
// that runs it, if only one does.
var LoadDayQueries = map[string]struct {
	SQL     string
	Params  int
	Dialect string
}{
	"companies":  {companiesDayQuery, 3, ""},
	"activities": {activitiesDayQuery, 6, ""},
	"deals":      {dealsDayQuery, 3, ""},
	"tasks":      {tasksDayQuery, 4, ""},

	"own activities":       {ownActivitiesQuery, 6, ""},
	"own deals":            {ownDealsQuery, 3, ""},
	"own tasks":            {ownTasksQuery, 4, ""},
	"moves":                {movesDayQuery, 3, ""},
	"deals' moves":         {dealMovesDayQuery, 3, Postgres},
	"deals' moves, SQLite": {dealMovesDaySQLiteQuery, 3, SQLite},
	"touches":              {touchesQuery, 2, ""},

	"activity tallies":     {activityTallyQuery, 6, ""},
	"late entry tallies":   {lateTallyQuery, 6, ""},
	"closed deals":         {closedDealsDayQuery, 3, ""},
	"task tallies":         {taskTallyQuery, 3, ""},
	"deal tallies":         {dealTallyQuery, 3, Postgres},
	"deal tallies, SQLite": {dealTallySQLiteQuery, 3, SQLite},
}

// ReadSnapshot exposes readSnapshot, how a day's read shares one snapshot
// between connections, to its test.
func (s *Store) ReadSnapshot(ctx context.Context, workspace string, conns int, parts []func(context.Context, *sql.Tx) error) error {
	ps := make([]dayPart, len(parts))
	for i, p := range parts {
		ps[i] = p
	}
	_, err := s.readSnapshot(ctx, workspace, conns, ps)
	return err
}
