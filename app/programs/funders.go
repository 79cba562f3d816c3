package programs

import (
	"strings"

	"github.com/holdspace/holdspace/app/tenants"
)

// Fiscal calendars a funder budgets by.
const (
	CalendarState    = "state"    // the tenant's state fiscal year (July to June by default)
	CalendarFederal  = "federal"  // the federal fiscal year (October to September by default)
	CalendarCalendar = "calendar" // January to December
)

// KnownFunder is what the source documents say about a funder a state's programs have.
type KnownFunder struct {
	Name, Short string
	// FundsIECMHC: the funder pays for I/ECMHC in its programs' budgets already. When false,
	// a program adds I/ECMHC through a budget amendment to the funder.
	FundsIECMHC bool
	// IECMHCVaries: whether I/ECMHC is in a program's budget depends on the program and the
	// state, so each funding says so (the federal funders below).
	IECMHCVaries bool
	Calendar     string
	Note         string
}

// localPartnership stands for the NC local partnership, named after the tenant.
const localPartnership = "\x00local partnership"

// usualFunders are the funders the source documents name, by state. Illinois: the major
// funders of home visiting; MIECHV and IDHS-DEC-funded programs receive funding for I/ECMHC in
// their budgets, while ISBE Prevention Initiative, Head Start and DFSS programs may add it by a
// budget amendment. North Carolina: Smart Start money through NCPC and the local partnership,
// which pays for the TA consultation itself. Ohio: the Department of Children and Youth gives
// grant funding for ECMH services.
var usualFunders = map[string][]KnownFunder{
	"IL": {
		{Name: "IDHS Division of Early Childhood", Short: "IDHS-DEC", FundsIECMHC: true, Calendar: CalendarState,
			Note: "Funds I/ECMHC in home visiting and coordinated intake budgets."},
		{Name: "ISBE Prevention Initiative", Short: "ISBE PI", Calendar: CalendarState,
			Note: "Programs add I/ECMHC by a budget amendment."},
		{Name: "Illinois Head Start Association", Short: "IHSA", Calendar: CalendarState,
			Note: "Head Start programs add I/ECMHC by a budget amendment."},
		{Name: "Chicago Department of Family and Support Services", Short: "DFSS", Calendar: CalendarCalendar,
			Note: "Programs add I/ECMHC by a budget amendment. The City of Chicago budgets by calendar year."},
		{Name: "Maternal, Infant, and Early Childhood Home Visiting", Short: "MIECHV", FundsIECMHC: true, Calendar: CalendarFederal,
			Note: "Federal funds: budgets follow the federal fiscal year and include I/ECMHC."},
	},
	"NC": {
		{Name: "North Carolina Partnership for Children", Short: "NCPC", FundsIECMHC: true, Calendar: CalendarState,
			Note: "Smart Start funds TA consultation and coaching, IECMH consultation included."},
		{Name: localPartnership, FundsIECMHC: true, Calendar: CalendarState,
			Note: "The local partnership funds the consultation from its Smart Start allocation."},
	},
	"OH": {
		{Name: "Ohio Department of Children and Youth", Short: "DCY", FundsIECMHC: true, Calendar: CalendarState,
			Note: "Grant funding for ECMH services in Early Intervention."},
	},
}

// federalFunders are the federal funding streams every state has for programs Holdspace
// serves, offered where no state list is known. Whether I/ECMHC is already in a program's budget
// varies by state and program, so each funding says so.
var federalFunders = []KnownFunder{
	{Name: "Maternal, Infant, and Early Childhood Home Visiting Program", Short: "MIECHV", IECMHCVaries: true, Calendar: CalendarFederal,
		Note: "Federal home visiting funds (HRSA and ACF). Budgets follow the federal fiscal year; say on each funding whether I/ECMHC is in it."},
	{Name: "Head Start and Early Head Start", Short: "Head Start", IECMHCVaries: true, Calendar: CalendarFederal,
		Note: "Federal grants from the Office of Head Start (ACF) to each program. Say on each funding whether I/ECMHC is in it."},
	{Name: "Child Care and Development Fund", Short: "CCDF", IECMHCVaries: true, Calendar: CalendarState,
		Note: "Federal child care funds (ACF Office of Child Care) that the state’s lead agency administers; its quality funds often pay for I/ECMHC. Say so on each funding."},
	{Name: "Individuals with Disabilities Education Act, Part C: Early Intervention Program for Infants and Toddlers with Disabilities", Short: "IDEA Part C",
		IECMHCVaries: true, Calendar: CalendarState,
		Note: "Federal Early Intervention funds (U.S. Department of Education) through the state’s Part C lead agency. Say on each funding whether I/ECMHC is in it."},
}

