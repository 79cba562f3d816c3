package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestBrowserBilling opens billing's pages in Chromium, each audited (axe-core and the CSP,
// newBrowser): the tenant admin's billing page, paying by invoice refused for a bad field then
// accepted (the PO shows), the platform console's revenue view and a tenant's billing with a
// comp given through its form, and a read-only tenant's banner and refusal page.
// HOLDSPACE_SCREENSHOTS=dir keeps a picture of each.
func TestBrowserBilling(t *testing.T) {
	env := newTestEnvWith(t, func(c *config.Config) { c.Stripe = stripetest.Config(t) })
	b := openBrowser(t, env)
	const slug = "nc-piedmont"

	b.signIn("admin@nc-piedmont.example")
	b.open("/t/"+slug+"/billing", "#pay-by-invoice")
	b.shows("Your subscription", "Trial", "Seats used", "Pay by card", "Pay by invoice")
	b.screenshot("billing-trial")
	b.fill(map[string]string{"invoice-po": "", "invoice-email": "accounts payable", "invoice-net": "30"})
	b.press("Pay by invoice")
	b.shows("purchase order", "email")
	b.fill(map[string]string{"invoice-po": "PO-2027-118", "invoice-email": "ap@piedmont.example", "invoice-net": "45"}, "invoice-tax-exempt")
	b.press("Pay by invoice")
	b.shows("PO-2027-118", "net 45 days")
	b.screenshot("billing-invoicing")

	b.signIn("platform@holdspace.example")
	b.open("/admin/billing", "main h1")
	b.shows("Monthly recurring revenue", "Tenants by status", "Trials ending in the next 7 days", "Failed payments")
	b.screenshot("billing-console")
	b.open("/admin/tenants/"+env.tenantID("illinois")+"/billing", "#comp-heading")
	until := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	b.fill(map[string]string{"comp-until": until, "comp-reason": "Pilot with the state office, agreed by email."})
	b.press("Give free use")
	b.shows("uses Holdspace for free until the end of", "Pilot with the state office")

	// A read-only tenant: the banner on its pages, the refusal page on a write.
	past := time.Now().Add(-time.Hour)
	if err := env.app.Tenants.Store().SetAccess(context.Background(), env.tenantID("ohio"),
		tenants.Access{Until: &past, Reason: "The trial ended on " + past.Format("January 2, 2006") + "."}); err != nil {
		t.Fatal(err)
	}
	b.signIn("admin@ohio.example")
	b.open("/t/ohio/funders", "main h1")
	// The banner sits above the main region, on every page.
	if banner := b.textOf(`[aria-label="Read-only"]`); !strings.Contains(banner, "is read-only") ||
		!strings.Contains(banner, "The trial ended on") || !strings.Contains(banner, "Pay to make changes again") {
		b.fail("the read-only banner says %q", banner)
	}
	b.fill(map[string]string{"org-name": "Smart Start of Somewhere"})
	// The form posts with htmx: the refusal comes back into the page's main region.
	b.do("add a funder", chromedp.Click(button("Add the funder")))
	b.waitFor("the refusal", `document.querySelector("#main-content").textContent.includes("Nothing was saved")`)
	b.audited()
	b.shows("Ohio", "is read-only", "Nothing was saved", "Go to billing to pay")
	b.screenshot("billing-read-only")
}
