package store

import (
	"context"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/signature"
)

type deviceRow struct {
	ID        int64
	MemberID  int64
	Name      string
	Algorithm string
	PublicKey string
	CreatedAt time.Time
	RevokedAt *time.Time
}

func (deviceRow) TableName() string { return "devices" }

func (r *deviceRow) domain() *ecabinet.Device {
	return &ecabinet.Device{ID: r.ID, MemberID: r.MemberID, Name: r.Name, Algorithm: r.Algorithm, PublicKey: r.PublicKey, CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt}
}

// DeviceService implements ecabinet.DeviceService.
type DeviceService struct{ db *DB }

// NewDeviceService returns a DeviceService over db.
func NewDeviceService(db *DB) *DeviceService { return &DeviceService{db: db} }

var _ ecabinet.DeviceService = (*DeviceService)(nil)

// RegisterDevice stores the actor's device key after checking it parses.
func (s *DeviceService) RegisterDevice(ctx context.Context, in ecabinet.DeviceInput) (*ecabinet.Device, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := signature.ParsePublicKey(in.Algorithm, in.PublicKey); err != nil {
		return nil, ecabinet.FieldError("public_key", "signature.bad_key")
	}
	row := deviceRow{MemberID: a.MemberID, Name: in.Name, Algorithm: in.Algorithm, PublicKey: in.PublicKey, CreatedAt: s.db.Now()}
	if err := s.db.read(ctx).Create(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// Devices lists the actor's devices.
func (s *DeviceService) Devices(ctx context.Context) ([]*ecabinet.Device, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var rows []deviceRow
	if err := s.db.read(ctx).Where("member_id = ?", a.MemberID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Device, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// RevokeDevice stops one of the actor's devices from signing.
func (s *DeviceService) RevokeDevice(ctx context.Context, id int64) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	res := s.db.read(ctx).Model(&deviceRow{}).Where("id = ? AND member_id = ? AND revoked_at IS NULL", id, a.MemberID).Update("revoked_at", s.db.Now())
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ecabinet.NotFound("device")
	}
	return nil
}
