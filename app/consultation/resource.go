package consultation

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// ResourceAudiences are who a library resource is for.
var ResourceAudiences = []Choice{
	{"professionals", "Consultants and program staff"},
	{"families", "Families"},
	{"leaders", "Administrators and policy makers"},
}

// ResourceAudienceLabel is an audience in words.
func ResourceAudienceLabel(v string) string {
	for _, a := range ResourceAudiences {
		if a.Value == v {
			return a.Label
		}
	}
	return v
}

// AudienceLabel is the resource's audience in words.
func (r *Resource) AudienceLabel() string { return ResourceAudienceLabel(r.Audience) }

// builtinResource is an entry of the IECMH resource list (seeds/004). The document gives no
// addresses, so none is invented: URL stays empty until an admin adds one.
type builtinResource struct{ title, topic, audience, description string }

// BuiltinResources is the resource list of seeds/004, with its topics.
var builtinResources = []builtinResource{
	{"National Child Traumatic Stress Network — Early Childhood Trauma", "Trauma and toxic stress", "professionals",
		"Trauma and toxic stress in infancy and early childhood, and how nurturing relationships build resilience."},
	{"Center on the Developing Child — A Guide to Toxic Stress", "Trauma and toxic stress", "professionals",
		"How toxic stress affects early brain development, and what adults can do."},
	{"Child Maltreatment: Referral Requirements under CAPTA and IDEA", "Trauma and toxic stress", "leaders",
		"Referral requirements for young children involved in child welfare."},
	{"Alliance for the Advancement of Infant Mental Health", "National organizations", "professionals",
		"Supports over 33 Affiliated Associations for Infant Mental Health, including the endorsement process and competencies."},
	{"Center of Excellence for IECMH Consultation", "National organizations", "professionals",
		"Technical assistance, resources and professional development for mental health consultation across early childhood programs."},
	{"ACF Video Series on Early Childhood Social Emotional Development and Mental Health and Caregiver Well-Being", "Caregiver well-being", "professionals",
		"From the Children's Bureau Learning and Coordination Center; includes Building Systems to Meet the Social-Emotional Needs of Every Child."},
	{"Parent Well-Being Matters", "Caregiver well-being", "families", "Part of the ACF video series: why parents' well-being matters."},
	{"Caregiver Well-Being Matters", "Caregiver well-being", "professionals", "Part of the ACF video series: why caregivers' well-being matters."},
	{"Medicaid Policies to Help Young Children Access Infant-Early Childhood Mental Health Services", "Policy and financing", "leaders",
		"Georgetown University Center for Children and Families: results from a 50-state survey of state Medicaid policies."},
	{"PRiSM: Promoting Research-informed State Infant-Early Childhood Mental Health Policies and Scaled Initiatives", "Policy and financing", "leaders",
		"National Center for Children in Poverty (2019): a searchable collection of research-informed IECMH policies."},
	{"Child Welfare and Early Intervention: Policies and Practice to Promote Collaboration", "Early Intervention (Part C)", "leaders",
		"National Center for Children in Poverty (2022): helping infants and toddlers in child welfare reach Early Intervention."},
	{"National Center for Pyramid Model Innovations", "Social-emotional development", "professionals",
		"Tools, professional development and technical assistance for the Pyramid Model for Supporting Social Emotional Competence."},
	{"Mothers' Difficult Childhoods Impact Their Children's Mental Health", "Perinatal mental health", "professionals",
		"National Institute of Mental Health (2023): support during pregnancy and after birth can break the transmission of risk."},
	{"ZERO TO THREE IECMH Policy Series", "Policy and financing", "leaders",
		"ZERO TO THREE's resources on Infant and Early Childhood Mental Health policy."},
	{"IECMH and Early Intervention (Part C), Part 1: IECMH Screening, Assessment, and Eligibility", "Early Intervention (Part C)", "professionals",
		"Webinar (2022) with Georgetown CCHD, NCPMI and ZERO TO THREE."},
	{"IECMH and Early Intervention (Part C), Part 2: IECMH Practices and Services", "Early Intervention (Part C)", "professionals",
		"Webinar (2022) with Georgetown CCHD, NCPMI and ZERO TO THREE."},
	{"Early On Michigan Established Conditions", "Early Intervention (Part C)", "professionals", "Michigan's list of established conditions for Early On."},
	{"Social and Emotional Health: A Guide for Families with Children Birth to Age 8", "Social-emotional development", "families",
		"Michigan Department of Education (2019)."},
	{"Medicaid-funded Behavioral Health Services: Ages 0–6", "Policy and financing", "leaders", "Georgia Department of Community Health (2022)."},
	{"Supporting Social-Emotional and Mental Health Needs of Young Children Through Part C Early Intervention", "Early Intervention (Part C)", "leaders",
		"Webinar on a 50-state survey (NCCP and Georgetown CCF): screening, referral and evaluation, eligibility, services, CAPTA referrals and Medicaid funding."},
}

