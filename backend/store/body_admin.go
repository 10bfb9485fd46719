package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// NewBody is a body created by the operator, with its first admin and,
// when no password was given, the one-time link that sets it.
type NewBody struct {
	Body  *ecabinet.Body
	Admin *ecabinet.Member
	Link  *ecabinet.PasswordLink
}

// CreateBodyWithAdmin creates a body and its first admin in one
// transaction, without an actor (the operator's command; nobody in the
// application may create bodies). The admin's password is admin.Password,
// or, when empty, set through a one-time link valid for lifetime, made at
// base. Both are audited. Errors: invalid, conflict (body.exists for the
// slug, username.taken for the admin's username): nothing is written.
func (db *DB) CreateBodyWithAdmin(ctx context.Context, h PasswordHasher, in ecabinet.BodyInput, admin ecabinet.MemberInput,
	lifetime time.Duration, base string) (*NewBody, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	admin.Role, admin.Active, admin.Voting = ecabinet.RoleAdmin, true, false
	if err := admin.Validate(); err != nil {
		return nil, err
	}
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return nil, err
	}
	var hash string
	if admin.Password != "" {
		if hash, err = h.Hash(ctx, admin.Password); err != nil {
			return nil, err
		}
	}
	out := &NewBody{}
	err = db.write(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.Model(&bodyRow{}).Where("slug = ?", in.Slug).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "body.exists", Field: "slug", Args: []any{in.Slug}}
		}
		now := db.Now()
		var err error
		if out.Body, err = insertBody(tx.DB, now, in.Slug, in.Name, settings); err != nil {
			return err
		}
		if out.Admin, err = createWithOrg(tx.DB, now, out.Body.ID, admin, hash); err != nil {
			return err
		}
		if hash == "" {
			if out.Link, err = issueLink(tx.DB, now, out.Admin.ID, 0, lifetime, base); err != nil {
				return err
			}
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: out.Body.ID, Action: ecabinet.AuditBodyCreated, Subject: ecabinet.Subject("body", out.Body.ID),
			Detail: map[string]any{"slug": in.Slug, "name": in.Name, "settings": in.Settings}})
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: out.Body.ID, Action: ecabinet.AuditMemberCreated, Subject: ecabinet.Subject("member", out.Admin.ID),
			Detail: map[string]any{"username": out.Admin.Username, "role": out.Admin.Role, "clearance": out.Admin.Clearance, "password_link": out.Link != nil}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BodySummary is a body as the operator lists it.
type BodySummary struct {
	*ecabinet.Body
	Members int // active members
	Admins  int // active admins
}

// ListBodies returns every body with its active members and admins, by slug.
func (db *DB) ListBodies(ctx context.Context) ([]*BodySummary, error) {
	var rows []bodyRow
	if err := db.read(ctx).Order("slug").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var counts []struct {
		BodyID         int64
		Members, Admin int
	}
	if err := db.read(ctx).Model(&memberRow{}).Where("active").
		Select("body_id, COUNT(*) AS members, SUM(CASE WHEN role = 'admin' THEN 1 ELSE 0 END) AS admin").Group("body_id").Scan(&counts).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*BodySummary, len(rows))
	for i := range rows {
		b, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out[i] = &BodySummary{Body: b}
		for _, c := range counts {
			if c.BodyID == b.ID {
				out[i].Members, out[i].Admins = c.Members, c.Admin
			}
		}
	}
	return out, nil
}

// SetBodyActive deactivates a body (its members can no longer sign in,
// and every sign-in of theirs ends) or activates it again, by slug
// (operator; audited). It returns the body and how many sign-ins ended.
// Errors: not_found.
func (db *DB) SetBodyActive(ctx context.Context, slug string, active bool) (*ecabinet.Body, int, error) {
	var out *ecabinet.Body
	var ended int64
	err := db.write(ctx, func(tx *Tx) error {
		var row bodyRow
		err := tx.Where("slug = ?", slug).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.NotFound("body")
		}
		if err != nil {
			return err
		}
		if err := tx.Model(&bodyRow{}).Where("id = ?", row.ID).Updates(map[string]any{"active": active, "updated_at": db.Now()}).Error; err != nil {
			return err
		}
		if !active {
			res := tx.Where("member_id IN (?)", tx.Model(&memberRow{}).Select("id").Where("body_id = ?", row.ID)).Delete(&signInRow{})
			if res.Error != nil {
				return res.Error
			}
			ended = res.RowsAffected
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: row.ID, Action: ecabinet.AuditBodyActive, Subject: ecabinet.Subject("body", row.ID),
			Detail: map[string]any{"active": active, "sign_ins_ended": ended}})
		row.Active = active
		out, err = row.domain()
		return err
	})
	return out, int(ended), err
}
