package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// inflationBomb is a one-page PDF whose content stream inflates to 300 MB,
// made once.
var inflationBomb = sync.OnceValues(func() (*bytes.Reader, int64) {
	var b bytes.Buffer
	if _, err := pdftest.WriteInflationBomb(&b, 300_000_000); err != nil {
		panic(err)
	}
	return bytes.NewReader(b.Bytes()), int64(b.Len())
})

// The limits of a body with the default settings.
var defaults = pdf.Limits{MaxPages: 10_000, MaxStreamDecoded: 128 << 20, MaxDecoded: 4 << 30}

func limitError(t *testing.T, name string, err error, limit string) *pdf.LimitError {
	t.Helper()
	var le *pdf.LimitError
	if !errors.As(err, &le) || !errors.Is(err, pdf.ErrLimit) || le.Limit != limit {
		t.Fatalf("%s: %v, want the %s limit", name, err, limit)
	}
	return le
}

// A one-page PDF whose content stream inflates to 300 MB is refused at its
// stream's limit, having inflated it a piece at a time: the check
// allocates a few MiB, not the 32 MiB it decoded before stopping. (The
// default limit, 128 MiB, stops it as well, four times slower under the
// race detector.)
func TestInspectRefusesAnInflationBomb(t *testing.T) {
	f, size := inflationBomb()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := pdf.Inspect(context.Background(), f, size, pdf.Limits{MaxPages: 10, MaxStreamDecoded: 32 << 20, MaxDecoded: 64 << 20})
	runtime.ReadMemStats(&after)
	le := limitError(t, "inflation bomb", err, pdf.LimitStream)
	if le.Max != 32<<20 {
		t.Fatalf("limit %d", le.Max)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d KiB file inflating to 300 MB: %.1f MiB allocated", size>>10, float64(allocated)/(1<<20))
	if allocated > 8<<20 {
		t.Fatalf("inspecting the bomb allocated %d bytes", allocated)
	}
	// Under a larger stream limit, the document's limit stops it.
	_, err = pdf.Inspect(context.Background(), f, size, pdf.Limits{MaxStreamDecoded: 1 << 30, MaxDecoded: 16 << 20})
	limitError(t, "inflation bomb under the document limit", err, pdf.LimitDocument)
	// Without limits it is a valid document.
	if info, err := pdf.Inspect(context.Background(), f, size, pdf.Limits{}); err != nil || info.Pages != 1 {
		t.Fatalf("without limits: %+v, %v", info, err)
	}
}

// 20,000 pages in 2 MB are refused from the page count their tree
// declares, before any other work.
func TestInspectRefusesAPageBomb(t *testing.T) {
	var b bytes.Buffer
	if _, err := pdftest.WritePageBomb(&b, 20_000); err != nil {
		t.Fatal(err)
	}
	_, err := pdf.Inspect(context.Background(), bytes.NewReader(b.Bytes()), int64(b.Len()), defaults)
	if le := limitError(t, "page bomb", err, pdf.LimitPages); le.Pages != 20_000 || le.Max != 10_000 {
		t.Fatalf("page bomb: %+v", le)
	}
	five := pdftest.Valid(5)
	_, err = pdf.Inspect(context.Background(), bytes.NewReader(five), int64(len(five)), pdf.Limits{MaxPages: 4})
	if le := limitError(t, "five pages under four", err, pdf.LimitPages); le.Pages != 5 {
		t.Fatalf("counted %d pages", le.Pages)
	}
	if info, err := pdf.Inspect(context.Background(), bytes.NewReader(five), int64(len(five)), pdf.Limits{MaxPages: 5}); err != nil || info.Pages != 5 {
		t.Fatalf("five pages under five: %+v %v", info, err)
	}
}

// Streams count what they decode to, all together against the document's
// limit; an image in a codec that is not decoded counts its pixels.
func TestInspectCountsDecodedBytes(t *testing.T) {
	var large bytes.Buffer
	if _, err := pdftest.WriteLarge(&large, 4, 8<<20); err != nil { // four 2 MiB images
		t.Fatal(err)
	}
	doc := large.Bytes()
	_, err := pdf.Inspect(context.Background(), bytes.NewReader(doc), int64(len(doc)), pdf.Limits{MaxStreamDecoded: 4 << 20, MaxDecoded: 6 << 20})
	limitError(t, "four images of 2 MiB under 6 MiB", err, pdf.LimitDocument)
	if _, err := pdf.Inspect(context.Background(), bytes.NewReader(doc), int64(len(doc)), pdf.Limits{MaxStreamDecoded: 4 << 20, MaxDecoded: 9 << 20}); err != nil {
		t.Fatalf("four images of 2 MiB under 9 MiB: %v", err)
	}
	huge := pdftest.ImagePage("/Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /JBIG2Decode", []byte("not decoded"))
	_, err = pdf.Inspect(context.Background(), bytes.NewReader(huge), int64(len(huge)), defaults)
	limitError(t, "a JBIG2 image of 10^10 pixels", err, pdf.LimitStream)
	small := pdftest.ImagePage("/Width 100 /Height 100 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", []byte("not decoded"))
	if _, err := pdf.Inspect(context.Background(), bytes.NewReader(small), int64(len(small)), pdf.Limits{MaxStreamDecoded: 30_000, MaxDecoded: 31_000}); err != nil {
		t.Fatalf("a DCT image of 100 × 100 RGB pixels under 30,000 bytes: %v", err)
	}
	_, err = pdf.Inspect(context.Background(), bytes.NewReader(small), int64(len(small)), pdf.Limits{MaxStreamDecoded: 29_999, MaxDecoded: 31_000})
	limitError(t, "the same under 29,999 bytes", err, pdf.LimitStream)
}