// Resources is the tenant's resource library.
type Resources struct {
	db    *bun.DB
	audit *audit.Log
}

// NewResources returns the library service.
func NewResources(db *bun.DB, log *audit.Log) *Resources { return &Resources{db: db, audit: log} }

// EnsureBuiltin adds the entries of the resource list (seeds/004) the tenant does not have
// (by title); running it twice changes nothing.
func (r *Resources) EnsureBuiltin(ctx context.Context) error {
	return database.InTx(ctx, r.db, func(ctx context.Context) error {
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		var have []string
		if err := t.Select((*Resource)(nil)).Column("res.title").Scan(ctx, &have); err != nil {
			return err
		}
		var add []*Resource
		now := database.Now()
		for _, b := range builtinResources {
			if database.StringList(have).Has(b.title) {
				continue
			}
			add = append(add, &Resource{ID: database.NewID(), Title: b.title, Topic: b.topic, Audience: b.audience,
				Description: b.description, CreatedAt: now, UpdatedAt: now})
		}
		if len(add) == 0 {
			return nil
		}
		// The first people to open an empty library at once all add the list: the ones
		// after the first add nothing (the title is unique in a tenant), instead of failing
		// on the unique index or deadlocking on it (seen under load).
		_, err = database.InsertMany(t, add).On("CONFLICT DO NOTHING").Exec(ctx)
		return err
	})
}

// ResourceFilter narrows the library.
type ResourceFilter struct {
	Topic, Audience string
	Page            int // from 1
}

// ResourcePageSize is how many resources a page of the library shows.
const ResourcePageSize = 25

// LibraryEntry is a resource as the person in ctx sees it: for a program user, with whom it
// was shared.
type LibraryEntry struct {
	Resource
	SharedWith string `bun:"shared_with"`
}

// SharedWithLabel is who it was shared with, in words ("" for the whole library).
func (l LibraryEntry) SharedWithLabel() string {
	switch l.SharedWith {
	case SharedWithFamily:
		return "Shared with the family"
	case SharedWithProgram:
		return "Shared with the program"
	}
	return ""
}

// List returns the library for the person in ctx: the whole library for consultants,
// supervisors and admins (the built-in entries are added the first time); for a program
// user, the resources shared at its sessions, each with whom it was shared.
//
// It returns one page (ResourcePageSize entries) and whether another follows.
func (r *Resources) List(ctx context.Context, f ResourceFilter) ([]LibraryEntry, bool, error) {
	sc, t, err := database.Scoped(ctx, r.db)
	if err != nil {
		return nil, false, err
	}
	var list []LibraryEntry
	var q *bun.SelectQuery
	switch sc.Role {
	case authz.Program:
		q = t.Select((*Resource)(nil)).ColumnExpr("DISTINCT res.*, sres.shared_with").
			Join("JOIN session_resources AS sres ON sres.tenant_id = res.tenant_id AND sres.resource_id = res.id").
			Join("JOIN engagements AS e ON e.tenant_id = sres.tenant_id AND e.id = sres.engagement_id")
		q = Visible(q, sc, "e")
	case authz.TenantAdmin, authz.Consultant, authz.Supervisor:
		n, err := t.Select((*Resource)(nil)).Count(ctx)
		if err != nil {
			return nil, false, err
		}
		if n == 0 {
			if err := r.EnsureBuiltin(ctx); err != nil {
				return nil, false, err
			}
		}
		q = t.Select((*Resource)(nil)).ColumnExpr("res.*, '' AS shared_with")
	default:
		return nil, false, apperr.Errorf(apperr.EFORBIDDEN, "The resource library is for consultants, supervisors, programs and admins.")
	}
	if f.Topic != "" {
		q = q.Where("res.topic = ?", f.Topic)
	}
	if f.Audience != "" {
		q = q.Where("res.audience = ?", f.Audience)
	}
	if f.Page < 1 {
		f.Page = 1
	}
	err = q.OrderExpr("res.topic, res.title, res.id").Limit(ResourcePageSize+1).Offset(int64((f.Page-1)*ResourcePageSize)).Scan(ctx, &list)
	if err != nil {
		return nil, false, err
	}
	more := len(list) > ResourcePageSize
	if more {
		list = list[:ResourcePageSize]
	}
	return list, more, nil
}

