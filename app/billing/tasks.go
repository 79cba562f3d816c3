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
