package ecabinet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Device is a member's tablet or phone with a signing key registered.
type Device struct {
	ID        int64      `json:"id"`
	MemberID  int64      `json:"member_id"`
	Name      string     `json:"name"`
	Algorithm string     `json:"algorithm"`  // Ed25519 or ECDSA-P256
	PublicKey string     `json:"public_key"` // base64 SubjectPublicKeyInfo
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// DeviceAlgorithms are the signature algorithms a device key may use.
var DeviceAlgorithms = []string{"Ed25519", "ECDSA-P256"}

// DeviceInput registers a device key.
type DeviceInput struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

// Validate checks the text fields; the key itself is checked by the service.
func (in *DeviceInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if err := requireText("name", in.Name, 200); err != nil {
		return err
	}
	if !slices.Contains(DeviceAlgorithms, in.Algorithm) {
		return FieldError("algorithm", "field.enum", "algorithm")
	}
	return requireText("public_key", in.PublicKey, 2000)
}

// SignedAnswerMessage is the exact text a device signs to answer a ballot:
// the ballot, the member and each answer (by question id, in order), with
// the comment's SHA-256 so the message stays short. The tablet app builds
// the same text (frontend/src/lib/ballots/sign.ts).
func SignedAnswerMessage(ballotID, memberID int64, answers []AnswerItem) []byte {
	items := slices.Clone(answers)
	slices.SortFunc(items, func(a, b AnswerItem) int { return int(a.QuestionID - b.QuestionID) })
	var b strings.Builder
	fmt.Fprintf(&b, "ecabinet/ballot-answer/v1\nballot:%d\nmember:%d\n", ballotID, memberID)
	for _, a := range items {
		sum := sha256.Sum256([]byte(a.Comment))
		fmt.Fprintf(&b, "q:%d|%s|%s\n", a.QuestionID, a.Choice, hex.EncodeToString(sum[:]))
	}
	return []byte(b.String())
}

// DeviceService keeps the actor's signing devices.
type DeviceService interface {
	// RegisterDevice stores a public key. Errors: invalid (not a key of the algorithm).
	RegisterDevice(ctx context.Context, in DeviceInput) (*Device, error)
	// Devices lists the actor's devices.
	Devices(ctx context.Context) ([]*Device, error)
	// RevokeDevice stops a device's key from signing. Errors: not_found.
	RevokeDevice(ctx context.Context, id int64) error
}
