package pdf

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Bounds of the structure reader. They bound its memory whatever the file
// size: only dictionaries, cross-reference data and object streams are
// ever read into memory, never the data of ordinary streams. The largest
// cross-reference costs 16 MiB (documents of ten thousand pages have some
// hundred thousand objects).
const (
	maxObjects      = 1_000_000 // objects in the cross-reference
	maxSections     = 10_000    // cross-reference sections (incremental updates)
	maxObjectText   = 16 << 20  // one object's dictionary text
	maxStructStream = 32 << 20  // an xref or object stream, encoded or decoded
	maxDepth        = 100       // nesting of arrays and dictionaries
)

// entry is one object of the cross-reference.
type entry struct {
	off  int64 // offset ('n') or number of the object stream ('c')
	gen  int32 // generation ('n') or index in the object stream ('c')
	kind byte  // 0 unset, 'f' free, 'n' in use at offset, 'c' compressed in object stream
}

// file reads the structure of a PDF by offsets, in bounded memory.
type file struct {
	ctx     context.Context
	r       io.ReaderAt
	size    int64
	version string
	entries []entry
	trailer types.Dict // the newest trailer: Root, Info, ID, Encrypt
	stm     *objStream // the last object stream decoded
	limits  Limits
	decoded int64 // what the streams counted so far decode to
	// objBudget, when not zero, bounds what object streams may decode to
	// in all (each decoding counted: one read again costs again).
	objBudget int64
	// trailing accepts bytes after the last %%EOF (a signature reader
	// shows them as a change rather than refusing the file).
	trailing bool
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// readAt reads up to n bytes at off (fewer at the end of the file).
func (f *file) readAt(off int64, n int) ([]byte, error) {
	if off < 0 || off >= f.size {
		return nil, corrupt("offset %d outside the file", off)
	}
	if int64(n) > f.size-off {
		n = int(f.size - off)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}

// startXRef finds the offset of the last cross-reference section from the
// file's tail: "startxref <offset> %%EOF". A file cut short has no such tail.
func (f *file) startXRef() (int64, error) {
	tailLen := int64(2048)
	if tailLen > f.size {
		tailLen = f.size
	}
	tail, err := f.readAt(f.size-tailLen, int(tailLen))
	if err != nil {
		return 0, err
	}
	// The file ends with "%%EOF" (and white space): a file cut short
	// mid-update may still hold an older revision's tail further up.
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	i := bytes.LastIndex(tail, []byte("startxref"))
	if eof < 0 || i < 0 || i > eof || (!f.trailing && len(bytes.Trim(tail[eof+len("%%EOF"):], " \t\r\n\f\x00")) > 0) {
		return 0, corrupt("the file does not end with startxref and %%%%EOF (truncated?)")
	}
	fields := bytes.Fields(tail[i+len("startxref"):])
	if len(fields) == 0 {
		return 0, corrupt("startxref without offset")
	}
	off, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil || off <= 0 || off >= f.size {
		return 0, corrupt("startxref offset %q", fields[0])
	}
	return off, nil
}

// loadXRef reads every cross-reference section, newest first, following
// Prev (and XRefStm in hybrid files). A newer section's entry wins.
func (f *file) loadXRef(start int64) error {
	seen := map[int64]bool{}
	for off := start; off > 0; {
		if seen[off] || len(seen) >= maxSections {
			return corrupt("cross-reference sections loop")
		}
		seen[off] = true
		head, err := f.readAt(off, 64)
		if err != nil {
			return err
		}
		var trailer types.Dict
		if bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\f\x00"), []byte("xref")) {
			trailer, err = f.xrefTable(off)
			if err == nil {
				if stm := trailer.Int64Entry("XRefStm"); stm != nil {
					_, err = f.xrefStream(*stm)
				}
			}
		} else {
			trailer, err = f.xrefStream(off)
		}
		if err != nil {
			return err
		}
		if f.trailer == nil {
			f.trailer = trailer
		}
		off = 0
		if prev := trailer.Int64Entry("Prev"); prev != nil {
			off = *prev
		}
	}
	if f.trailer.IndirectRefEntry("Root") == nil {
		return corrupt("trailer without Root")
	}
	return nil
}

// set records an entry unless a newer section already did.
func (f *file) set(num int, e entry) error {
	if num < 0 || num >= maxObjects {
		return corrupt("object number %d out of range", num)
	}
	for len(f.entries) <= num {
		f.entries = append(f.entries, entry{})
	}
	if f.entries[num].kind == 0 {
		f.entries[num] = e
	}
	return nil
}

// countingReader counts what bufio takes from the file.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// xrefTable reads a classic "xref" section at off and its trailer.
func (f *file) xrefTable(off int64) (types.Dict, error) {
	cr := &countingReader{r: io.NewSectionReader(f.r, off, f.size-off)}
	br := bufio.NewReaderSize(cr, 64<<10)
	word := func() (string, error) {
		var b []byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				return "", corrupt("cross-reference table cut short")
			}
			if c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\f' || c == 0 {
				if len(b) > 0 {
					return string(b), nil
				}
				continue
			}
			if len(b) > 32 {
				return "", corrupt("cross-reference table garbled")
			}
			b = append(b, c)
		}
	}
	number := func() (int64, error) {
		w, err := word()
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseInt(w, 10, 64)
		if err != nil || n < 0 {
			return 0, corrupt("cross-reference number %q", w)
		}
		return n, nil
	}
	if w, err := word(); err != nil || w != "xref" {
		return nil, corrupt("no cross-reference table at %d", off)
	}
	for {
		w, err := word()
		if err != nil {
			return nil, err
		}
		if w == "trailer" {
			break
		}
		first, err := strconv.ParseInt(w, 10, 64)
		if err != nil || first < 0 {
			return nil, corrupt("cross-reference subsection %q", w)
		}
		count, err := number()
		if err != nil {
			return nil, err
		}
		if first+count > maxObjects {
			return nil, corrupt("too many objects")
		}
		for i := int64(0); i < count; i++ {
			o, err := number()
			if err != nil {
				return nil, err
			}
			g, err := number()
			if err != nil {
				return nil, err
			}
			kind, err := word()
			if err != nil || (kind != "n" && kind != "f") {
				return nil, corrupt("cross-reference entry type %q", kind)
			}
			if err := f.set(int(first+i), entry{kind: kind[0], off: o, gen: int32(g)}); err != nil {
				return nil, err
			}
		}
	}
	obj, err := f.parseAt(off + cr.n - int64(br.Buffered()))
	if err != nil {
		return nil, err
	}
	d, ok := obj.(types.Dict)
	if !ok {
		return nil, corrupt("trailer is not a dictionary")
	}
	return d, nil
}

