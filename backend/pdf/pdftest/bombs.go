package pdftest

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"fmt"
	"io"
)

// WriteInflationBomb writes a valid one-page PDF whose only content stream
// is small on disk and inflates to about inflated bytes: the page's text,
// then white space (valid, and drawn as nothing). A viewer or a tool that
// inflates the stream in memory pays for all of it. It returns the number
// of bytes written; the compressed stream is about inflated/1000 bytes.
func WriteInflationBomb(out io.Writer, inflated int64) (int64, error) {
	draw := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET\n", PageText(1))
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, flate.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write([]byte(draw)); err != nil {
		return 0, err
	}
	blank := bytes.Repeat([]byte{' '}, 1<<20)
	for left := inflated - int64(len(draw)); left > 0; left -= int64(len(blank)) {
		if _, err := zw.Write(blank[:min(int64(len(blank)), left)]); err != nil {
			return 0, err
		}
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	w := newWriter(out)
	font := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	content := w.stream("/Filter /FlateDecode", int64(z.Len()), &z)
	pagesNum := len(w.offsets) + 2
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>",
		pagesNum, content, font))
	w.object(fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	root := w.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNum))
	return w.finish(root)
}

// WritePageBomb writes a valid PDF of the given number of pages that all
// share one content stream and one font: about 100 bytes a page, so twenty
// thousand pages take some 2 MB. It returns the number of bytes written.
func WritePageBomb(out io.Writer, pages int) (int64, error) {
	w := newWriter(out)
	font := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	draw := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", PageText(1))
	content := w.stream("", int64(len(draw)), bytes.NewReader([]byte(draw)))
	resources := w.object(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font))
	pagesNum := len(w.offsets) + pages + 1 // the page tree follows its pages
	var kids bytes.Buffer
	for p := 0; p < pages; p++ {
		page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources %d 0 R >>",
			pagesNum, content, resources))
		fmt.Fprintf(&kids, "%d 0 R ", page)
	}
	if got := w.object(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), pages)); got != pagesNum {
		return 0, fmt.Errorf("pdftest: page tree is object %d, expected %d", got, pagesNum)
	}
	root := w.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNum))
	return w.finish(root)
}

// ImagePage returns a valid one-page PDF that draws one image XObject
// whose dictionary holds dict (besides its Type, Subtype and Length) and
// whose data is data, as an encoder wrote it.
func ImagePage(dict string, data []byte) []byte {
	var b bytes.Buffer
	_, err := document(&b, 1, func(w *writer, page int) (string, int) {
		return "Im1", w.stream("/Type /XObject /Subtype /Image "+dict, int64(len(data)), bytes.NewReader(data))
	})
	if err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}
