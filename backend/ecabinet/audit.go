package ecabinet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// Audited actions.
const (
	AuditLogin          = "auth.login"
	AuditLoginFailed    = "auth.login_failed"
	AuditLogout         = "auth.logout"
	AuditSessionsEnded  = "auth.sessions_ended"
	AuditMFAEnabled     = "auth.mfa_enabled"
	AuditMFADisabled    = "auth.mfa_disabled"
	AuditMemberCreated  = "member.created"
	AuditMemberChanged  = "member.changed" // role, clearance, voting right, active, password
	AuditSettings       = "body.settings_changed"
	AuditMeeting        = "meeting.transition"
	AuditDocumentOpened = "document.opened"
	AuditVoteCast       = "vote.cast"
	AuditVoteClosed     = "vote.closed"
	AuditBallotAnswer   = "ballot.answered"
	AuditExport         = "export"

	AuditBodyCreated      = "body.created"    // by the operator's command
	AuditBodyActive       = "body.active"     // deactivated or activated again, by the operator's command
	AuditOrganization     = "organization"    // created, renamed or deleted
	AuditMembersImported  = "member.imported" // a CSV import, with its counts
	AuditPasswordLink     = "member.password_link"
	AuditPasswordSet      = "member.password_set" // through a one-time link
	AuditPositionsAsked   = "positions.asked"     // items opened for positions, the cut-off
	AuditPositionGiven    = "position.given"      // a member's position, each change
	AuditConsentBlock     = "consent.formed"      // the cut-off applied: the block and the queued speakers
	AuditConsentPulled    = "consent.pulled"      // an item pulled out of the block
	AuditConsentTaken     = "consent.taken"       // the block decided at once
	AuditMinutes          = "minutes"             // a version edited or published
	AuditPushSubscription = "push.subscribed"     // a tablet subscribed to push notices
	AuditLoginLimitLifted = "auth.unlocked"
	AuditCertificate      = "signing.certificate" // a signer's certificate imported or removed
	AuditTrustedCA        = "signing.trusted_ca"  // a trusted CA added or removed
	AuditDocumentSigned   = "document.signed"
	AuditOriginal         = "document.original_downloaded" // the signed original, unstamped
)

// AuditEntry is one record of the tamper-evident audit log. Each entry's
// Hash covers the previous entry's hash and the entry itself (Canonical), so
// changing, inserting or removing an entry breaks every hash after it.
//
// What an entry is about (Subject and Detail) enters the hash through
// Content, a commitment salted with a random Salt: an entry shown Redacted
// (about a document above the reader's clearance) keeps its place, time,
// actor and Content, so the reader still verifies the chain, but neither
// its subject nor its salt, without which Content cannot be searched for
// the few documents and versions it could name. Entries written before
// commitments (no Salt) hash Subject and Detail themselves.
type AuditEntry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	BodyID   int64           `json:"body_id,omitempty"`
	ActorID  int64           `json:"actor_id,omitempty"`
	Action   string          `json:"action"`
	Subject  string          `json:"subject"` // what it is about: "member:12", "meeting:3", a username for a failed login
	Detail   json.RawMessage `json:"detail,omitempty"`
	IP       string          `json:"ip,omitempty"`
	Salt     string          `json:"salt,omitempty"`
	Content  string          `json:"content,omitempty"` // Commitment(Salt, Subject, Detail)
	Redacted bool            `json:"redacted,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// Canonical is the exact text an entry's hash covers, besides the previous hash.
func (e *AuditEntry) Canonical() []byte {
	about := []any{e.Subject, json.RawMessage(detailJSON(e.Detail))}
	if e.Content != "" {
		about = []any{e.Content}
	}
	b, _ := json.Marshal(append(append([]any{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.BodyID, e.ActorID, e.Action}, about...), e.IP))
	return b
}

func detailJSON(detail json.RawMessage) string {
	if len(detail) == 0 {
		return "null"
	}
	return string(detail)
}

// Commitment is the Content of an entry: the SHA-256 of its salt, subject
// and detail.
func Commitment(salt, subject string, detail json.RawMessage) string {
	b, _ := json.Marshal([]any{subject, json.RawMessage(detailJSON(detail))})
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{'\n'})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Redact hides what the entry is about, keeping what its hash needs.
func (e *AuditEntry) Redact() {
	e.Subject, e.Detail, e.Salt, e.Redacted = "", nil, "", true
}

// ChainHash returns the hash of an entry given the previous entry's hash.
func ChainHash(prev string, e *AuditEntry) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(e.Canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// GenesisHash is the "previous hash" of the first entry.
const GenesisHash = "e-cabinet audit log v1"

// AuditRecord is what a service asks to be recorded; the store completes it.
type AuditRecord struct {
	BodyID  int64
	ActorID int64
	Action  string
	Subject string
	Detail  any
	IP      string
}

// Subject names an object of a kind for an audit record.
func Subject(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// AuditService reads the audit log of the actor's body (admin).
type AuditService interface {
	// AuditLog returns up to limit entries of the actor's body after id,
	// oldest first. Errors: forbidden.
	AuditLog(ctx context.Context, after int64, limit int) ([]*AuditEntry, error)
}

type clientKey struct{}

// NewContextWithClient returns ctx carrying where the request comes from,
// so services can record it in the audit log.
func NewContextWithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFromContext returns the client in ctx.
func ClientFromContext(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}
