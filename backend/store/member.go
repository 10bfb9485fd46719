package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type memberRow struct {
	ID           int64
	BodyID       int64
	Username     string
	PasswordHash string
	FullName     string
	Title        string
	Organization string
	Email        string
	Precedence   int
	Role         string
	Clearance    string
	Voting       bool
	Active       bool
	MFAEnabled   bool `gorm:"column:mfa_enabled"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (memberRow) TableName() string { return "members" }

func (r *memberRow) domain() *ecabinet.Member {
	return &ecabinet.Member{
		ID: r.ID, BodyID: r.BodyID, Username: r.Username, FullName: r.FullName, Title: r.Title,
		Organization: r.Organization, Email: r.Email, Precedence: r.Precedence, Role: ecabinet.Role(r.Role), Clearance: ecabinet.Classification(r.Clearance),
		Voting: r.Voting, Active: r.Active, MFAEnabled: r.MFAEnabled, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// PasswordHasher turns a password into a self-describing hash.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
}

// MemberService implements ecabinet.MemberService and
// ecabinet.MemberImporter (member_import.go).
type MemberService struct{ db *DB }

// NewMemberService returns a MemberService over db.
func NewMemberService(db *DB) *MemberService { return &MemberService{db: db} }

var (
	_ ecabinet.MemberService  = (*MemberService)(nil)
	_ ecabinet.MemberImporter = (*MemberService)(nil)
)

// memberOrder lists the chair first, then voting members, then the others.
const memberOrder = "CASE role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 WHEN 'secretary' THEN 2 WHEN 'admin' THEN 3 ELSE 4 END, precedence, id"

// FindMember returns a member of the actor's body.
func (s *MemberService) FindMember(ctx context.Context, id int64) (*ecabinet.Member, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.findMember(ctx, s.db.read(ctx), a.BodyID, id)
}

// ListMembers returns the members of the actor's body.
func (s *MemberService) ListMembers(ctx context.Context) ([]*ecabinet.Member, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var rows []memberRow
	if err := s.db.read(ctx).Where("body_id = ?", a.BodyID).Order(memberOrder).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Member, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// CreateMember adds a member to the actor's body, without a password (an
// admin then makes them a one-time link). Admin only.
func (s *MemberService) CreateMember(ctx context.Context, in ecabinet.MemberInput) (*ecabinet.Member, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := validByAdmin(&in); err != nil {
		return nil, err
	}
	var out *ecabinet.Member
	err = s.db.write(ctx, func(tx *Tx) error {
		idx, err := loadOrgs(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if in.Organization, err = idx.resolve("organization", in.Organization); err != nil {
			return err
		}
		out, err = createdByAdmin(ctx, tx, a, in, "")
		return err
	})
	return out, err
}

// validByAdmin checks what an admin sends: no password (members set their
// own through a one-time link), and every rule of the input.
func validByAdmin(in *ecabinet.MemberInput) error {
	if in.Password != "" {
		return ecabinet.FieldError("password", "member.password_by_link")
	}
	return in.Validate()
}

// createdByAdmin inserts a member into the actor's body with hash as its
// password ("" for none) and audits it.
func createdByAdmin(ctx context.Context, tx *Tx, a ecabinet.Actor, in ecabinet.MemberInput, hash string) (*ecabinet.Member, error) {
	m, err := insertMember(tx.DB, tx.db.Now(), a.BodyID, in, hash)
	if err != nil {
		return nil, err
	}
	tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMemberCreated,
		Subject: ecabinet.Subject("member", m.ID), Detail: map[string]any{"username": m.Username, "role": m.Role, "clearance": m.Clearance, "voting": m.Voting}})
	return m, nil
}

// UpdateMember changes a member of the actor's body. Admin only. An admin
// cannot demote or deactivate themself (the body would lose its last admin).
func (s *MemberService) UpdateMember(ctx context.Context, id int64, in ecabinet.MemberInput) (*ecabinet.Member, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := validByAdmin(&in); err != nil {
		return nil, err
	}
	if id == a.MemberID && (in.Role != ecabinet.RoleAdmin || !in.Active) {
		return nil, ecabinet.FieldError("role", "member.self_demote")
	}
	var out *ecabinet.Member
	err = s.db.write(ctx, func(tx *Tx) error {
		before, err := s.db.findMember(ctx, tx.DB, a.BodyID, id)
		if err != nil {
			return err
		}
		idx, err := loadOrgs(tx.DB, a.BodyID)
		if err != nil {
			return err
		}
		if in.Organization, err = idx.resolve("organization", in.Organization); err != nil {
			return err
		}
		out, err = s.updated(ctx, tx, a, before, in)
		return err
	})
	return out, err
}

// updated writes in over the member before (its password aside) and audits
// what changed; a new role or clearance, or a deactivation, ends the
// member's sign-ins.
func (s *MemberService) updated(ctx context.Context, tx *Tx, a ecabinet.Actor, before *ecabinet.Member, in ecabinet.MemberInput) (*ecabinet.Member, error) {
	upd := map[string]any{
		"username": in.Username, "full_name": in.FullName, "title": in.Title, "organization": in.Organization,
		"email": in.Email, "precedence": in.Precedence, "role": string(in.Role), "clearance": string(in.Clearance), "voting": in.Voting, "active": in.Active,
		"updated_at": s.db.Now(),
	}
	if err := tx.Model(&memberRow{}).Where("id = ? AND body_id = ?", before.ID, a.BodyID).Updates(upd).Error; err != nil {
		return nil, usernameConflict(err)
	}
	if before.SignInsEndWith(in) {
		// A deactivated member, or a new role or clearance, ends every
		// sign-in: the member signs in again with what they may now see
		// (open sockets keep who they were at the handshake, so they
		// close too).
		if err := tx.Where("member_id = ?", before.ID).Delete(&signInRow{}).Error; err != nil {
			return nil, err
		}
	}
	out, err := s.db.findMember(ctx, tx.DB, a.BodyID, before.ID)
	if err != nil {
		return nil, err
	}
	tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMemberChanged,
		Subject: ecabinet.Subject("member", before.ID), Detail: memberChanges(before, out)})
	if before.Clearance != out.Clearance {
		// Electronic copies of classified documents count the invitees
		// cleared for them: the paper figures may have changed.
		return out, emitLedger(tx, a.BodyID, ecabinet.LedgerBody, 0, ecabinet.ClassNone)
	}
	return out, nil
}

// memberChanges lists what an update changed that matters for security.
func memberChanges(before, after *ecabinet.Member) map[string]any {
	d := map[string]any{}
	pair := func(k string, a, b any) {
		if a != b {
			d[k] = [2]any{a, b}
		}
	}
	pair("role", before.Role, after.Role)
	pair("clearance", before.Clearance, after.Clearance)
	pair("voting", before.Voting, after.Voting)
	pair("active", before.Active, after.Active)
	pair("username", before.Username, after.Username)
	return d
}

// insertMember inserts a member into body with the password hash ("" for
// none: sign-in is impossible until a one-time link sets one).
func insertMember(q *gorm.DB, now time.Time, bodyID int64, in ecabinet.MemberInput, hash string) (*ecabinet.Member, error) {
	row := memberRow{
		BodyID: bodyID, Username: in.Username, PasswordHash: hash, FullName: in.FullName, Title: in.Title,
		Organization: in.Organization, Email: in.Email, Precedence: in.Precedence, Role: string(in.Role), Clearance: string(in.Clearance),
		Voting: in.Voting, Active: in.Active, CreatedAt: now, UpdatedAt: now,
	}
	if err := q.Create(&row).Error; err != nil {
		return nil, usernameConflict(translate(err))
	}
	return row.domain(), nil
}

// CreateMember adds a member to a body without an actor: seeding, tests
// and the operator's commands use it. The password is optional; the
// organisation joins the body's list when it is not there. Errors:
// invalid, conflict.
func (db *DB) CreateMember(ctx context.Context, h PasswordHasher, bodyID int64, in ecabinet.MemberInput) (*ecabinet.Member, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = h.Hash(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	var out *ecabinet.Member
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		out, err = createWithOrg(tx.DB, db.Now(), bodyID, in, hash)
		return err
	})
	return out, err
}

// createWithOrg inserts a member, adding its organisation to the body's
// list when a spelling of it is not there.
func createWithOrg(q *gorm.DB, now time.Time, bodyID int64, in ecabinet.MemberInput, hash string) (*ecabinet.Member, error) {
	if err := lockOrgs(q, bodyID); err != nil {
		return nil, err
	}
	idx, err := loadOrgs(q, bodyID)
	if err != nil {
		return nil, err
	}
	if in.Organization, _, err = addOrg(q, idx, bodyID, in.Organization); err != nil {
		return nil, err
	}
	return insertMember(q, now, bodyID, in, hash)
}

func usernameConflict(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) || ecabinet.ErrorCode(err) == ecabinet.ECONFLICT {
		return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "username.taken", Field: "username"}
	}
	return translate(err)
}

func (db *DB) findMember(ctx context.Context, q *gorm.DB, bodyID, id int64) (*ecabinet.Member, error) {
	var row memberRow
	err := q.WithContext(ctx).Where("id = ? AND body_id = ?", id, bodyID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("member")
	}
	if err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// Usernames returns the set of usernames in body (seeding checks it).
func (db *DB) Usernames(ctx context.Context, bodyID int64) (map[string]bool, error) {
	var names []string
	if err := db.read(ctx).Model(&memberRow{}).Where("body_id = ?", bodyID).Pluck("username", &names).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// ActorByUsername returns the actor of an active member, for operator
// commands (demo data, load generation) that act without a sign-in.
// Errors: not_found.
func (db *DB) ActorByUsername(ctx context.Context, username string) (ecabinet.Actor, error) {
	var row memberRow
	err := db.read(ctx).Where("username = ? AND active", username).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ecabinet.Actor{}, ecabinet.NotFound("member")
	}
	if err != nil {
		return ecabinet.Actor{}, translate(err)
	}
	return ecabinet.Actor{MemberID: row.ID, BodyID: row.BodyID, Username: row.Username, FullName: row.FullName,
		Role: ecabinet.Role(row.Role), Clearance: ecabinet.Classification(row.Clearance), Voting: row.Voting}, nil
}
