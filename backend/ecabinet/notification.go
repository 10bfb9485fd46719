package ecabinet

import (
	"context"
	"time"
)

// Notification is a message to one member, kept in a log and, when SMTP is
// configured and the member has an address, also e-mailed.
type Notification struct {
	ID          int64     `json:"id"`
	MemberID    int64     `json:"member_id"`
	Kind        string    `json:"kind"` // such as ballot.reminder
	Subject     string    `json:"subject"`
	Text        string    `json:"text"`
	Ref         string    `json:"ref"` // what it is about, such as ballot:12
	CreatedAt   time.Time `json:"created_at"`
	EmailStatus string    `json:"email_status"` // none, pending, sent, failed
}

// NotificationService reads the actor's notifications.
type NotificationService interface {
	// Notifications returns the actor's latest notifications, newest first.
	Notifications(ctx context.Context) ([]*Notification, error)
}
