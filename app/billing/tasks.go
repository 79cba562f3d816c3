package billing

import "github.com/holdspace/holdspace/app/jobs"

// Register adds billing's tasks: the seat sync, the events from Stripe and their nightly
// reconcile, and the dunning emails.
func (s *Service) Register(m *jobs.Mux) {
	s.registerSeats(m)
	s.registerEvents(m)
	s.registerDunning(m)
}

// Periodic are billing's periodic tasks.
func Periodic() []jobs.Periodic {
	var out []jobs.Periodic
	out = append(out, seatsPeriodic()...)
	out = append(out, eventsPeriodic()...)
	return append(out, dunningPeriodic()...)
}

// Task types other parts of billing queue.
const (
	// TaskDunning sends what is due of a tenant's dunning emails (day 0, 3 and 7 after a failed
	// payment) and clears the dunning once paid; payload jobs.Tenant. The event worker queues
	// it after a failed or a paid invoice; an hourly task queues it for every tenant past due.
	TaskDunning = "billing:dunning"
	// TaskSeats sets the subscription's quantity to the tenant's active consultants; payload
	// jobs.Tenant. Queued (debounced) when people change, and daily for every subscription.
	TaskSeats = "billing:seats"
	// TaskEvent handles one stored Stripe event; payload EventPayload.
	TaskEvent = "billing:event"
)

// EventPayload names a stored Stripe event (stripe_events.id); the tenant is found from it.
type EventPayload struct {
	jobs.Tenant
	EventID string `json:"event_id"`
}
