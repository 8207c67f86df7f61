package store

// LoadDayQueries exposes the queries of LoadDay to the plan tests, with
// the number of parameters each takes.
var LoadDayQueries = map[string]struct {
	SQL    string
	Params int
}{
	"companies":  {companiesDayQuery, 3},
	"activities": {activitiesDayQuery, 5},
	"deals":      {dealsDayQuery, 3},
	"tasks":      {tasksDayQuery, 2},
}
