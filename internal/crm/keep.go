package crm

import "reglament/internal/domain"

// KeepFirstCompletion returns next with the completion time of prev kept when
// both versions of a task are completed and prev's is earlier. It is for
// CRMs with no completion time (amoCRM), whose connector stands in the
// modification time at which it first saw the task completed: later edits of
// a completed task must not move it. The store applies it on upsert.
func KeepFirstCompletion(prev, next domain.Task) domain.Task {
	if !prev.CompletedAt.IsZero() && !next.CompletedAt.IsZero() && prev.CompletedAt.Before(next.CompletedAt) {
		next.CompletedAt = prev.CompletedAt
	}
	return next
}

// KeepFirstEntry does for meetings what KeepFirstCompletion does for tasks:
// a meeting kept as a scheduled task or activity is entered when it is marked
// held, which the CRMs approximate by a modification time, so the earliest
// entry time seen for a held activity is kept.
func KeepFirstEntry(prev, next domain.Activity) domain.Activity {
	if next.Kind == domain.ActivityMeeting && prev.Outcome == domain.OutcomeHeld && next.Outcome == domain.OutcomeHeld &&
		!prev.EnteredAt.IsZero() && prev.EnteredAt.Before(next.EnteredAt) {
		next.EnteredAt = prev.EnteredAt
	}
	return next
}
