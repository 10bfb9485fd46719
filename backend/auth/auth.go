// Package auth signs members in and out: argon2id passwords, server-side
// sign-in sessions with idle and absolute lifetimes, and login rate limits
// per username and per client address.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Store keeps credentials and sign-ins (store.SignInStore).
type Store interface {
	Credentials(ctx context.Context, username string) (*ecabinet.Credentials, error)
	CreateSignIn(ctx context.Context, tokenHash string, si *ecabinet.SignIn, c ecabinet.Client) (*ecabinet.Member, error)
	SignIn(ctx context.Context, tokenHash string) (ecabinet.Actor, *ecabinet.SignIn, bool, error)
	TouchSignIn(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSignIn(ctx context.Context, tokenHash string) error
	DeleteMemberSignIns(ctx context.Context, bodyID, memberID int64) (int, error)
	CreateTicket(ctx context.Context, ticketHash, signInHash string, expires time.Time) error
	UseTOTPStep(ctx context.Context, memberID, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, memberID int64, codeHash string) (bool, error)
	MFAState(ctx context.Context, memberID int64) (secret string, enabled bool, lastStep int64, err error)
	SetMFASecret(ctx context.Context, memberID int64, secret string) error
	EnableMFA(ctx context.Context, a ecabinet.Actor, step int64, codeHashes []string) error
	DisableMFA(ctx context.Context, a ecabinet.Actor) error
	Audit(ctx context.Context, rec ecabinet.AuditRecord) error
	RedeemTicket(ctx context.Context, ticketHash string, now time.Time) (string, error)
	Username(ctx context.Context, bodyID, memberID int64) (string, error)
}

// Limiter counts failed logins per key (ratelimit.Local or ratelimit.Redis).
type Limiter interface {
	Count(ctx context.Context, key string) (int, time.Duration, error)
	Add(ctx context.Context, key string) (int, time.Duration, error)
	Reset(ctx context.Context, key string) error
}

// Config holds the sign-in policy.
type Config struct {
	IdleTimeout time.Duration // a sign-in unused this long ends
	Lifetime    time.Duration // a sign-in ends this long after login, used or not
	// MaxFailuresPerUser failed logins for one username within the
	// limiter's window lock further attempts for it; past MaxFailuresPerIP
	// from one address, attempts from it are slowed down (throttle.go).
	MaxFailuresPerUser int
	MaxFailuresPerIP   int
	// MFAKey (32 bytes) encrypts second-factor secrets at rest; empty
	// stores them unencrypted.
	MFAKey []byte
}

// Service implements ecabinet.AuthService.
type Service struct {
	store   Store
	hasher  *Hasher
	limiter Limiter
	cfg     Config
	sealer  *sealer
	log     *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// dummy is verified against when a username is unknown, so a wrong
	// username costs as much time as a wrong password.
	dummy string
	// Addresses over their limit: one verification at a time each, and
	// failures answered after a delay (sleep; tests replace both).
	throttled gates
	verify    func(ctx context.Context, password, hash string) (bool, error)
	sleep     func(ctx context.Context, d time.Duration)
}

// New returns a Service.
func New(s Store, h *Hasher, l Limiter, cfg Config, log *slog.Logger) (*Service, error) {
	sl, err := newSealer(cfg.MFAKey)
	if err != nil {
		return nil, err
	}
	dummy, err := h.Hash(context.Background(), "not a password of anyone")
	if err != nil {
		return nil, err
	}
	return &Service{store: s, hasher: h, limiter: l, cfg: cfg, sealer: sl, log: log, Now: func() time.Time { return time.Now().UTC() }, dummy: dummy,
		verify: h.Verify, sleep: sleep}, nil
}

var _ ecabinet.AuthService = (*Service)(nil)

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func badCredentials() error {
	return ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "bad_credentials")
}

