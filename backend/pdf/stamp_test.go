package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

const stampText = "Trần Văn Bình — 02/12/2026 10:15 (UTC+07:00)"

func stamp(t *testing.T, doc []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := pdf.Stamp(context.Background(), bytes.NewReader(doc), int64(len(doc)), &out, stampText); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Documents as writers make them (object streams and a cross-reference
// stream; an incremental update) are stamped on every page, and the copy
// is one revision: nothing to cut it back to an unstamped original.
func TestStampKeepsEveryKindOfDocument(t *testing.T) {
	for name, tc := range map[string]struct {
		doc   []byte
		pages int
	}{
		"object streams":     {pdftest.Compressed(4), 4},
		"incremental update": {pdftest.Updated(3), 3},
		"shared resources":   {func() []byte { var b bytes.Buffer; _, _ = pdftest.WritePageBomb(&b, 5); return b.Bytes() }(), 5},
	} {
		out := stamp(t, tc.doc)
		pages, err := pdftest.Text(out)
		if err != nil || len(pages) != tc.pages {
			t.Fatalf("%s: %d pages, %v", name, len(pages), err)
		}
		for i, text := range pages {
			if !strings.Contains(text, stampText) || !strings.Contains(text, pdftest.PageText(1)) && !strings.Contains(text, pdftest.PageText(i+1)) {
				t.Errorf("%s: page %d reads %q", name, i+1, text)
			}
		}
		if n := bytes.Count(out, []byte("startxref")); n != 1 || bytes.Contains(out, []byte("/Prev")) {
			t.Errorf("%s: %d revisions", name, n)
		}
		if info, err := inspect(out); err != nil || info.Pages != tc.pages {
			t.Errorf("%s: the stamped copy does not inspect: %+v %v", name, info, err)
		}
	}
}

// Stamping never decodes the document's content and copies its data as it
// is: the page whose stream inflates to 300 MB, and 64 MiB of images, are
// stamped in a few MiB (most of it the stamp's font). pdfcpu, which
// stamped before, held the document and its inflated content in memory.
func TestStampMemoryIsBoundedByStructure(t *testing.T) {
	var large bytes.Buffer
	if _, err := pdftest.WriteLarge(&large, 4, 64<<20); err != nil {
		t.Fatal(err)
	}
	bomb, bombSize := inflationBomb()
	for name, doc := range map[string]struct {
		r    io.ReaderAt
		size int64
	}{"a page inflating to 300 MB": {bomb, bombSize}, "64 MiB of images": {bytes.NewReader(large.Bytes()), int64(large.Len())}} {
		out, err := os.Create(filepath.Join(t.TempDir(), "out.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err = pdf.Stamp(context.Background(), doc.r, doc.size, out, stampText)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("stamping %s (%d KiB) allocated %.1f MiB", name, doc.size>>10, float64(allocated)/(1<<20))
		if allocated > 32<<20 {
			t.Fatalf("stamping %s allocated %d bytes", name, allocated)
		}
		info, err := out.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if got, err := pdf.Inspect(context.Background(), out, info.Size(), pdf.Limits{}); err != nil || got.Pages < 1 {
			t.Fatalf("the stamped copy of %s: %+v %v", name, got, err)
		}
		_ = out.Close()
	}
}

// A stamping whose context ends stops with the context's error.
func TestStampStopsWithItsContext(t *testing.T) {
	var b bytes.Buffer
	if _, err := pdftest.WritePageBomb(&b, 2000); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := pdf.Stamp(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()), io.Discard, stampText); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled stamping: %v", err)
	}
}

func BenchmarkStamp(b *testing.B) {
	for _, pages := range []int{2, 500, 5000, 20000} {
		var doc bytes.Buffer
		if _, err := pdftest.WritePageBomb(&doc, pages); err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(pages)+"pages", func(b *testing.B) {
			for b.Loop() {
				if err := pdf.Stamp(context.Background(), bytes.NewReader(doc.Bytes()), int64(doc.Len()), io.Discard, stampText); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The reader's name and time sit in the page's bottom margin, below any
// line of text a document's margins leave room for (15 pt from the edge is
// less than any document margin: Decree 30/2020 asks 20 mm), so the stamp
// never covers the last line.
func TestStampStaysInTheBottomMargin(t *testing.T) {
	out := stamp(t, pdftest.Valid(2))
	placed := regexp.MustCompile(`1 0 0 1 [-\d.]+ ([-\d.]+) cm /ECabGS\w+ gs /ECabStamp\w+ Do`).FindAllSubmatch(out, -1)
	if len(placed) == 0 {
		t.Fatal("no stamp placed")
	}
	bbox := regexp.MustCompile(`/BBox\s*\[\s*[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s*\]`).FindSubmatch(out)
	if bbox == nil {
		t.Fatal("the stamp's form has no bounding box")
	}
	height, _ := strconv.ParseFloat(string(bbox[1]), 64)
	for _, m := range placed {
		y, _ := strconv.ParseFloat(string(m[1]), 64)
		if y < 0 || y+height > 15 {
			t.Errorf("the stamp spans %.1f to %.1f pt above the page's foot", y, y+height)
		}
	}
}
