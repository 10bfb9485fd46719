package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type signInRow struct {
	ID         string
	MemberID   int64
	CSRFToken  string
	MFAPending bool
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (signInRow) TableName() string { return "auth_sessions" }

// SignInStore keeps sign-in sessions; the auth service uses it.
type SignInStore struct {
	db *DB
	// lookups coalesces the sign-in lookups of requests and upgrades
	// arriving together (coalesce.go).
	lookups *coalescer[string, signInView]
}

// NewSignInStore returns a SignInStore over db.
func NewSignInStore(db *DB) *SignInStore {
	s := &SignInStore{db: db}
	s.lookups = newCoalescer(2, 500, s.signIns)
	return s
}

// Credentials returns what a login of username checks. Errors: not_found.
func (s *SignInStore) Credentials(ctx context.Context, username string) (*ecabinet.Credentials, error) {
	var row struct {
		ID, BodyID, MFALastStep int64
		Role, PasswordHash      string
		Active, MFAEnabled      bool
		MFASecret               string
	}
	err := s.db.read(ctx).Table("members").Select("id, body_id, role, password_hash, active, mfa_secret, mfa_enabled, mfa_last_step").
		Where("username = ?", username).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("member")
	}
	if err != nil {
		return nil, translate(err)
	}
	c := &ecabinet.Credentials{MemberID: row.ID, BodyID: row.BodyID, Role: ecabinet.Role(row.Role), PasswordHash: row.PasswordHash, Active: row.Active,
		MFASecret: row.MFASecret, MFAEnabled: row.MFAEnabled, MFALastStep: row.MFALastStep}
	body, err := s.db.findBody(ctx, s.db.read(ctx), row.BodyID)
	if err != nil {
		return nil, err
	}
	c.MFARequired = body.Settings.MFARequired && (c.Role == ecabinet.RoleAdmin || c.Role == ecabinet.RoleSecretary)
	// A member of a deactivated body signs in no more than a deactivated member.
	c.Active = c.Active && body.Active
	return c, nil
}

// CreateSignIn stores a new sign-in under the hash of its token and returns the member.
func (s *SignInStore) CreateSignIn(ctx context.Context, tokenHash string, si *ecabinet.SignIn, c ecabinet.Client) (*ecabinet.Member, error) {
	row := signInRow{
		ID: tokenHash, MemberID: si.MemberID, CSRFToken: si.CSRFToken, MFAPending: si.MFAPending, IP: ecabinet.Clip(c.IP, 64), UserAgent: ecabinet.Clip(c.UserAgent, 300),
		CreatedAt: si.CreatedAt, LastSeenAt: si.LastSeenAt, ExpiresAt: si.ExpiresAt,
	}
	var m memberRow
	err := s.db.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", si.MemberID).Take(&m).Error
	})
	if err != nil {
		return nil, err
	}
	return m.domain(), nil
}

// signInView is a sign-in with what its member's actor needs.
type signInView struct {
	ID         string
	MemberID   int64
	CSRFToken  string
	MFAPending bool
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	BodyID     int64
	Username   string
	FullName   string
	Role       string
	Clearance  string
	Voting     bool
	Active     bool
}

// SignIn returns the sign-in stored under tokenHash with its member's
// actor, and whether the member (and its body) is active. Lookups arriving
// together share one query. Errors: unauthenticated, unavailable.
func (s *SignInStore) SignIn(ctx context.Context, tokenHash string) (ecabinet.Actor, *ecabinet.SignIn, bool, error) {
	r, found, err := s.lookups.get(ctx, tokenHash)
	if err != nil {
		return ecabinet.Actor{}, nil, false, translate(err)
	}
	if !found {
		return ecabinet.Actor{}, nil, false, ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "unauthenticated")
	}
	a := ecabinet.Actor{
		MemberID: r.MemberID, BodyID: r.BodyID, Username: r.Username, FullName: r.FullName,
		Role: ecabinet.Role(r.Role), Clearance: ecabinet.Classification(r.Clearance), Voting: r.Voting,
	}
	si := &ecabinet.SignIn{MemberID: r.MemberID, CSRFToken: r.CSRFToken, MFAPending: r.MFAPending, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt}
	return a, si, r.Active, nil
}

