package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type notificationRow struct {
	ID          int64
	BodyID      int64
	MemberID    int64
	Kind        string
	Subject     string
	Text        string
	Ref         string
	CreatedAt   time.Time
	EmailStatus string
	EmailError  string
	PushStatus  string
	Topic       string
}

func (notificationRow) TableName() string { return "notifications" }

func (r *notificationRow) domain() *ecabinet.Notification {
	return &ecabinet.Notification{ID: r.ID, MemberID: r.MemberID, Kind: r.Kind, Subject: r.Subject, Text: r.Text, Ref: r.Ref,
		CreatedAt: r.CreatedAt, EmailStatus: r.EmailStatus}
}

// Notifier writes notifications in the caller's transaction, with an event
// for the member's tablet; e-mail is queued when SMTP is configured.
type Notifier struct {
	db    *DB
	email bool
	// Sent wakes the mailer, and Pushed the pusher, after a commit that
	// queued notifications.
	Sent   chan struct{}
	Pushed chan struct{}
}

// NewNotifier returns a Notifier; email says whether SMTP is configured.
func NewNotifier(db *DB, email bool) *Notifier {
	return &Notifier{db: db, email: email, Sent: make(chan struct{}, 1), Pushed: make(chan struct{}, 1)}
}

var _ ecabinet.NotificationService = (*Notifier)(nil)

// notify logs a notification to a member and tells their tablet; topic is
// the title of the session or ballot it is about, for the pushed notice.
func (n *Notifier) notify(tx *Tx, bodyID, memberID int64, kind, subject, text, ref, topic string) error {
	status := "none"
	if n.email {
		var email string
		if err := tx.Raw("SELECT email FROM members WHERE id = ?", memberID).Scan(&email).Error; err != nil {
			return err
		}
		if email != "" {
			status = "pending"
		}
	}
	push := "none"
	var subs int64
	if err := tx.Model(&pushSubscriptionRow{}).Where("member_id = ?", memberID).Count(&subs).Error; err != nil {
		return err
	}
	if subs > 0 {
		push = "pending"
	}
	row := notificationRow{BodyID: bodyID, MemberID: memberID, Kind: kind, Subject: subject, Text: text, Ref: ref, CreatedAt: n.db.Now(),
		EmailStatus: status, PushStatus: push, Topic: topic}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	return tx.emit(bodyID, ecabinet.BodyScope(bodyID), kind, map[string]any{"notification": row.domain()},
		ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceMember(memberID)})
}

// wake tells the mailer and the pusher that notifications are waiting.
func (n *Notifier) wake() {
	for _, ch := range []chan struct{}{n.Sent, n.Pushed} {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// notifyAll notifies each member of ids.
func (n *Notifier) notifyAll(tx *Tx, bodyID int64, ids []int64, kind, subject, text, ref, topic string) (int, error) {
	for i, id := range ids {
		if err := n.notify(tx, bodyID, id, kind, subject, text, ref, topic); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// meetingPublished tells the invitees that a session is published (and,
// when items are open for positions, that their positions are asked).
func (n *Notifier) meetingPublished(tx *Tx, m *meetingRow) (int, error) {
	ids, err := invitees(tx.DB, m.ID)
	if err != nil {
		return 0, err
	}
	loc, err := bodyLocation(tx.DB, m.BodyID)
	if err != nil {
		return 0, err
	}
	when := m.ScheduledStart.In(loc).Format("15:04 ngày 02/01/2006")
	sent, err := n.notifyAll(tx, m.BodyID, ids, ecabinet.EventMeetingPublished, "Giấy mời họp: "+m.Title,
		fmt.Sprintf("Đồng chí được mời dự phiên họp %q lúc %s.", m.Title, when), fmt.Sprintf("meeting:%d", m.ID), m.Title)
	if err != nil {
		return sent, err
	}
	var open int64
	if err := tx.Model(&agendaRow{}).Where("meeting_id = ? AND positions_open", m.ID).Count(&open).Error; err != nil || open == 0 {
		return sent, err
	}
	more, err := n.positionsAsked(tx, m)
	return sent + more, err
}

// positionsAsked asks the voting invitees for their positions before the cut-off.
func (n *Notifier) positionsAsked(tx *Tx, m *meetingRow) (int, error) {
	ids, err := votingInvitees(tx.DB, m.ID)
	if err != nil {
		return 0, err
	}
	loc, err := bodyLocation(tx.DB, m.BodyID)
	if err != nil {
		return 0, err
	}
	cutoff := m.cutoff(loc).In(loc).Format("15:04 ngày 02/01/2006")
	return n.notifyAll(tx, m.BodyID, ids, ecabinet.EventPositionsAsked, "Xin ý kiến trước phiên họp: "+m.Title,
		fmt.Sprintf("Đề nghị đồng chí cho ý kiến về các nội dung của phiên họp %q trước %s.", m.Title, cutoff), fmt.Sprintf("meeting:%d", m.ID), m.Title)
}

// Notifications returns the actor's latest notifications.
func (n *Notifier) Notifications(ctx context.Context) ([]*ecabinet.Notification, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var rows []notificationRow
	if err := n.db.read(ctx).Where("member_id = ?", a.MemberID).Order("created_at DESC, id DESC").Limit(100).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Notification, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// Email is a queued e-mail.
type Email struct {
	ID                     int64
	Address, Subject, Text string
}

// SendPending hands up to limit queued e-mails to send, one at a time, and
// records each outcome. On PostgreSQL rows being sent are locked so that
// another instance skips them.
func (n *Notifier) SendPending(ctx context.Context, limit int, send func(Email) error) (int, error) {
	sent := 0
	err := n.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Table("notifications AS n").Select("n.id, m.email AS address, n.subject, n.text").
			Joins("JOIN members m ON m.id = n.member_id").Where("n.email_status = ?", "pending").Order("n.id").Limit(limit)
		if n.db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "n"}, Options: "SKIP LOCKED"})
		}
		var mails []Email
		if err := q.Scan(&mails).Error; err != nil {
			return err
		}
		for _, m := range mails {
			status, msg := "sent", ""
			if err := send(m); err != nil {
				status, msg = "failed", truncate(err.Error(), 500)
				n.db.log.Warn("e-mail not sent", "notification", m.ID, "err", err)
			} else {
				sent++
			}
			if err := tx.Exec("UPDATE notifications SET email_status = ?, email_error = ? WHERE id = ?", status, msg, m.ID).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return sent, translate(err)
}
