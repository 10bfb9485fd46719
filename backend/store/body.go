package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type bodyRow struct {
	ID        int64
	Slug      string
	Name      string
	Settings  string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (bodyRow) TableName() string { return "bodies" }

func (r *bodyRow) domain() (*ecabinet.Body, error) {
	s := ecabinet.DefaultBodySettings()
	// Settings added after a body was created keep their defaults.
	if err := json.Unmarshal([]byte(r.Settings), &s); err != nil {
		return nil, err
	}
	return &ecabinet.Body{ID: r.ID, Slug: r.Slug, Name: r.Name, Settings: s, Active: r.Active, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}, nil
}

// BodyService implements ecabinet.BodyService.
type BodyService struct{ db *DB }

// NewBodyService returns a BodyService over db.
func NewBodyService(db *DB) *BodyService { return &BodyService{db: db} }

var _ ecabinet.BodyService = (*BodyService)(nil)

// FindBody returns the actor's body; any other id is not_found.
func (s *BodyService) FindBody(ctx context.Context, id int64) (*ecabinet.Body, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if id != a.BodyID {
		return nil, ecabinet.NotFound("body")
	}
	return s.db.findBody(ctx, s.db.read(ctx), id)
}

// UpdateBodySettings replaces the settings of the actor's body. Admin only.
func (s *BodyService) UpdateBodySettings(ctx context.Context, id int64, in ecabinet.BodySettings) (*ecabinet.Body, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if id != a.BodyID {
		return nil, ecabinet.NotFound("body")
	}
	if a.Role != ecabinet.RoleAdmin {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Body
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := checkSigners(tx.DB, id, in.Signers); err != nil {
			return err
		}
		res := tx.Model(&bodyRow{}).Where("id = ?", id).Updates(map[string]any{"settings": string(raw), "updated_at": s.db.Now()})
		if res.Error != nil {
			return res.Error
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: id, ActorID: a.MemberID, Action: ecabinet.AuditSettings, Subject: ecabinet.Subject("body", id), Detail: in})
		if out, err = s.db.findBody(ctx, tx.DB, id); err != nil {
			return err
		}
		// Every ledger figure depends on the settings.
		return emitLedger(tx, id, ecabinet.LedgerBody, 0, ecabinet.ClassNone)
	})
	return out, err
}

// checkSigners refuses signers who are not active members of the body
// with a signing role (the chair, the secretariat).
func checkSigners(tx *gorm.DB, bodyID int64, s ecabinet.SignerSettings) error {
	for _, k := range ecabinet.IssuedKinds {
		ids := s.For(k)
		if len(ids) == 0 {
			continue
		}
		var n int64
		if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND id IN ? AND role IN ?", bodyID, ids,
			[]string{string(ecabinet.RoleChair), string(ecabinet.RoleSecretary)}).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(ids) {
			return ecabinet.FieldError("signers", "certificate.no_signing_role")
		}
	}
	return nil
}

// CreateBody adds a body. It is used by seeding and operators; it takes no
// actor because a body exists before its members do.
func (db *DB) CreateBody(ctx context.Context, slug, name string, settings ecabinet.BodySettings) (*ecabinet.Body, error) {
	if err := settings.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(settings)
	if err != nil {
		return nil, err
	}
	return insertBody(db.read(ctx), db.Now(), slug, name, raw)
}

func insertBody(q *gorm.DB, now time.Time, slug, name string, settings []byte) (*ecabinet.Body, error) {
	row := bodyRow{Slug: slug, Name: name, Settings: string(settings), Active: true, CreatedAt: now, UpdatedAt: now}
	if err := q.Create(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.domain()
}

// FindBodyBySlug returns a body by its slug, without an actor (seeding).
// Errors: not_found.
func (db *DB) FindBodyBySlug(ctx context.Context, slug string) (*ecabinet.Body, error) {
	var row bodyRow
	err := db.read(ctx).Where("slug = ?", slug).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("body")
	}
	if err != nil {
		return nil, translate(err)
	}
	return row.domain()
}

func (db *DB) findBody(ctx context.Context, q *gorm.DB, id int64) (*ecabinet.Body, error) {
	var row bodyRow
	err := q.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("body")
	}
	if err != nil {
		return nil, translate(err)
	}
	return row.domain()
}

// bodySettings reads a body's settings in the caller's transaction.
func bodySettings(tx *gorm.DB, id int64) (ecabinet.BodySettings, error) {
	var row bodyRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return ecabinet.BodySettings{}, err
	}
	b, err := row.domain()
	if err != nil {
		return ecabinet.BodySettings{}, err
	}
	return b.Settings, nil
}

// bodyLocation is a body's time zone.
func bodyLocation(tx *gorm.DB, id int64) (*time.Location, error) {
	s, err := bodySettings(tx, id)
	if err != nil {
		return nil, err
	}
	return s.Location(), nil
}
