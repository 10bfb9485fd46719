package pades

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

// sealedPrefix marks a private key sealed with AES-256-GCM.
const sealedPrefix = "aesgcm1:"

// KeySeal encrypts signers' private keys at rest with AES-256-GCM, the way
// second-factor secrets are: the member's id is the additional data, so a
// sealed key copied into another member's row does not open there.
type KeySeal struct{ aead cipher.AEAD }

// NewKeySeal returns a seal with a 32-byte key.
func NewKeySeal(key []byte) (*KeySeal, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("pades: the signing key has %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &KeySeal{aead: aead}, nil
}

func keyAD(memberID int64) []byte {
	return []byte("e-cabinet signing key member " + strconv.FormatInt(memberID, 10))
}

// Seal returns what is stored for a member's private key (PKCS#8 DER).
func (s *KeySeal) Seal(memberID int64, der []byte) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, der, keyAD(memberID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrSealed is an internal error: a key was sealed with another signing key
// than this instance's (ECABINET_SIGNING_KEY unset, different or rotated).
var ErrSealed = errors.New("pades: a signer's private key does not open with this instance's signing key")

// Open returns a member's private key (PKCS#8 DER) from what is stored.
func (s *KeySeal) Open(memberID int64, stored string) ([]byte, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return nil, ErrSealed
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n {
		return nil, ErrSealed
	}
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], keyAD(memberID))
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}
