package store

import (
	"context"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/notification"
	"gorm.io/gorm/clause"
)

// PushStore implements ecabinet.PushService: the server's key and the
// tablets' subscriptions (notification.Outbox pushes to them).
type PushStore struct {
	db *DB
	// generate makes a VAPID key pair (public, private, base64url) the
	// first time one is needed.
	generate func() (string, string, error)
}

// NewPushStore returns a PushStore over db; generate makes the server's
// VAPID key pair when none is stored yet.
func NewPushStore(db *DB, generate func() (string, string, error)) *PushStore {
	return &PushStore{db: db, generate: generate}
}

var _ ecabinet.PushService = (*PushStore)(nil)

// VAPIDKeys returns the server's key pair, made and stored on first use
// (every instance then uses the one stored first).
func (s *PushStore) VAPIDKeys(ctx context.Context) (public, private string, err error) {
	return s.db.notices.VAPIDKeys(ctx, s.generate)
}

// VAPIDPublicKey returns the application server key tablets subscribe with.
func (s *PushStore) VAPIDPublicKey(ctx context.Context) (string, error) {
	pub, _, err := s.VAPIDKeys(ctx)
	return pub, err
}

// Subscribe records the actor's subscription.
func (s *PushStore) Subscribe(ctx context.Context, in ecabinet.PushSubscriptionInput) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		row := notification.Subscription{MemberID: a.MemberID, Endpoint: in.Endpoint, P256dh: in.Keys.P256dh, Auth: in.Keys.Auth, Lang: in.Lang, CreatedAt: s.db.Now()}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "endpoint"}},
			DoUpdates: clause.AssignmentColumns([]string{"member_id", "p256dh", "auth", "lang", "created_at"})}).Create(&row).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditPushSubscription,
			Subject: ecabinet.Subject("member", a.MemberID), Detail: map[string]any{"lang": in.Lang}})
		return nil
	})
}

// Unsubscribe forgets the actor's subscription of endpoint.
func (s *PushStore) Unsubscribe(ctx context.Context, endpoint string) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		res := tx.Where("member_id = ? AND endpoint = ?", a.MemberID, endpoint).Delete(&notification.Subscription{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ecabinet.NotFound("push_subscription")
		}
		return res.Error
	})
}
