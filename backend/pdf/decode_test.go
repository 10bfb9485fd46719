package pdf

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
)

// Each streaming decoder gives back exactly what pdfcpu's encoder of the
// same filter encoded.
func TestDecodersInvertPdfcpuEncoders(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	samples := [][]byte{[]byte("BT /F1 24 Tf 72 720 Td (Tờ trình) Tj ET"), bytes.Repeat([]byte("ab"), 5000), {}}
	noise := make([]byte, 70000)
	for i := range noise {
		noise[i] = byte(rng.IntN(4)) // runs and repeats of a few values
	}
	samples = append(samples, noise)
	for _, name := range []string{"FlateDecode", "LZWDecode", "ASCII85Decode", "ASCIIHexDecode", "RunLengthDecode"} {
		for i, want := range samples {
			enc, err := filter.NewFilter(name, map[string]int{})
			if err != nil {
				t.Fatal(err)
			}
			r, err := enc.Encode(bytes.NewReader(want))
			if err != nil {
				t.Fatalf("%s: encode: %v", name, err)
			}
			encoded, _ := io.ReadAll(r)
			dec, ok := decoder(name, bufio.NewReader(bytes.NewReader(encoded)), map[string]int{})
			if !ok {
				t.Fatalf("%s: no decoder", name)
			}
			got, err := io.ReadAll(dec)
			if err != nil && len(got) != len(want) {
				t.Fatalf("%s sample %d: %v", name, i, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s sample %d: %d bytes back, want %d", name, i, len(got), len(want))
			}
		}
	}
	for _, codec := range []string{"DCTDecode", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "Crypt"} {
		if _, ok := decoder(codec, nil, nil); ok {
			t.Errorf("%s is decoded", codec)
		}
	}
}
