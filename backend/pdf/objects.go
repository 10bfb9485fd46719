package pdf

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// object is an indirect object read at an offset. For a stream, dict is its
// dictionary and dataOff where its data starts (the data is not read).
// text is the object as written, from "num gen obj" up to its "endobj" or
// "stream" keyword.
type object struct {
	num, gen int
	value    types.Object
	dict     types.Dict
	dataOff  int64
	text     string
}

// objectText reads the text of the object at off up to its "endobj" or
// "stream" keyword, growing the window as needed (bounded by maxObjectText).
func (f *file) objectText(off int64) (line string, endInd, streamInd int, err error) {
	for n := 4096; ; n *= 4 {
		if err := f.ctx.Err(); err != nil {
			return "", 0, 0, err
		}
		b, err := f.readAt(off, n)
		if err != nil {
			return "", 0, 0, err
		}
		line = string(b)
		endInd, streamInd, err = model.DetectKeywordsWithContext(f.ctx, line)
		if err != nil {
			return "", 0, 0, corrupt("object at %d: %v", off, err)
		}
		isStream := streamInd >= 0 && (endInd < 0 || streamInd < endInd)
		short := len(b) == n && isStream && streamInd+8 > len(line) // the end of line after "stream" may be cut
		if (endInd >= 0 || streamInd >= 0) && !short {
			return line, endInd, streamInd, nil
		}
		if len(b) < n || n >= maxObjectText {
			return "", 0, 0, corrupt("object at %d has no end", off)
		}
	}
}

// objectAt parses the indirect object "num gen obj …" that starts at off.
func (f *file) objectAt(off int64) (*object, error) {
	line, endInd, streamInd, err := f.objectText(off)
	if err != nil {
		return nil, err
	}
	isStream := streamInd >= 0 && (endInd < 0 || streamInd < endInd)
	var text string
	if isStream {
		text = line[:streamInd]
	} else {
		text = line[:endInd]
	}
	whole := text
	num, gen, err := model.ParseObjectAttributes(&text)
	if err != nil {
		return nil, corrupt("no object at %d: %v", off, err)
	}
	o := &object{num: *num, gen: *gen, text: strings.TrimLeft(whole, " \t\r\n\f\x00")}
	if text = strings.TrimSpace(text); text == "" {
		return nil, corrupt("object %d is empty", o.num)
	}
	if o.value, err = f.parseText(text); err != nil {
		return nil, err
	}
	if !isStream {
		return o, nil
	}
	d, ok := o.value.(types.Dict)
	if !ok {
		return nil, corrupt("stream %d without dictionary", o.num)
	}
	// The data starts after "stream" and its end of line (CRLF, or LF).
	p := streamInd + len("stream")
	switch {
	case strings.HasPrefix(line[p:], "\r\n"):
		p += 2
	case strings.HasPrefix(line[p:], "\n"), strings.HasPrefix(line[p:], "\r"):
		p++
	default:
		return nil, corrupt("stream %d: no end of line after the keyword", o.num)
	}
	o.dict, o.dataOff = d, off+int64(p)
	return o, nil
}

// parseAt parses the value that starts at off, outside any object (a
// trailer dictionary): the window grows until it holds "startxref".
func (f *file) parseAt(off int64) (types.Object, error) {
	for n := 4096; ; n *= 4 {
		b, err := f.readAt(off, n)
		if err != nil {
			return nil, err
		}
		if i := bytes.Index(b, []byte("startxref")); i >= 0 {
			return f.parseText(string(b[:i]))
		}
		if len(b) < n || n >= maxObjectText {
			return f.parseText(string(b))
		}
	}
}

// resolve returns the value of object num through the cross-reference.
func (f *file) resolve(num int) (types.Object, error) {
	if num <= 0 || num >= len(f.entries) {
		return nil, corrupt("reference to missing object %d", num)
	}
	switch e := f.entries[num]; e.kind {
	case 'n':
		o, err := f.objectAt(e.off)
		if err != nil {
			return nil, err
		}
		if o.num != num {
			return nil, corrupt("object %d is not at its offset", num)
		}
		return o.value, nil
	case 'c':
		return f.compressed(num, e)
	}
	return nil, corrupt("reference to free object %d", num)
}

