package ecabinet

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
)

// PushSubscriptionInput is a tablet's Web Push subscription (the browser's
// PushSubscription.toJSON()) with the language its notices are written in.
type PushSubscriptionInput struct {
	Endpoint string   `json:"endpoint"`
	Keys     PushKeys `json:"keys"`
	Lang     string   `json:"lang"`
}

// PushKeys are the subscription's keys, base64url: the browser's P-256
// public key and its authentication secret.
type PushKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// Validate checks the subscription: an https endpoint, a P-256 public key
// (65 bytes, uncompressed) and a 16-byte secret, both base64url.
func (in *PushSubscriptionInput) Validate() error {
	in.Endpoint = strings.TrimSpace(in.Endpoint)
	u, err := url.Parse(in.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(in.Endpoint) > 2000 {
		return FieldError("endpoint", "push.subscription")
	}
	if b, err := decodeB64URL(in.Keys.P256dh); err != nil || len(b) != 65 || b[0] != 4 {
		return FieldError("keys.p256dh", "push.subscription")
	}
	if b, err := decodeB64URL(in.Keys.Auth); err != nil || len(b) != 16 {
		return FieldError("keys.auth", "push.subscription")
	}
	switch {
	case in.Lang == "":
		in.Lang = "vi"
	case strings.HasPrefix(in.Lang, "en"):
		in.Lang = "en"
	case strings.HasPrefix(in.Lang, "vi"):
		in.Lang = "vi"
	default:
		return FieldError("lang", "field.enum", "lang")
	}
	return nil
}

func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// PushNotice is the payload pushed to a tablet, in the subscription's language.
type PushNotice struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// Ref is what the notice is about, such as meeting:12 or ballot:3.
	Ref  string `json:"ref"`
	Kind string `json:"kind"`
}

// NewPushNotice writes the notice of a notification of kind about topic (a
// session's, ballot's or task's title; never a document's) in lang.
func NewPushNotice(lang, kind, topic, ref string) PushNotice {
	return PushNotice{Title: Translate(lang, "push."+kind+".title"), Body: Translate(lang, "push."+kind+".body", topic), Ref: ref, Kind: kind}
}

// PushService keeps the actor's push subscriptions.
type PushService interface {
	// VAPIDPublicKey returns the server's application server key (base64url).
	VAPIDPublicKey(ctx context.Context) (string, error)
	// Subscribe records the actor's tablet (the endpoint moves to the actor
	// if another member had it). Errors: invalid.
	Subscribe(ctx context.Context, in PushSubscriptionInput) error
	// Unsubscribe forgets the actor's subscription of that endpoint.
	// Errors: not_found.
	Unsubscribe(ctx context.Context, endpoint string) error
}
