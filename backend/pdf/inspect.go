// Package pdf checks uploaded PDF files and stamps a viewer's name on them.
//
// Inspect validates a file in memory bounded by the document's structure,
// not its size: it reads the cross-reference and every object's dictionary
// by offset (checking that each stream ends where its Length says), then
// lets pdfcpu validate a "thin" copy in which large stream data is left out.
// A 100 MiB scan thus costs a few MiB, not 100.
//
// It depends on pdfcpu only; nothing here knows about the store or HTTP.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

func init() {
	// pdfcpu must not create a configuration directory in the user's home;
	// its defaults are built in.
	api.DisableConfigDir()
}

// Errors of Inspect. Each wraps a detail for logs; compare with errors.Is.
var (
	ErrEmpty     = errors.New("pdf: empty file")
	ErrNotPDF    = errors.New("pdf: not a PDF file")
	ErrEncrypted = errors.New("pdf: encrypted")
	ErrCorrupt   = errors.New("pdf: corrupt or truncated")
)

// Info describes a valid PDF.
type Info struct {
	Pages   int
	Version string // header version, such as "1.7"
}

var header = regexp.MustCompile(`^%PDF-([12]\.[0-9])`)

// Inspect checks that r (size bytes) is a complete, unencrypted PDF that
// pdfcpu validates in relaxed mode, within lim, and counts its pages. Every
// stream is decoded once, in bounded memory, to count what it decodes to.
// Errors: ErrEmpty, ErrNotPDF (no PDF header: an image, an office file),
// ErrEncrypted, ErrCorrupt (truncated, broken cross-reference or objects,
// invalid structure), a *LimitError (ErrLimit), or the context's error.
func Inspect(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (info Info, err error) {
	if size <= 0 {
		return Info{}, ErrEmpty
	}
	defer func() {
		if p := recover(); p != nil {
			err = corrupt("parser failure: %v", p)
		}
		if ctx.Err() != nil {
			info, err = Info{}, ctx.Err()
		}
	}()
	f := &file{ctx: ctx, r: r, size: size, limits: lim}
	head, err := f.readAt(0, 16)
	if err != nil {
		return Info{}, err
	}
	m := header.FindSubmatch(head)
	if m == nil {
		return Info{}, ErrNotPDF
	}
	f.version = string(m[1])
	start, err := f.startXRef()
	if err != nil {
		return Info{}, err
	}
	if err := f.loadXRef(start); err != nil {
		return Info{}, err
	}
	if _, ok := f.trailer.Find("Encrypt"); ok {
		return Info{}, ErrEncrypted
	}
	declared, err := f.declaredPages()
	if err != nil {
		return Info{}, err
	}
	if err := lim.checkPages(declared); err != nil {
		return Info{}, err
	}
	thin, err := f.thinCopy()
	if err != nil {
		return Info{}, err
	}
	pages, err := validate(thin)
	if err != nil {
		return Info{}, err
	}
	if err := lim.checkPages(pages); err != nil {
		return Info{}, err
	}
	return Info{Pages: pages, Version: f.version}, nil
}

// Streams of the thin copy keep their data only when small (the catalog's
// metadata, which pdfcpu parses, is), within a total budget; the others
// become empty and unfiltered. pdfcpu validates dictionaries, not data.
const (
	keepStream  = 64 << 10
	keepBudget  = 4 << 20
	maxThinSize = 32 << 20
)

// thin is a PDF being written from another's objects, without their large
// stream data, with a classic cross-reference.
type thin struct {
	buf     bytes.Buffer
	offsets []entry // by object number: kind 'n' once written
	kept    int64
}

func (t *thin) begin(num, gen int) error {
	if t.buf.Len() > maxThinSize {
		return corrupt("structure larger than %d bytes", maxThinSize)
	}
	t.offsets[num] = entry{off: int64(t.buf.Len()), gen: int32(gen), kind: 'n'}
	fmt.Fprintf(&t.buf, "%d %d obj\n", num, gen)
	return nil
}

func (t *thin) object(num, gen int, v types.Object) error {
	if err := t.begin(num, gen); err != nil {
		return err
	}
	if v == nil {
		t.buf.WriteString("null")
	} else {
		t.buf.WriteString(v.PDFString())
	}
	t.buf.WriteString("\nendobj\n")
	return nil
}

func (t *thin) stream(f *file, o *object, length int64) error {
	var data []byte
	if length <= keepStream && t.kept+length <= keepBudget {
		var err error
		if data, err = f.readAt(o.dataOff, int(length)); err != nil {
			return err
		}
		t.kept += length
	} else {
		for _, k := range []string{"Filter", "DecodeParms", "DL", "F", "FFilter", "FDecodeParms"} {
			o.dict.Delete(k)
		}
	}
	o.dict["Length"] = types.Integer(len(data))
	if err := t.begin(o.num, o.gen); err != nil {
		return err
	}
	t.buf.WriteString(o.dict.PDFString())
	t.buf.WriteString("\nstream\n")
	t.buf.Write(data)
	t.buf.WriteString("\nendstream\nendobj\n")
	return nil
}

// thinCopy checks every object the cross-reference lists and writes the
// thin copy of the document.
func (f *file) thinCopy() ([]byte, error) {
	t := &thin{offsets: make([]entry, len(f.entries))}
	fmt.Fprintf(&t.buf, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", f.version)
	byStream := map[int][]int{}
	for num, e := range f.entries {
		if err := f.ctx.Err(); err != nil {
			return nil, err
		}
		switch e.kind {
		case 'c':
			byStream[int(e.off)] = append(byStream[int(e.off)], num)
		case 'n':
			if num == 0 {
				continue
			}
			o, err := f.objectAt(e.off)
			if err != nil {
				return nil, err
			}
			if o.num != num {
				continue // a stale entry; a reference to it fails validation below
			}
			if o.dataOff == 0 {
				if err := t.object(num, o.gen, o.value); err != nil {
					return nil, err
				}
				continue
			}
			n, err := f.streamLength(o)
			if err != nil {
				return nil, err
			}
			if typ := o.dict.Type(); typ != nil && (*typ == "XRef" || *typ == "ObjStm") {
				continue // structure, replaced by the copy's own
			}
			if err := f.countDecoded(o, n); err != nil {
				return nil, err
			}
			if err := t.stream(f, o, n); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range slices.Sorted(maps.Keys(byStream)) {
		for _, num := range byStream[s] {
			v, err := f.compressed(num, f.entries[num])
			if err != nil {
				return nil, err
			}
			if err := t.object(num, 0, v); err != nil {
				return nil, err
			}
		}
	}
	return t.finish(f.trailer, len(f.entries)), nil
}

func (t *thin) finish(trailer types.Dict, size int) []byte {
	xref := t.buf.Len()
	fmt.Fprintf(&t.buf, "xref\n0 %d\n", size)
	for num := 0; num < size; num++ {
		if o := t.offsets[num]; o.kind == 'n' {
			fmt.Fprintf(&t.buf, "%010d %05d n\r\n", o.off, o.gen)
		} else {
			t.buf.WriteString("0000000000 65535 f\r\n")
		}
	}
	d := types.Dict{"Size": types.Integer(size)}
	for _, k := range []string{"Root", "Info", "ID"} {
		if v, ok := trailer.Find(k); ok {
			d[k] = v
		}
	}
	fmt.Fprintf(&t.buf, "trailer\n%s\nstartxref\n%d\n%%%%EOF\n", d.PDFString(), xref)
	return t.buf.Bytes()
}

// validate runs pdfcpu's relaxed validation on the thin copy and returns
// the page count.
func validate(doc []byte) (int, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(bytes.NewReader(doc), conf)
	if err != nil {
		return 0, corrupt("validation: %s", strings.TrimSpace(err.Error()))
	}
	if ctx.PageCount < 1 {
		return 0, corrupt("no pages")
	}
	return ctx.PageCount, nil
}
