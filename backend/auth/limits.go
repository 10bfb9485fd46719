package auth

import (
	"context"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// usernameKey is the limiter's key of a username's failures (Login counts
// under it).
func usernameKey(username string) string { return "login:user:" + username }

// LoginLimit reports a member's failed logins against the per-username
// limit (admin).
func (s *Service) LoginLimit(ctx context.Context, memberID int64) (*ecabinet.LoginLimit, error) {
	_, username, err := s.adminOf(ctx, memberID)
	if err != nil {
		return nil, err
	}
	n, ttl, err := s.limiter.Count(ctx, usernameKey(username))
	if err != nil {
		return nil, &ecabinet.Error{Code: ecabinet.EUNAVAILABLE, Key: "unavailable", RetryAfter: 5}
	}
	return &ecabinet.LoginLimit{Failures: n, Max: s.cfg.MaxFailuresPerUser, Locked: n >= s.cfg.MaxFailuresPerUser,
		RetryAfter: int((ttl + time.Second - 1) / time.Second)}, nil
}

// Unlock forgets a member's failed logins (admin), and audits it with the
// count that was forgotten.
func (s *Service) Unlock(ctx context.Context, memberID int64) error {
	a, username, err := s.adminOf(ctx, memberID)
	if err != nil {
		return err
	}
	n, _, err := s.limiter.Count(ctx, usernameKey(username))
	if err == nil {
		err = s.limiter.Reset(ctx, usernameKey(username))
	}
	if err != nil {
		return &ecabinet.Error{Code: ecabinet.EUNAVAILABLE, Key: "unavailable", RetryAfter: 5}
	}
	s.log.InfoContext(ctx, "login limit lifted", "member_id", memberID, "by", a.MemberID, "failures", n)
	return s.store.Audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditLoginLimitLifted,
		Subject: ecabinet.Subject("member", memberID), Detail: map[string]int{"failures": n}})
}

// ClearFailures forgets the failed logins of username.
func (s *Service) ClearFailures(ctx context.Context, username string) error {
	return s.limiter.Reset(ctx, usernameKey(username))
}

// adminOf returns the admin in ctx and the username of a member of their body.
func (s *Service) adminOf(ctx context.Context, memberID int64) (ecabinet.Actor, string, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return a, "", err
	}
	if a.Role != ecabinet.RoleAdmin {
		return a, "", ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	username, err := s.store.Username(ctx, a.BodyID, memberID)
	return a, username, err
}
