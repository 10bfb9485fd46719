package pdf

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Stamp copies the PDF in src (size bytes) to w with text (any Unicode
// text; Vietnamese renders) stamped at the foot of every page, over the
// content, as shown (a rotated page gets it at the foot of what is seen).
//
// It never decodes the document's content: every object is copied as it is,
// one at a time, each page with the stamp drawn after its content and
// resources that name the stamp, then the stamp's form and font (laid out
// by pdfcpu on a blank page) and a new cross-reference. The copy has a
// single revision: no earlier, unstamped one to cut back to. Memory is
// that of the structure (the cross-reference, one object, an object
// stream), not of the document; time is linear in its size. It stops when
// ctx ends. Errors: ErrNotPDF, ErrEncrypted, ErrCorrupt, ctx's, w's.
func Stamp(ctx context.Context, src io.ReaderAt, size int64, w io.Writer, text string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = corrupt("parser failure: %v", p)
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}()
	form, err := newStampForm(text)
	if err != nil {
		return err
	}
	f := &file{ctx: ctx, r: src, size: size}
	head, err := f.readAt(0, 16)
	if err != nil {
		return err
	}
	m := header.FindSubmatch(head)
	if m == nil {
		return ErrNotPDF
	}
	f.version = string(m[1])
	start, err := f.startXRef()
	if err != nil {
		return err
	}
	if err := f.loadXRef(start); err != nil {
		return err
	}
	if _, ok := f.trailer.Find("Encrypt"); ok {
		return ErrEncrypted
	}
	pages, err := f.pageTree(0)
	if err != nil {
		return err
	}
	s := newStamper(f, form, pages, w)
	if err := s.copyObjects(); err != nil {
		return err
	}
	return s.finish()
}

// stamper writes the stamped copy.
type stamper struct {
	f     *file
	form  *stampForm
	pages map[int]leaf
	out   *bufio.Writer
	n     int64   // bytes written
	off   []int64 // offset of each object written, by number (0: none)
	gen   []int32
	// New objects: the form's (pdfcpu's number → the copy's), the q and Q
	// wrapping each page's content, and a placement per page geometry.
	renumber   map[int]int
	q, Q       int
	placements map[geometry]int
	geometries []geometry // the keys of placements, in order
	// Resource names of the stamp, random so as not to meet a page's own.
	formName, gsName types.Name
}

// geometry is what a placement of the stamp depends on.
type geometry struct {
	box    box
	rotate int
}