// Login checks the password (and the second factor of a member who has
// one) and starts a sign-in with a fresh token.
func (s *Service) Login(ctx context.Context, in ecabinet.LoginInput, c ecabinet.Client) (*ecabinet.Member, *ecabinet.SignIn, string, error) {
	username, password := strings.ToLower(strings.TrimSpace(in.Username)), in.Password
	if username == "" || len(username) > 64 {
		return nil, nil, "", ecabinet.FieldError("username", "field.required", "username")
	}
	if password == "" || len(password) > 1024 {
		return nil, nil, "", ecabinet.FieldError("password", "field.required", "password")
	}
	userKey, ipKey := "login:user:"+username, "login:ip:"+c.IP
	if err := s.checkLimit(ctx, userKey, s.cfg.MaxFailuresPerUser); err != nil {
		return nil, nil, "", err
	}
	// Past its limit, an address is slowed down, not refused (throttle.go).
	addrErr := s.checkLimit(ctx, ipKey, s.cfg.MaxFailuresPerIP)
	throttled := ecabinet.ErrorCode(addrErr) == ecabinet.ERATELIMITED
	if addrErr != nil && !throttled {
		return nil, nil, "", addrErr
	}
	cred, ok, err := s.checkPassword(ctx, username, password, throttled, c.IP)
	if err != nil {
		return nil, nil, "", err
	}
	slow := func() {
		if throttled {
			s.sleep(ctx, throttleDelay)
		}
	}
	if !ok {
		defer slow()
		s.fail(ctx, userKey, ipKey)
		s.log.InfoContext(ctx, "login failed", "username", username, "ip", c.IP)
		rec := ecabinet.AuditRecord{Action: ecabinet.AuditLoginFailed, Subject: username, IP: c.IP}
		if cred != nil {
			rec.BodyID = cred.BodyID
		}
		if aerr := s.store.Audit(ctx, rec); aerr != nil {
			return nil, nil, "", aerr
		}
		return nil, nil, "", badCredentials()
	}
	if cred.MFAEnabled {
		if in.TOTP == "" && in.RecoveryCode == "" {
			return nil, nil, "", ecabinet.Errorf(ecabinet.EMFAREQUIRED, "mfa_required")
		}
		ok, err := s.secondFactor(ctx, cred, in)
		if err != nil {
			return nil, nil, "", err
		}
		if !ok {
			defer slow()
			s.fail(ctx, userKey, ipKey)
			if aerr := s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: cred.BodyID, Action: ecabinet.AuditLoginFailed, Subject: username, IP: c.IP,
				Detail: map[string]string{"reason": "second factor"}}); aerr != nil {
				return nil, nil, "", aerr
			}
			return nil, nil, "", ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "mfa_invalid")
		}
	}
	if err := s.limiter.Reset(ctx, userKey); err != nil {
		s.log.WarnContext(ctx, "rate limiter reset failed", "err", err)
	}

	token, err := randomToken()
	if err != nil {
		return nil, nil, "", err
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, nil, "", err
	}
	now := s.Now()
	si := &ecabinet.SignIn{MemberID: cred.MemberID, CSRFToken: csrf, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.Lifetime),
		MFAPending: cred.MFARequired && !cred.MFAEnabled}
	m, err := s.store.CreateSignIn(ctx, ecabinet.HashToken(token), si, c)
	if err != nil {
		return nil, nil, "", err
	}
	s.log.InfoContext(ctx, "login", "member_id", m.ID, "ip", c.IP)
	if err := s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: m.BodyID, ActorID: m.ID, Action: ecabinet.AuditLogin,
		Subject: ecabinet.Subject("member", m.ID), IP: c.IP, Detail: map[string]string{"user_agent": truncateUA(c.UserAgent)}}); err != nil {
		return nil, nil, "", err
	}
	return m, si, token, nil
}

// checkPassword verifies a password against the username's hash (against
// a dummy one for an unknown username, which costs as much): ok when the
// account exists, is active and the password is right. From an address
// over its limit (throttled), one verification at a time.
func (s *Service) checkPassword(ctx context.Context, username, password string, throttled bool, addr string) (*ecabinet.Credentials, bool, error) {
	if throttled {
		leave, err := s.throttled.enter(ctx, addr)
		if err != nil {
			return nil, false, err
		}
		defer leave()
	}
	cred, err := s.store.Credentials(ctx, username)
	hash := s.dummy
	switch {
	case err == nil && cred.PasswordHash != "":
		hash = cred.PasswordHash
	case err == nil:
		// A member without a password yet (created by an admin or an
		// import; they set one through a one-time link) cannot sign in,
		// and fails at the same cost as a wrong password.
	case ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND:
		cred = nil
	default:
		return nil, false, err
	}
	ok, err := s.verify(ctx, password, hash)
	if err != nil {
		return nil, false, err
	}
	return cred, ok && cred != nil && cred.PasswordHash != "" && cred.Active, nil
}

