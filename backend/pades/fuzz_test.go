package pades_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/backend/pades"
	"github.com/ecabinet/ecabinet/backend/pades/padestest"
)

// FuzzVerify: any bytes, above all mangled signed PDFs, give signatures or
// an error, never a panic; a signature read never claims to be whole when
// the file is shorter than its range.
func FuzzVerify(f *testing.F) {
	ca := padestest.NewCA(f, "Fuzz CA")
	signed, err := pades.Sign(testPDF(f, 1), credential(f, ca, "Fuzz"), pades.Mark{Name: "Fuzz"}, now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(signed[:len(signed)/2])
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 1 2 3]\n%%EOF"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		sigs, err := pades.Verify(doc)
		if err != nil && sigs != nil {
			t.Fatal("signatures with an error")
		}
	})
}
