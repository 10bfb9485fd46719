// Package padestest makes certification authorities, signing certificates
// and PKCS#12 files for tests, and runs poppler's pdfsig on a PDF.
package padestest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"software.sslmate.com/src/go-pkcs12"
)

// Issued is a certificate with its private key.
type Issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

var serial atomic.Int64

// Issue makes a certificate from tmpl, signed by parent (self-signed when
// nil), valid from an hour ago for a year unless tmpl says otherwise.
func Issue(t testing.TB, parent *Issued, tmpl *x509.Certificate) *Issued {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(1000 + serial.Add(1))
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour)
	}
	signer, parentCert := crypto.Signer(key), tmpl
	if parent != nil {
		signer, parentCert = parent.Key, parent.Cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Issued{Cert: cert, Key: key}
}

// NewCA makes a self-signed CA.
func NewCA(t testing.TB, name string) *Issued {
	return Issue(t, nil, &x509.Certificate{Subject: pkix.Name{CommonName: name, Organization: []string{"Test"}},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign})
}

// Leaf is the template of a signing certificate for name.
func Leaf(name string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: name, Organization: []string{"Văn phòng Chính phủ"}},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, BasicConstraintsValid: true}
}

// P12 packs a key, its certificate and a chain in a PKCS#12 file.
func P12(t testing.TB, key crypto.PrivateKey, cert *x509.Certificate, chain []*x509.Certificate, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern.Encode(key, cert, chain, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Tool returns the path of a command the tests need (Debian packages
// poppler-utils and libnss3-tools; .ci/run installs them).
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (Debian: poppler-utils, libnss3-tools; .ci/run installs them)", name)
	}
	return p
}

// Run runs a command and returns its output; it fails the test on an error.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// NSSDB makes an NSS database (as pdfsig reads it) trusting cas.
func NSSDB(t testing.TB, cas ...*x509.Certificate) string {
	t.Helper()
	dir := t.TempDir()
	Run(t, Tool(t, "certutil"), "-N", "-d", "sql:"+dir, "--empty-password")
	for i, ca := range cas {
		f := filepath.Join(dir, "ca.der")
		if err := os.WriteFile(f, ca.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
		Run(t, "certutil", "-A", "-d", "sql:"+dir, "-n", "ca"+string(rune('a'+i)), "-t", "CT,C,C", "-i", f)
	}
	return dir
}

// Nick returns the nickname of the (only) signing key of an NSS database.
func Nick(t testing.TB, nss string) string {
	t.Helper()
	out := Run(t, Tool(t, "pdfsig"), "-nssdir", "sql:"+nss, "-list-nicks")
	_, nicks, ok := strings.Cut(out, "Certificate nicknames available:\n")
	nick, _, _ := strings.Cut(nicks, "\n")
	if !ok || strings.TrimSpace(nick) == "" {
		t.Fatalf("no signing key in the NSS database:\n%s", out)
	}
	return strings.TrimSpace(nick)
}

// Tamper changes one byte of a PDF inside its first signed range: a digit
// of the first page's media box, so that it stays a readable PDF.
func Tamper(t testing.TB, doc []byte) []byte {
	t.Helper()
	out := append([]byte{}, doc...)
	at := bytes.Index(out, []byte("/MediaBox"))
	for at >= 0 && at < len(out) && (out[at] < '1' || out[at] > '8') {
		at++
	}
	if at < 0 || at >= len(out) {
		t.Fatal("no media box to change")
	}
	out[at]++
	return out
}

// pdfcpuTrust gives pdfcpu an empty directory of trusted certificates of
// its own (it refuses to validate without one).
var pdfcpuTrust = sync.OnceValue(func() error {
	dir := filepath.Join(os.TempDir(), "ecabinet-pdfcpu-no-trust")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	model.TrustedCertDir = dir
	return nil
})

// Pdfcpu validates every signature of doc with pdfcpu, offline.
func Pdfcpu(t testing.TB, doc []byte) []*model.SignatureValidationResult {
	t.Helper()
	if err := pdfcpuTrust(); err != nil {
		t.Fatal(err)
	}
	conf := model.NewDefaultConfiguration()
	conf.Offline = true
	res, err := api.ValidateSignaturesRaw(bytes.NewReader(doc), true, conf)
	if err != nil {
		t.Fatalf("pdfcpu: %v", err)
	}
	return res
}

// Pdfsig runs poppler's pdfsig on doc against the NSS database nss and
// returns its report (it exits non-zero for an invalid signature, so the
// exit status is not checked).
func Pdfsig(t testing.TB, nss string, doc []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	// Not -no-ocsp: poppler 22.12 then reports every certificate as of
	// "unknown issue"; certificates without an OCSP address are not looked up.
	out, _ := exec.Command(Tool(t, "pdfsig"), "-nssdir", "sql:"+nss, f).CombinedOutput()
	return string(out)
}
