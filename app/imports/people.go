package imports

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
)

// personRow is one parsed row of a people file: one invitation.
type personRow struct {
	Row            int
	Email, Name    string
	Role           string
	Organisation   string // as typed
	OrganisationID string
}

// roleOf returns the role a cell names by its value or its label, or "".
func roleOf(v string) string {
	v = collapse(v)
	for _, r := range authz.TenantRoles {
		if strings.EqualFold(v, r) || strings.EqualFold(v, authz.RoleLabel(r)) {
			return r
		}
	}
	return ""
}

func roleList() string {
	var labels []string
	for _, r := range authz.TenantRoles {
		labels = append(labels, r+" ("+authz.RoleLabel(r)+")")
	}
	return strings.Join(labels, ", ")
}

// checkPeople reads and checks every row of a people file: the email, the role, the
// organisation a funder or program person belongs to, and that nobody is invited twice or is
// already a member.
func (s *Service) checkPeople(ctx context.Context, text string) ([]personRow, []Problem, error) {
	var problems []Problem
	cols := PeopleColumns
	sh, msg := openSheet(text, KindPeople)
	if msg != "" {
		return nil, []Problem{{Message: msg}}, nil
	}
	store := s.tenants.Store()
	funderList, err := store.OrganisationsOfKind(ctx, tenants.OrgFunder)
	if err != nil {
		return nil, nil, err
	}
	programList, err := store.OrganisationsOfKind(ctx, tenants.OrgProgram)
	if err != nil {
		return nil, nil, err
	}
	orgs := map[string]*orgIndex{tenants.OrgFunder: newOrgIndex(funderList, true), tenants.OrgProgram: newOrgIndex(programList, false)}
	members, err := store.Members(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	memberRole := map[string]string{}
	for _, m := range members {
		if m.Active {
			memberRole[strings.ToLower(m.Email)] = m.Role
		}
	}
	var rows []personRow
	firstRow := map[string]int{}
	for {
		rec, msg, err := sh.next()
		if err == io.EOF {
			break
		}
		if msg != "" {
			return nil, []Problem{{Message: msg}}, nil
		}
		bad := func(field, format string, args ...any) {
			problems = append(problems, Problem{Row: rec.Row, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		if rec.Width != 0 {
			problems = append(problems, Problem{Row: rec.Row, Message: fmt.Sprintf("the row has %d values, but the header has %d columns.", rec.Width, len(cols))})
		}
		r := personRow{Row: rec.Row, Name: collapse(rec.get(cols, "name")), Organisation: collapse(rec.get(cols, "organisation"))}
		raw := rec.get(cols, "email")
		email, msg := accounts.NormalizeEmail(raw)
		switch {
		case msg != "" && raw == "":
			bad("email", "enter an email address.")
		case msg != "":
			bad("email", "“%s” is not an email address: write it in the form name@example.org.", raw)
		case firstRow[email] != 0:
			bad("email", "%s is already invited by row %d.", email, firstRow[email])
		case memberRole[email] != "":
			bad("email", "%s is already a member (%s).", email, authz.RoleLabel(memberRole[email]))
		default:
			r.Email = email
			firstRow[email] = rec.Row
		}
		if len(r.Name) > maxName {
			bad("name", "use at most %d characters.", maxName)
		}
		if v := rec.get(cols, "role"); v == "" {
			bad("role", "enter a role: %s.", roleList())
		} else if r.Role = roleOf(v); r.Role == "" {
			bad("role", "“%s” is not a role: use one of %s.", v, roleList())
		}
		if kind, bound := authz.NeedsOrganisation(r.Role); bound {
			label := strings.ToLower(tenants.OrgKindLabel(kind))
			o, ambiguous := orgs[kind].find(r.Organisation)
			switch {
			case r.Organisation == "":
				bad("organisation", "a %s person belongs to a %s: enter its name.", strings.ToLower(authz.RoleLabel(r.Role)), label)
			case ambiguous:
				bad("organisation", "“%s” names more than one %s: use its full name.", r.Organisation, label)
			case o == nil:
				bad("organisation", "“%s” is not a %s of this agency.", r.Organisation, label)
			default:
				r.OrganisationID = o.ID
			}
		} else if r.Role != "" && r.Organisation != "" {
			bad("organisation", "a %s does not belong to an organisation in Holdspace: leave it empty.", strings.ToLower(authz.RoleLabel(r.Role)))
		}
		rows = append(rows, r)
	}
	sortProblems(problems)
	return rows, problems, nil
}

// sortProblems orders problems by row, then by the column's place in the file's kind.
func sortProblems(p []Problem) {
	order := map[string]int{}
	for i, c := range ProgramColumns {
		order[c] = i + 1
	}
	for i, c := range PeopleColumns {
		order[c] = i + 1
	}
	sort.SliceStable(p, func(i, j int) bool {
		if p[i].Row != p[j].Row {
			return p[i].Row < p[j].Row
		}
		return order[p[i].Field] < order[p[j].Field]
	})
}
