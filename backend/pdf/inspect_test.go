package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

func inspect(b []byte) (pdf.Info, error) {
	return pdf.Inspect(context.Background(), bytes.NewReader(b), int64(len(b)), pdf.Limits{})
}

func TestInspectAcceptsValidDocuments(t *testing.T) {
	for name, tc := range map[string]struct {
		doc   []byte
		pages int
	}{
		"classic cross-reference": {pdftest.Valid(5), 5},
		"object and xref streams": {pdftest.Compressed(4), 4},
		"incremental update":      {pdftest.Updated(3), 3},
	} {
		info, err := inspect(tc.doc)
		if err != nil || info.Pages != tc.pages {
			t.Errorf("%s: %+v, %v; want %d pages", name, info, err, tc.pages)
		}
	}
}

// Each broken file gets its own error.
func TestInspectRejectsBrokenFiles(t *testing.T) {
	valid := pdftest.Valid(3)
	length := regexp.MustCompile(`/Length (\d+) >>`).FindSubmatchIndex(valid)
	if length == nil {
		t.Fatal("fixture changed: no stream length")
	}
	badLength := append(append(append([]byte{}, valid[:length[2]]...), '1'), valid[length[2]:]...) // ten times too long
	xref := bytes.LastIndex(valid, []byte("startxref\n"))
	badOffset := append(append([]byte{}, valid[:xref]...), []byte("startxref\n123\n%%EOF\n")...)
	cases := map[string]struct {
		doc  []byte
		want error
	}{
		"empty":                 {nil, pdf.ErrEmpty},
		"a PNG named .pdf":      {pdftest.PNG(), pdf.ErrNotPDF},
		"plain text":            {[]byte("Biên bản họp: không phải PDF\n"), pdf.ErrNotPDF},
		"encrypted":             {pdftest.Encrypted(), pdf.ErrEncrypted},
		"truncated":             {pdftest.Truncated(), pdf.ErrCorrupt},
		"header only":           {[]byte("%PDF-1.7\n"), pdf.ErrCorrupt},
		"wrong stream length":   {badLength, pdf.ErrCorrupt},
		"wrong xref offset":     {badOffset, pdf.ErrCorrupt},
		"garbage after %%EOF":   {append(append([]byte{}, valid...), "1 0 obj\n<< /Ty"...), pdf.ErrCorrupt},
		"cut inside the xref":   {valid[:len(valid)-60], pdf.ErrCorrupt},
		"catalog without pages": {regexp.MustCompile(`/Catalog /Pages \d+`).ReplaceAll(valid, []byte("/Catalog /Pages 99")), pdf.ErrCorrupt},
	}
	for name, tc := range cases {
		_, err := inspect(tc.doc)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
		for _, other := range []error{pdf.ErrEmpty, pdf.ErrNotPDF, pdf.ErrEncrypted, pdf.ErrCorrupt} {
			if other != tc.want && errors.Is(err, other) {
				t.Errorf("%s: %v is also %v", name, err, other)
			}
		}
	}
}

// Inspecting a large document reads its structure, not its data: the
// memory it allocates stays far below the file's size.
func TestInspectMemoryIsBoundedByStructure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	size, err := pdftest.WriteLarge(f, 4, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := pdf.Inspect(context.Background(), f, size, pdf.Limits{})
	runtime.ReadMemStats(&after)
	_ = f.Close()
	if err != nil || info.Pages != 4 {
		t.Fatalf("large document: %+v, %v", info, err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("inspecting %d MiB allocated %.1f MiB in total", size>>20, float64(allocated)/(1<<20))
	if allocated > 8<<20 {
		t.Fatalf("inspecting %d bytes allocated %d bytes", size, allocated)
	}
}

func TestInspectHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	doc := pdftest.Valid(2)
	if _, err := pdf.Inspect(ctx, bytes.NewReader(doc), int64(len(doc)), pdf.Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled inspection: %v", err)
	}
}

func TestStampDrawsTextOnEveryPage(t *testing.T) {
	const stamp = "Nguyễn Minh Đức — 21/11/2026 09:30 (UTC+07:00)"
	orig := pdftest.Valid(3)
	var out bytes.Buffer
	if err := pdf.Stamp(context.Background(), bytes.NewReader(orig), int64(len(orig)), &out, stamp); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out.Bytes(), orig) {
		t.Fatal("the stamped file is the original")
	}
	pages, err := pdftest.Text(out.Bytes())
	if err != nil || len(pages) != 3 {
		t.Fatalf("text of the stamped file: %q, %v", pages, err)
	}
	for i, text := range pages {
		if !strings.Contains(text, stamp) || !strings.Contains(text, pdftest.PageText(i+1)) {
			t.Errorf("page %d reads %q", i+1, text)
		}
	}
	if info, err := inspect(out.Bytes()); err != nil || info.Pages != 3 {
		t.Fatalf("the stamped file does not inspect: %+v, %v", info, err)
	}
	// The original's own text has no stamp: the check above can fail.
	plain, _ := pdftest.Text(orig)
	if strings.Contains(strings.Join(plain, ""), "Nguyễn") {
		t.Fatal("the fixture already holds the stamp text")
	}
}

// Documents made with LibreOffice often embed a subset of DejaVu Sans,
// the stamp's font; pdfcpu would reuse and rewrite such a font (and fail
// on producers' dictionaries without glyph widths): the stamp's font must
// not be taken for it.
func TestStampDocumentEmbeddingTheSameFont(t *testing.T) {
	for _, font := range []string{"DejaVuSans", "DejaVuSans-Bold"} {
		var out bytes.Buffer
		if err := pdf.Stamp(context.Background(), bytes.NewReader(pdftest.EmbeddedFont(font)), int64(len(pdftest.EmbeddedFont(font))), &out, "Lê Thu Hà — 01/12/2026 08:00"); err != nil {
			t.Fatalf("%s: %v", font, err)
		}
		pages, err := pdftest.Text(out.Bytes())
		if err != nil || len(pages) != 1 || !strings.Contains(pages[0], "Lê Thu Hà — 01/12/2026 08:00") {
			t.Fatalf("%s: stamped document reads %q, %v", font, pages, err)
		}
	}
}
