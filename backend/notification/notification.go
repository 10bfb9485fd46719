// Package notification keeps what members are told and sends it on: each
// notification is a row written in the transaction of the change it is
// about (AddAll), listed on the member's tablet, and queued for e-mail when
// SMTP is configured and for Web Push when the member subscribed a tablet.
// The services decide who is told what (store); this package stores the
// notices and hands them, once each, to the mailer and the pusher (Outbox).
package notification

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// postgres is GORM's name of the PostgreSQL dialect, where rows being sent
// are locked so that another instance skips them.
const postgres = "postgres"

// Delivery states of a notification's e-mail and push.
const (
	none    = "none"
	pending = "pending"
)

type row struct {
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

func (row) TableName() string { return "notifications" }

func (r *row) notification() *ecabinet.Notification {
	return &ecabinet.Notification{ID: r.ID, MemberID: r.MemberID, Kind: r.Kind, Subject: r.Subject, Text: r.Text, Ref: r.Ref,
		CreatedAt: r.CreatedAt, EmailStatus: r.EmailStatus}
}

// Note is a notification to one member.
type Note struct {
	BodyID, MemberID    int64
	Kind, Subject, Text string
	// Ref names what it is about ("meeting:7"); Topic is that object's
	// title, for the pushed notice.
	Ref, Topic string
	At         time.Time
}

// chunk is the most members one statement of AddAll names: an insert of
// that many rows takes 11 parameters each, within every database's limit
// (PostgreSQL's 65,535, SQLite's 32,766).
const chunk = 1000

// AddAll writes notes in tx, each queued for e-mail when email is set (SMTP
// is configured) and its member has an address, and for push when the
// member has a subscribed tablet. Per thousand notes it reads the
// addresses in one statement, the subscriptions in one and inserts the
// rows in one. It returns the notifications as their members see them, in
// the order of notes.
func AddAll(tx *gorm.DB, notes []Note, email bool) ([]*ecabinet.Notification, error) {
	out := make([]*ecabinet.Notification, 0, len(notes))
	for part := range slices.Chunk(notes, chunk) {
		ids := make([]int64, len(part))
		for i, n := range part {
			ids[i] = n.MemberID
		}
		var addressed, subscribed []int64
		if email {
			if err := tx.Table("members").Where("id IN ? AND email <> ''", ids).Pluck("id", &addressed).Error; err != nil {
				return nil, err
			}
		}
		if err := tx.Model(&Subscription{}).Distinct("member_id").Where("member_id IN ?", ids).Pluck("member_id", &subscribed).Error; err != nil {
			return nil, err
		}
		mail, push := pendingFor(addressed), pendingFor(subscribed)
		rows := make([]row, len(part))
		for i, n := range part {
			rows[i] = row{BodyID: n.BodyID, MemberID: n.MemberID, Kind: n.Kind, Subject: n.Subject, Text: n.Text, Ref: n.Ref, CreatedAt: n.At,
				EmailStatus: mail.of(n.MemberID), PushStatus: push.of(n.MemberID), Topic: n.Topic}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			out = append(out, rows[i].notification())
		}
	}
	return out, nil
}

// statuses are the members whose notices are pending on a channel.
type statuses map[int64]bool

func pendingFor(members []int64) statuses {
	s := make(statuses, len(members))
	for _, m := range members {
		s[m] = true
	}
	return s
}

// of is pending for one of the members, none for the others.
func (s statuses) of(member int64) string {
	if s[member] {
		return pending
	}
	return none
}

// Outbox lists notifications and sends the queued ones.
//
// A sender never holds the database while the mail server or the push
// service answers: it claims a batch in one short transaction (claim),
// sends outside any, and records each outcome in a statement of its own.
// Another sender, of this instance or another, skips what is claimed; what
// a sender that died had claimed is taken again when the claim runs out.
type Outbox struct {
	db  *gorm.DB
	log *slog.Logger
	now func() time.Time
	// translate turns database errors into the domain's.
	translate func(error) error
	// Mail wakes the mailer, and Push the pusher, after a commit that
	// queued notifications (Wake).
	Mail, Push chan struct{}
}

// NewOutbox returns the outbox of db; now is the clock of claims.
func NewOutbox(db *gorm.DB, log *slog.Logger, now func() time.Time, translate func(error) error) *Outbox {
	return &Outbox{db: db, log: log, now: now, translate: translate, Mail: make(chan struct{}, 1), Push: make(chan struct{}, 1)}
}

// claimFor is how long a claimed notification is left to its sender: longer
// than a pass of sends (a batch of 50 at the senders' timeouts of 15 s).
const claimFor = 15 * time.Minute

// claim takes up to limit notifications waiting in status column that no
// live claim holds, and claims them in claimed (a column of the claim's
// end); it returns their ids, oldest first.
func (o *Outbox) claim(ctx context.Context, status, claimed string, limit int) ([]int64, error) {
	now := o.now()
	var ids []int64
	err := o.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&row{}).Where(status+" = ? AND ("+claimed+" IS NULL OR "+claimed+" < ?)", pending, now).Order("id").Limit(limit)
		if tx.Dialector.Name() == postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			return err
		}
		return tx.Model(&row{}).Where("id IN ?", ids).Update(claimed, now.Add(claimFor)).Error
	})
	return ids, err
}

// Wake tells the mailer and the pusher that notifications are waiting.
func (o *Outbox) Wake() {
	for _, ch := range []chan struct{}{o.Mail, o.Push} {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Latest returns a member's latest notifications, newest first.
func (o *Outbox) Latest(ctx context.Context, memberID int64, limit int) ([]*ecabinet.Notification, error) {
	var rows []row
	if err := o.db.WithContext(ctx).Where("member_id = ?", memberID).Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, o.translate(err)
	}
	out := make([]*ecabinet.Notification, len(rows))
	for i := range rows {
		out[i] = rows[i].notification()
	}
	return out, nil
}

// Email is a queued e-mail.
type Email struct {
	ID                     int64
	Address, Subject, Text string
}

// SendMail hands up to limit queued e-mails to send, one at a time, and
// records each outcome.
func (o *Outbox) SendMail(ctx context.Context, limit int, send func(Email) error) (int, error) {
	ids, err := o.claim(ctx, "email_status", "email_claimed_until", limit)
	if err != nil || len(ids) == 0 {
		return 0, o.translate(err)
	}
	var mails []Email
	if err := o.db.WithContext(ctx).Table("notifications AS n").Select("n.id, m.email AS address, n.subject, n.text").
		Joins("JOIN members m ON m.id = n.member_id").Where("n.id IN ?", ids).Order("n.id").Scan(&mails).Error; err != nil {
		return 0, o.translate(err)
	}
	sent := 0
	for _, m := range mails {
		status, msg := "sent", ""
		if err := send(m); err != nil {
			status, msg = "failed", ecabinet.Clip(err.Error(), 500)
			o.log.Warn("e-mail not sent", "notification", m.ID, "err", err)
		} else {
			sent++
		}
		if err := o.db.WithContext(ctx).Exec("UPDATE notifications SET email_status = ?, email_error = ?, email_claimed_until = NULL WHERE id = ?",
			status, msg, m.ID).Error; err != nil {
			return sent, o.translate(err)
		}
	}
	return sent, nil
}
