-- Bounded ranges for day sheets.
--
-- 1. Tasks completed since a cutoff, split by how long they were open. A day
-- sheet counts the tasks open at its cutoff To: never completed (tasks_open)
-- or completed after To. For a day d days back, "completed after To" was
-- every task completed in those d days (80,000 index entries at M for a
-- day a month back, to keep 2,500), so recomputing an old day cost more
-- than finalizing today. Most tasks are completed within two days of their
-- creation: such a task open at To was completed by To + 2 days, a bounded
-- range of tasks_completed_soon. The others, completed more than two days
-- after creation, are few: tasks_completed_late is read from To on. The two
-- predicates are complementary for every completed task, and the queries
-- repeat them word for word so that both dialects use these indexes; the
-- boundary (172800000000 µs = 2 days, store.taskSoon) decides speed, never
-- results.

DROP INDEX tasks_completed;
CREATE INDEX tasks_completed_soon ON tasks (workspace, completed_at)
	INCLUDE (source, created_at, deleted_at, responsible, deal_id, deadline)
	WHERE completed_at - created_at <= 172800000000;
CREATE INDEX tasks_completed_late ON tasks (workspace, completed_at)
	INCLUDE (source, created_at, deleted_at, responsible, deal_id, deadline)
	WHERE completed_at - created_at > 172800000000;

-- 2. Late entries. A day sheet counts the activities that happened by From
-- but were entered in (From+grace, To+grace]. Reading them from
-- activities_entered read every activity entered in the window (20,000
-- index entries at M to keep 600), and every import wrote that third copy
-- of each activity. They are read in two disjoint parts instead, by the lag
-- between happening and entry (store.lateEntriesSlow, lateEntriesSoon):
-- entered more than 10 minutes after they happened, from
-- activities_entered_late, which holds only those; within 10 minutes, from
-- activities_happened over (From+grace-10 min, From], which is empty when
-- the grace is 10 minutes or more (the default).

DROP INDEX activities_entered;
CREATE INDEX activities_entered_late ON activities (workspace, entered_at)
	INCLUDE (happened_at, responsible, kind, outcome, duration_seconds, deleted_at)
	WHERE entered_at - happened_at > 600000000;
