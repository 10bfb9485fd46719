package store

import (
	"context"
	"fmt"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/notification"
)

// Notifier writes notifications in the caller's transaction, with an event
// for the member's tablet; e-mail is queued when SMTP is configured.
type Notifier struct {
	db    *DB
	email bool
}

// NewNotifier returns a Notifier; email says whether SMTP is configured.
func NewNotifier(db *DB, email bool) *Notifier {
	return &Notifier{db: db, email: email}
}

var _ ecabinet.NotificationService = (*Notifier)(nil)

// wake tells the mailer and the pusher that notifications are waiting.
func (n *Notifier) wake() { n.db.notices.Wake() }

// notifyAll logs a notification to each member of ids and tells their
// tablets; topic is the title of the session or ballot it is about, for the
// pushed notice. It returns how many members were told: none when it fails
// (the transaction is then rolled back).
func (n *Notifier) notifyAll(tx *Tx, bodyID int64, ids []int64, kind, subject, text, ref, topic string) (int, error) {
	at := n.db.Now()
	notes := make([]notification.Note, len(ids))
	for i, id := range ids {
		notes[i] = notification.Note{BodyID: bodyID, MemberID: id, Kind: kind, Subject: subject, Text: text, Ref: ref, Topic: topic, At: at}
	}
	added, err := notification.AddAll(tx.DB, notes, n.email)
	if err != nil {
		return 0, err
	}
	for _, note := range added {
		if err := tx.emit(bodyID, ecabinet.BodyScope(bodyID), kind, map[string]any{"notification": note},
			ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceMember(note.MemberID)}); err != nil {
			return 0, err
		}
	}
	return len(added), nil
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
	return n.db.notices.Latest(ctx, a.MemberID, 100)
}