// HasStateFunders reports whether the source documents name the usual funders of tenant t's
// state; when not, the federal funders every state has are offered instead.
func HasStateFunders(t *tenants.Tenant) bool {
	return len(usualFunders[strings.ToUpper(strings.TrimSpace(t.State))]) > 0
}

// UsualFunders lists the funders offered to tenant t: those the source documents name for its
// state, with the North Carolina local partnership named after the tenant, or else the federal
// funders every state has.
func UsualFunders(t *tenants.Tenant) []KnownFunder {
	if !HasStateFunders(t) {
		return federalFunders
	}
	list := usualFunders[strings.ToUpper(strings.TrimSpace(t.State))]
	out := make([]KnownFunder, 0, len(list))
	for _, k := range list {
		if k.Name == localPartnership {
			if t.Name == "" || strings.EqualFold(t.Name, "North Carolina Partnership for Children") {
				continue
			}
			k.Name = t.Name
		}
		out = append(out, k)
	}
	return out
}

// FundersOffer is what tenant t is offered to start its funders from, in words: the heading
// and button of the funders page, and the onboarding checklist's sentence.
type FundersOffer struct{ Heading, Button, Added, Sentence string }

// OfferFor words the offer truthfully: a state's usual funders only where they are known.
func OfferFor(t *tenants.Tenant) FundersOffer {
	if HasStateFunders(t) {
		state := tenants.StateName(t.State)
		return FundersOffer{Heading: "The usual funders for " + state, Button: "Add the usual funders for " + state,
			Added: "a usual funder of " + state, Sentence: "Start from the usual funders for " + state + "."}
	}
	return FundersOffer{Heading: "The federal funders every state has", Button: "Add the federal funders every state has",
		Added:    "a federal funder every state has",
		Sentence: "Start from the federal funders every state has: MIECHV, Head Start, CCDF and IDEA Part C; add your state’s own."}
}

// Known returns what is known of funder o in tenant t (matched by name or short name), and
// whether anything is. An unknown funder budgets by the state fiscal year and is assumed not to
// fund I/ECMHC until a person says it does on the funding.
func Known(t *tenants.Tenant, o *tenants.Organisation) (KnownFunder, bool) {
	for _, k := range UsualFunders(t) {
		if sameFunder(k, o) {
			return k, true
		}
	}
	for _, k := range federalFunders {
		if sameFunder(k, o) {
			return k, true
		}
	}
	// A funder known in another state (a tenant may work across a border).
	for _, list := range usualFunders {
		for _, k := range list {
			if k.Name != localPartnership && sameFunder(k, o) {
				return k, true
			}
		}
	}
	return KnownFunder{Calendar: CalendarState}, false
}

func sameFunder(k KnownFunder, o *tenants.Organisation) bool {
	if strings.EqualFold(strings.TrimSpace(o.Name), k.Name) {
		return true
	}
	return k.Short != "" && (strings.EqualFold(strings.TrimSpace(o.ShortName), k.Short) || strings.EqualFold(strings.TrimSpace(o.Name), k.Short))
}

// StartMonth is the first month of a calendar's fiscal year in tenant t.
func StartMonth(t *tenants.Tenant, calendar string) int {
	switch calendar {
	case CalendarFederal:
		if t.FederalFYStartMonth >= 1 && t.FederalFYStartMonth <= 12 {
			return t.FederalFYStartMonth
		}
		return 10
	case CalendarCalendar:
		return 1
	}
	if t.StateFYStartMonth >= 1 && t.StateFYStartMonth <= 12 {
		return t.StateFYStartMonth
	}
	return 7
}

// CalendarLabel names a fiscal calendar.
func CalendarLabel(calendar string) string {
	switch calendar {
	case CalendarFederal:
		return "Federal fiscal year"
	case CalendarCalendar:
		return "Calendar year"
	}
	return "State fiscal year"
}
