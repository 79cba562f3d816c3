package consultation

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
)

// Assessment instruments. Four are built into every tenant — the NCPC measures TPITOS and TPOT
// (seeds/001), CLASS Pre-K and DECA-P2 (the measures of the consultation studies seeds/001
// cites) — and a tenant admin adds the tenant's own. Only subscale-level scores are kept, as the
// tools' scoring summaries report them: no item-level detail, and nothing about a diagnosis.

// builtinSubscale is a subscale of a built-in instrument; min and max are in hundredths.
type builtinSubscale struct {
	name     string
	min, max int64
	higher   bool
}

// builtinInstrument is one instrument every tenant has; key is kept in instruments.builtin.
type builtinInstrument struct {
	key, name, short, description string
	subscales                     []builtinSubscale
}

// Red-flag counts: the editions of the Pyramid Model tools differ in how many red flags they
// list, so the count is checked against a wide range (0–20) rather than a number we cannot
// vouch for.
const redFlagsMax = 20_00

var builtinInstruments = []builtinInstrument{
	{"tpitos", "The Pyramid Infant-Toddler Observation Scale", "TPITOS",
		"Pyramid Model practices in infant and toddler classrooms: a two-hour observation and a teacher interview. " +
			"Enter the percentage of indicators met for the observation and interview items, and the number of red flags.",
		[]builtinSubscale{
			{"Observation items (% of indicators)", 0, 100_00, true},
			{"Interview items (% of indicators)", 0, 100_00, true},
			{"Red flags (count)", 0, redFlagsMax, false},
		}},
	{"tpot", "Teaching Pyramid Observation Tool for Preschool Classrooms", "TPOT",
		"Pyramid Model practices in preschool classrooms: an observation and a teacher interview. " +
			"Enter the percentage of indicators met for the key practices and for the responses to challenging behavior, and the number of red flags.",
		[]builtinSubscale{
			{"Key practices (% of indicators)", 0, 100_00, true},
			{"Responses to challenging behavior (% of indicators)", 0, 100_00, true},
			{"Red flags (count)", 0, redFlagsMax, false},
		}},
	{"class_prek", "Classroom Assessment Scoring System, Pre-K", "CLASS Pre-K",
		"Teacher–child interactions, observed. Enter the domain scores on the 1 to 7 scale.",
		[]builtinSubscale{
			{"Emotional Support", 1_00, 7_00, true},
			{"Classroom Organization", 1_00, 7_00, true},
			{"Instructional Support", 1_00, 7_00, true},
		}},
	{"deca_p2", "Devereux Early Childhood Assessment for Preschoolers, Second Edition", "DECA-P2",
		"A child's social and emotional strengths, rated by a teacher or family member. Enter the T-scores (28 to 72). " +
			"Higher protective factor scores are better; a higher Behavioral Concerns score is worse.",
		[]builtinSubscale{
			{"Initiative", 28_00, 72_00, true},
			{"Self-Regulation", 28_00, 72_00, true},
			{"Attachment/Relationships", 28_00, 72_00, true},
			{"Total Protective Factors", 28_00, 72_00, true},
			{"Behavioral Concerns", 28_00, 72_00, false},
		}},
}

// Limits of a tenant's own instrument.
const (
	InstrumentMaxSubscales = 12
	instrumentNameMax      = 120
	instrumentShortMax     = 24
	instrumentDescMax      = 1000
	scoreAbsMax            = 1_000_000_00 // a subscale's bounds stay within ±1,000,000
)

// Instruments is the tenant's assessment instruments: the built-ins, ensured lazily, and the
// tenant's own, which its admin adds.
type Instruments struct {
	db    *bun.DB
	audit *audit.Log
}

// NewInstruments returns the instruments service.
func NewInstruments(db *bun.DB, log *audit.Log) *Instruments { return &Instruments{db: db, audit: log} }

