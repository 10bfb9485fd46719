package pades_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pades"
	"github.com/ecabinet/ecabinet/backend/pades/padestest"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"software.sslmate.com/src/go-pkcs12"
)

var now = time.Now()

func testPDF(t testing.TB, pages int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteDocument(&b, "Thông báo kết luận", []string{"Nội dung kết luận của phiên họp."}, pages, now); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func credential(t testing.TB, ca *padestest.Issued, name string) *pades.Credential {
	t.Helper()
	leaf := padestest.Issue(t, ca, padestest.Leaf(name))
	c, err := pades.ParsePKCS12(padestest.P12(t, leaf.Key, leaf.Cert, []*x509.Certificate{ca.Cert}, "mật khẩu"), "mật khẩu", now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hcm = time.FixedZone("ICT", 7*3600)

func TestSignedDocumentVerifiesWithPdfsigAndPdfcpu(t *testing.T) {
	ca := padestest.NewCA(t, "Demo CA e-Cabinet")
	nss := padestest.NSSDB(t, ca.Cert)
	head := credential(t, ca, "Nguyễn Văn Chánh")
	chair := credential(t, ca, "Trần Thủ Tướng")
	doc := testPDF(t, 2)

	once, err := pades.Sign(doc, head, pades.Mark{Name: "Nguyễn Văn Chánh", Title: "Chánh Văn phòng", Organization: "Văn phòng Chính phủ", Location: hcm}, now)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := pades.Sign(once, chair, pades.Mark{Name: "Trần Thủ Tướng", Title: "Thủ tướng Chính phủ", Location: hcm}, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(twice, once) || !bytes.HasPrefix(once, doc) {
		t.Fatal("a signature must be an incremental update of the signed bytes")
	}

	out := padestest.Pdfsig(t, nss, twice)
	if strings.Count(out, "Signature Validation: Signature is Valid.") != 2 || strings.Count(out, "Signature Type: ETSI.CAdES.detached") != 2 ||
		strings.Count(out, "Certificate Validation: Certificate is Trusted.") != 2 {
		t.Fatalf("pdfsig does not find two valid, trusted ETSI.CAdES.detached signatures:\n%s", out)
	}
	if !strings.Contains(out, "Signer Certificate Common Name: Trần Thủ Tướng") {
		t.Fatalf("pdfsig does not name the chair:\n%s", out)
	}

	res := padestest.Pdfcpu(t, twice)
	if len(res) != 2 {
		t.Fatalf("pdfcpu finds %d signatures, want 2", len(res))
	}
	for _, r := range res {
		if r.Status == model.SignatureStatusInvalid || r.Details.SubFilter != "ETSI.CAdES.detached" {
			t.Fatalf("pdfcpu: %s", r)
		}
	}

	sigs, err := pades.Verify(twice)
	if err != nil || len(sigs) != 2 {
		t.Fatalf("Verify: %v %d", err, len(sigs))
	}
	if sigs[0].Signer != "Nguyễn Văn Chánh" || sigs[1].Signer != "Trần Thủ Tướng" {
		t.Fatalf("signers %q %q", sigs[0].Signer, sigs[1].Signer)
	}
	for _, s := range sigs {
		if !s.Valid || s.Modified || !s.Trusted([]*x509.Certificate{ca.Cert}, now) || s.SignedAt.Unix() < now.Unix() {
			t.Fatalf("signature %+v", s)
		}
	}
}

func TestOneChangedByteMakesTheSignatureInvalid(t *testing.T) {
	ca := padestest.NewCA(t, "Demo CA e-Cabinet")
	nss := padestest.NSSDB(t, ca.Cert)
	doc := testPDF(t, 1)
	signed, err := pades.Sign(doc, credential(t, ca, "Trần Thủ Tướng"), pades.Mark{Name: "Trần Thủ Tướng"}, now)
	if err != nil {
		t.Fatal(err)
	}
	signed = padestest.Tamper(t, signed)

	if out := padestest.Pdfsig(t, nss, signed); strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Signature Validation:") {
		t.Fatalf("pdfsig still finds the signature valid:\n%s", out)
	}
	res := padestest.Pdfcpu(t, signed)
	if len(res) != 1 || res[0].Status != model.SignatureStatusInvalid {
		t.Fatalf("pdfcpu still finds the signature valid: %v", res)
	}
	sigs, err := pades.Verify(signed)
	if err != nil || len(sigs) != 1 || sigs[0].Valid {
		t.Fatalf("Verify: %v %+v", err, sigs)
	}
}

// A PDF signed by poppler with a key in an NSS database: valid and trusted
// when its CA is trusted, untrusted when not.
func TestPDFSignedOutsideIsTrustedOnlyWithItsCA(t *testing.T) {
	ca, other := padestest.NewCA(t, "Bộ Tài chính CA"), padestest.NewCA(t, "Other CA")
	leaf := padestest.Issue(t, ca, padestest.Leaf("Bộ trưởng Bộ Tài chính"))
	nss := padestest.NSSDB(t, ca.Cert)
	p12File := filepath.Join(t.TempDir(), "signer.p12")
	if err := os.WriteFile(p12File, padestest.P12(t, leaf.Key, leaf.Cert, []*x509.Certificate{ca.Cert}, "pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	padestest.Run(t, padestest.Tool(t, "pk12util"), "-i", p12File, "-d", "sql:"+nss, "-W", "pw", "-K", "")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, testPDF(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	padestest.Run(t, "pdfsig", "-nssdir", "sql:"+nss, "-add-signature", "-nick", padestest.Nick(t, nss), "-reason", "Trình Chính phủ", in, out)
	signed, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := pades.Verify(signed)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("Verify: %v %+v", err, sigs)
	}
	s := sigs[0]
	if !s.Valid || s.Modified || s.Signer != "Bộ trưởng Bộ Tài chính" {
		t.Fatalf("signature %+v", s)
	}
	if !s.Trusted([]*x509.Certificate{ca.Cert}, now) {
		t.Fatal("not trusted with its CA")
	}
	if s.Trusted([]*x509.Certificate{other.Cert}, now) || s.Trusted(nil, now) {
		t.Fatal("trusted without its CA")
	}
}

func TestBadPKCS12IsRefusedWithItsOwnReason(t *testing.T) {
	ca := padestest.NewCA(t, "Demo CA")
	good := padestest.Issue(t, ca, padestest.Leaf("A"))
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	expired := padestest.Leaf("Expired")
	expired.NotBefore, expired.NotAfter = now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	future := padestest.Leaf("Future")
	future.NotBefore, future.NotAfter = now.Add(24*time.Hour), now.Add(48*time.Hour)
	encipher := padestest.Leaf("Encipher only")
	encipher.KeyUsage = x509.KeyUsageKeyEncipherment
	serverOnly := padestest.Leaf("TLS server")
	serverOnly.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	trustStore, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{good.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	withKey := func(is *padestest.Issued) []byte { return padestest.P12(t, is.Key, is.Cert, nil, "pw") }

	cases := []struct {
		name, password, key string
		data                []byte
	}{
		{"wrong password", "wrong", pades.KeyPassword, withKey(good)},
		{"certificate without key", "pw", pades.KeyNoKey, trustStore},
		{"not a PKCS#12 file", "pw", pades.KeyUnreadable, []byte("%PDF-1.7 not a p12")},
		{"expired", "pw", pades.KeyExpired, withKey(padestest.Issue(t, ca, expired))},
		{"not yet valid", "pw", pades.KeyNotYetValid, withKey(padestest.Issue(t, ca, future))},
		{"key not matching", "pw", pades.KeyMismatch, padestest.P12(t, other, good.Cert, nil, "pw")},
		{"key usage not for signing", "pw", pades.KeyNotForSigning, withKey(padestest.Issue(t, ca, encipher))},
		{"extended key usage not for signing", "pw", pades.KeyNotForSigning, withKey(padestest.Issue(t, ca, serverOnly))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pades.ParsePKCS12(c.data, c.password, now)
			e := ecabinet.AsError(err)
			if err == nil || e.Code != ecabinet.EUNPROCESSABLE || e.Key != c.key {
				t.Fatalf("got %v, want unprocessable %s", err, c.key)
			}
		})
	}
	if _, err := pades.ParsePKCS12(withKey(good), "pw", now); err != nil {
		t.Fatalf("a good file is refused: %v", err)
	}
}

func TestCACertificates(t *testing.T) {
	ca := padestest.NewCA(t, "Demo CA")
	got, err := pades.ParseCACertificates(pades.EncodeCertificates(ca.Cert))
	if err != nil || len(got) != 1 || !got[0].Equal(ca.Cert) {
		t.Fatalf("PEM: %v", err)
	}
	if got, err := pades.ParseCACertificates(ca.Cert.Raw); err != nil || len(got) != 1 {
		t.Fatalf("DER: %v", err)
	}
	leaf := padestest.Issue(t, ca, padestest.Leaf("A"))
	if _, err := pades.ParseCACertificates(leaf.Cert.Raw); ecabinet.AsError(err).Key != pades.KeyNotCA {
		t.Fatalf("a leaf is taken as a CA: %v", err)
	}
	if _, err := pades.ParseCACertificates([]byte("junk")); ecabinet.AsError(err).Key != pades.KeyCAUnreadable {
		t.Fatalf("junk: %v", err)
	}
}

func TestUnsignedPDFHasNoSignatures(t *testing.T) {
	sigs, err := pades.Verify(testPDF(t, 1))
	if err != nil || len(sigs) != 0 {
		t.Fatalf("%v %v", err, sigs)
	}
}

// Bytes added after the last signature are a change no signature covers:
// every signature shows the document modified, and stays valid.
func TestBytesAddedAfterSigningShowAsModified(t *testing.T) {
	ca := padestest.NewCA(t, "Demo CA")
	signed, err := pades.Sign(testPDF(t, 1), credential(t, ca, "Trần Thủ Tướng"), pades.Mark{Name: "Trần Thủ Tướng"}, now)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := pades.Verify(append(signed, []byte("\n% added after signing\n")...))
	if err != nil || len(sigs) != 1 || !sigs[0].Valid || !sigs[0].Modified || sigs[0].Whole {
		t.Fatalf("%v %+v", err, sigs)
	}
}
