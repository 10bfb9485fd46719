package auth

import (
	"context"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Enrolling and removing a member's second factor.

// SetupMFA makes a new secret for the actor's authenticator app.
func (s *Service) SetupMFA(ctx context.Context) (*ecabinet.MFASetup, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	secret, err := NewTOTPSecret()
	if err != nil {
		return nil, err
	}
	stored, err := s.sealer.seal(a.MemberID, secret)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetMFASecret(ctx, a.MemberID, stored); err != nil {
		return nil, err
	}
	return &ecabinet.MFASetup{Secret: secret, OTPAuthURI: otpauthURI("e-Cabinet", a.Username, secret)}, nil
}

// EnableMFA checks the app's first code and turns the second factor on.
func (s *Service) EnableMFA(ctx context.Context, code string) ([]string, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	stored, enabled, last, err := s.store.MFAState(ctx, a.MemberID)
	if err != nil {
		return nil, err
	}
	secret, err := s.sealer.open(a.MemberID, stored)
	if err != nil {
		return nil, err
	}
	if enabled {
		return nil, ecabinet.Errorf(ecabinet.ECONFLICT, "mfa.already_enabled")
	}
	if secret == "" {
		return nil, ecabinet.Errorf(ecabinet.ECONFLICT, "mfa.no_setup")
	}
	step, ok := checkTOTP(secret, code, s.Now(), last)
	if !ok {
		return nil, ecabinet.FieldError("code", "mfa_invalid")
	}
	codes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = ecabinet.HashToken(normaliseRecoveryCode(c))
	}
	return codes, s.store.EnableMFA(ctx, a, step, hashes)
}

// DisableMFA turns the actor's second factor off with a current code.
func (s *Service) DisableMFA(ctx context.Context, code string) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	cred, err := s.store.Credentials(ctx, a.Username)
	if err != nil {
		return err
	}
	if !cred.MFAEnabled {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "mfa.not_enabled")
	}
	if cred.MFARequired {
		return ecabinet.Errorf(ecabinet.EFORBIDDEN, "mfa.required_by_body")
	}
	secret, err := s.sealer.open(a.MemberID, cred.MFASecret)
	if err != nil {
		return err
	}
	step, ok := checkTOTP(secret, code, s.Now(), cred.MFALastStep)
	if !ok {
		return ecabinet.FieldError("code", "mfa_invalid")
	}
	used, err := s.store.UseTOTPStep(ctx, a.MemberID, step)
	if err != nil {
		return err
	}
	if !used {
		return ecabinet.FieldError("code", "mfa_invalid")
	}
	return s.store.DisableMFA(ctx, a)
}
