package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type organizationRow struct {
	ID     int64
	BodyID int64
	Name   string
}

func (organizationRow) TableName() string { return "organizations" }

// OrganizationService implements ecabinet.OrganizationService.
type OrganizationService struct{ db *DB }

// NewOrganizationService returns an OrganizationService over db.
func NewOrganizationService(db *DB) *OrganizationService { return &OrganizationService{db: db} }

var _ ecabinet.OrganizationService = (*OrganizationService)(nil)

// orgKey is what two spellings of one organisation share: the name in
// Unicode's composed form (a name typed on one system and pasted from
// another may arrive decomposed), lower case, spaces folded.
func orgKey(name string) string { return strings.ToLower(normalName(name)) }

// normalName is a name in composed form with its spaces folded.
func normalName(name string) string { return norm.NFC.String(strings.Join(strings.Fields(name), " ")) }

// orgIndex maps the body's organisations by key to their names.
type orgIndex map[string]string

func loadOrgs(q *gorm.DB, bodyID int64) (orgIndex, error) {
	var rows []organizationRow
	if err := q.Where("body_id = ?", bodyID).Find(&rows).Error; err != nil {
		return nil, err
	}
	idx := orgIndex{}
	for _, r := range rows {
		idx[orgKey(r.Name)] = r.Name
	}
	return idx, nil
}

// resolve returns the list's spelling of name ("" stays ""). Errors:
// invalid (organization.unknown) naming field.
func (idx orgIndex) resolve(field, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if canon, ok := idx[orgKey(name)]; ok {
		return canon, nil
	}
	return "", ecabinet.FieldError(field, "organization.unknown", name)
}

// lockOrgs serialises changes to a body's list on PostgreSQL (SQLite has
// one writer), so that two spellings of one name never both get in.
func lockOrgs(tx *gorm.DB, bodyID int64) error {
	if tx.Dialector.Name() != Postgres {
		return nil
	}
	var id int64
	return tx.Model(&bodyRow{}).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", bodyID).Pluck("id", &id).Error
}

// addOrg adds name (its composed form) to the body's list unless a
// spelling of it is there, and returns the list's spelling. The caller
// holds lockOrgs.
func addOrg(tx *gorm.DB, idx orgIndex, bodyID int64, name string) (string, bool, error) {
	if canon, ok := idx[orgKey(name)]; ok || name == "" {
		return canon, false, nil
	}
	row := organizationRow{BodyID: bodyID, Name: normalName(name)}
	if err := tx.Create(&row).Error; err != nil {
		return "", false, err
	}
	idx[orgKey(row.Name)] = row.Name
	return row.Name, true, nil
}

// ListOrganizations returns the actor's body's organisations by name, with
// how many members and tasks name each.
func (s *OrganizationService) ListOrganizations(ctx context.Context) ([]*ecabinet.Organization, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	q := s.db.read(ctx)
	var rows []organizationRow
	if err := q.Where("body_id = ?", a.BodyID).Order("name").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	members, tasks, err := orgUsage(q, a.BodyID)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Organization, len(rows))
	for i, r := range rows {
		out[i] = &ecabinet.Organization{ID: r.ID, Name: r.Name, Members: members[r.Name], Tasks: tasks[r.Name]}
	}
	return out, nil
}

// orgUsage counts per organisation the members of the body that belong to
// it and the tasks that name it: as lead, as the organisation credited or
// among the co-operating units.
func orgUsage(q *gorm.DB, bodyID int64) (members, tasks map[string]int, err error) {
	var counts []struct {
		Organization string
		N            int
	}
	if err := q.Model(&memberRow{}).Select("organization, COUNT(*) AS n").Where("body_id = ?", bodyID).Group("organization").Scan(&counts).Error; err != nil {
		return nil, nil, err
	}
	members = map[string]int{}
	for _, c := range counts {
		members[c.Organization] = c.N
	}
	var rows []taskRow
	if err := q.Select("lead_org, organization, co_units").Where("body_id = ?", bodyID).Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	tasks = map[string]int{}
	for _, r := range rows {
		names := map[string]bool{r.Organization: true}
		if r.LeadOrg != nil {
			names[*r.LeadOrg] = true
		}
		var units []string
		_ = json.Unmarshal([]byte(r.CoUnits), &units)
		for _, u := range units {
			names[u] = true
		}
		for n := range names {
			tasks[n]++
		}
	}
	return members, tasks, nil
}

