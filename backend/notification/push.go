package notification

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Subscription is a tablet's Web Push subscription (a row of push_subscriptions).
type Subscription struct {
	ID        int64
	MemberID  int64
	Endpoint  string
	P256dh    string `gorm:"column:p256dh"`
	Auth      string
	Lang      string
	CreatedAt time.Time
}

// TableName is the table of subscriptions.
func (Subscription) TableName() string { return "push_subscriptions" }

type vapidRow struct {
	ID         int64
	PublicKey  string
	PrivateKey string
}

func (vapidRow) TableName() string { return "push_vapid" }

// VAPIDKeys returns the server's key pair (base64url), made by generate
// and stored on first use; every instance then uses the one stored first.
func (o *Outbox) VAPIDKeys(ctx context.Context, generate func() (public, private string, err error)) (public, private string, err error) {
	var r vapidRow
	err = o.db.WithContext(ctx).Where("id = 1").Take(&r).Error
	if err == nil {
		return r.PublicKey, r.PrivateKey, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", "", o.translate(err)
	}
	pub, priv, err := generate()
	if err != nil {
		return "", "", err
	}
	err = o.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&vapidRow{ID: 1, PublicKey: pub, PrivateKey: priv}).Error
	if err != nil {
		return "", "", o.translate(err)
	}
	if err := o.db.WithContext(ctx).Where("id = 1").Take(&r).Error; err != nil {
		return "", "", o.translate(err)
	}
	return r.PublicKey, r.PrivateKey, nil
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

// SendPush hands up to limit waiting notifications to send, once per
// subscription of their member, each in the subscription's language. A
// subscription that is gone is removed; a notification is sent when one of
// its member's tablets took it.
func (o *Outbox) SendPush(ctx context.Context, limit int, send func(PushJob) string) (int, error) {
	ids, err := o.claim(ctx, "push_status", "push_claimed_until", limit)
	if err != nil || len(ids) == 0 {
		return 0, o.translate(err)
	}
	db := o.db.WithContext(ctx)
	var rows []row
	if err := db.Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return 0, o.translate(err)
	}
	sent := 0
	for _, n := range rows {
		var subs []Subscription
		if err := db.Where("member_id = ?", n.MemberID).Order("id").Find(&subs).Error; err != nil {
			return sent, o.translate(err)
		}
		status := PushFailed
		for _, sub := range subs {
			switch send(PushJob{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth, Notice: ecabinet.NewPushNotice(sub.Lang, n.Kind, n.Topic, n.Ref)}) {
			case PushSent:
				status = PushSent
			case PushGone:
				if err := db.Delete(&Subscription{}, sub.ID).Error; err != nil {
					return sent, o.translate(err)
				}
			}
		}
		if status == PushSent {
			sent++
		}
		if err := db.Model(&row{}).Where("id = ?", n.ID).Updates(map[string]any{"push_status": status, "push_claimed_until": nil}).Error; err != nil {
			return sent, o.translate(err)
		}
	}
	return sent, nil
}