// Topics are the topics of the tenant's library, for the filter.
func (r *Resources) Topics(ctx context.Context) ([]string, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	var out []string
	err = t.Select((*Resource)(nil)).ColumnExpr("DISTINCT res.topic").Where("res.topic <> ''").OrderExpr("res.topic").Scan(ctx, &out)
	return out, err
}

// All is the whole library, by title (the record-a-session form).
func (r *Resources) All(ctx context.Context) ([]Resource, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	var list []Resource
	err = t.Select(&list).OrderExpr("res.title").Scan(ctx)
	return list, err
}

// ByID returns one resource. Errors: ENOTFOUND.
func (r *Resources) ByID(ctx context.Context, id string) (*Resource, error) {
	if !database.IsID(id) {
		return nil, apperr.NotFound("resource")
	}
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	res := new(Resource)
	err = t.Select(res).Where("res.id = ?", id).Scan(ctx)
	return res, sessNotFound(err, "resource")
}

// ResourceInput is the resource form.
type ResourceInput struct{ Title, URL, Topic, Audience, Description string }

func validateResource(in ResourceInput) (*Resource, error) {
	bad := map[string]string{}
	r := &Resource{Title: strings.Join(strings.Fields(in.Title), " "), URL: strings.TrimSpace(in.URL),
		Topic: strings.Join(strings.Fields(in.Topic), " "), Audience: in.Audience, Description: strings.TrimSpace(in.Description)}
	switch {
	case r.Title == "":
		bad["title"] = "Enter the title."
	case utf8.RuneCountInString(r.Title) > 200:
		bad["title"] = "Keep the title to 200 characters or fewer."
	}
	if r.URL != "" {
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > 1000 {
			bad["url"] = "Enter a web address starting with https:// (or leave it empty)."
		}
	}
	switch {
	case r.Topic == "":
		bad["topic"] = "Enter the topic."
	case utf8.RuneCountInString(r.Topic) > 120:
		bad["topic"] = "Keep the topic to 120 characters or fewer."
	}
	if ResourceAudienceLabel(r.Audience) == r.Audience {
		bad["audience"] = "Choose who the resource is for."
	}
	if utf8.RuneCountInString(r.Description) > 2000 {
		bad["description"] = "Keep the description to 2,000 characters or fewer."
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return r, nil
}

// Save adds a resource (id "") or changes one. Errors: EINVALID naming each bad field (a
// title already in the library too); ENOTFOUND.
func (r *Resources) Save(ctx context.Context, id string, in ResourceInput) (*Resource, error) {
	res, err := validateResource(in)
	if err != nil {
		return nil, err
	}
	now := database.Now()
	err = database.InTx(ctx, r.db, func(ctx context.Context) error {
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*Resource)(nil)).Where("LOWER(res.title) = LOWER(?) AND res.id <> ?", res.Title, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Invalid(map[string]string{"title": "The library already has a resource with this title."})
		}
		if id == "" {
			res.ID, res.CreatedAt, res.UpdatedAt = database.NewID(), now, now
			if _, err := t.Insert(res).Exec(ctx); err != nil {
				return err
			}
			return r.audit.Record(ctx, "resource.create", "resource", res.ID, res.Title)
		}
		old, err := r.ByID(ctx, id)
		if err != nil {
			return err
		}
		res.ID, res.CreatedAt, res.UpdatedAt = old.ID, old.CreatedAt, now
		if _, err := t.Update(res).Column("title", "url", "topic", "audience", "description", "updated_at").
			Where("res.id = ?", res.ID).Exec(ctx); err != nil {
			return err
		}
		return r.audit.Record(ctx, "resource.update", "resource", res.ID, res.Title)
	})
	return res, err
}
