package ecabinet

import (
	"context"
	"time"
)

// IssuedKind names an official document e-Cabinet issues from its own data
// and that the body's named signers sign digitally (ký số).
type IssuedKind string

// Issued documents.
const (
	// IssuedConclusion is a session's published conclusion notice.
	IssuedConclusion IssuedKind = "conclusion"
	// IssuedBallotReport is a closed ballot's summary report.
	IssuedBallotReport IssuedKind = "ballot_report"
	// IssuedMinutes is a session's minutes, where the body keeps them.
	IssuedMinutes IssuedKind = "minutes"
)

// IssuedKinds lists the kinds.
var IssuedKinds = []IssuedKind{IssuedConclusion, IssuedBallotReport, IssuedMinutes}

// Valid tells whether k is a known kind.
func (k IssuedKind) Valid() bool {
	for _, x := range IssuedKinds {
		if k == x {
			return true
		}
	}
	return false
}

// SignerSettings name, per kind of issued document, the members who sign
// it, in the order they sign (the secretariat's initials, then the chair).
// A kind without signers is not signed in e-Cabinet.
type SignerSettings struct {
	Conclusion   []int64 `json:"conclusion"`
	BallotReport []int64 `json:"ballot_report"`
	Minutes      []int64 `json:"minutes"`
}

// For returns the signers of a kind.
func (s SignerSettings) For(k IssuedKind) []int64 {
	switch k {
	case IssuedConclusion:
		return s.Conclusion
	case IssuedBallotReport:
		return s.BallotReport
	case IssuedMinutes:
		return s.Minutes
	}
	return nil
}

// MaxSigners is the most signers a kind may name.
const MaxSigners = 5

// Validate checks the lists: at most MaxSigners each, positive ids, none twice.
func (s SignerSettings) Validate() error {
	for _, k := range IssuedKinds {
		ids := s.For(k)
		if len(ids) > MaxSigners {
			return FieldError("signers", "field.range", "signers")
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if id <= 0 || seen[id] {
				return FieldError("signers", "field.duplicate", "signers")
			}
			seen[id] = true
		}
	}
	return nil
}

// SigningRole tells whether a role may hold a signing certificate: the
// chair and the secretariat (whose head signs reports and initials notices).
func SigningRole(r Role) bool { return r == RoleChair || r == RoleSecretary }

// SigningCertificate is a signer's certificate as the body imported it. Its
// private key is sealed at rest and never leaves the server.
type SigningCertificate struct {
	ID        int64     `json:"id"`
	MemberID  int64     `json:"member_id"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// TrustedCA is a certification authority whose certificates the body trusts.
type TrustedCA struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"`
	SHA256    string    `json:"sha256"` // fingerprint of the certificate
	NotAfter  time.Time `json:"not_after"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// PDFSignature is what a PDF's signature says, as e-Cabinet checked it.
type PDFSignature struct {
	// Signer is the signing certificate's common name; Organization its organisation.
	Signer       string `json:"signer"`
	Organization string `json:"organization,omitempty"`
	// MemberID is the member who signed, for a signature made in e-Cabinet.
	MemberID int64 `json:"member_id,omitempty"`
	// SignedAt is the signing time the signature claims.
	SignedAt *time.Time `json:"signed_at,omitempty"`
	// Valid: the signature verifies over the bytes it signs.
	Valid bool `json:"valid"`
	// Modified: the document changed after this signature other than by
	// further signatures.
	Modified bool `json:"modified"`
	// Trusted: the signing certificate chains, at the signing time, to a CA
	// the body trusts.
	Trusted bool `json:"trusted"`
	// NotAfter is when the signing certificate expires.
	NotAfter time.Time `json:"not_after"`
}

// IssuedDocument is an official document of a session or a ballot, as a
// document of that session or ballot whose versions are signed, with who
// must sign it and who has.
type IssuedDocument struct {
	Kind      IssuedKind `json:"kind"`
	SubjectID int64      `json:"subject_id"` // the session (meeting) or the ballot
	// Document is nil until the first signature.
	Document *Document `json:"document,omitempty"`
	Signers  []int64   `json:"signers"`
	SignedBy []int64   `json:"signed_by"`
}

// Confirmation proves that the signer is at the device: their second factor
// (TOTP) when they have one, else their password.
type Confirmation struct {
	Password string `json:"password,omitempty"`
	TOTP     string `json:"totp,omitempty"`
}

// Original is a signed version's bytes, unchanged, to download.
type Original struct {
	Version *DocumentVersion
	Content []byte
}

// SigningService keeps signing certificates and trusted CAs (admin), signs
// issued documents (their named signers) and serves signed originals.
type SigningService interface {
	// ImportCertificate stores a member's signing certificate and key from
	// a PKCS#12 file and its password (admin), replacing the member's
	// earlier one. Errors: forbidden, not_found (member), invalid (member
	// without a signing role), unprocessable (wrong password, no key,
	// expired or not yet valid, key not matching, not for signing).
	ImportCertificate(ctx context.Context, memberID int64, p12 []byte, password string) (*SigningCertificate, error)
	// Certificates lists the body's signing certificates (admin). Errors: forbidden.
	Certificates(ctx context.Context) ([]*SigningCertificate, error)
	// DeleteCertificate removes a signing certificate and its key (admin).
	// Errors: forbidden, not_found.
	DeleteCertificate(ctx context.Context, id int64) error
	// AddTrustedCAs adds CA certificates (PEM or DER) the body trusts
	// (admin), and checks every stored signature again. Errors: forbidden,
	// unprocessable (unreadable, not a CA).
	AddTrustedCAs(ctx context.Context, data []byte) ([]*TrustedCA, error)
	// TrustedCAs lists them (admin). Errors: forbidden.
	TrustedCAs(ctx context.Context) ([]*TrustedCA, error)
	// DeleteTrustedCA removes one (admin) and checks every stored signature
	// again. Errors: forbidden, not_found.
	DeleteTrustedCA(ctx context.Context, id int64) error
	// Issued returns an issued document with its signers. Errors: invalid
	// (kind), not_found (the session or ballot, or minutes where none are kept).
	Issued(ctx context.Context, kind IssuedKind, subjectID int64) (*IssuedDocument, error)
	// Sign adds the actor's signature to an issued document, making it on
	// the first signature; the caller has confirmed the actor's presence.
	// Errors: invalid (kind), not_found, forbidden (the actor is not a
	// named signer), conflict (the document cannot be issued yet: notice
	// not published, ballot not closed; already signed by the actor; no
	// certificate, or it expired).
	Sign(ctx context.Context, kind IssuedKind, subjectID int64) (*IssuedDocument, error)
	// Original returns a version's stored bytes unchanged, for a reader
	// cleared for the document. Errors: not_found, conflict (paper only).
	Original(ctx context.Context, documentID, versionID int64) (*Original, error)
}