// xrefStream reads a cross-reference stream object at off (PDF 1.5).
func (f *file) xrefStream(off int64) (types.Dict, error) {
	o, err := f.objectAt(off)
	if err != nil {
		return nil, err
	}
	if o.dataOff == 0 || o.dict.Type() == nil || *o.dict.Type() != "XRef" {
		return nil, corrupt("no cross-reference at %d", off)
	}
	data, err := f.decodedStream(o)
	if err != nil {
		return nil, err
	}
	w := o.dict.ArrayEntry("W")
	if len(w) != 3 {
		return nil, corrupt("cross-reference stream W")
	}
	var widths [3]int
	rowLen := 0
	for i, x := range w {
		n, ok := x.(types.Integer)
		if !ok || n < 0 || n > 8 {
			return nil, corrupt("cross-reference stream W")
		}
		widths[i] = int(n)
		rowLen += int(n)
	}
	size := o.dict.IntEntry("Size")
	if size == nil || *size < 0 || *size > maxObjects || rowLen == 0 {
		return nil, corrupt("cross-reference stream Size")
	}
	index := types.Array{types.Integer(0), types.Integer(*size)}
	if a := o.dict.ArrayEntry("Index"); a != nil {
		index = a
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		first, ok1 := index[i].(types.Integer)
		count, ok2 := index[i+1].(types.Integer)
		if !ok1 || !ok2 || first < 0 || count < 0 || int(first)+int(count) > maxObjects {
			return nil, corrupt("cross-reference stream Index")
		}
		for n := 0; n < int(count); n++ {
			if pos+rowLen > len(data) {
				return nil, corrupt("cross-reference stream too short")
			}
			var v [3]int64
			for k := 0; k < 3; k++ {
				for j := 0; j < widths[k]; j++ {
					v[k] = v[k]<<8 | int64(data[pos])
					pos++
				}
			}
			if widths[0] == 0 {
				v[0] = 1 // the type defaults to "in use"
			}
			e := entry{kind: 'f'}
			switch v[0] {
			case 1:
				e = entry{kind: 'n', off: v[1], gen: int32(v[2])}
			case 2:
				e = entry{kind: 'c', off: v[1], gen: int32(v[2])}
			}
			if err := f.set(int(first)+n, e); err != nil {
				return nil, err
			}
		}
	}
	return o.dict, nil
}

// decodedStream reads and decodes a structural stream (xref or object
// stream), bounded by maxStructStream.
func (f *file) decodedStream(o *object) ([]byte, error) {
	n, err := f.streamLength(o)
	if err != nil {
		return nil, err
	}
	if n > maxStructStream {
		return nil, corrupt("structural stream of %d bytes", n)
	}
	raw, err := f.readAt(o.dataOff, int(n))
	if err != nil {
		return nil, err
	}
	filters, parms, err := filterChain(o.dict)
	if err != nil {
		return nil, err
	}
	var r io.Reader = bytes.NewReader(raw)
	for i, name := range filters {
		flt, err := filter.NewFilter(name, parms(i), maxStructStream)
		if err != nil {
			return nil, corrupt("filter %s: %v", name, err)
		}
		if r, err = flt.Decode(r); err != nil {
			return nil, corrupt("decode %s: %v", name, err)
		}
	}
	out, err := io.ReadAll(io.LimitReader(r, maxStructStream+1))
	if err != nil || len(out) > maxStructStream {
		return nil, corrupt("structural stream does not decode")
	}
	return out, nil
}

// parseText parses the text of one value (a trailer, an object's body).
func (f *file) parseText(text string) (types.Object, error) {
	obj, err := model.ParseObjectContext(f.ctx, &text, 0, maxDepth)
	if err != nil {
		return nil, corrupt("object does not parse: %v", err)
	}
	return obj, nil
}
