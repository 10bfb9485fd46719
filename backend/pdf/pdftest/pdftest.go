// Package pdftest makes the PDF fixtures the tests use: valid documents of
// several pages, large ones written straight to disk, and broken ones
// (truncated, encrypted, not a PDF at all). It also reads the text drawn in
// a PDF back, so tests can check what a stamp says.
package pdftest

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

func init() {
	// pdfcpu must not create a configuration directory in the user's home.
	api.DisableConfigDir()
}

// PageText is the text drawn on page n (1-based) of the fixtures.
func PageText(n int) string { return fmt.Sprintf("Fixture page %d", n) }

// writer writes a PDF with a classic cross-reference table, counting offsets.
type writer struct {
	w       *bufio.Writer
	n       int64
	offsets []int64 // offsets[i] is where object i+1 starts
	err     error
}

func newWriter(w io.Writer) *writer {
	pw := &writer{w: bufio.NewWriterSize(w, 1<<16)}
	pw.printf("%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n")
	return pw
}

func (w *writer) write(p []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	w.err = err
}

func (w *writer) printf(format string, args ...any) { w.write(fmt.Appendf(nil, format, args...)) }

// object writes object number len(offsets)+1 with body.
func (w *writer) object(body string) int {
	w.offsets = append(w.offsets, w.n)
	num := len(w.offsets)
	w.printf("%d 0 obj\n%s\nendobj\n", num, body)
	return num
}

// stream writes a stream object whose length bytes come from data.
func (w *writer) stream(dict string, length int64, data io.Reader) int {
	w.offsets = append(w.offsets, w.n)
	num := len(w.offsets)
	w.printf("%d 0 obj\n<< %s /Length %d >>\nstream\n", num, dict, length)
	if w.err == nil {
		var n int64
		n, w.err = io.CopyN(w.w, data, length)
		w.n += n
	}
	w.printf("\nendstream\nendobj\n")
	return num
}

// finish writes the cross-reference table and the trailer.
func (w *writer) finish(root int) (int64, error) {
	xref := w.n
	w.printf("xref\n0 %d\n0000000000 65535 f\r\n", len(w.offsets)+1)
	for _, off := range w.offsets {
		w.printf("%010d 00000 n\r\n", off)
	}
	w.printf("trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets)+1, root, xref)
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.n, w.err
}

// document writes a PDF of pages pages; extra, when not nil, adds a
// resource to each page and returns its name and the drawing operator.
func document(out io.Writer, pages int, extra func(w *writer, page int) (name string, ref int)) (int64, error) {
	w := newWriter(out)
	// Pages name their parent, the page tree, which is written after them:
	// its object number is known in advance.
	font := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	pagesNum := len(w.offsets) + 2*pages + 1 // the page tree comes after every page and its content
	if extra != nil {
		pagesNum += pages
	}
	var kids bytes.Buffer
	for p := 1; p <= pages; p++ {
		draw := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", PageText(p))
		xobj := ""
		if extra != nil {
			name, ref := extra(w, p)
			xobj = fmt.Sprintf(" /XObject << /%s %d 0 R >>", name, ref)
			draw = fmt.Sprintf("q 468 0 0 600 72 72 cm /%s Do Q %s", name, draw)
		}
		content := w.stream("", int64(len(draw)), bytes.NewReader([]byte(draw)))
		page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >>%s >> >>",
			pagesNum, content, font, xobj))
		fmt.Fprintf(&kids, "%d 0 R ", page)
	}
	if got := w.object(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), pages)); got != pagesNum {
		return 0, fmt.Errorf("pdftest: page tree is object %d, expected %d", got, pagesNum)
	}
	root := w.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNum))
	return w.finish(root)
}

// Valid returns a valid PDF of the given number of pages, each showing PageText.
func Valid(pages int) []byte {
	var b bytes.Buffer
	if _, err := document(&b, pages, nil); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}

