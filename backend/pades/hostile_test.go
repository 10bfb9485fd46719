package pades_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/ecabinet/ecabinet/backend/pades"
	"github.com/ecabinet/ecabinet/backend/pades/padestest"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// verifyWithin runs Verify and fails the test when it takes longer than d.
func verifyWithin(t *testing.T, doc []byte, d time.Duration) ([]pades.Signature, error) {
	t.Helper()
	type result struct {
		sigs []pades.Signature
		err  error
	}
	done := make(chan result, 1)
	go func() {
		sigs, err := pades.Verify(doc)
		done <- result{sigs, err}
	}()
	select {
	case r := <-done:
		return r.sigs, r.err
	case <-time.After(d):
		t.Fatalf("Verify of a %d-byte PDF still runs after %v", len(doc), d)
		return nil, nil
	}
}

// TestVerifyCostIsBoundedByTheFile: hostile forms cost what their objects
// are, each read once, and a form naming more signatures than a real
// document has is refused with a LimitError (422 at upload).
func TestVerifyCostIsBoundedByTheFile(t *testing.T) {
	// A field that is its own kid 1,000 times: a tree of 1000^8 fields to
	// the old reader, which never finished.
	sigs, err := verifyWithin(t, pdftest.SelfKidsForm(1000), 20*time.Second)
	if err != nil || len(sigs) != 1 || sigs[0].Valid {
		t.Fatalf("self-referencing field: %d signatures, %v; want one, not valid", len(sigs), err)
	}
	// No cycle, but one field named 1,000 times at each of six levels.
	sigs, err = verifyWithin(t, pdftest.LayeredForm(6, 1000), 20*time.Second)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("layered field tree: %d signatures, %v; want one", len(sigs), err)
	}
	// One signature named by 5,000 fields is one signature, checked once.
	sigs, err = verifyWithin(t, pdftest.RepeatedFieldForm(5000), 20*time.Second)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("one field named 5,000 times: %d signatures, %v; want one", len(sigs), err)
	}
	// More signatures than a real document carries: refused, naming the limit.
	_, err = verifyWithin(t, pdftest.ManySignaturesForm(pdf.MaxSignatures+1), 20*time.Second)
	var lim *pdf.LimitError
	if !errors.As(err, &lim) || lim.Limit != pdf.LimitSignatures || !errors.Is(err, pdf.ErrLimit) {
		t.Fatalf("%d signatures: %v, want a LimitError", pdf.MaxSignatures+1, err)
	}
	if sigs, err := verifyWithin(t, pdftest.ManySignaturesForm(pdf.MaxSignatures), 20*time.Second); err != nil || len(sigs) != pdf.MaxSignatures {
		t.Fatalf("%d signatures: %d read, %v", pdf.MaxSignatures, len(sigs), err)
	}
}

var contentsRE = regexp.MustCompile(`/Contents\s*<([0-9a-fA-F]+)>`)

// cmsOf is the hex CMS signature of a PDF signed in e-Cabinet.
func cmsOf(t *testing.T) string {
	t.Helper()
	ca := padestest.NewCA(t, "Test CA")
	signed, err := pades.Sign(testPDF(t, 1), credential(t, ca, "Ký"), pades.Mark{Name: "Ký"}, now)
	if err != nil {
		t.Fatal(err)
	}
	m := contentsRE.FindSubmatch(signed)
	if m == nil {
		t.Fatal("no contents")
	}
	return string(m[1])
}

// TestByteRangeOutsideTheFileIsNotValid: a byte range whose end overflows
// is a signature that is not valid, and the other signatures are still
// read (the old reader lost them all in a recovered panic).
func TestByteRangeOutsideTheFileIsNotValid(t *testing.T) {
	cms := cmsOf(t)
	doc := pdftest.Form(func(obj func(string) int, next func() int) string {
		bad := obj(fmt.Sprintf("<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 %d %d] /Contents <%s> >>", int64(1)<<62, int64(1)<<62, cms))
		other := obj(fmt.Sprintf("<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <%s> >>", cms))
		a := obj(fmt.Sprintf("<< /FT /Sig /T (a) /V %d 0 R >>", bad))
		b := obj(fmt.Sprintf("<< /FT /Sig /T (b) /V %d 0 R >>", other))
		return fmt.Sprintf("[%d 0 R %d 0 R]", a, b)
	})
	sigs, err := pades.Verify(doc)
	if err != nil || len(sigs) != 2 || sigs[0].Valid || sigs[1].Valid {
		t.Fatalf("overflowing byte range: %d signatures, %v; want two, not valid", len(sigs), err)
	}
}

// TestUnsignedBytesBesideTheContentsAreNotSigned: a signature whose byte
// range leaves out more than its own /Contents leaves those bytes unsigned
// (a signature wrapping attack): it is not valid, even though the CMS
// verifies over the range (the old reader said valid, and still did after
// the bytes left out were changed).
func TestUnsignedBytesBesideTheContentsAreNotSigned(t *testing.T) {
	ca := padestest.NewCA(t, "Test CA")
	leaf := padestest.Issue(t, ca, padestest.Leaf("Người ký"))
	const room = 8192
	doc := pdftest.Form(func(obj func(string) int, next func() int) string {
		sig := obj("<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 0000000000 0000000000 0000000000] /Contents <" +
			strings.Repeat("0", room) + "> >>")
		obj("(Noi dung khong duoc ky: MARKER)")
		return fmt.Sprintf("[%d 0 R]", obj(fmt.Sprintf("<< /FT /Sig /T (ky) /V %d 0 R >>", sig)))
	})
	gapStart := bytes.Index(doc, []byte("/Contents <")) + len("/Contents ")
	gapEnd := bytes.Index(doc, []byte("MARKER)")) + len("MARKER)")
	m := byteRangeRE.FindSubmatchIndex(doc)
	for i, v := range []int{gapStart, gapEnd, len(doc) - gapEnd} {
		copy(doc[m[2+2*i]:m[3+2*i]], fmt.Sprintf("%010d", v))
	}
	sd, err := pkcs7.NewSignedData(append(append([]byte{}, doc[:gapStart]...), doc[gapEnd:]...))
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(leaf.Cert, leaf.Key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil || 2*len(der) > room {
		t.Fatalf("CMS of %d bytes: %v", len(der), err)
	}
	copy(doc[gapStart+1:], hex.EncodeToString(der))
	for _, changed := range []bool{false, true} {
		if changed {
			doc = bytes.Replace(doc, []byte("MARKER"), []byte("HACKED"), 1)
		}
		sigs, err := pades.Verify(doc)
		if err != nil || len(sigs) != 1 {
			t.Fatalf("%d signatures, %v", len(sigs), err)
		}
		if sigs[0].Valid {
			t.Fatalf("a signature leaving bytes beside its contents unsigned is valid (after a change: %v)", changed)
		}
	}
}

var byteRangeRE = regexp.MustCompile(`/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
