package pdf

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// blankPage returns a one-page PDF with nothing drawn: pdfcpu lays the
// stamp's text out on it, with the font subset the text needs.
func blankPage() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	var offsets []int
	for _, obj := range []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
	} {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// stampForm is a stamp's text as a form XObject and the graphics state it
// is drawn with, with every object they need, ready to be added to any
// document under new object numbers.
type stampForm struct {
	form, gs int             // object numbers of the form and of its graphics state
	objects  map[int]*object // by object number in pdfcpu's output
	data     map[int][]byte  // the encoded data of the streams among them
	order    []int           // their object numbers, ascending
	width    float64         // of the form's bounding box
}

// newStampForm has pdfcpu stamp text on a blank page, as it would on any
// page, and takes the stamp's form and graphics state out of the result.
func newStampForm(text string) (*stampForm, error) {
	if err := ensureFont(); err != nil {
		return nil, err
	}
	wm, err := api.TextWatermark(text, stampDesc, true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("pdf: stamp: %w", err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(blankPage()), &out, nil, wm, conf); err != nil {
		return nil, fmt.Errorf("pdf: stamp: %w", err)
	}
	f := &file{ctx: context.Background(), r: bytes.NewReader(out.Bytes()), size: int64(out.Len())}
	start, err := f.startXRef()
	if err != nil {
		return nil, err
	}
	if err := f.loadXRef(start); err != nil {
		return nil, err
	}
	pages, err := f.pageTree(1)
	if err != nil {
		return nil, err
	}
	var page types.Dict
	for num := range pages {
		if page, err = f.resolveDict(types.IndirectRef{ObjectNumber: types.Integer(num)}); err != nil {
			return nil, err
		}
	}
	res, err := f.resolveDict(page["Resources"])
	if err != nil {
		return nil, err
	}
	form, err := onlyRef(f, res["XObject"])
	if err != nil {
		return nil, err
	}
	gs, err := onlyRef(f, res["ExtGState"])
	if err != nil {
		return nil, err
	}
	s := &stampForm{form: form, gs: gs, objects: map[int]*object{}, data: map[int][]byte{}}
	if err := s.collect(f, form); err != nil {
		return nil, err
	}
	if err := s.collect(f, gs); err != nil {
		return nil, err
	}
	bbox, _ := s.objects[form].dict["BBox"].(types.Array)
	if len(bbox) != 4 {
		return nil, fmt.Errorf("pdf: stamp: the form has no bounding box")
	}
	x0, _ := number(bbox[0])
	x1, _ := number(bbox[2])
	s.width = x1 - x0
	return s, nil
}

// onlyRef returns the reference of the one entry of a resource dictionary.
func onlyRef(f *file, o types.Object) (int, error) {
	d, err := f.resolveDict(o)
	if err != nil {
		return 0, err
	}
	for _, v := range d {
		if ref, ok := v.(types.IndirectRef); ok && len(d) == 1 {
			return ref.ObjectNumber.Value(), nil
		}
	}
	return 0, fmt.Errorf("pdf: stamp: unexpected resources %s", d.PDFString())
}

// collect adds object num and every object it refers to, except the
// optional content group pdfcpu puts the stamp in: viewers let readers
// hide such a group, and a stamp is not to be hidden.
func (s *stampForm) collect(f *file, num int) error {
	if _, ok := s.objects[num]; ok {
		return nil
	}
	if num <= 0 || num >= len(f.entries) {
		return fmt.Errorf("pdf: stamp: reference to missing object %d", num)
	}
	o := &object{num: num}
	switch e := f.entries[num]; e.kind {
	case 'n':
		var err error
		if o, err = f.objectAt(e.off); err != nil {
			return err
		}
		if o.dataOff != 0 {
			n, err := f.streamLength(o)
			if err != nil {
				return err
			}
			if s.data[num], err = f.readAt(o.dataOff, int(n)); err != nil {
				return err
			}
			delete(o.dict, "OC")
			o.value = o.dict
		}
	case 'c':
		v, err := f.compressed(num, e)
		if err != nil {
			return err
		}
		o.value = v
	default:
		return fmt.Errorf("pdf: stamp: reference to free object %d", num)
	}
	s.objects[num] = o
	s.order = append(s.order, num)
	var err error
	walkRefs(o.value, func(ref int) {
		if err == nil {
			err = s.collect(f, ref)
		}
	})
	slices.Sort(s.order)
	return err
}

// walkRefs calls fn with the object number of every reference in o.
func walkRefs(o types.Object, fn func(int)) {
	switch v := o.(type) {
	case types.IndirectRef:
		fn(v.ObjectNumber.Value())
	case types.Dict:
		for _, x := range v {
			walkRefs(x, fn)
		}
	case types.Array:
		for _, x := range v {
			walkRefs(x, fn)
		}
	}
}

// renumbered returns a copy of o whose references follow m.
func renumbered(o types.Object, m map[int]int) types.Object {
	switch v := o.(type) {
	case types.IndirectRef:
		return *types.NewIndirectRef(m[v.ObjectNumber.Value()], 0)
	case types.Dict:
		d := types.Dict{}
		for k, x := range v {
			d[k] = renumbered(x, m)
		}
		return d
	case types.Array:
		a := make(types.Array, len(v))
		for i, x := range v {
			a[i] = renumbered(x, m)
		}
		return a
	}
	return o
}