// EnsureBuiltins adds whichever built-in instruments the tenant in ctx lacks, with their
// subscales. Running it again (or twice at once) changes nothing.
func (s *Instruments) EnsureBuiltins(ctx context.Context) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	n, err := t.Select((*Instrument)(nil)).Where("ins.builtin <> ''").Count(ctx)
	if err != nil || int(n) >= len(builtinInstruments) {
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		var have []string
		if err := t.Select((*Instrument)(nil)).Column("builtin").Where("ins.builtin <> ''").Scan(ctx, &have); err != nil {
			return err
		}
		var added []string
		for _, b := range builtinInstruments {
			if database.StringList(have).Has(b.key) {
				continue
			}
			ins := &Instrument{ID: database.NewID(), Name: b.name, ShortName: b.short, Description: b.description,
				HigherIsBetter: true, Builtin: b.key, CreatedAt: database.Now()}
			res, err := t.Insert(ins).On("CONFLICT DO NOTHING").Exec(ctx)
			if err != nil {
				return err
			}
			if rows, _ := res.RowsAffected(); rows == 0 {
				continue // another request added it, or the short name is taken
			}
			subs := make([]*Subscale, len(b.subscales))
			for i, x := range b.subscales {
				subs[i] = &Subscale{ID: database.NewID(), InstrumentID: ins.ID, Name: x.name, Position: i + 1,
					MinHundredths: x.min, MaxHundredths: x.max, HigherIsBetter: x.higher}
			}
			if _, err := database.InsertMany(t, subs).Exec(ctx); err != nil {
				return err
			}
			added = append(added, b.short)
		}
		if len(added) == 0 {
			return nil
		}
		return s.audit.Record(ctx, "instrument.builtin", "instrument", "", "Built-in instruments added: "+strings.Join(added, ", "))
	})
}

// List returns the tenant's instruments with their subscales, built-ins first, each by name.
func (s *Instruments) List(ctx context.Context) ([]Instrument, error) {
	if err := s.EnsureBuiltins(ctx); err != nil {
		return nil, err
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Instrument
	if err := t.Select(&list).OrderExpr("CASE WHEN ins.builtin = '' THEN 1 ELSE 0 END, ins.short_name").Scan(ctx); err != nil {
		return nil, err
	}
	var subs []Subscale
	if err := t.Select(&subs).OrderExpr("sub.instrument_id, sub.position").Scan(ctx); err != nil {
		return nil, err
	}
	by := map[string][]Subscale{}
	for _, x := range subs {
		by[x.InstrumentID] = append(by[x.InstrumentID], x)
	}
	for i := range list {
		list[i].Subscales = by[list[i].ID]
	}
	return list, nil
}

// ByID returns one instrument of the tenant with its subscales, or ENOTFOUND.
func (s *Instruments) ByID(ctx context.Context, id string) (*Instrument, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("instrument")
	}
	ins := new(Instrument)
	if err := t.Select(ins).Where("ins.id = ?", id).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("instrument")
		}
		return nil, err
	}
	err = t.Select(&ins.Subscales).Where("sub.instrument_id = ?", ins.ID).OrderExpr("sub.position").Scan(ctx)
	return ins, err
}

// SubscaleInput is one row of the new-instrument form, as typed.
type SubscaleInput struct {
	Name, Min, Max string
	LowerIsBetter  bool
}

// InstrumentInput is the new-instrument form.
type InstrumentInput struct {
	Name, ShortName, Description string
	Subscales                    []SubscaleInput
}

// SubscaleField names the form field of row i (sub_name_0, sub_min_0 …).
func SubscaleField(what string, i int) string { return "sub_" + what + "_" + strconv.Itoa(i) }