// signIns reads the sign-ins stored under hashes, in one query.
func (s *SignInStore) signIns(ctx context.Context, hashes []string) (map[string]signInView, error) {
	var rows []signInView
	err := s.db.read(ctx).Table("auth_sessions AS s").
		Select("s.id, s.member_id, s.csrf_token, s.mfa_pending, s.created_at, s.last_seen_at, s.expires_at, m.body_id, m.username, m.full_name, m.role, m.clearance, m.voting, "+
			"m.active AND b.active AS active").
		Joins("JOIN members m ON m.id = s.member_id").Joins("JOIN bodies b ON b.id = m.body_id").
		Where("s.id IN ?", hashes).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]signInView, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// TouchSignIn records activity on a sign-in.
func (s *SignInStore) TouchSignIn(ctx context.Context, tokenHash string, at time.Time) error {
	return translate(s.db.read(ctx).Model(&signInRow{}).Where("id = ?", tokenHash).Update("last_seen_at", at).Error)
}

// DeleteSignIn ends one sign-in.
func (s *SignInStore) DeleteSignIn(ctx context.Context, tokenHash string) error {
	return translate(s.db.read(ctx).Where("id = ?", tokenHash).Delete(&signInRow{}).Error)
}

// DeleteMemberSignIns ends every sign-in of a member of body and returns
// how many ended. Errors: not_found (no such member in body).
func (s *SignInStore) DeleteMemberSignIns(ctx context.Context, bodyID, memberID int64) (int, error) {
	var n int64
	err := s.db.tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.db.findMember(ctx, tx, bodyID, memberID); err != nil {
			return err
		}
		res := tx.Where("member_id = ?", memberID).Delete(&signInRow{})
		n = res.RowsAffected
		return res.Error
	})
	return int(n), err
}

// DeleteExpiredSignIns removes sign-ins past their absolute lifetime or idle
// since before idleBefore.
func (s *SignInStore) DeleteExpiredSignIns(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	res := s.db.read(ctx).Where("expires_at < ? OR last_seen_at < ?", now, idleBefore).Delete(&signInRow{})
	return res.RowsAffected, translate(res.Error)
}

// CreateTicket stores a single-use ticket (by its hash) for a sign-in.
func (s *SignInStore) CreateTicket(ctx context.Context, ticketHash, signInHash string, expires time.Time) error {
	return translate(s.db.read(ctx).Exec("INSERT INTO ws_tickets (id, signin_id, expires_at) VALUES (?, ?, ?)", ticketHash, signInHash, expires).Error)
}

// RedeemTicket consumes a ticket and returns its sign-in's hash; a ticket
// works once, before it expires. Errors: unauthenticated.
func (s *SignInStore) RedeemTicket(ctx context.Context, ticketHash string, now time.Time) (string, error) {
	var signIn []string
	if err := s.db.read(ctx).Raw("DELETE FROM ws_tickets WHERE id = ? AND expires_at > ? RETURNING signin_id", ticketHash, now).Scan(&signIn).Error; err != nil {
		return "", translate(err)
	}
	if len(signIn) == 0 {
		return "", ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "unauthenticated")
	}
	return signIn[0], nil
}

// DeleteExpiredTickets removes tickets past their expiry.
func (s *SignInStore) DeleteExpiredTickets(ctx context.Context, now time.Time) error {
	return translate(s.db.read(ctx).Exec("DELETE FROM ws_tickets WHERE expires_at < ?", now).Error)
}

// Audit appends an entry to the audit log (logins, sign-outs).
func (s *SignInStore) Audit(ctx context.Context, rec ecabinet.AuditRecord) error {
	return s.db.Audit(ctx, rec)
}

