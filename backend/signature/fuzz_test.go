package signature_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"testing"

	"github.com/ecabinet/ecabinet/backend/signature"
)

// FuzzVerify: any algorithm, key, message and signature give a verdict,
// never a panic; a signature over another message never verifies.
func FuzzVerify(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	key := base64.StdEncoding.EncodeToString(der)
	msg := []byte("ecabinet/ballot-answer/v1\nballot:1\nmember:2\n")
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))
	f.Add("Ed25519", key, msg, sig)
	f.Add("ECDSA-P256", key, msg, sig)
	f.Add("Ed25519", "AAAA", []byte{}, "")
	f.Add("RSA", "!!!", []byte("x"), "====")
	f.Fuzz(func(t *testing.T, alg, spki string, m []byte, s string) {
		err := signature.Verify(alg, spki, m, s)
		if err == nil && spki == key && s == sig && string(m) != string(msg) {
			t.Fatal("a signature verified over another message")
		}
	})
}
