package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pkcs7"
)

// Sign returns the document with one more signature: an incremental update
// (earlier signatures stay valid) holding a PAdES baseline signature by the
// credential, dated at, with the visible block of mark on the last page,
// above the blocks of earlier signatures.
func Sign(doc []byte, c *Credential, m Mark, at time.Time) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("pades: read: %w", err)
	}
	existing := len(signatureDicts(doc))
	page := rdr.NumPage()
	if page < 1 {
		return nil, errors.New("pades: the document has no page")
	}
	x0, y0, width := 0.0, 0.0, 595.0 // A4 when the page has no media box
	if box := mediaBox(rdr.Page(page).V); box.Len() == 4 {
		x0, y0, width = box.Index(0).Float64(), box.Index(1).Float64(), box.Index(2).Float64()-box.Index(0).Float64()
	}
	image, err := blockImage(m, at)
	if err != nil {
		return nil, err
	}
	llx := x0 + width - blockMargin - blockWidth
	lly := y0 + blockMargin + float64(existing)*(blockHeight+8)
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			// pdfsign draws a visible block for approval signatures only.
			CertType: sign.ApprovalSignature,
			Info:     sign.SignDataSignatureInfo{Name: m.Name, Reason: m.Title, Location: m.Organization, Date: at},
		},
		Signer:            c.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       c.Certificate,
		CertificateChains: [][]*x509.Certificate{append([]*x509.Certificate{c.Certificate}, c.Chain...)},
		Appearance: sign.Appearance{
			Visible: true, Page: uint32(page),
			LowerLeftX: llx, LowerLeftY: lly, UpperRightX: llx + blockWidth, UpperRightY: lly + blockHeight,
			Image: image,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	signed := out.Bytes()
	if err := etsi(signed, len(doc), c); err != nil {
		return nil, err
	}
	return signed, nil
}

var (
	adbeSubFilter = []byte("/SubFilter /adbe.pkcs7.detached")
	etsiSubFilter = []byte("/SubFilter /ETSI.CAdES.detached")
	byteRangeRE   = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
)

// etsi makes the signature that pdfsign appended after from a PAdES one,
// in place. The pdfsign version kept here always writes the SubFilter
// adbe.pkcs7.detached although the CMS it makes is CAdES (it carries the
// ESS signing-certificate-v2 attribute). The SubFilter ETSI.CAdES.detached
// has the same length, so the byte range does not move; as the name is
// inside the signed range, the byte range is then signed again with the
// same library (digitorus/pkcs7), the same certificates and the same
// signed attributes, and the new CMS replaces the old in /Contents.
func etsi(doc []byte, after int, c *Credential) error {
	tail := doc[after:]
	at := bytes.LastIndex(tail, adbeSubFilter)
	if at < 0 {
		return errors.New("pades: the new signature has no SubFilter")
	}
	copy(tail[at:], etsiSubFilter)
	m := byteRangeRE.FindSubmatch(tail[at:])
	if m == nil {
		return errors.New("pades: the new signature has no byte range")
	}
	var br [4]int
	for i := range br {
		br[i], _ = strconv.Atoi(string(m[i+1]))
	}
	start, end := br[0]+br[1], br[2]
	if br[0] != 0 || start >= end || br[2]+br[3] != len(doc) || doc[start] != '<' || doc[end-1] != '>' {
		return errors.New("pades: the new signature's byte range is not as pdfsign writes it")
	}
	old, err := hex.DecodeString(string(doc[start+1 : end-1]))
	if err != nil {
		return fmt.Errorf("pades: contents: %w", err)
	}
	p7, err := pkcs7.Parse(old)
	if err != nil || len(p7.Signers) != 1 {
		return fmt.Errorf("pades: the new signature's CMS: %v", err)
	}
	var extra []pkcs7.Attribute
	for _, a := range p7.Signers[0].AuthenticatedAttributes {
		if a.Type.Equal(pkcs7.OIDAttributeContentType) || a.Type.Equal(pkcs7.OIDAttributeMessageDigest) || a.Type.Equal(pkcs7.OIDAttributeSigningTime) {
			continue
		}
		extra = append(extra, pkcs7.Attribute{Type: a.Type, Value: asn1.RawValue{FullBytes: a.Value.Bytes}})
	}
	content := append(append([]byte{}, doc[:start]...), doc[end:]...)
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(c.Certificate, c.Key, c.Chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: extra}); err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}
	sd.Detach()
	cms, err := sd.Finish()
	if err != nil {
		return err
	}
	room := end - 1 - (start + 1)
	h := hex.EncodeToString(cms)
	if len(h) > room {
		return errors.New("pades: the signature does not fit its placeholder")
	}
	copy(doc[start+1:], h)
	for i := start + 1 + len(h); i < end-1; i++ {
		doc[i] = '0'
	}
	return nil
}

// signatureDicts returns the offsets of the signature dictionaries' byte
// ranges in a document (every signature, in the order they were written).
func signatureDicts(doc []byte) [][]int {
	return byteRangeRE.FindAllSubmatchIndex(doc, -1)
}

// mediaBox is a page's media box, which the page may inherit.
func mediaBox(page pdf.Value) pdf.Value {
	for v := page; !v.IsNull(); v = v.Key("Parent") {
		if b := v.Key("MediaBox"); b.Len() == 4 {
			return b
		}
	}
	return pdf.Value{}
}