// secondFactor checks a TOTP code (each step once) or spends a recovery code.
func (s *Service) secondFactor(ctx context.Context, cred *ecabinet.Credentials, in ecabinet.LoginInput) (bool, error) {
	if in.RecoveryCode != "" {
		return s.store.UseRecoveryCode(ctx, cred.MemberID, ecabinet.HashToken(normaliseRecoveryCode(in.RecoveryCode)))
	}
	secret, err := s.sealer.open(cred.MemberID, cred.MFASecret)
	if err != nil {
		return false, err
	}
	step, ok := checkTOTP(secret, in.TOTP, s.Now(), cred.MFALastStep)
	if !ok {
		return false, nil
	}
	return s.store.UseTOTPStep(ctx, cred.MemberID, step)
}

func (s *Service) checkLimit(ctx context.Context, key string, limit int) error {
	n, ttl, err := s.limiter.Count(ctx, key)
	if err != nil {
		return &ecabinet.Error{Code: ecabinet.EUNAVAILABLE, Key: "unavailable", RetryAfter: 5}
	}
	if n >= limit {
		secs := int((ttl + time.Second - 1) / time.Second)
		return &ecabinet.Error{Code: ecabinet.ERATELIMITED, Key: "login_rate_limit", Args: []any{secs}, RetryAfter: secs}
	}
	return nil
}

func (s *Service) fail(ctx context.Context, keys ...string) {
	for _, k := range keys {
		if _, _, err := s.limiter.Add(ctx, k); err != nil {
			s.log.WarnContext(ctx, "rate limiter add failed", "err", err)
		}
	}
}

// touchEvery bounds how often a busy sign-in is written back: once a minute
// is enough for an idle timeout measured in minutes.
const touchEvery = time.Minute

// Authenticate resolves a token to its actor.
func (s *Service) Authenticate(ctx context.Context, token string) (ecabinet.Actor, *ecabinet.SignIn, error) {
	if token == "" || len(token) > 128 {
		return ecabinet.Actor{}, nil, ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "unauthenticated")
	}
	return s.authenticateHash(ctx, ecabinet.HashToken(token))
}

// Check reports whether the sign-in stored under tokenHash is still valid,
// without counting as activity (a WebSocket rechecks its sign-in with it).
// Errors: unauthenticated, unavailable.
func (s *Service) Check(ctx context.Context, tokenHash string) error {
	_, si, active, err := s.store.SignIn(ctx, tokenHash)
	if err != nil {
		return err
	}
	now := s.Now()
	if !active || !now.Before(si.ExpiresAt) || now.Sub(si.LastSeenAt) >= s.cfg.IdleTimeout {
		return ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "session_expired")
	}
	return nil
}

// ticketLifetime is how long a WebSocket ticket may wait to be used.
const ticketLifetime = 30 * time.Second

// IssueTicket returns a single-use ticket that opens one WebSocket for the
// sign-in of token, for clients that cannot send the cookie.
func (s *Service) IssueTicket(ctx context.Context, token string) (string, time.Time, error) {
	ticket, err := randomToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := s.Now().Add(ticketLifetime)
	if err := s.store.CreateTicket(ctx, ecabinet.HashToken(ticket), ecabinet.HashToken(token), expires); err != nil {
		return "", time.Time{}, err
	}
	return ticket, expires, nil
}