func newStamper(f *file, form *stampForm, pages map[int]leaf, w io.Writer) *stamper {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	s := &stamper{f: f, form: form, pages: pages, out: bufio.NewWriterSize(w, 64<<10), renumber: map[int]int{}, placements: map[geometry]int{},
		formName: types.Name("ECabStamp" + hex.EncodeToString(suffix)), gsName: types.Name("ECabGS" + hex.EncodeToString(suffix))}
	next := len(f.entries)
	if size := f.trailer.IntEntry("Size"); size != nil && *size > next {
		next = *size
	}
	for _, num := range form.order {
		s.renumber[num] = next
		next++
	}
	s.q, s.Q = next, next+1
	next += 2
	var geos []geometry
	for _, p := range pages {
		g := geometry{p.box, p.rotate}
		if _, ok := s.placements[g]; !ok {
			s.placements[g] = 0
			geos = append(geos, g)
		}
	}
	slices.SortFunc(geos, func(a, b geometry) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	for _, g := range geos {
		s.placements[g] = next
		next++
	}
	s.geometries = geos
	s.off, s.gen = make([]int64, next), make([]int32, next)
	s.printf("%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", max(f.version, "1.4"))
	return s
}

func (s *stamper) printf(format string, args ...any) {
	k, _ := fmt.Fprintf(s.out, format, args...)
	s.n += int64(k)
}

func (s *stamper) write(text string) {
	k, _ := s.out.WriteString(text)
	s.n += int64(k)
}

// begin records that object num (generation gen) starts here.
func (s *stamper) begin(num, gen int) {
	s.off[num], s.gen[num] = s.n, int32(gen)
}

// copyObjects copies every object of the cross-reference, but the
// structure streams, which the new cross-reference replaces: those at an
// offset first, then those in object streams, a stream at a time.
func (s *stamper) copyObjects() error {
	f := s.f
	byStream := map[int][]int{}
	for num, e := range f.entries {
		if err := f.ctx.Err(); err != nil {
			return err
		}
		switch {
		case e.kind == 'c':
			byStream[int(e.off)] = append(byStream[int(e.off)], num)
		case e.kind == 'n' && num > 0:
			if err := s.copyObject(num, e); err != nil {
				return err
			}
		}
	}
	for _, stm := range slices.Sorted(maps.Keys(byStream)) {
		for _, num := range byStream[stm] {
			if err := f.ctx.Err(); err != nil {
				return err
			}
			text, err := f.compressedText(num, f.entries[num])
			if err != nil {
				return err
			}
			if p, ok := s.pages[num]; ok {
				v, err := f.parseText(text)
				if err != nil {
					return err
				}
				if err := s.page(num, 0, p, v); err != nil {
					return err
				}
				continue
			}
			s.begin(num, 0)
			s.printf("%d 0 obj\n%s\nendobj\n", num, text)
		}
	}
	return nil
}

// copyObject copies the object at e, a stream's data as it is.
func (s *stamper) copyObject(num int, e entry) error {
	f := s.f
	o, err := f.objectAt(e.off)
	if err != nil {
		return err
	}
	if o.num != num {
		return nil // a stale entry: nothing refers to it that works
	}
	if p, ok := s.pages[num]; ok {
		return s.page(num, o.gen, p, o.value)
	}
	if o.dataOff == 0 {
		s.begin(num, o.gen)
		s.write(o.text)
		s.write("\nendobj\n")
		return nil
	}
	if typ := o.dict.Type(); typ != nil && (*typ == "XRef" || *typ == "ObjStm") {
		return nil
	}
	length, err := f.streamLength(o)
	if err != nil {
		return err
	}
	s.begin(num, o.gen)
	s.write(o.text)
	s.write("stream\n")
	k, err := io.Copy(s.out, io.NewSectionReader(f.r, o.dataOff, length))
	s.n += k
	if err != nil {
		return err
	}
	s.write("\nendstream\nendobj\n")
	return nil
}

// page writes page num with the stamp drawn after its content: its content
// wrapped in q … Q (whatever state it leaves, the stamp starts clean),
// then the placement of the stamp for its geometry, and its resources with
// the stamp's form and graphics state added under the stamp's names.
func (s *stamper) page(num, gen int, p leaf, v types.Object) error {
	d, ok := v.(types.Dict)
	if !ok {
		return corrupt("page %d is not a dictionary", num)
	}
	res := p.resources
	if own, ok := d["Resources"]; ok {
		res = own
	}
	resources, err := s.dictCopy(res)
	if err != nil {
		return err
	}
	for _, add := range []struct {
		kind string
		name types.Name
		num  int
	}{{"XObject", s.formName, s.renumber[s.form.form]}, {"ExtGState", s.gsName, s.renumber[s.form.gs]}} {
		sub, err := s.dictCopy(resources[add.kind])
		if err != nil {
			return err
		}
		sub[string(add.name)] = *types.NewIndirectRef(add.num, 0)
		resources[add.kind] = sub
	}
	contents, err := s.contents(d["Contents"])
	if err != nil {
		return err
	}
	page := types.Dict{}
	for k, x := range d {
		page[k] = x
	}
	page["Resources"] = resources
	page["Contents"] = append(append(types.Array{*types.NewIndirectRef(s.q, 0)}, contents...),
		*types.NewIndirectRef(s.Q, 0), *types.NewIndirectRef(s.placements[geometry{p.box, p.rotate}], 0))
	s.begin(num, gen)
	s.printf("%d %d obj\n%s\nendobj\n", num, gen, page.PDFString())
	return nil
}

// dictCopy returns a copy of the dictionary o is or refers to (an empty
// one for nothing).
func (s *stamper) dictCopy(o types.Object) (types.Dict, error) {
	out := types.Dict{}
	if o == nil {
		return out, nil
	}
	d, err := s.f.resolveDict(o)
	if err != nil {
		return nil, err
	}
	for k, x := range d {
		out[k] = x
	}
	return out, nil
}

// contents returns the content streams of a page: Contents is a stream, an
// array of streams, or a reference to such an array.
func (s *stamper) contents(o types.Object) (types.Array, error) {
	switch v := o.(type) {
	case nil:
		return nil, nil
	case types.Array:
		return v, nil
	case types.IndirectRef:
		num := v.ObjectNumber.Value()
		if num > 0 && num < len(s.f.entries) && s.f.entries[num].kind == 'n' {
			target, err := s.f.objectAt(s.f.entries[num].off)
			if err != nil {
				return nil, err
			}
			if target.dataOff != 0 {
				return types.Array{v}, nil
			}
			if a, ok := target.value.(types.Array); ok {
				return a, nil
			}
		}
		arr, err := s.f.resolveArray(v)
		if err != nil {
			return nil, err
		}
		return arr, nil
	}
	return nil, corrupt("page contents %v", o)
}

// finish writes the new objects, the cross-reference and the trailer.
func (s *stamper) finish() error {
	for _, num := range s.form.order {
		o := s.form.objects[num]
		n := s.renumber[num]
		s.begin(n, 0)
		if data, ok := s.form.data[num]; ok {
			d := renumbered(o.dict, s.renumber).(types.Dict)
			d["Length"] = types.Integer(len(data))
			s.printf("%d 0 obj\n%s\nstream\n", n, d.PDFString())
			k, _ := s.out.Write(data)
			s.n += int64(k)
			s.write("\nendstream\nendobj\n")
			continue
		}
		s.printf("%d 0 obj\n%s\nendobj\n", n, renumbered(o.value, s.renumber).PDFString())
	}
	s.stream(s.q, "q\n")
	s.stream(s.Q, "\nQ\n")
	for _, g := range s.geometries {
		s.stream(s.placements[g], s.placement(g))
	}
	xref := s.n
	s.printf("xref\n0 %d\n", len(s.off))
	for num := range s.off {
		if s.off[num] == 0 {
			s.write("0000000000 65535 f\r\n")
			continue
		}
		s.printf("%010d %05d n\r\n", s.off[num], s.gen[num])
	}
	trailer := types.Dict{"Size": types.Integer(len(s.off))}
	for _, k := range []string{"Root", "Info", "ID"} {
		if v, ok := s.f.trailer.Find(k); ok {
			trailer[k] = v
		}
	}
	s.printf("trailer\n%s\nstartxref\n%d\n%%%%EOF\n", trailer.PDFString(), xref)
	return s.out.Flush()
}

func (s *stamper) stream(num int, content string) {
	s.begin(num, 0)
	s.printf("%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", num, len(content), content)
}

// placement draws the stamp centred at the foot of a page as shown, in its
// bottom margin: 1 point above the bottom edge of its box after rotation,
// so the 8-point text's box (13.6 points high) stays within the lowest 15
// points, below any line a document's margins leave room for; the text is
// read upright.
func (s *stamper) placement(g geometry) string {
	w, h := g.box[2]-g.box[0], g.box[3]-g.box[1]
	shownWidth := w
	if g.rotate == 90 || g.rotate == 270 {
		shownWidth = h
	}
	m := [6]float64{1, 0, 0, 1, 0, 0} // shown → page coordinates
	switch g.rotate {
	case 90:
		m = [6]float64{0, 1, -1, 0, w, 0}
	case 180:
		m = [6]float64{-1, 0, 0, -1, w, h}
	case 270:
		m = [6]float64{0, -1, 1, 0, 0, h}
	}
	m[4] += g.box[0]
	m[5] += g.box[1]
	nums := make([]string, 0, 6)
	for _, x := range m {
		nums = append(nums, pdfNumber(x))
	}
	return fmt.Sprintf("q %s cm /Artifact <</Subtype /Watermark /Type /Pagination >>BDC q 1 0 0 1 %s 1 cm /%s gs /%s Do Q EMC Q",
		strings.Join(nums, " "), pdfNumber((shownWidth-s.form.width)/2), s.gsName, s.formName)
}

// pdfNumber writes x with at most three decimals, never in exponent form.
func pdfNumber(x float64) string {
	return strconv.FormatFloat(math.Round(x*1000)/1000, 'f', -1, 64)
}
