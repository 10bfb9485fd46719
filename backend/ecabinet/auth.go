package ecabinet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// SignIn is a server-side sign-in session: the cookie holds a random token,
// the database holds only its hash. (A cabinet session is a Meeting.)
type SignIn struct {
	MemberID  int64  `json:"member_id"`
	CSRFToken string `json:"csrf_token"`
	// MFAPending: the body requires a second factor of this member, who has
	// none yet; until they enrol, only enrolment and sign-out are allowed.
	MFAPending bool      `json:"mfa_pending"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// HashToken returns the key under which a secret token (a sign-in's cookie
// token, a WebSocket ticket, a recovery code) is stored: the database holds
// only this hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Credentials are what a login checks.
type Credentials struct {
	MemberID     int64
	BodyID       int64
	Role         Role
	PasswordHash string
	Active       bool
	MFASecret    string
	MFAEnabled   bool
	MFALastStep  int64
	// MFARequired: the member's body requires a second factor of their role.
	MFARequired bool
}

// Client describes where a request comes from, for rate limits and logs.
type Client struct {
	IP        string
	UserAgent string
}

// LoginInput is what a member types to sign in. A member with a second
// factor adds a TOTP code or one of their recovery codes.
type LoginInput struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	TOTP         string `json:"totp,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// MFASetup is a new, not yet enabled second factor.
type MFASetup struct {
	Secret     string `json:"secret"`      // base32, to type into an authenticator app
	OTPAuthURI string `json:"otpauth_uri"` // the same as a URI (for a QR code)
}

// AuthService signs members in and out.
type AuthService interface {
	// Login checks the credentials and starts a sign-in. It returns the
	// cookie token. Errors: unauthenticated (wrong username or password,
	// inactive member), mfa_required (right password, second factor
	// missing), unauthenticated with key mfa_invalid (wrong code),
	// rate_limited (too many failures for the username or the address),
	// unavailable.
	Login(ctx context.Context, in LoginInput, c Client) (*Member, *SignIn, string, error)
	// SetupMFA starts enrolling the actor's authenticator app.
	// Errors: conflict (already enabled).
	SetupMFA(ctx context.Context) (*MFASetup, error)
	// EnableMFA checks a first code of the app and turns the second factor
	// on; it returns ten one-time recovery codes, shown once.
	// Errors: invalid (wrong code), conflict (no setup or already enabled).
	EnableMFA(ctx context.Context, code string) ([]string, error)
	// DisableMFA turns the second factor off with a current code.
	// Errors: invalid (wrong code), forbidden (the body requires it), conflict (not enabled).
	DisableMFA(ctx context.Context, code string) error
	// Confirm checks that the actor is at the device before an act that
	// speaks for them: their second-factor code when they have one, else
	// their password. Errors: invalid (missing), forbidden (wrong, key
	// signing.confirm_failed), rate_limited, unavailable.
	Confirm(ctx context.Context, in Confirmation) error
	// Authenticate resolves a cookie token to its actor and sign-in, and
	// extends the idle timeout. Errors: unauthenticated (unknown, idle or
	// expired), unavailable.
	Authenticate(ctx context.Context, token string) (Actor, *SignIn, error)
	// Logout ends the sign-in of token. It is not an error if none exists.
	Logout(ctx context.Context, token string) error
	// EndMemberSessions ends every sign-in of a member of the actor's body
	// (admin only) and returns how many ended. Errors: forbidden, not_found.
	EndMemberSessions(ctx context.Context, memberID int64) (int, error)
	// IssueTicket returns a single-use, short-lived ticket that opens one
	// WebSocket for the sign-in of token. Errors: unavailable.
	IssueTicket(ctx context.Context, token string) (string, time.Time, error)
	// RedeemTicket consumes a ticket and returns its sign-in's actor and
	// token hash. Errors: unauthenticated (unknown, used or expired).
	RedeemTicket(ctx context.Context, ticket string) (Actor, string, error)
	// Check reports whether the sign-in with this token hash is still valid,
	// without extending it. Errors: unauthenticated, unavailable.
	Check(ctx context.Context, tokenHash string) error
	// LoginLimit says how many failed logins a member of the actor's body
	// has within the window, and whether further attempts are refused
	// (admin). Errors: forbidden, not_found, unavailable.
	LoginLimit(ctx context.Context, memberID int64) (*LoginLimit, error)
	// Unlock forgets a member's failed logins so they may sign in again at
	// once (admin; audited). The limit per address is not touched.
	// Errors: forbidden, not_found, unavailable.
	Unlock(ctx context.Context, memberID int64) error
	// ClearFailures forgets the failed logins of username: its member has
	// just set a new password through a one-time link.
	ClearFailures(ctx context.Context, username string) error
}

// LoginLimit is how a member's failed logins stand against the limit per
// username.
type LoginLimit struct {
	Failures int  `json:"failures"`
	Max      int  `json:"max"`
	Locked   bool `json:"locked"`
	// RetryAfter is the seconds until the window ends and the count with it.
	RetryAfter int `json:"retry_after"`
}
