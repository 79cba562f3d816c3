package consultants

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// Review decisions.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
)

// MaxComments is the longest a reviewer's comments may be.
const MaxComments = 2000

// ReviewInput is what the review form sends: the competencies ticked, the decision and, to
// return an application, the comments for the consultant.
type ReviewInput struct {
	Decision string
	Checked  []string
	Comments string
}

// Review approves a submitted application (every item of the tenant's checklist ticked) or
// returns it with comments. An approved profile is public.
func (r *Registry) Review(ctx context.Context, profileID string, in ReviewInput) (*Profile, error) {
	l, err := r.Lists(ctx)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	var p *Profile
	err = database.InTx(ctx, r.db, func(ctx context.Context) error {
		if p, err = r.Profile(ctx, profileID); err != nil {
			return err
		}
		if p.Status != StatusSubmitted {
			return apperr.Errorf(apperr.ECONFLICT, "This application is not waiting for review.")
		}
		fields := map[string]string{}
		ticked := pick(fields, "checklist", "competencies", in.Checked, l.Competencies)
		comments := strings.TrimSpace(strings.ReplaceAll(in.Comments, "\r\n", "\n"))
		if n := utf8.RuneCountInString(comments); n > MaxComments {
			fields["comments"] = "Use at most 2,000 characters."
		}
		switch in.Decision {
		case DecisionApprove:
			if len(ticked) < len(l.Competencies) && fields["checklist"] == "" {
				fields["checklist"] = "Tick every competency to approve, or return the application with comments."
			}
		case DecisionReturn:
			if comments == "" {
				fields["comments"] = "Say what the consultant should change before returning the application."
			}
		default:
			fields["decision"] = "Choose to approve or to return the application."
		}
		if len(fields) > 0 {
			return apperr.Invalid(fields)
		}
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		now := database.Now()
		p.ReviewChecklist, p.ReviewComments, p.ReviewedAt, p.ReviewedBy, p.UpdatedAt = ticked, comments, &now, sc.UserID, now
		p.Status = StatusApproved
		if in.Decision == DecisionReturn {
			p.Status = StatusReturned
		}
		if _, err := t.Update(p).Column("status", "review_checklist", "review_comments", "reviewed_at", "reviewed_by", "updated_at").
			Where("cp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
		return r.audit.Record(ctx, "consultant_profile."+in.Decision, "consultant_profile", p.ID, p.DisplayName)
	})
	return p, err
}

// ApproveForDemo saves and approves the profile of user in the tenant of ctx unless it is
// approved already (the demo seed; running it twice changes nothing).
func (r *Registry) ApproveForDemo(ctx context.Context, userID string, in ProfileInput) error {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return err
	}
	cur := new(Profile)
	err = t.Select(cur).Where("cp.user_id = ?", userID).Scan(ctx)
	if err == nil && cur.Status == StatusApproved {
		return nil
	}
	if err != nil {
		if err = profileNotFound(err, "profile"); apperr.Code(err) != apperr.ENOTFOUND {
			return err
		}
		cur = nil
	}
	l, err := r.Lists(ctx)
	if err != nil {
		return err
	}
	p, err := in.check(l)
	if err != nil {
		return err
	}
	return database.InTx(ctx, r.db, func(ctx context.Context) error {
		if err := r.saveProfile(ctx, userID, p, cur); err != nil {
			return err
		}
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		now := database.Now()
		p.Status, p.SubmittedAt, p.ReviewedAt, p.ReviewChecklist = StatusApproved, &now, &now, l.Competencies
		if _, err := t.Update(p).Column("status", "submitted_at", "reviewed_at", "review_checklist").Where("cp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
		return r.audit.Record(ctx, "consultant_profile.approve", "consultant_profile", p.ID, p.DisplayName+" (demo)")
	})
}
