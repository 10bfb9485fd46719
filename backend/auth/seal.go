package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// sealedPrefix marks a second-factor secret encrypted at rest; a value
// without it was stored before a key was configured and is used as is.
const sealedPrefix = "aesgcm1:"

// sealer encrypts TOTP secrets at rest with AES-256-GCM. The member's id is
// the additional data, so a sealed secret copied into another member's row
// does not open there. A nil sealer (no ECABINET_MFA_KEY) stores secrets
// unencrypted.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("auth: the MFA key has %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func memberAD(memberID int64) []byte {
	return []byte("e-cabinet totp member " + strconv.FormatInt(memberID, 10))
}

// seal returns what is stored for a member's secret.
func (s *sealer) seal(memberID int64, secret string) (string, error) {
	if s == nil {
		return secret, nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, []byte(secret), memberAD(memberID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// errSealed is an internal error: a secret was sealed with a key this
// instance does not have (ECABINET_MFA_KEY unset, different or rotated).
var errSealed = errors.New("auth: a second-factor secret does not open with this instance's ECABINET_MFA_KEY")

// open returns a member's secret from what is stored.
func (s *sealer) open(memberID int64, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	}
	if s == nil {
		return "", errSealed
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", errSealed
	}
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], memberAD(memberID))
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}