// streamLength returns a stream's Length (direct or indirect) and checks
// that the data fits in the file and is followed by "endstream".
func (f *file) streamLength(o *object) (int64, error) {
	n, ref := o.dict.Length()
	if n == nil && ref != nil {
		v, err := f.resolve(*ref)
		if err != nil {
			return 0, err
		}
		i, ok := v.(types.Integer)
		if !ok {
			return 0, corrupt("stream %d: Length is not a number", o.num)
		}
		l := int64(i)
		n = &l
	}
	if n == nil || *n < 0 || o.dataOff+*n >= f.size {
		return 0, corrupt("stream %d: no valid Length", o.num)
	}
	b, err := f.readAt(o.dataOff+*n, 32)
	if err != nil {
		return 0, err
	}
	if !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n\f\x00"), []byte("endstream")) {
		return 0, corrupt("stream %d: no endstream after %d bytes", o.num, *n)
	}
	return *n, nil
}

// objStream is a decoded object stream (PDF 1.5): objects packed together.
type objStream struct {
	num     int
	data    []byte
	nums    []int // object number at each index
	offsets []int // offset of each index in data
}

func (f *file) objStream(num int) (*objStream, error) {
	if f.stm != nil && f.stm.num == num {
		return f.stm, nil
	}
	if num <= 0 || num >= len(f.entries) || f.entries[num].kind != 'n' {
		return nil, corrupt("object stream %d missing", num)
	}
	o, err := f.objectAt(f.entries[num].off)
	if err != nil {
		return nil, err
	}
	if o.num != num || o.dataOff == 0 || o.dict.Type() == nil || *o.dict.Type() != "ObjStm" {
		return nil, corrupt("object %d is not an object stream", num)
	}
	count, first := o.dict.IntEntry("N"), o.dict.IntEntry("First")
	if count == nil || first == nil || *count < 0 || *first < 0 {
		return nil, corrupt("object stream %d: N or First", num)
	}
	data, err := f.decodedStream(o)
	if err != nil {
		return nil, err
	}
	if f.objBudget != 0 {
		if f.objBudget -= int64(len(data)); f.objBudget <= 0 {
			return nil, &LimitError{Limit: LimitSignatures, Max: MaxSignatures}
		}
	}
	if *first > len(data) {
		return nil, corrupt("object stream %d: First beyond data", num)
	}
	header := strings.Fields(string(data[:*first]))
	if len(header) < 2**count {
		return nil, corrupt("object stream %d: header too short", num)
	}
	s := &objStream{num: num, data: data, nums: make([]int, *count), offsets: make([]int, *count)}
	for i := 0; i < *count; i++ {
		n, err1 := strconv.Atoi(header[2*i])
		off, err2 := strconv.Atoi(header[2*i+1])
		if err1 != nil || err2 != nil || off < 0 || *first+off > len(data) {
			return nil, corrupt("object stream %d: header entry %d", num, i)
		}
		s.nums[i], s.offsets[i] = n, *first+off
	}
	f.stm = s
	return s, nil
}

// compressed returns the value of object num stored in an object stream.
func (f *file) compressed(num int, e entry) (types.Object, error) {
	text, err := f.compressedText(num, e)
	if err != nil {
		return nil, err
	}
	return f.parseText(text)
}

// compressedText returns the text of object num stored in an object stream.
func (f *file) compressedText(num int, e entry) (string, error) {
	s, err := f.objStream(int(e.off))
	if err != nil {
		return "", err
	}
	idx := int(e.gen)
	if idx < 0 || idx >= len(s.nums) || s.nums[idx] != num {
		return "", corrupt("object %d not in object stream %d", num, s.num)
	}
	end := len(s.data)
	if idx+1 < len(s.offsets) && s.offsets[idx+1] > s.offsets[idx] {
		end = s.offsets[idx+1]
	}
	return string(s.data[s.offsets[idx]:end]), nil
}