// ValidateInstrument checks the form and returns the instrument to store. Blank subscale rows
// are skipped. Errors: EINVALID naming each bad field.
func ValidateInstrument(in InstrumentInput) (*Instrument, error) {
	bad := map[string]string{}
	ins := &Instrument{Name: strings.TrimSpace(in.Name), ShortName: strings.TrimSpace(in.ShortName),
		Description: strings.TrimSpace(in.Description), HigherIsBetter: true}
	switch {
	case ins.Name == "":
		bad["name"] = "Enter the instrument's name."
	case utf8.RuneCountInString(ins.Name) > instrumentNameMax:
		bad["name"] = "Keep the name to 120 characters or fewer."
	}
	switch {
	case ins.ShortName == "":
		bad["short_name"] = "Enter a short name, such as its abbreviation."
	case utf8.RuneCountInString(ins.ShortName) > instrumentShortMax:
		bad["short_name"] = "Keep the short name to 24 characters or fewer."
	default:
		for _, b := range builtinInstruments {
			if strings.EqualFold(b.short, ins.ShortName) {
				bad["short_name"] = b.short + " is built in already; choose another short name."
			}
		}
	}
	if utf8.RuneCountInString(ins.Description) > instrumentDescMax {
		bad["description"] = "Keep the description to 1,000 characters or fewer."
	}
	for i, x := range in.Subscales {
		name, lo, hi := strings.TrimSpace(x.Name), strings.TrimSpace(x.Min), strings.TrimSpace(x.Max)
		if name == "" && lo == "" && hi == "" {
			continue
		}
		sub := Subscale{Name: name, Position: len(ins.Subscales) + 1, HigherIsBetter: !x.LowerIsBetter}
		if name == "" {
			bad[SubscaleField("name", i)] = "Enter the subscale's name."
		} else if utf8.RuneCountInString(name) > instrumentNameMax {
			bad[SubscaleField("name", i)] = "Keep the subscale's name to 120 characters or fewer."
		}
		var okLo, okHi bool
		if sub.MinHundredths, okLo = ParseScore(lo); !okLo || abs64(sub.MinHundredths) > scoreAbsMax {
			bad[SubscaleField("min", i)] = "Enter the lowest possible score as a number, with at most two decimals."
		}
		if sub.MaxHundredths, okHi = ParseScore(hi); !okHi || abs64(sub.MaxHundredths) > scoreAbsMax {
			bad[SubscaleField("max", i)] = "Enter the highest possible score as a number, with at most two decimals."
		} else if okLo && sub.MaxHundredths <= sub.MinHundredths {
			bad[SubscaleField("max", i)] = "The highest score must be above the lowest."
		}
		for _, o := range ins.Subscales {
			if name != "" && strings.EqualFold(o.Name, name) {
				bad[SubscaleField("name", i)] = "Two subscales have this name; give each its own."
			}
		}
		ins.Subscales = append(ins.Subscales, sub)
	}
	switch {
	case len(ins.Subscales) == 0:
		bad["subscales"] = "Add at least one subscale: its name and its lowest and highest scores."
	case len(ins.Subscales) > InstrumentMaxSubscales:
		bad["subscales"] = "An instrument has at most 12 subscales."
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return ins, nil
}

// Create adds a tenant's own instrument. Errors: EINVALID naming each bad field (a short name
// already used is one).
func (s *Instruments) Create(ctx context.Context, in InstrumentInput) (*Instrument, error) {
	ins, err := ValidateInstrument(in)
	if err != nil {
		return nil, err
	}
	ins.ID, ins.CreatedAt = database.NewID(), database.Now()
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*Instrument)(nil)).Where("LOWER(ins.short_name) = LOWER(?)", ins.ShortName).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Invalid(map[string]string{"short_name": "Another instrument has this short name; choose another."})
		}
		if _, err := t.Insert(ins).Exec(ctx); err != nil {
			if database.IsUniqueViolation(err) {
				return apperr.Invalid(map[string]string{"short_name": "Another instrument has this short name; choose another."})
			}
			return err
		}
		subs := make([]*Subscale, len(ins.Subscales))
		for i := range ins.Subscales {
			ins.Subscales[i].ID, ins.Subscales[i].InstrumentID = database.NewID(), ins.ID
			subs[i] = &ins.Subscales[i]
		}
		if _, err := database.InsertMany(t, subs).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "instrument.create", "instrument", ins.ID,
			ins.ShortName+" ("+ins.Name+"), "+strconv.Itoa(len(subs))+" subscales")
	})
	if err != nil {
		return nil, err
	}
	return ins, nil
}

// ParseScore reads a score typed as a decimal number with at most two decimals ("85", "3.5",
// "-1.25") into hundredths.
func ParseScore(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 2 || dot && frac == "" || len(whole) > 10 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	var v int64
	if whole != "" {
		w, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, false
		}
		v = w * 100
	}
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
		v += f
	}
	if neg {
		v = -v
	}
	return v, true
}

// ScoreText writes hundredths as a plain number: 85, 3.5, -1.25.
func ScoreText(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := sign + strconv.FormatInt(v/100, 10)
	switch f := v % 100; {
	case f == 0:
	case f%10 == 0:
		s += "." + strconv.FormatInt(f/10, 10)
	default:
		s += "." + strconv.FormatInt(f/10, 10) + strconv.FormatInt(f%10, 10)
	}
	return s
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// Range is the subscale's allowed scores in words ("0 to 100").
func (s Subscale) Range() string {
	return ScoreText(s.MinHundredths) + " to " + ScoreText(s.MaxHundredths)
}

// Direction is which way is better, in words.
func (s Subscale) Direction() string {
	if s.HigherIsBetter {
		return "Higher is better"
	}
	return "Lower is better"
}
