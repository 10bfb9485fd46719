package pdftest

import (
	"bytes"
	"fmt"
	"strings"
)

// Form returns a one-page PDF whose catalog has a form (AcroForm). build
// writes the form's objects with obj, which returns each one's number
// (next tells the number the next object gets, for an object naming
// itself), and returns the text of the form's Fields array.
func Form(build func(obj func(body string) int, next func() int) string) []byte {
	var b bytes.Buffer
	w := newWriter(&b)
	draw := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", PageText(1))
	content := w.stream("", int64(len(draw)), strings.NewReader(draw))
	font := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	pagesNum := len(w.offsets) + 2
	w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>",
		pagesNum, content, font))
	w.object(fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", pagesNum-1))
	fields := build(w.object, func() int { return len(w.offsets) + 1 })
	root := w.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /AcroForm << /Fields %s >> >>", pagesNum, fields))
	if _, err := w.finish(root); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}

// A signature dictionary whose contents are no signature.
const unsigned = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <3082000000> /M (D:20250101120000Z) >>"

// Refs is n references to object num, as array elements.
func Refs(num, n int) string {
	return strings.TrimSpace(strings.Repeat(fmt.Sprintf("%d 0 R ", num), n))
}

// SelfKidsForm returns a PDF whose one signature field is its own kid n
// times: a field tree of n to the power of its depth.
func SelfKidsForm(n int) []byte {
	return Form(func(obj func(string) int, next func() int) string {
		sig := obj(unsigned)
		self := next()
		obj(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /FT /Sig /T (ky) /V %d 0 R /Kids [%s] >>", sig, Refs(self, n)))
		return fmt.Sprintf("[%d 0 R]", self)
	})
}

// RepeatedFieldForm returns a PDF whose form names one signature field n times.
func RepeatedFieldForm(n int) []byte {
	return Form(func(obj func(string) int, next func() int) string {
		sig := obj(unsigned)
		field := obj(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /FT /Sig /T (ky) /V %d 0 R >>", sig))
		return "[" + Refs(field, n) + "]"
	})
}

// ManySignaturesForm returns a PDF with n signature fields, each its own signature.
func ManySignaturesForm(n int) []byte {
	return Form(func(obj func(string) int, next func() int) string {
		var fields []string
		for i := range n {
			sig := obj(unsigned)
			fields = append(fields, fmt.Sprintf("%d 0 R", obj(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /FT /Sig /T (ky%d) /V %d 0 R >>", i, sig))))
		}
		return "[" + strings.Join(fields, " ") + "]"
	})
}

// LayeredForm returns a PDF whose signature field has levels levels of
// kids below it, each level one field named n times by the level above:
// no cycle, yet n to the power of levels fields to a reader that reads a
// field again at every reference.
func LayeredForm(levels, n int) []byte {
	return Form(func(obj func(string) int, next func() int) string {
		sig := obj(unsigned)
		below := obj("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /T (la) >>")
		for range levels - 1 {
			below = obj(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /T (t) /Kids [%s] >>", Refs(below, n)))
		}
		return fmt.Sprintf("[%d 0 R]", obj(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /FT /Sig /T (ky) /V %d 0 R /Kids [%s] >>", sig, Refs(below, n))))
	})
}