// CreateOrganization adds an organisation to the actor's body's list. Admin only.
func (s *OrganizationService) CreateOrganization(ctx context.Context, in ecabinet.OrganizationInput) (*ecabinet.Organization, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Organization
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := lockOrgs(tx.DB, a.BodyID); err != nil {
			return err
		}
		idx, err := loadOrgs(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if canon, ok := idx[orgKey(in.Name)]; ok {
			return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "organization.exists", Field: "name", Args: []any{canon}}
		}
		name, _, err := addOrg(tx.DB, idx, a.BodyID, in.Name)
		if err != nil {
			return err
		}
		var row organizationRow
		if err := tx.Where("body_id = ? AND name = ?", a.BodyID, name).Take(&row).Error; err != nil {
			return err
		}
		out = &ecabinet.Organization{ID: row.ID, Name: row.Name}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditOrganization,
			Subject: ecabinet.Subject("organization", row.ID), Detail: map[string]string{"created": row.Name}})
		return nil
	})
	return out, err
}

// RenameOrganization changes an organisation's name in the list and
// wherever members and tasks name it, in one transaction. Admin only.
func (s *OrganizationService) RenameOrganization(ctx context.Context, id int64, in ecabinet.OrganizationInput) (*ecabinet.Organization, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	name := normalName(in.Name)
	var out *ecabinet.Organization
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := lockOrgs(tx.DB, a.BodyID); err != nil {
			return err
		}
		old, err := findOrg(tx.DB, a.BodyID, id)
		if err != nil {
			return err
		}
		idx, err := loadOrgs(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if canon, ok := idx[orgKey(name)]; ok && orgKey(name) != orgKey(old.Name) {
			return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "organization.exists", Field: "name", Args: []any{canon}}
		}
		if err := renameOrgReferences(tx.DB, a.BodyID, old.Name, name); err != nil {
			return err
		}
		if err := tx.Model(&organizationRow{}).Where("id = ?", id).Update("name", name).Error; err != nil {
			return err
		}
		out = &ecabinet.Organization{ID: id, Name: name}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditOrganization,
			Subject: ecabinet.Subject("organization", id), Detail: map[string]any{"renamed": [2]string{old.Name, name}}})
		return emitLedger(tx, a.BodyID, ecabinet.LedgerBody, 0, ecabinet.ClassNone)
	})
	return out, err
}

// renameOrgReferences puts to the new name every member, task lead,
// credited organisation and co-operating unit of the body that names the
// old one.
func renameOrgReferences(tx *gorm.DB, bodyID int64, from, to string) error {
	if err := tx.Model(&memberRow{}).Where("body_id = ? AND organization = ?", bodyID, from).Update("organization", to).Error; err != nil {
		return err
	}
	for col, q := range map[string]string{"lead_org": "lead_org = ?", "organization": "organization = ?"} {
		if err := tx.Model(&taskRow{}).Where("body_id = ? AND "+q, bodyID, from).Update(col, to).Error; err != nil {
			return err
		}
	}
	var rows []taskRow
	if err := tx.Select("id, co_units").Where("body_id = ?", bodyID).Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		var units []string
		_ = json.Unmarshal([]byte(r.CoUnits), &units)
		if i := slices.Index(units, from); i >= 0 {
			units[i] = to
			b, err := json.Marshal(units)
			if err != nil {
				return err
			}
			if err := tx.Model(&taskRow{}).Where("id = ?", r.ID).Update("co_units", string(b)).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteOrganization removes an organisation nobody names. Admin only.
func (s *OrganizationService) DeleteOrganization(ctx context.Context, id int64) error {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if err := lockOrgs(tx.DB, a.BodyID); err != nil {
			return err
		}
		o, err := findOrg(tx.DB, a.BodyID, id)
		if err != nil {
			return err
		}
		members, tasks, err := orgUsage(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if members[o.Name] > 0 || tasks[o.Name] > 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "organization.in_use", members[o.Name], tasks[o.Name])
		}
		if err := tx.Delete(&organizationRow{}, id).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditOrganization,
			Subject: ecabinet.Subject("organization", id), Detail: map[string]string{"deleted": o.Name}})
		return nil
	})
}

func findOrg(q *gorm.DB, bodyID, id int64) (*organizationRow, error) {
	var row organizationRow
	err := q.Where("id = ? AND body_id = ?", id, bodyID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("organization")
	}
	return &row, err
}

// EnsureOrganizations adds to a body's list the names not there in any
// spelling, without an actor (seeding, the operator's commands).
func (db *DB) EnsureOrganizations(ctx context.Context, bodyID int64, names ...string) error {
	return db.write(ctx, func(tx *Tx) error {
		if err := lockOrgs(tx.DB, bodyID); err != nil {
			return err
		}
		idx, err := loadOrgs(tx.DB, bodyID)
		if err != nil {
			return err
		}
		for _, n := range names {
			if _, _, err := addOrg(tx.DB, idx, bodyID, n); err != nil {
				return err
			}
		}
		return nil
	})
}
