package pades

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
	ecpdf "github.com/ecabinet/ecabinet/backend/pdf"
)

// Signature is what a PDF says of one of its signatures.
type Signature struct {
	Field     string `json:"field"`
	SubFilter string `json:"sub_filter"`
	// Signer is the signing certificate's common name (the signature
	// dictionary's /Name when the certificate has none).
	Signer       string `json:"signer"`
	Organization string `json:"organization,omitempty"`
	// SignedAt is the signing time the signature claims (/M, else the CMS
	// signing-time attribute); zero when it claims none.
	SignedAt time.Time `json:"signed_at"`
	// Valid: the CMS signature verifies over the signed byte range, with
	// the signing certificate it carries.
	Valid bool `json:"valid"`
	// Modified: bytes were added after this signature's range that no later
	// valid signature covers to the end of the file (a later signer's own
	// revision counts as signed, not as a change).
	Modified bool `json:"modified"`
	// Whole: the signed range reaches the end of the file (no byte was added since).
	Whole     bool      `json:"whole"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// Chain holds the signing certificate first, then the other
	// certificates the signature carries, as PEM.
	Chain []byte `json:"chain"`
	// signed is how many bytes the signed range spans, to order signatures.
	signed int64
}

// maxChain is the most certificates of a signature kept with it (the
// signing certificate first): real chains have a few.
const maxChain = 10

// Verify reads the signatures of a PDF, oldest first. A PDF without any
// gives none and no error; a signature that cannot be read at all is listed
// as not valid. The error is for a file that is not a readable PDF, or a
// *ecpdf.LimitError for one whose form names more signatures or fields
// than a real document has (ecpdf.SignatureFields): its cost is bounded by
// the file's objects, each read once, and by ecpdf.MaxSignatures checks.
func Verify(doc []byte) (sigs []Signature, err error) {
	// The CMS parser may panic on a malformed signature: such a file is
	// not readable, never a crash.
	defer func() {
		if r := recover(); r != nil {
			sigs, err = nil, fmt.Errorf("pades: unreadable PDF: %v", r)
		}
	}()
	fields, err := ecpdf.SignatureFields(context.Background(), bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		sigs = append(sigs, readSignature(doc, f))
	}
	if len(sigs) == 0 {
		return nil, nil
	}
	sort.SliceStable(sigs, func(i, j int) bool { return sigs[i].signed < sigs[j].signed })
	// Bytes after a signature's range are a change unless a later valid
	// signature covers them up to the end of the file (further signatures
	// are themselves incremental updates).
	last := sigs[len(sigs)-1]
	covered := last.Valid && last.Whole
	for i := range sigs {
		sigs[i].Modified = !sigs[i].Whole && !(covered && i < len(sigs)-1)
	}
	return sigs, nil
}

// byteRange returns a signature's range when it is well formed: it starts
// at the file's first byte, stays within the file, and leaves out exactly
// the signature's own /Contents hex string, nothing else (a gap holding
// other bytes would leave them unsigned).
func byteRange(doc []byte, f ecpdf.SignatureField) ([4]int64, bool) {
	var r [4]int64
	if len(f.ByteRange) != 4 {
		return r, false
	}
	copy(r[:], f.ByteRange)
	n := int64(len(doc))
	if r[0] != 0 || r[1] <= 0 || r[2] <= r[1] || r[2] > n || r[3] < 0 || r[3] > n-r[2] {
		return r, false
	}
	gap := doc[r[1]:r[2]]
	if len(gap) != 2*len(f.Contents)+2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		return r, false
	}
	contents := make([]byte, len(f.Contents))
	if _, err := hex.Decode(contents, gap[1:len(gap)-1]); err != nil || !bytes.Equal(contents, f.Contents) {
		return r, false
	}
	return r, true
}

func readSignature(doc []byte, f ecpdf.SignatureField) Signature {
	s := Signature{Field: f.Name, SubFilter: f.SubFilter, Signer: f.Signer}
	if t, err := pdfDate(f.M); err == nil {
		s.SignedAt = t
	}
	r, ok := byteRange(doc, f)
	if !ok {
		return s
	}
	s.Whole, s.signed = r[2]+r[3] == int64(len(doc)), r[2]+r[3]
	p7, err := pkcs7.Parse(f.Contents)
	if err != nil {
		return s
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		return s
	}
	s.NotBefore, s.NotAfter = cert.NotBefore, cert.NotAfter
	if cert.Subject.CommonName != "" {
		s.Signer = cert.Subject.CommonName
	}
	if len(cert.Subject.Organization) > 0 {
		s.Organization = cert.Subject.Organization[0]
	}
	chain := []*x509.Certificate{cert}
	for _, c := range p7.Certificates {
		if c != cert && len(chain) < maxChain {
			chain = append(chain, c)
		}
	}
	s.Chain = EncodeCertificates(chain...)
	if s.SignedAt.IsZero() {
		var t time.Time
		if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &t); err == nil {
			s.SignedAt = t
		}
	}
	p7.Content = append(append([]byte{}, doc[:r[1]]...), doc[r[2]:r[2]+r[3]]...)
	s.Valid = p7.Verify() == nil
	return s
}

// pdfDate reads a PDF date (D:YYYYMMDDHHmmSS+HH'mm').
func pdfDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("pades: not a PDF date")
}

// Trusted tells whether the signing certificate chains, at time at, to one
// of roots through the certificates the signature carries (see TrustedChain).
func (s Signature) Trusted(roots []*x509.Certificate, at time.Time) bool {
	return TrustedChain(s.Chain, roots, at)
}

// TrustedChain tells whether the first certificate of a PEM chain chains,
// at time at, to one of roots through the other certificates, and may sign
// documents.
func TrustedChain(chainPEM []byte, roots []*x509.Certificate, at time.Time) bool {
	chain, err := DecodeCertificates(chainPEM)
	if err != nil || len(chain) == 0 || len(roots) == 0 {
		return false
	}
	pool, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err = chain[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err == nil && ForSigning(chain[0])
}

// Pages returns a PDF's page count.
func Pages(doc []byte) (int, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return 0, err
	}
	return rdr.NumPage(), nil
}

// MaySign tells, cheaply, whether a PDF may hold a signature: whether its
// bytes name a byte range anywhere. It reads r in pieces.
func MaySign(r io.ReaderAt, size int64) (bool, error) {
	const piece = 1 << 20
	needle := []byte("/ByteRange")
	buf := make([]byte, piece+len(needle))
	for off := int64(0); off < size; off += piece {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n == 0 && err != nil {
			return false, err
		}
		if bytes.Contains(buf[:n], needle) {
			return true, nil
		}
	}
	return false, nil
}
