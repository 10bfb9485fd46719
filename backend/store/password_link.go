package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type passwordLinkRow struct {
	ID        string
	MemberID  int64
	CreatedBy *int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (passwordLinkRow) TableName() string { return "password_links" }

// PasswordLinkService implements ecabinet.PasswordLinkService.
type PasswordLinkService struct {
	db       *DB
	hasher   PasswordHasher
	lifetime time.Duration
}

// NewPasswordLinkService returns a service whose links are valid for lifetime.
func NewPasswordLinkService(db *DB, h PasswordHasher, lifetime time.Duration) *PasswordLinkService {
	return &PasswordLinkService{db: db, hasher: h, lifetime: lifetime}
}

var _ ecabinet.PasswordLinkService = (*PasswordLinkService)(nil)

func linkHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// issueLink makes a link for memberID valid for lifetime; links made before
// for the member expire now. createdBy is 0 for the operator's command.
func issueLink(q *gorm.DB, now time.Time, memberID, createdBy int64, lifetime time.Duration, base string) (*ecabinet.PasswordLink, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := q.Model(&passwordLinkRow{}).Where("member_id = ? AND used_at IS NULL AND expires_at > ?", memberID, now).
		Update("expires_at", now).Error; err != nil {
		return nil, err
	}
	row := passwordLinkRow{ID: linkHash(token), MemberID: memberID, CreatedBy: nullable(createdBy), CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := q.Create(&row).Error; err != nil {
		return nil, err
	}
	return &ecabinet.PasswordLink{Token: token, URL: strings.TrimRight(base, "/") + ecabinet.PasswordLinkPath + token, ExpiresAt: row.ExpiresAt}, nil
}

// IssuePasswordLink makes a one-time link for a member of the actor's body.
// Admin only; audited (the token is not).
func (s *PasswordLinkService) IssuePasswordLink(ctx context.Context, memberID int64, base string) (*ecabinet.PasswordLink, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.PasswordLink
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := s.db.findMember(ctx, tx.DB, a.BodyID, memberID); err != nil {
			return err
		}
		if out, err = issueLink(tx.DB, s.db.Now(), memberID, a.MemberID, s.lifetime, base); err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditPasswordLink,
			Subject: ecabinet.Subject("member", memberID), Detail: map[string]time.Time{"expires_at": out.ExpiresAt}})
		return nil
	})
	return out, err
}

// linkState returns the link of token with its member, or the error that
// says why it cannot be used.
func (s *PasswordLinkService) linkState(q *gorm.DB, token string) (*passwordLinkRow, *memberRow, error) {
	unknown := &ecabinet.Error{Code: ecabinet.ENOTFOUND, Key: "link.unknown"}
	if token == "" || len(token) > 128 {
		return nil, nil, unknown
	}
	var l passwordLinkRow
	err := q.Where("id = ?", linkHash(token)).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, unknown
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	switch {
	case l.UsedAt != nil:
		return nil, nil, ecabinet.Errorf(ecabinet.EGONE, "link.used")
	case !s.db.Now().Before(l.ExpiresAt):
		return nil, nil, ecabinet.Errorf(ecabinet.EGONE, "link.expired")
	}
	var m memberRow
	if err := q.Where("id = ?", l.MemberID).Take(&m).Error; err != nil {
		return nil, nil, translate(err)
	}
	return &l, &m, nil
}

// InspectPasswordLink says whose password a valid link sets.
func (s *PasswordLinkService) InspectPasswordLink(ctx context.Context, token string) (*ecabinet.PasswordLinkInfo, error) {
	l, m, err := s.linkState(s.db.read(ctx), token)
	if err != nil {
		return nil, err
	}
	b, err := s.db.findBody(ctx, s.db.read(ctx), m.BodyID)
	if err != nil {
		return nil, err
	}
	return &ecabinet.PasswordLinkInfo{Username: m.Username, FullName: m.FullName, Body: b.Name, ExpiresAt: l.ExpiresAt}, nil
}

// UsePasswordLink sets the password and spends the link in one
// transaction: of two uses at once, one wins and the other is told the
// link is used. The member's sign-ins end.
func (s *PasswordLinkService) UsePasswordLink(ctx context.Context, token, password string, c ecabinet.Client) (*ecabinet.Member, error) {
	if _, _, err := s.linkState(s.db.read(ctx), token); err != nil {
		return nil, err
	}
	if err := ecabinet.ValidPassword(password); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Member
	err = s.db.write(ctx, func(tx *Tx) error {
		now := s.db.Now()
		res := tx.Model(&passwordLinkRow{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", linkHash(token), now).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			_, _, err := s.linkState(tx.DB, token)
			return err
		}
		var l passwordLinkRow
		if err := tx.Where("id = ?", linkHash(token)).Take(&l).Error; err != nil {
			return err
		}
		if err := tx.Model(&memberRow{}).Where("id = ?", l.MemberID).Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Where("member_id = ?", l.MemberID).Delete(&signInRow{}).Error; err != nil {
			return err
		}
		var m memberRow
		if err := tx.Where("id = ?", l.MemberID).Take(&m).Error; err != nil {
			return err
		}
		out = m.domain()
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: m.BodyID, ActorID: m.ID, Action: ecabinet.AuditPasswordSet,
			Subject: ecabinet.Subject("member", m.ID), IP: c.IP})
		return nil
	})
	return out, err
}

// DeleteOldPasswordLinks removes links that expired before t (opening one
// then says only that it is not valid).
func (db *DB) DeleteOldPasswordLinks(ctx context.Context, before time.Time) error {
	return translate(db.read(ctx).Where("expires_at < ?", before).Delete(&passwordLinkRow{}).Error)
}
