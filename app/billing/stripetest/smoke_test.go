package stripetest_test

import (
	"testing"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/billing"
	"github.com/holdspace/holdspace/app/billing/stripetest"
)

// TestMockAnswers: stripe-mock runs from the module's tool line, billing's client talks to it,
// and the counter sees each call.
func TestMockAnswers(t *testing.T) {
	cnt := stripetest.NewCounter()
	sc := billing.NewClient(stripetest.Config(t), cnt.Client)
	c, err := sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("admin@example.gov")})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == "" {
		t.Fatal("the customer has no id")
	}
	s, err := sc.Subscriptions.Get("sub_holdspace", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "sub_holdspace" {
		t.Fatalf("stripe-mock answered subscription %q, want the id asked for", s.ID)
	}
	if got := cnt.Calls("GET /v1/subscriptions/sub_holdspace"); got != 1 || cnt.Total() != 2 {
		t.Fatalf("counted %d gets of the subscription and %d calls, want 1 and 2", got, cnt.Total())
	}
}
