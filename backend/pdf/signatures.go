package pdf

import (
	"context"
	"errors"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// SignatureField is a signed signature field of a PDF's form, as the file
// declares it (nothing checked yet).
type SignatureField struct {
	// Name is the field's full name (parent.child).
	Name string
	// SubFilter, Signer (/Name) and M (the claimed signing time, a PDF
	// date) are the signature dictionary's.
	SubFilter, Signer, M string
	// ByteRange is the signed range, four numbers (nil when it has not).
	ByteRange []int64
	// Contents is the CMS signature (its zero padding included).
	Contents []byte
}

// Bounds on reading the signatures of a form, whatever the file: real
// documents carry a few signatures in a form of at most hundreds of fields.
const (
	// MaxSignatures is the most signed signature fields a PDF may carry.
	MaxSignatures = 16
	// maxFieldObjects is the most field objects a form's tree is read for.
	maxFieldObjects = 4096
	// maxFieldDepth is the deepest a field tree is read.
	maxFieldDepth = 32
	// maxObjectStreams bounds what object streams decode to while a form
	// is read (a field tree spread over streams read in turn).
	maxObjectStreams = 256 << 20
)

// SignatureFields reads the signed signature fields of the PDF in r (size
// bytes), in the order of the form's tree. Every object is read once, so a
// field tree that names the same field many times, or itself, costs as
// much as the objects the file has; a form naming more than MaxSignatures
// signatures (or more than a few thousand fields) is refused with a
// *LimitError (LimitSignatures). A PDF without a form gives none.
// Errors: ErrEmpty, ErrNotPDF, ErrEncrypted, ErrCorrupt, *LimitError, the
// context's error.
func SignatureFields(ctx context.Context, r io.ReaderAt, size int64) (fields []SignatureField, err error) {
	if size <= 0 {
		return nil, ErrEmpty
	}
	defer func() {
		if p := recover(); p != nil {
			fields, err = nil, corrupt("parser failure: %v", p)
		}
	}()
	f := &file{ctx: ctx, r: r, size: size, objBudget: maxObjectStreams, trailing: true}
	head, err := f.readAt(0, 16)
	if err != nil {
		return nil, err
	}
	if header.FindSubmatch(head) == nil {
		return nil, ErrNotPDF
	}
	start, err := f.startXRef()
	if err != nil {
		return nil, err
	}
	if err := f.loadXRef(start); err != nil {
		return nil, err
	}
	if _, ok := f.trailer.Find("Encrypt"); ok {
		return nil, ErrEncrypted
	}
	root, err := f.resolveDict(f.trailer["Root"])
	if err != nil {
		return nil, err
	}
	w := &fieldWalk{f: f, seen: map[int]bool{}}
	acro, err := w.value(root["AcroForm"])
	if err != nil || acro == nil {
		return nil, err
	}
	form, ok := acro.(types.Dict)
	if !ok {
		return nil, nil
	}
	if err := w.walk(form["Fields"], "", 0); err != nil {
		return nil, err
	}
	return w.out, nil
}

// fieldWalk reads a form's field tree, each object once.
type fieldWalk struct {
	f     *file
	seen  map[int]bool
	reads int
	out   []SignatureField
}

var errSeen = errors.New("pdf: object already read")

// value returns o, or the object it refers to when that was not read
// before (errSeen when it was); nil for a missing or free object.
func (w *fieldWalk) value(o types.Object) (types.Object, error) {
	ref, ok := o.(types.IndirectRef)
	if !ok {
		return o, nil
	}
	num := ref.ObjectNumber.Value()
	if w.seen[num] {
		return nil, errSeen
	}
	w.seen[num] = true
	if w.reads++; w.reads > maxFieldObjects {
		return nil, &LimitError{Limit: LimitSignatures, Max: MaxSignatures}
	}
	if err := w.f.ctx.Err(); err != nil {
		return nil, err
	}
	if num <= 0 || num >= len(w.f.entries) || (w.f.entries[num].kind != 'n' && w.f.entries[num].kind != 'c') {
		return nil, nil // a reference to nothing is null
	}
	return w.f.resolve(num)
}

// walk reads the fields of an array (Fields or Kids) under parent's name.
func (w *fieldWalk) walk(o types.Object, parent string, depth int) error {
	if depth > maxFieldDepth {
		return corrupt("form fields nested deeper than %d", maxFieldDepth)
	}
	v, err := w.value(o)
	if errors.Is(err, errSeen) {
		return nil
	}
	if err != nil {
		return err
	}
	arr, ok := v.(types.Array)
	if !ok {
		return nil
	}
	for _, el := range arr {
		fv, err := w.value(el)
		if errors.Is(err, errSeen) {
			continue // a field named twice (or its own kid) is read once
		}
		if err != nil {
			return err
		}
		d, ok := fv.(types.Dict)
		if !ok {
			continue
		}
		name := text(d["T"])
		if parent != "" {
			name = parent + "." + name
		}
		if err := w.walk(d["Kids"], name, depth+1); err != nil {
			return err
		}
		if ft, _ := d["FT"].(types.Name); ft != "Sig" {
			continue
		}
		sv, err := w.value(d["V"])
		if errors.Is(err, errSeen) {
			continue // one signature dictionary is one signature
		}
		if err != nil {
			return err
		}
		sig, ok := sv.(types.Dict)
		if !ok {
			continue
		}
		sf, ok := signatureField(name, sig)
		if !ok {
			continue
		}
		if len(w.out) == MaxSignatures {
			return &LimitError{Limit: LimitSignatures, Max: MaxSignatures}
		}
		w.out = append(w.out, sf)
	}
	return nil
}

// signatureField reads a signature dictionary with contents.
func signatureField(name string, d types.Dict) (SignatureField, bool) {
	sf := SignatureField{Name: name, Signer: text(d["Name"]), M: text(d["M"])}
	if sub, ok := d["SubFilter"].(types.Name); ok {
		sf.SubFilter = string(sub)
	}
	switch c := d["Contents"].(type) {
	case types.HexLiteral:
		sf.Contents, _ = c.Bytes() // unreadable: listed, and not valid
	case types.StringLiteral:
		sf.Contents, _ = types.Unescape(c.Value())
	default:
		return sf, false
	}
	if br, ok := d["ByteRange"].(types.Array); ok && len(br) == 4 {
		r := make([]int64, 4)
		for i, x := range br {
			n, ok := x.(types.Integer)
			if !ok {
				return sf, true
			}
			r[i] = int64(n)
		}
		sf.ByteRange = r
	}
	return sf, true
}

// text is a string or hex string's text, "" for anything else.
func text(o types.Object) string {
	s, err := types.StringOrHexLiteral(o)
	if err != nil || s == nil {
		return ""
	}
	return *s
}
