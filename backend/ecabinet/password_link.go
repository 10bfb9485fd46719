package ecabinet

import (
	"context"
	"time"
)

// PasswordLink is a one-time link that lets a member set their own
// password: the first admin of a new body, or a member whose password an
// admin reset. Nobody else ever sees or sets a member's password. The
// token is shown once, when the link is made; only its hash is stored.
type PasswordLink struct {
	Token     string    `json:"-"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PasswordLinkPath is where the app opens a link: the token travels in the
// fragment, which browsers send to no server and proxies do not log.
const PasswordLinkPath = "/password#"

// PasswordLinkInfo is what a valid link shows before the password is set.
type PasswordLinkInfo struct {
	Username  string    `json:"username"`
	FullName  string    `json:"full_name"`
	Body      string    `json:"body"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PasswordLinkService issues and redeems one-time password links.
type PasswordLinkService interface {
	// IssuePasswordLink makes a link for a member of the actor's body
	// (admin): links made before for the member stop working, the member's
	// password keeps working until the link is used. base is the app's
	// address (https://cabinet.example.gov). Errors: forbidden, not_found.
	IssuePasswordLink(ctx context.Context, memberID int64, base string) (*PasswordLink, error)
	// InspectPasswordLink says whose password a link sets. Errors:
	// not_found (link.unknown), gone (link.used, link.expired).
	InspectPasswordLink(ctx context.Context, token string) (*PasswordLinkInfo, error)
	// UsePasswordLink sets the member's password and spends the link; every
	// sign-in of the member ends. Errors: invalid (a weak password),
	// not_found, gone.
	UsePasswordLink(ctx context.Context, token, password string, c Client) (*Member, error)
}
