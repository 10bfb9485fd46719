// Package pades signs PDF documents with PAdES baseline signatures (CAdES
// detached, ETSI.CAdES.detached, with a visible signature block) and reads
// the signatures of any PDF: who signed, when, whether the document changed
// since, and whether the signer's certificate chains to a trusted CA.
//
// The PDF signature dictionary and the CMS come from kept libraries
// (github.com/digitorus/pdfsign and github.com/digitorus/pkcs7); pdfcpu
// validates. Errors meant for users are *ecabinet.Error with code
// unprocessable and a message key of their own.
package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"software.sslmate.com/src/go-pkcs12"
)

// Credential is a signer's certificate, the chain above it as the PKCS#12
// file carried it, and the private key.
type Credential struct {
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	Key         crypto.Signer
}

// Error keys of the import, one per reason a PKCS#12 file is refused.
const (
	KeyPassword      = "certificate.password"
	KeyUnreadable    = "certificate.unreadable"
	KeyNoKey         = "certificate.no_key"
	KeyExpired       = "certificate.expired"
	KeyNotYetValid   = "certificate.not_yet_valid"
	KeyMismatch      = "certificate.key_mismatch"
	KeyNotForSigning = "certificate.not_for_signing"
	KeyCAUnreadable  = "ca.unreadable"
	KeyNotCA         = "ca.not_ca"
)

func refuse(key string) error { return ecabinet.Errorf(ecabinet.EUNPROCESSABLE, key) }

// ParsePKCS12 opens a PKCS#12 file with its password and checks that it can
// sign documents at now: one private key, the certificate of that key, valid
// at now, whose key usage allows digital signatures (or non-repudiation).
// Errors: unprocessable with KeyPassword, KeyUnreadable, KeyNoKey,
// KeyExpired, KeyNotYetValid, KeyMismatch or KeyNotForSigning.
func ParsePKCS12(data []byte, password string, now time.Time) (*Credential, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, refuse(KeyPassword)
		}
		// A file holding certificates only decodes as a trust store.
		if _, terr := pkcs12.DecodeTrustStore(data, password); terr == nil {
			return nil, refuse(KeyNoKey)
		}
		return nil, refuse(KeyUnreadable)
	}
	signer, ok := key.(crypto.Signer)
	if !ok || cert == nil {
		return nil, refuse(KeyNoKey)
	}
	return check(&Credential{Certificate: cert, Chain: chain, Key: signer}, now)
}

// check applies the import's rules to a credential.
func check(c *Credential, now time.Time) (*Credential, error) {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := c.Key.Public().(equaler)
	if !ok || !pub.Equal(c.Certificate.PublicKey) {
		return nil, refuse(KeyMismatch)
	}
	if now.After(c.Certificate.NotAfter) {
		return nil, refuse(KeyExpired)
	}
	if now.Before(c.Certificate.NotBefore) {
		return nil, refuse(KeyNotYetValid)
	}
	if !ForSigning(c.Certificate) {
		return nil, refuse(KeyNotForSigning)
	}
	return c, nil
}

// ForSigning tells whether a certificate may sign documents: its key usage,
// when present, allows digital signatures or non-repudiation, and its
// extended key usage, when present, allows any use, document signing, e-mail
// protection or client authentication (the uses CAs issue signing
// certificates with).
func ForSigning(cert *x509.Certificate) bool {
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return false
	}
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range cert.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageAny, x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth:
			return true
		}
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		if oid.Equal(oidDocumentSigning) {
			return true
		}
	}
	return false
}

// oidDocumentSigning is the document signing extended key usage (RFC 9336).
var oidDocumentSigning = []int{1, 3, 6, 1, 5, 5, 7, 3, 36}

// ParseCACertificates reads one or more CA certificates, PEM or DER.
// Errors: unprocessable with KeyCAUnreadable (nothing readable) or KeyNotCA
// (a certificate that is not a CA's).
func ParseCACertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	if bytes.Contains(data, []byte("-----BEGIN")) {
		for {
			var b *pem.Block
			b, data = pem.Decode(data)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, refuse(KeyCAUnreadable)
			}
			certs = append(certs, c)
		}
	} else if c, err := x509.ParseCertificate(data); err == nil {
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, refuse(KeyCAUnreadable)
	}
	for _, c := range certs {
		if !c.IsCA || !c.BasicConstraintsValid {
			return nil, refuse(KeyNotCA)
		}
	}
	return certs, nil
}

// EncodeKey returns the private key as PKCS#8 DER (to be sealed before it is stored).
func EncodeKey(key crypto.Signer) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(key) }

// DecodeKey reads a PKCS#8 DER private key.
func DecodeKey(der []byte) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("pades: the stored key cannot sign")
	}
	return s, nil
}

// EncodeCertificates writes certificates as PEM.
func EncodeCertificates(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// DecodeCertificates reads what EncodeCertificates wrote.
func DecodeCertificates(p []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, p = pem.Decode(p)
		if b == nil {
			return out, nil
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}
