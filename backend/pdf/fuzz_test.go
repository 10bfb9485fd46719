package pdf_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// FuzzInspect: the upload check takes any bytes without panicking and only
// accepts documents with at least one page.
func FuzzInspect(f *testing.F) {
	valid := pdftest.Valid(3)
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(pdftest.Truncated())
	f.Add(pdftest.Encrypted())
	f.Add(pdftest.PNG())
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		info, err := pdf.Inspect(context.Background(), bytes.NewReader(data), int64(len(data)), pdf.Limits{MaxPages: 1000, MaxStreamDecoded: 1 << 20, MaxDecoded: 4 << 20})
		if err == nil && info.Pages < 1 {
			t.Fatalf("accepted a document of %d pages", info.Pages)
		}
	})
}
