package credentials

// The built-in sets of requirements, in the source documents' words: North Carolina's
// staffing requirements and recommendations for IECMH consultants (../shared/seeds/001) and
// Ohio's IMH and ECMH credentials (../shared/seeds/002). Illinois defines its own.
//
// How long a kind stays valid (ValidMonths) is not in the documents. It only fills in the
// expiry date a consultant leaves empty (they can always enter the real one); a tenant that
// counts differently removes the kind before anyone holds it and adds its own. The choices:
//   - endorsements and credentials that are renewed: 12 months, so a renewal is asked for
//     every year (the IMH/ECMH Endorsement categories, the Technical Assistance Endorsement,
//     Ohio's IMH levels and the ECMH credential);
//   - the Early Educator Certification: 60 months, a certification renewed every few years;
//   - degrees, completed trainings and modules, CEUs and years of experience: they do not
//     expire (0).

// builtinKind is a kind of a built-in requirement.
type builtinKind struct {
	name, issuer string
	validMonths  int
}

// builtinRequirement is a requirement of a built-in set.
type builtinRequirement struct {
	name, description, level, rule string
	deadlineDays                   int
	kinds                          []builtinKind
}

// BuiltinSet is a set of requirements a tenant can add with one button.
type BuiltinSet struct {
	Key, Label, Button string
	requirements       []builtinRequirement
}

const ncEndorsementIssuer = "North Carolina Infant and Early Childhood Mental Health Association"

// ohioRegistry is where the Ohio document sends people for both credentials.
const ohioRegistry = "Ohio Professional Registry"

// BuiltinSets are the sets offered on the requirements page.
var BuiltinSets = []BuiltinSet{
	{Key: BuiltinNC, Label: "North Carolina", Button: "Add North Carolina’s staffing requirements", requirements: []builtinRequirement{
		{name: "Center of Excellence Foundational Modules", level: LevelRequired, rule: RuleCredential,
			description: "Complete all Center of Excellence for Infant and Early Childhood Mental Health Consultation’s Foundational Modules online, The Mental Health Consultation Tool.",
			kinds: []builtinKind{{"Center of Excellence Foundational Modules (The Mental Health Consultation Tool)",
				"Center of Excellence for Infant and Early Childhood Mental Health Consultation", 0}}},
		{name: "Reflective supervision received", level: LevelRequired, rule: RuleSupervision,
			description: "Reflective supervision specific to IECMH Consultation from someone trained to provide reflective supervision and receiving it themselves. Met when the consultant has a reflective supervisor assigned."},
		{name: "Bachelor’s degree in a related field", level: LevelRequired, rule: RuleCredential,
			description: "Minimum of a bachelor’s degree in a related field or with relevant coursework.",
			kinds: []builtinKind{
				{"Bachelor’s degree in a related field", "", 0},
				{"Bachelor’s degree with relevant coursework", "", 0},
				{"Graduate degree in a related field", "", 0},
			}},
		{name: "2 years’ experience in early care and education", level: LevelRequired, rule: RuleCredential,
			description: "At least 2 years’ experience in or supporting early care and education settings.",
			kinds:       []builtinKind{{"2 years’ experience in or supporting early care and education (employer letter)", "", 0}}},
		{name: "IMH or ECMH Endorsement", level: LevelRecommended, rule: RuleCredential, deadlineDays: 365,
			description: "North Carolina Infant and Early Childhood Mental Health Association Endorsement: Infant Mental Health Endorsement® Category Infant Family Specialist or higher, or Early Childhood Mental Health Endorsement® Category Early Childhood Family Specialist or higher. Eligible to be endorsed within one year of hire.",
			kinds: []builtinKind{
				{"Infant Family Specialist (IMH Endorsement)", ncEndorsementIssuer, 12},
				{"Infant Mental Health Specialist (IMH Endorsement)", ncEndorsementIssuer, 12},
				{"Infant Mental Health Mentor (IMH Endorsement)", ncEndorsementIssuer, 12},
				{"Early Childhood Family Specialist (ECMH Endorsement)", ncEndorsementIssuer, 12},
				{"Early Childhood Mental Health Specialist (ECMH Endorsement)", ncEndorsementIssuer, 12},
				{"Early Childhood Mental Health Mentor (ECMH Endorsement)", ncEndorsementIssuer, 12},
			}},
		{name: "2 years’ experience in IECMH or early childhood service systems", level: LevelRecommended, rule: RuleCredential,
			description: "At least two years’ experience in an area related to IECMH or early childhood service systems.",
			kinds:       []builtinKind{{"2 years’ experience in IECMH or early childhood service systems (employer letter)", "", 0}}},
		{name: "Early Educator Certification or Technical Assistance training", level: LevelRecommended, rule: RuleCredential,
			description: "Early Educator Certification at Level 11 (or higher) or Technical Assistance Endorsement. If no Certification or Endorsement, minimum requirement “The Art and Science of TA” CEU or Practice-Based Coaching Training.",
			kinds: []builtinKind{
				{"Early Educator Certification Level 11 or higher", "", 60},
				{"Technical Assistance Endorsement", "", 12},
				{"“The Art and Science of TA” CEU", "", 0},
				{"Practice-Based Coaching training", "", 0},
			}},
	}},
	{Key: BuiltinOhio, Label: "Ohio", Button: "Add Ohio’s credentials", requirements: []builtinRequirement{
		{name: "ECMH credential", level: LevelRequired, rule: RuleCredential,
			description: "Required for ECMH consultants: the Early Childhood Mental Health credential is for those working in the mental health field and providing early childhood mental health consultative services.",
			kinds:       []builtinKind{{"Ohio Early Childhood Mental Health (ECMH) credential", ohioRegistry, 12}}},
		{name: "Ohio IMH credential", level: LevelRecommended, rule: RuleCredential,
			description: "The Infant Mental Health credential, applicable across professions for those working with very young children and their families, at one of three levels.",
			kinds: []builtinKind{
				{"Level I: Ohio Infant Family Affiliate", ohioRegistry, 12},
				{"Level II: Ohio Infant Family Practitioner", ohioRegistry, 12},
				{"Level III: Infant Mental Health Practitioner", ohioRegistry, 12},
			}},
	}},
}

// builtinSet returns the set with key, or nil.
func builtinSet(key string) *BuiltinSet {
	for i := range BuiltinSets {
		if BuiltinSets[i].Key == key {
			return &BuiltinSets[i]
		}
	}
	return nil
}
