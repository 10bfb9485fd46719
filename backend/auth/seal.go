package auth

import (
	"errors"
	"fmt"

	"github.com/ecabinet/ecabinet/backend/seal"
)

// sealer keeps TOTP secrets encrypted at rest (package seal). A nil sealer
// (no ECABINET_MFA_KEY) stores secrets unencrypted, and a value stored
// before a key was configured is used as is.
type sealer struct{ box *seal.Box }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	}
	box, err := seal.New(key, "totp")
	if err != nil {
		return nil, fmt.Errorf("auth: the MFA key: %w", err)
	}
	return &sealer{box: box}, nil
}

// seal returns what is stored for a member's secret.
func (s *sealer) seal(memberID int64, secret string) (string, error) {
	if s == nil {
		return secret, nil
	}
	return s.box.Seal(memberID, []byte(secret))
}

// errSealed is an internal error: a secret was sealed with a key this
// instance does not have (ECABINET_MFA_KEY unset, different or rotated).
var errSealed = errors.New("auth: a second-factor secret does not open with this instance's ECABINET_MFA_KEY")

// open returns a member's secret from what is stored.
func (s *sealer) open(memberID int64, stored string) (string, error) {
	if !seal.Sealed(stored) {
		return stored, nil
	}
	if s == nil {
		return "", errSealed
	}
	plain, err := s.box.Open(memberID, stored)
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}
