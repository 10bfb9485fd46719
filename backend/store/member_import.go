package store

import (
	"context"
	"slices"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// importPlan is what an import does: per line, the member to create or the
// member to update and how.
type importPlan struct {
	report *ecabinet.ImportReport
	steps  []importStep
}

type importStep struct {
	line   *ecabinet.ImportLine
	in     ecabinet.MemberInput
	before *ecabinet.Member // nil: create
}

// ImportMembers imports a members' CSV file into the actor's body (see
// ecabinet.MemberImporter). The plan is made again inside the transaction
// that applies it, so what is written is what was checked. With a problem
// on any line it returns the report with an invalid error, and writes
// nothing. Admin only.
func (s *MemberService) ImportMembers(ctx context.Context, data []byte, opt ecabinet.ImportOptions) (*ecabinet.ImportReport, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := ecabinet.ParseMembersCSV(data)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		p, err := s.plan(s.db.read(ctx), a, rows, opt)
		if err != nil {
			return nil, translate(err)
		}
		return p.report, nil
	}
	var p *importPlan
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := lockOrgs(tx.DB, a.BodyID); err != nil {
			return err
		}
		var err error
		if p, err = s.plan(tx.DB, a, rows, opt); err != nil || p.report.Invalid > 0 {
			return err
		}
		return s.apply(ctx, tx, a, p)
	})
	if err != nil {
		return nil, err
	}
	if p.report.Invalid > 0 {
		return p.report, ecabinet.Errorf(ecabinet.EINVALID, "import.invalid", p.report.Invalid)
	}
	return p.report, nil
}

// plan compares the file's lines with the body's members and
// organisations, and names every problem.
func (s *MemberService) plan(q *gorm.DB, a ecabinet.Actor, rows []*ecabinet.MemberRow, opt ecabinet.ImportOptions) (*importPlan, error) {
	p := &importPlan{report: &ecabinet.ImportReport{DryRun: opt.DryRun, Organizations: []string{}, Lines: make([]ecabinet.ImportLine, len(rows))}}
	orgs, err := loadOrgs(q, a.BodyID)
	if err != nil {
		return nil, err
	}
	var existing []memberRow
	if err := q.Where("body_id = ?", a.BodyID).Find(&existing).Error; err != nil {
		return nil, err
	}
	mine := map[string]*ecabinet.Member{}
	for i := range existing {
		mine[existing[i].Username] = existing[i].domain()
	}
	names := make([]string, 0, len(rows))
	for _, r := range rows {
		names = append(names, r.Input.Username)
	}
	var elsewhere []string
	if err := q.Model(&memberRow{}).Where("body_id <> ? AND username IN ?", a.BodyID, names).Pluck("username", &elsewhere).Error; err != nil {
		return nil, err
	}
	for i, r := range rows {
		line := &p.report.Lines[i]
		line.Line, line.Username, line.Problems = r.Line, r.Input.Username, r.Problems
		in := r.Input
		if slices.Contains(elsewhere, in.Username) {
			line.Problems = append(line.Problems, ecabinet.FieldError("username", "import.username_elsewhere", in.Username))
		}
		if canon, err := orgs.resolve("organization", in.Organization); err == nil {
			in.Organization = canon
		} else if opt.CreateOrganizations {
			// Later lines find it in the list.
			in.Organization = normalName(in.Organization)
			orgs[orgKey(in.Organization)] = in.Organization
			line.NewOrganization = in.Organization
			p.report.Organizations = append(p.report.Organizations, in.Organization)
		} else {
			line.Problems = append(line.Problems, ecabinet.AsError(err))
		}
		before := mine[in.Username]
		if before != nil && before.ID == a.MemberID && in.Role != ecabinet.RoleAdmin {
			line.Problems = append(line.Problems, ecabinet.FieldError("role", "member.self_demote"))
		}
		switch {
		case len(line.Problems) > 0:
			line.Action = ecabinet.ImportInvalid
			p.report.Invalid++
			continue
		case before == nil:
			line.Action = ecabinet.ImportCreate
			p.report.Created++
		default:
			in.Precedence, in.Active = before.Precedence, before.Active
			line.MemberID, line.Changes = before.ID, importChanges(before, in)
			if len(line.Changes) == 0 {
				line.Action = ecabinet.ImportUnchanged
				p.report.Unchanged++
				continue
			}
			line.Action = ecabinet.ImportUpdate
			p.report.Updated++
		}
		p.steps = append(p.steps, importStep{line: line, in: in, before: before})
	}
	return p, nil
}

// importChanges names the fields of the file that differ from the member.
func importChanges(m *ecabinet.Member, in ecabinet.MemberInput) []string {
	var out []string
	for _, f := range []struct {
		name     string
		was, now any
	}{
		{"full_name", m.FullName, in.FullName}, {"title", m.Title, in.Title}, {"organization", m.Organization, in.Organization},
		{"role", m.Role, in.Role}, {"clearance", m.Clearance, in.Clearance}, {"voting", m.Voting, in.Voting}, {"email", m.Email, in.Email},
	} {
		if f.was != f.now {
			out = append(out, f.name)
		}
	}
	return out
}

// apply writes the plan: the new organisations, the members created
// (without a password) and those updated, each audited as a single change
// would be, and the import itself.
func (s *MemberService) apply(ctx context.Context, tx *Tx, a ecabinet.Actor, p *importPlan) error {
	orgs, err := loadOrgs(tx.DB, a.BodyID)
	if err != nil {
		return err
	}
	for _, name := range p.report.Organizations {
		if _, _, err := addOrg(tx.DB, orgs, a.BodyID, name); err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditOrganization,
			Subject: "organization", Detail: map[string]string{"created": name}})
	}
	for _, st := range p.steps {
		if st.before == nil {
			m, err := createdByAdmin(ctx, tx, a, st.in, "")
			if err != nil {
				return err
			}
			st.line.MemberID = m.ID
			continue
		}
		if _, err := s.updated(ctx, tx, a, st.before, st.in); err != nil {
			return err
		}
	}
	tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMembersImported, Subject: "members",
		Detail: map[string]int{"created": p.report.Created, "updated": p.report.Updated, "unchanged": p.report.Unchanged}})
	p.report.Applied = true
	return nil
}