// RedeemTicket consumes a ticket and returns the actor of its sign-in and
// the sign-in's hash. Errors: unauthenticated.
func (s *Service) RedeemTicket(ctx context.Context, ticket string) (ecabinet.Actor, string, error) {
	if ticket == "" || len(ticket) > 128 {
		return ecabinet.Actor{}, "", ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "unauthenticated")
	}
	h, err := s.store.RedeemTicket(ctx, ecabinet.HashToken(ticket), s.Now())
	if err != nil {
		return ecabinet.Actor{}, "", err
	}
	a, _, err := s.authenticateHash(ctx, h)
	return a, h, err
}

func (s *Service) authenticateHash(ctx context.Context, h string) (ecabinet.Actor, *ecabinet.SignIn, error) {
	a, si, active, err := s.store.SignIn(ctx, h)
	if err != nil {
		return ecabinet.Actor{}, nil, err
	}
	now := s.Now()
	if !active || !now.Before(si.ExpiresAt) || now.Sub(si.LastSeenAt) >= s.cfg.IdleTimeout {
		if err := s.store.DeleteSignIn(ctx, h); err != nil {
			return ecabinet.Actor{}, nil, err
		}
		return ecabinet.Actor{}, nil, ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "session_expired")
	}
	if now.Sub(si.LastSeenAt) >= touchEvery {
		if err := s.store.TouchSignIn(ctx, h, now); err != nil {
			return ecabinet.Actor{}, nil, err
		}
		si.LastSeenAt = now
	}
	return a, si, nil
}

// Logout ends the sign-in of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.store.DeleteSignIn(ctx, ecabinet.HashToken(token)); err != nil {
		return err
	}
	if a, ok := ecabinet.ActorFromContext(ctx); ok {
		return s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditLogout, Subject: ecabinet.Subject("member", a.MemberID)})
	}
	return nil
}

func truncateUA(ua string) string {
	if len(ua) > 200 {
		return ua[:200]
	}
	return ua
}

// EndMemberSessions ends every sign-in of a member of the actor's body.
func (s *Service) EndMemberSessions(ctx context.Context, memberID int64) (int, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return 0, err
	}
	if a.Role != ecabinet.RoleAdmin {
		return 0, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	n, err := s.store.DeleteMemberSignIns(ctx, a.BodyID, memberID)
	if err != nil {
		return 0, err
	}
	s.log.InfoContext(ctx, "member sessions ended", "member_id", memberID, "by", a.MemberID, "count", n)
	return n, s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditSessionsEnded,
		Subject: ecabinet.Subject("member", memberID), Detail: map[string]int{"ended": n}})
}

// Confirm checks that the signed-in actor is at the device before an act
// that speaks for them (a digital signature): their current second-factor
// code when they have one, else their password. Failures count against the
// member's login limit and are audited. Errors: invalid (nothing given),
// forbidden with key signing.confirm_failed, rate_limited, unavailable.
func (s *Service) Confirm(ctx context.Context, in ecabinet.Confirmation) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	userKey := "login:user:" + strings.ToLower(a.Username)
	if err := s.checkLimit(ctx, userKey, s.cfg.MaxFailuresPerUser); err != nil {
		return err
	}
	cred, err := s.store.Credentials(ctx, a.Username)
	if err != nil {
		return err
	}
	var ok bool
	if cred.MFAEnabled {
		if strings.TrimSpace(in.TOTP) == "" {
			return ecabinet.FieldError("totp", "field.required", "totp")
		}
		if ok, err = s.secondFactor(ctx, cred, ecabinet.LoginInput{TOTP: in.TOTP}); err != nil {
			return err
		}
	} else {
		if in.Password == "" || len(in.Password) > 1024 {
			return ecabinet.FieldError("password", "field.required", "password")
		}
		if ok, err = s.verify(ctx, in.Password, cred.PasswordHash); err != nil {
			return err
		}
		ok = ok && cred.PasswordHash != "" && cred.Active
	}
	if !ok {
		s.fail(ctx, userKey)
		if aerr := s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditLoginFailed,
			Subject: a.Username, IP: ecabinet.ClientFromContext(ctx).IP, Detail: map[string]string{"reason": "confirmation"}}); aerr != nil {
			return aerr
		}
		return ecabinet.Errorf(ecabinet.EFORBIDDEN, "signing.confirm_failed")
	}
	return nil
}
