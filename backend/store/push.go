package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type pushSubscriptionRow struct {
	ID        int64
	MemberID  int64
	Endpoint  string
	P256dh    string `gorm:"column:p256dh"`
	Auth      string
	Lang      string
	CreatedAt time.Time
}

func (pushSubscriptionRow) TableName() string { return "push_subscriptions" }

type vapidRow struct {
	ID         int64
	PublicKey  string
	PrivateKey string
}

func (vapidRow) TableName() string { return "push_vapid" }

// PushStore implements ecabinet.PushService and hands waiting notifications
// to a sender.
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
	var row vapidRow
	err = s.db.read(ctx).Where("id = 1").Take(&row).Error
	if err == nil {
		return row.PublicKey, row.PrivateKey, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", "", translate(err)
	}
	pub, priv, err := s.generate()
	if err != nil {
		return "", "", err
	}
	err = s.db.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&vapidRow{ID: 1, PublicKey: pub, PrivateKey: priv}).Error
	if err != nil {
		return "", "", translate(err)
	}
	if err := s.db.read(ctx).Where("id = 1").Take(&row).Error; err != nil {
		return "", "", translate(err)
	}
	return row.PublicKey, row.PrivateKey, nil
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
		row := pushSubscriptionRow{MemberID: a.MemberID, Endpoint: in.Endpoint, P256dh: in.Keys.P256dh, Auth: in.Keys.Auth, Lang: in.Lang, CreatedAt: s.db.Now()}
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
		res := tx.Where("member_id = ? AND endpoint = ?", a.MemberID, endpoint).Delete(&pushSubscriptionRow{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ecabinet.NotFound("push_subscription")
		}
		return res.Error
	})
}

// PushJob is one notice to push to one subscription.
type PushJob struct {
	Endpoint, P256dh, Auth string
	Notice                 ecabinet.PushNotice
}

// Push outcomes a sender reports.
const (
	PushSent   = "sent"
	PushGone   = "gone" // the push service answered 404 or 410: the subscription is removed
	PushFailed = "failed"
)

// SendPendingPush hands up to limit waiting notifications to send, once per
// subscription of their member, each in the subscription's language. A
// subscription that is gone is removed; a notification is sent when one of
// its member's tablets took it. Rows being pushed are locked on PostgreSQL
// so that another instance skips them.
func (s *PushStore) SendPendingPush(ctx context.Context, limit int, send func(PushJob) string) (int, error) {
	sent := 0
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("push_status = ?", "pending").Order("id").Limit(limit)
		if s.db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []notificationRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		for _, n := range rows {
			var subs []pushSubscriptionRow
			if err := tx.Where("member_id = ?", n.MemberID).Order("id").Find(&subs).Error; err != nil {
				return err
			}
			status := PushFailed
			for _, sub := range subs {
				switch send(PushJob{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth, Notice: ecabinet.NewPushNotice(sub.Lang, n.Kind, n.Topic, n.Ref)}) {
				case PushSent:
					status = PushSent
				case PushGone:
					if err := tx.Delete(&pushSubscriptionRow{}, sub.ID).Error; err != nil {
						return err
					}
				}
			}
			if status == PushSent {
				sent++
			}
			if err := tx.Model(&notificationRow{}).Where("id = ?", n.ID).Update("push_status", status).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return sent, translate(err)
}
