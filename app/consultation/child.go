package consultation

import (
	"context"
	"strings"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// A child and family focus records, besides initials and an age band, where the child is when
// the engagement closes (the outcome Connecticut's and Ohio's consultation systems report: kept
// in their setting) and, if the consultant knows them, four details a BIRS-style equity view
// counts (app/reports, every count under ten suppressed). Still no diagnosis and no names; an
// empty value is "not recorded". Funders never see one child's values (SeesFocusDetails).

// Child outcomes: where the child is when a child and family engagement closes.
const (
	OutcomeStayed   = "stayed"
	OutcomeMoved    = "moved"
	OutcomeRemoved  = "removed"
	OutcomeExpelled = "expelled_suspended"
)

// ChildOutcomes are the answers to "Where is the child now?", in the order they are offered
// and counted.
var ChildOutcomes = []struct{ Value, Label string }{
	{OutcomeStayed, "Stayed in the setting"},
	{OutcomeMoved, "Moved to another setting"},
	{OutcomeRemoved, "Removed from the setting"},
	{OutcomeExpelled, "Expelled or suspended"},
}

// ChildRaceEthnicities are the federal race and ethnicity categories, and "Prefer not to say".
var ChildRaceEthnicities = []struct{ Value, Label string }{
	{"american_indian_alaska_native", "American Indian or Alaska Native"},
	{"asian", "Asian"},
	{"black", "Black or African American"},
	{"hispanic_latino", "Hispanic or Latino"},
	{"native_hawaiian_pacific_islander", "Native Hawaiian or Other Pacific Islander"},
	{"white", "White"},
	{"two_or_more", "Two or more races"},
	{"prefer_not_to_say", "Prefer not to say"},
}

// ChildSexes are the answers for the child's sex.
var ChildSexes = []struct{ Value, Label string }{
	{"female", "Female"},
	{"male", "Male"},
	{"prefer_not_to_say", "Prefer not to say"},
}

// ChildYesNo are the answers for dual-language learner and IEP/IFSP.
var ChildYesNo = []struct{ Value, Label string }{
	{"yes", "Yes"},
	{"no", "No"},
}

// NotRecorded is how an empty outcome or detail reads.
const NotRecorded = "Not recorded"

func childLabel(set []struct{ Value, Label string }, v string) string {
	if v == "" {
		return NotRecorded
	}
	return engLabel(set, v)
}

func inSet(set []struct{ Value, Label string }, v string) bool {
	for _, s := range set {
		if s.Value == v {
			return true
		}
	}
	return false
}

// ChildOutcomeLabel is where the child went, in words ("Not recorded" when empty).
func (e *Engagement) ChildOutcomeLabel() string { return childLabel(ChildOutcomes, e.ChildOutcome) }

// ChildRaceEthnicityLabel is the child's race or ethnicity in words.
func (e *Engagement) ChildRaceEthnicityLabel() string {
	return childLabel(ChildRaceEthnicities, e.ChildRaceEthnicity)
}

// ChildSexLabel is the child's sex in words.
func (e *Engagement) ChildSexLabel() string { return childLabel(ChildSexes, e.ChildSex) }

// ChildDLLLabel says whether the child is a dual-language learner.
func (e *Engagement) ChildDLLLabel() string { return childLabel(ChildYesNo, e.ChildDLL) }

// ChildIEPIFSPLabel says whether the child has an IEP or IFSP.
func (e *Engagement) ChildIEPIFSPLabel() string { return childLabel(ChildYesNo, e.ChildIEPIFSP) }

// ChildDetailsInput is the optional details of a child focus; an empty value is not recorded.
type ChildDetailsInput struct {
	RaceEthnicity string
	Sex           string
	DLL           string
	IEPIFSP       string
}

// checkChildDetails validates the details into bad (field names as the forms use them) and
// returns them trimmed.
func checkChildDetails(bad map[string]string, in ChildDetailsInput) ChildDetailsInput {
	out := ChildDetailsInput{RaceEthnicity: strings.TrimSpace(in.RaceEthnicity), Sex: strings.TrimSpace(in.Sex),
		DLL: strings.TrimSpace(in.DLL), IEPIFSP: strings.TrimSpace(in.IEPIFSP)}
	if out.RaceEthnicity != "" && !inSet(ChildRaceEthnicities, out.RaceEthnicity) {
		bad["child_race_ethnicity"] = "Choose the child’s race or ethnicity from the list, or leave it not recorded."
	}
	if out.Sex != "" && !inSet(ChildSexes, out.Sex) {
		bad["child_sex"] = "Choose the child’s sex from the list, or leave it not recorded."
	}
	if out.DLL != "" && !inSet(ChildYesNo, out.DLL) {
		bad["child_dll"] = "Say yes or no for dual-language learner, or leave it not recorded."
	}
	if out.IEPIFSP != "" && !inSet(ChildYesNo, out.IEPIFSP) {
		bad["child_iep_ifsp"] = "Say yes or no for IEP or IFSP, or leave it not recorded."
	}
	return out
}

// checkChildOutcome validates the answer to "Where is the child now?", required when a child
// and family engagement closes.
func checkChildOutcome(bad map[string]string, v string) string {
	v = strings.TrimSpace(v)
	if !inSet(ChildOutcomes, v) {
		bad["child_outcome"] = "Say where the child is now: stayed in the setting, moved to another setting, removed from the setting, or expelled or suspended."
		return ""
	}
	return v
}

// SetChildDetails records the optional details of a child and family engagement (race or
// ethnicity, sex, dual-language learner, IEP/IFSP; empty clears one): the consultant who holds
// it or a tenant admin, audited (which details changed, not their values).
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming each bad field (nothing is written),
// ECONFLICT when the engagement is not about a child and family.
func (s *Engagements) SetChildDetails(ctx context.Context, id string, in ChildDetailsInput) (*Engagement, error) {
	e, _, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Focus != FocusChildFamily {
		return nil, apperr.Errorf(apperr.ECONFLICT, "Only a child and family engagement records a child’s details.")
	}
	bad := map[string]string{}
	d := checkChildDetails(bad, in)
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	var changed []string
	for _, c := range []struct{ old, new, what string }{
		{e.ChildRaceEthnicity, d.RaceEthnicity, "race or ethnicity"}, {e.ChildSex, d.Sex, "sex"},
		{e.ChildDLL, d.DLL, "dual-language learner"}, {e.ChildIEPIFSP, d.IEPIFSP, "IEP or IFSP"},
	} {
		if c.old != c.new {
			changed = append(changed, c.what)
		}
	}
	if len(changed) == 0 {
		return e, nil
	}
	e.ChildRaceEthnicity, e.ChildSex, e.ChildDLL, e.ChildIEPIFSP = d.RaceEthnicity, d.Sex, d.DLL, d.IEPIFSP
	e.UpdatedAt = database.Now()
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Update(e).Column("child_race_ethnicity", "child_sex", "child_dll", "child_iep_ifsp", "updated_at").
			Where("e.id = ?", e.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "engagement.child_details", engagementWord, e.ID, "Child’s details changed: "+strings.Join(changed, ", "))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
