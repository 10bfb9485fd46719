// Package seal keeps a member's secrets encrypted at rest (second-factor
// secrets, signers' private keys) with AES-256-GCM. The member's id is the
// additional data, so a sealed value copied into another member's row does
// not open there.
package seal

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

// prefix marks a sealed value.
const prefix = "aesgcm1:"

// ErrOpen: a value was sealed with another key than this box's.
var ErrOpen = errors.New("seal: the value does not open with this key")

// Box seals one kind of secret with one key.
type Box struct {
	aead cipher.AEAD
	what string
}

// New returns a box with a 32-byte key for secrets of a kind (what: "totp",
// "signing key"), which the additional data names.
func New(key []byte, what string) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the key has %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, what: what}, nil
}

func (b *Box) ad(memberID int64) []byte {
	return []byte("e-cabinet " + b.what + " member " + strconv.FormatInt(memberID, 10))
}

// Seal returns what is stored for a member's secret.
func (b *Box) Seal(memberID int64, plain []byte) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return prefix + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, plain, b.ad(memberID))), nil
}

// Open returns a member's secret from what Seal stored; ErrOpen when it
// does not open with this box.
func (b *Box) Open(memberID int64, stored string) ([]byte, error) {
	rest, ok := strings.CutPrefix(stored, prefix)
	if !ok {
		return nil, ErrOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	n := b.aead.NonceSize()
	if err != nil || len(raw) < n {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], b.ad(memberID))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Sealed reports whether a stored value was sealed (second-factor secrets
// stored before a key was configured are not).
func Sealed(stored string) bool { return strings.HasPrefix(stored, prefix) }
