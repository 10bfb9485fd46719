package pdf

import (
	"bufio"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"io"

	tifflzw "golang.org/x/image/tiff/lzw"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// decodedSize returns how many bytes the data of stream o (length bytes)
// decodes to, reading it through its filters in bounded memory and
// stopping once past max: the answer is then max+1 or more. The generic
// filters (Flate, LZW, RunLength, ASCIIHex, ASCII85) are decoded; an image
// codec (DCT, JPX, JBIG2, CCITTFax) or Crypt ends the chain, and an image
// counts then what its dimensions make in pixels, which is what a viewer
// allocates to draw it. Data that stops decoding counts what it gave.
func (f *file) decodedSize(o *object, length, max int64) (int64, error) {
	var r io.Reader = io.NewSectionReader(f.r, o.dataOff, length)
	filters, parms, err := filterChain(o.dict)
	if err != nil {
		return 0, err
	}
	for i, name := range filters {
		next, ok := decoder(name, bufio.NewReaderSize(r, 32<<10), parms(i))
		if !ok {
			if px := imagePixels(o.dict); px > 0 {
				return px, nil
			}
			break
		}
		r = next
	}
	counter := &countingWriter{ctx: f}
	_, _ = io.Copy(counter, io.LimitReader(r, max+1))
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	return counter.n, nil
}

// countingWriter counts what is written to it, and stops a copy once the
// inspection is cancelled.
type countingWriter struct {
	ctx *file
	n   int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if err := c.ctx.ctx.Err(); err != nil {
		return 0, err
	}
	c.n += int64(len(p))
	return len(p), nil
}

// filterChain returns a stream's filter names and a function giving the
// integer decode parameters of the i-th. Errors: ErrCorrupt (a filter that
// is not a name).
func filterChain(d types.Dict) ([]string, func(i int) map[string]int, error) {
	var names []string
	switch x := d["Filter"].(type) {
	case types.Name:
		names = []string{string(x)}
	case types.Array:
		for _, n := range x {
			name, ok := n.(types.Name)
			if !ok {
				return nil, nil, corrupt("filter %v", n)
			}
			names = append(names, string(name))
		}
	}
	return names, func(i int) map[string]int {
		p := d["DecodeParms"]
		if a, ok := p.(types.Array); ok {
			p = nil
			if i < len(a) {
				p = a[i]
			}
		}
		out := map[string]int{}
		if pd, ok := p.(types.Dict); ok {
			for k, v := range pd {
				if n, ok := v.(types.Integer); ok {
					out[k] = int(n)
				}
			}
		}
		return out
	}, nil
}

// decoder returns a streaming decoder of a generic filter, or false for an
// image codec, Crypt, or a filter it does not know.
func decoder(name string, r *bufio.Reader, parms map[string]int) (io.Reader, bool) {
	switch name {
	case "FlateDecode", "Fl":
		z, err := zlib.NewReader(r)
		if err != nil {
			return eofReader{}, true
		}
		return z, true
	case "LZWDecode", "LZW":
		if ec, ok := parms["EarlyChange"]; ok && ec == 0 {
			return lzw.NewReader(r, lzw.MSB, 8), true
		}
		return tifflzw.NewReader(r, tifflzw.MSB, 8), true // PDF's default: the code width grows one code early, as in TIFF
	case "ASCII85Decode", "A85":
		return ascii85.NewDecoder(&untilByte{r: r, end: '~'}), true
	case "ASCIIHexDecode", "AHx":
		return &hexDecoder{r: r}, true
	case "RunLengthDecode", "RL":
		return &runLengthDecoder{r: r}, true
	}
	return nil, false
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// untilByte reads r up to (not including) the byte end: the end of data
// marker of ASCII85 ("~>").
type untilByte struct {
	r    *bufio.Reader
	end  byte
	done bool
}

func (u *untilByte) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !u.done {
		c, err := u.r.ReadByte()
		if err != nil {
			return n, err
		}
		if c == u.end {
			u.done = true
			break
		}
		p[n] = c
		n++
	}
	if n == 0 && u.done {
		return 0, io.EOF
	}
	return n, nil
}

// hexDecoder decodes ASCIIHex data: pairs of hexadecimal digits, white
// space ignored, up to ">"; a last odd digit counts as if followed by 0.
type hexDecoder struct {
	r    *bufio.Reader
	high byte // the first digit of a pair, when half
	half bool
	done bool
}

func (h *hexDecoder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !h.done {
		c, err := h.r.ReadByte()
		if err != nil || c == '>' {
			h.done = true
			if h.half {
				p[n], h.half = h.high<<4, false
				n++
			}
			break
		}
		v, ok := hexValue(c)
		switch {
		case !ok:
		case h.half:
			p[n], h.half = h.high<<4|v, false
			n++
		default:
			h.high, h.half = v, true
		}
	}
	return n, eofIfNone(n)
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// runLengthDecoder decodes RunLength data: a length byte n, then n+1
// literal bytes (n < 128) or one byte repeated 257-n times (n > 128); 128
// ends the data.
type runLengthDecoder struct {
	r      *bufio.Reader
	repeat int  // bytes of b still to give
	b      byte // the repeated byte
	copy   int  // literal bytes still to give
	done   bool
}

func (d *runLengthDecoder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case d.repeat > 0:
			p[n], d.repeat = d.b, d.repeat-1
			n++
		case d.copy > 0:
			c, err := d.r.ReadByte()
			if err != nil {
				d.done = true
				return n, eofIfNone(n)
			}
			p[n], d.copy = c, d.copy-1
			n++
		case d.done:
			return n, eofIfNone(n)
		default:
			c, err := d.r.ReadByte()
			if err != nil || c == 128 {
				d.done = true
				continue
			}
			if c < 128 {
				d.copy = int(c) + 1
				continue
			}
			if d.b, err = d.r.ReadByte(); err != nil {
				d.done = true
				continue
			}
			d.repeat = 257 - int(c)
		}
	}
	return n, nil
}

func eofIfNone(n int) error {
	if n == 0 {
		return io.EOF
	}
	return nil
}

// imagePixels returns the bytes an image stream's pixels take once decoded
// (width × height × components × bits per component), or 0 for anything
// else. A colour space it cannot name is counted as RGB.
func imagePixels(d types.Dict) int64 {
	if st := d.Subtype(); st == nil || *st != "Image" {
		return 0
	}
	w, h := d.IntEntry("Width"), d.IntEntry("Height")
	if w == nil || h == nil || *w <= 0 || *h <= 0 {
		return 0
	}
	bpc, comps := int64(8), int64(3)
	if b := d.IntEntry("BitsPerComponent"); b != nil && *b > 0 && *b <= 16 {
		bpc = int64(*b)
	}
	if mask := d.BooleanEntry("ImageMask"); mask != nil && *mask {
		bpc, comps = 1, 1
	}
	switch cs := d["ColorSpace"].(type) {
	case types.Name:
		switch cs {
		case "DeviceGray", "CalGray", "G":
			comps = 1
		case "DeviceCMYK", "CMYK":
			comps = 4
		}
	case types.Array:
		if len(cs) > 0 && (cs[0] == types.Name("Indexed") || cs[0] == types.Name("I")) {
			comps = 1
		}
	}
	return (int64(*w)*comps*bpc + 7) / 8 * int64(*h)
}
