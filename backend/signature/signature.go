// Package signature verifies answers signed on a member's device with
// WebCrypto: Ed25519, or ECDSA P-256 with SHA-256 where Ed25519 is missing.
// Public keys are SubjectPublicKeyInfo (WebCrypto "spki" export); ECDSA
// signatures are accepted as WebCrypto produces them (r‖s, 64 bytes) or DER.
package signature

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
)

// Algorithms.
const (
	Ed25519   = "Ed25519"
	ECDSAP256 = "ECDSA-P256"
)

// ErrInvalid is any key or signature that does not verify.
var ErrInvalid = errors.New("signature: invalid")

// ParsePublicKey checks that spki (base64 DER) is a key of algorithm alg.
func ParsePublicKey(alg, spki string) (any, error) {
	der, err := base64.StdEncoding.DecodeString(spki)
	if err != nil || len(der) == 0 || len(der) > 1024 {
		return nil, ErrInvalid
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, ErrInvalid
	}
	switch k := key.(type) {
	case ed25519.PublicKey:
		if alg == Ed25519 {
			return k, nil
		}
	case *ecdsa.PublicKey:
		if alg == ECDSAP256 && k.Curve == elliptic.P256() {
			return k, nil
		}
	}
	return nil, ErrInvalid
}

// Verify checks sig (base64) over msg with the key spki (base64 DER) of alg.
func Verify(alg, spki string, msg []byte, sig string) error {
	key, err := ParsePublicKey(alg, spki)
	if err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) == 0 || len(raw) > 256 {
		return ErrInvalid
	}
	switch k := key.(type) {
	case ed25519.PublicKey:
		if len(raw) == ed25519.SignatureSize && ed25519.Verify(k, msg, raw) {
			return nil
		}
	case *ecdsa.PublicKey:
		digest := sha256.Sum256(msg)
		if len(raw) == 64 {
			r, s := new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
			if ecdsa.Verify(k, digest[:], r, s) {
				return nil
			}
		} else if ecdsa.VerifyASN1(k, digest[:], raw) {
			return nil
		}
	}
	return ErrInvalid
}
