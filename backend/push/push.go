// Package push sends Web Push notices (RFC 8030) to members' tablets,
// encrypted for each subscription (RFC 8291) and signed with the server's
// VAPID key (RFC 8292), through github.com/SherClockHolmes/webpush-go.
package push

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/SherClockHolmes/webpush-go"
	"github.com/ecabinet/ecabinet/backend/notification"
)

// Sender pushes notices with one VAPID key pair.
type Sender struct {
	public, private string
	// subscriber is the contact the push services may reach: an e-mail
	// address or an https: URL.
	subscriber string
	client     *http.Client
}

// GenerateKeys makes a VAPID key pair (base64url public and private keys).
func GenerateKeys() (public, private string, err error) {
	private, public, err = webpush.GenerateVAPIDKeys()
	return public, private, err
}

// NewSender returns a Sender; client nil means a client with a 15-second
// timeout that posts to public addresses only (public.go).
func NewSender(public, private, subscriber string, client *http.Client) *Sender {
	if client == nil {
		client = publicClient()
	}
	return &Sender{public: public, private: private, subscriber: subscriber, client: client}
}

// Send pushes one notice and says what became of it: sent, gone (404 or
// 410: the subscription no longer exists) or failed.
func (s *Sender) Send(ctx context.Context, job notification.PushJob) (string, error) {
	payload, err := json.Marshal(job.Notice)
	if err != nil {
		return notification.PushFailed, err
	}
	sub := &webpush.Subscription{Endpoint: job.Endpoint, Keys: webpush.Keys{P256dh: job.P256dh, Auth: job.Auth}}
	resp, err := webpush.SendNotificationWithContext(ctx, payload, sub, &webpush.Options{
		HTTPClient: s.client, Subscriber: s.subscriber, VAPIDPublicKey: s.public, VAPIDPrivateKey: s.private,
		TTL: 24 * 3600, Urgency: webpush.UrgencyHigh,
	})
	if err != nil {
		return notification.PushFailed, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return notification.PushGone, nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return notification.PushSent, nil
	}
	return notification.PushFailed, &StatusError{Code: resp.StatusCode}
}

// StatusError is a push service's refusal other than 404 and 410.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return "push service answered " + http.StatusText(e.Code) }