// UseTOTPStep records the step of an accepted code, once: a code (or an
// older one) is refused afterwards, on every instance.
func (s *SignInStore) UseTOTPStep(ctx context.Context, memberID, step int64) (bool, error) {
	res := s.db.read(ctx).Exec("UPDATE members SET mfa_last_step = ? WHERE id = ? AND mfa_last_step < ?", step, memberID, step)
	return res.RowsAffected == 1, translate(res.Error)
}

// UseRecoveryCode spends one recovery code (by its hash); false if it is
// unknown or already spent.
func (s *SignInStore) UseRecoveryCode(ctx context.Context, memberID int64, codeHash string) (bool, error) {
	res := s.db.read(ctx).Exec("UPDATE recovery_codes SET used_at = ? WHERE member_id = ? AND code_hash = ? AND used_at IS NULL", s.db.Now(), memberID, codeHash)
	return res.RowsAffected == 1, translate(res.Error)
}

// MFAState returns a member's second factor: its secret, whether it is on
// and the last step used.
func (s *SignInStore) MFAState(ctx context.Context, memberID int64) (secret string, enabled bool, lastStep int64, err error) {
	var row struct {
		MFASecret   string
		MFAEnabled  bool
		MFALastStep int64
	}
	err = s.db.read(ctx).Table("members").Select("mfa_secret, mfa_enabled, mfa_last_step").Where("id = ?", memberID).Take(&row).Error
	return row.MFASecret, row.MFAEnabled, row.MFALastStep, translate(err)
}

// SetMFASecret stores a new secret of a member whose second factor is off.
// Errors: conflict (it is on).
func (s *SignInStore) SetMFASecret(ctx context.Context, memberID int64, secret string) error {
	res := s.db.read(ctx).Exec("UPDATE members SET mfa_secret = ?, mfa_last_step = 0 WHERE id = ? AND NOT mfa_enabled", secret, memberID)
	if res.Error == nil && res.RowsAffected == 0 {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "mfa.already_enabled")
	}
	return translate(res.Error)
}

// EnableMFA turns a member's second factor on with its first step used,
// replaces the recovery codes and lifts the enrolment restriction of the
// member's sign-ins; it is audited.
func (s *SignInStore) EnableMFA(ctx context.Context, a ecabinet.Actor, step int64, codeHashes []string) error {
	return s.db.write(ctx, func(tx *Tx) error {
		res := tx.Exec("UPDATE members SET mfa_enabled = ?, mfa_last_step = ? WHERE id = ? AND NOT mfa_enabled AND mfa_secret <> ''", true, step, a.MemberID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "mfa.no_setup")
		}
		if err := tx.Exec("DELETE FROM recovery_codes WHERE member_id = ?", a.MemberID).Error; err != nil {
			return err
		}
		for _, h := range codeHashes {
			if err := tx.Exec("INSERT INTO recovery_codes (member_id, code_hash) VALUES (?, ?)", a.MemberID, h).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec("UPDATE auth_sessions SET mfa_pending = ? WHERE member_id = ?", false, a.MemberID).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMFAEnabled, Subject: ecabinet.Subject("member", a.MemberID)})
		return nil
	})
}

// DisableMFA turns a member's second factor off and drops its codes; audited.
func (s *SignInStore) DisableMFA(ctx context.Context, a ecabinet.Actor) error {
	return s.db.write(ctx, func(tx *Tx) error {
		if err := tx.Exec("UPDATE members SET mfa_enabled = ?, mfa_secret = '', mfa_last_step = 0 WHERE id = ?", false, a.MemberID).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM recovery_codes WHERE member_id = ?", a.MemberID).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMFADisabled, Subject: ecabinet.Subject("member", a.MemberID)})
		return nil
	})
}

// Username returns the username of a member of body. Errors: not_found.
func (s *SignInStore) Username(ctx context.Context, bodyID, memberID int64) (string, error) {
	m, err := s.db.findMember(ctx, s.db.read(ctx), bodyID, memberID)
	if err != nil {
		return "", err
	}
	return m.Username, nil
}
