package ecabinet

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a member does in a body.
type Role string

// Roles. The secretariat (Government Office) prepares and runs sessions;
// the admin manages accounts and settings; the chair presides.
const (
	RoleAdmin     Role = "admin"
	RoleSecretary Role = "secretary"
	RoleChair     Role = "chair"
	RoleMember    Role = "member"
	RoleGuest     Role = "guest"
)

// Roles lists every role, in a stable order.
var Roles = []Role{RoleAdmin, RoleSecretary, RoleChair, RoleMember, RoleGuest}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Classification is the security level of a document and the clearance of
// a member: Mật / Tối mật / Tuyệt mật.
type Classification string

// Classification levels, lowest first.
const (
	ClassNone         Classification = "none"
	ClassConfidential Classification = "confidential" // Mật
	ClassSecret       Classification = "secret"       // Tối mật
	ClassTopSecret    Classification = "top_secret"   // Tuyệt mật
)

// Classifications lists the levels, lowest first.
var Classifications = []Classification{ClassNone, ClassConfidential, ClassSecret, ClassTopSecret}

// Level returns the rank of c (0 for none), or -1 when c is unknown.
func (c Classification) Level() int {
	for i, x := range Classifications {
		if c == x {
			return i
		}
	}
	return -1
}

// Valid reports whether c is a known level.
func (c Classification) Valid() bool { return c.Level() >= 0 }

// Covers reports whether a clearance of c allows seeing a document at level d.
func (c Classification) Covers(d Classification) bool {
	return c.Valid() && d.Valid() && c.Level() >= d.Level()
}

// Member is a person who belongs to a body: a Government member, a secretary,
// an admin, or a guest.
type Member struct {
	ID           int64          `json:"id"`
	BodyID       int64          `json:"body_id"`
	Username     string         `json:"username"`
	FullName     string         `json:"full_name"`
	Title        string         `json:"title"`
	Organization string         `json:"organization"`
	Email        string         `json:"email"`
	Precedence   int            `json:"precedence"`
	Role         Role           `json:"role"`
	Clearance    Classification `json:"clearance"`
	Voting       bool           `json:"voting"`
	Active       bool           `json:"active"`
	MFAEnabled   bool           `json:"mfa_enabled"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// MemberInput is what an admin sends to create or change a member.
type MemberInput struct {
	Username     string `json:"username"`
	Password     string `json:"password,omitempty"`
	FullName     string `json:"full_name"`
	Title        string `json:"title"`
	Organization string `json:"organization"`
	// Email receives notifications (ballot reminders) when SMTP is configured.
	Email string `json:"email"`
	// Precedence orders members of the same role by protocol (lower first).
	Precedence int            `json:"precedence"`
	Role       Role           `json:"role"`
	Clearance  Classification `json:"clearance"`
	Voting     bool           `json:"voting"`
	Active     bool           `json:"active"`
}

// MinPasswordLength is the shortest password accepted (NIST SP 800-63B).
const MinPasswordLength = 10

// SignInsEndWith says whether changing the member to in ends their
// sign-ins and live connections: deactivation and a new password, and a new
// role or clearance, since a socket keeps who the member was when it opened.
func (m *Member) SignInsEndWith(in MemberInput) bool {
	return !in.Active || in.Password != "" || m.Role != in.Role || m.Clearance != in.Clearance
}

// Validate normalises the input and returns its first problem.
func (in *MemberInput) Validate() error {
	if p := in.Problems(); len(p) > 0 {
		return p[0]
	}
	return nil
}

// Problems normalises the input and returns every problem, one per field,
// in the order of the fields. A password is checked when there is one; a
// member without one sets it through a one-time link.
func (in *MemberInput) Problems() []*Error {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = strings.TrimSpace(in.FullName)
	in.Title = strings.TrimSpace(in.Title)
	in.Organization = strings.Join(strings.Fields(in.Organization), " ")
	in.Email = strings.TrimSpace(in.Email)
	var out []*Error
	add := func(err error) {
		if err != nil {
			out = append(out, AsError(err))
		}
	}
	add(validUsername(in.Username))
	add(requireText("full_name", in.FullName, 200))
	add(optionalText("title", in.Title, 300))
	add(optionalText("organization", in.Organization, 300))
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil || len(in.Email) > 254 || strings.ContainsAny(in.Email, "<> ") {
			add(FieldError("email", "field.enum", "email"))
		}
	}
	if in.Precedence < 0 || in.Precedence > 10000 {
		add(FieldError("precedence", "field.range", "precedence"))
	}
	if !in.Role.Valid() {
		add(FieldError("role", "field.enum", "role"))
	}
	if !in.Clearance.Valid() {
		add(FieldError("clearance", "field.enum", "clearance"))
	}
	if in.Voting && in.Role.Valid() && in.Role != RoleChair && in.Role != RoleMember {
		add(FieldError("voting", "member.voting_role"))
	}
	if in.Password != "" {
		add(ValidPassword(in.Password))
	}
	return out
}

func validUsername(u string) error {
	if err := requireText("username", u, 64); err != nil {
		return err
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return FieldError("username", "field.enum", "username")
		}
	}
	return nil
}

// ValidPassword checks a new password's length. Errors: invalid.
func ValidPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return FieldError("password", "password.weak", MinPasswordLength)
	}
	if len(p) > 1024 {
		return FieldError("password", "field.too_long", "password", 1024)
	}
	return nil
}

func requireText(field, s string, max int) error {
	if s == "" {
		return FieldError(field, "field.required", field)
	}
	return optionalText(field, s, max)
}

func optionalText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "field.enum", field)
	}
	if utf8.RuneCountInString(s) > max {
		return FieldError(field, "field.too_long", field, max)
	}
	return nil
}

// Actor is the signed-in member on whose behalf a service call runs. Every
// service scopes its reads and writes to Actor.BodyID.
type Actor struct {
	MemberID  int64
	BodyID    int64
	Username  string
	FullName  string
	Role      Role
	Clearance Classification
	Voting    bool
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying a.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor in ctx and whether there is one.
func ActorFromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// MustActor returns the actor in ctx or an unauthenticated error.
func MustActor(ctx context.Context) (Actor, error) {
	a, ok := ActorFromContext(ctx)
	if !ok || a.MemberID == 0 {
		return Actor{}, Errorf(EUNAUTHENTICATED, "unauthenticated")
	}
	return a, nil
}

// MemberService manages the members of the actor's body.
type MemberService interface {
	// FindMember returns a member of the actor's body. Errors: not_found.
	FindMember(ctx context.Context, id int64) (*Member, error)
	// ListMembers returns the members of the actor's body, ordered for display.
	ListMembers(ctx context.Context) ([]*Member, error)
	// CreateMember adds a member (admin only). Errors: invalid, conflict (username taken).
	CreateMember(ctx context.Context, in MemberInput) (*Member, error)
	// UpdateMember changes a member (admin only); an empty password keeps the
	// old one. Role and clearance changes are audited. Errors: invalid, not_found, conflict.
	UpdateMember(ctx context.Context, id int64, in MemberInput) (*Member, error)
}

// AtOrBelow lists the levels a clearance of c covers, lowest first.
func (c Classification) AtOrBelow() []Classification {
	if !c.Valid() {
		return nil
	}
	return slices.Clone(Classifications[:c.Level()+1])
}
