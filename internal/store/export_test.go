package store

// LoadDayQueries exposes the queries of LoadDay and LoadDaySheet to the
// plan tests, with the number of parameters each takes.
var LoadDayQueries = map[string]struct {
	SQL    string
	Params int
}{
	"companies":  {companiesDayQuery, 3},
	"activities": {activitiesDayQuery, 6},
	"deals":      {dealsDayQuery, 3},
	"tasks":      {tasksDayQuery, 3},

	"activity tallies":      {activityTallyQuery, 7},
	"closed deals":          {closedDealsDayQuery, 3},
	"state tallies":         {stateTallyQuery, 3},
	"state tallies, SQLite": {stateTallySQLiteQuery, 3},
}