// WriteLarge writes a valid PDF of the given number of pages whose size is
// about size bytes: each page shows an uncompressed image of random pixels.
// It streams, so it never holds the document in memory, and returns the
// number of bytes written.
func WriteLarge(out io.Writer, pages int, size int64) (int64, error) {
	const width = 1024
	rows := size / int64(pages) / (width * 3)
	if rows < 1 {
		rows = 1
	}
	rng := rand.New(rand.NewChaCha8([32]byte{'e', 'c', 'a', 'b'}))
	return document(out, pages, func(w *writer, page int) (string, int) {
		length := rows * width * 3
		ref := w.stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", width, rows),
			length, &randomReader{rng: rng})
		return fmt.Sprintf("Im%d", page), ref
	})
}

type randomReader struct{ rng *rand.Rand }

func (r *randomReader) Read(p []byte) (int, error) {
	for i := 0; i+8 <= len(p); i += 8 {
		v := r.rng.Uint64()
		for j := 0; j < 8; j++ {
			p[i+j] = byte(v >> (8 * j))
		}
	}
	for i := len(p) &^ 7; i < len(p); i++ {
		p[i] = byte(r.rng.Uint32())
	}
	return len(p), nil
}

// Truncated returns a valid PDF of several pages cut at two thirds, as a
// broken transfer would leave it.
func Truncated() []byte {
	b := Valid(3)
	return b[:len(b)*2/3]
}

// Encrypted returns a valid PDF of two pages encrypted with AES-256 and an
// open password.
func Encrypted() []byte {
	var out bytes.Buffer
	conf := model.NewAESConfiguration("mo-khoa", "chu-so-huu", 256)
	if err := api.Encrypt(bytes.NewReader(Valid(2)), &out, conf); err != nil {
		panic("pdftest: encrypt: " + err.Error())
	}
	return out.Bytes()
}

// PNG returns a small PNG image (what a user renaming photo.png to
// photo.pdf uploads).
func PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := 0; x < 16; x++ {
		img.Set(x, x, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Compressed returns a valid PDF 1.5 of the given number of pages whose
// objects are packed in object streams and whose cross-reference is a
// stream, as modern writers produce.
func Compressed(pages int) []byte {
	conf := model.NewDefaultConfiguration()
	conf.WriteObjectStream = true
	conf.WriteXRefStream = true
	var out bytes.Buffer
	if err := api.Optimize(bytes.NewReader(Valid(pages)), &out, conf); err != nil {
		panic("pdftest: compress: " + err.Error())
	}
	return out.Bytes()
}

// Updated returns a valid PDF of the given number of pages followed by an
// incremental update (a new document information dictionary), as editors
// that save in place produce.
func Updated(pages int) []byte {
	b := Valid(pages)
	start := bytes.LastIndex(b, []byte("startxref"))
	prev := string(bytes.Fields(b[start+len("startxref"):])[0])
	size := bytes.Count(b, []byte(" 0 obj\n")) + 1
	var out bytes.Buffer
	out.Write(b)
	info := out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<< /Title (Updated) >>\nendobj\n", size)
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, info, size+1, size-1, size, prev, xref)
	return out.Bytes()
}

// EmbeddedFont returns a valid one-page PDF that shows text in an embedded
// TrueType subset named font ("ABCDEF+" prefixed), with a font dictionary
// as some producers write it: no glyph widths (W) and no CIDSet.
func EmbeddedFont(font string) []byte {
	var b bytes.Buffer
	w := newWriter(&b)
	helvetica := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	program := "not a real font program"
	file := w.stream("/Length1 23", int64(len(program)), bytes.NewReader([]byte(program)))
	descriptor := w.object(fmt.Sprintf("<< /Type /FontDescriptor /FontName /ABCDEF+%s /Flags 4 /FontBBox [-1021 -463 1793 1232] "+
		"/ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 /FontFile2 %d 0 R >>", font, file))
	cid := w.object(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+%s "+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 600 >>", font, descriptor))
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfchar <0001> <0041> endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
	toUnicode := w.stream("", int64(len(cmap)), bytes.NewReader([]byte(cmap)))
	type0 := w.object(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		font, cid, toUnicode))
	draw := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET BT /F2 12 Tf 72 700 Td <0001> Tj ET", PageText(1))
	content := w.stream("", int64(len(draw)), bytes.NewReader([]byte(draw)))
	pagesNum := len(w.offsets) + 2
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>",
		pagesNum, content, helvetica, type0))
	w.object(fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	root := w.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNum))
	if _, err := w.finish(root); err != nil {
		panic(err)
	}
	return b.Bytes()
}
