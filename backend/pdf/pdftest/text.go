package pdftest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Text returns the text drawn on each page of doc, forms included: one
// string per page. Strings shown in a font with a ToUnicode map (the
// embedded fonts of a stamp) are decoded through it; others are read as
// Latin-1. It is a test helper, not a general text extractor.
func Text(doc []byte) ([]string, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(bytes.NewReader(doc), conf)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, ctx.PageCount)
	for p := 1; p <= ctx.PageCount; p++ {
		page, _, inh, err := ctx.PageDict(p, false)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		x := &extractor{xt: ctx.XRefTable, out: &b}
		obj, _ := page.Find("Contents")
		obj, err = ctx.Dereference(obj)
		if err != nil {
			return nil, err
		}
		streams := []types.Object{obj}
		if arr, ok := obj.(types.Array); ok {
			streams = arr
		}
		var content []byte
		for _, s := range streams {
			data, err := x.decode(s)
			if err != nil {
				return nil, err
			}
			content = append(append(content, data...), '\n')
		}
		if err := x.run(content, inh.Resources, 0); err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		out = append(out, b.String())
	}
	return out, nil
}

type extractor struct {
	xt  *model.XRefTable
	out *strings.Builder
}

func (x *extractor) decode(o types.Object) ([]byte, error) {
	sd, _, err := x.xt.DereferenceStreamDict(o)
	if err != nil || sd == nil {
		return nil, fmt.Errorf("not a stream: %v", err)
	}
	if err := sd.Decode(); err != nil {
		return nil, err
	}
	return sd.Content, nil
}

// run interprets the text operators of a content stream with its resources.
func (x *extractor) run(content []byte, res types.Dict, depth int) error {
	if depth > 8 {
		return fmt.Errorf("forms nested too deep")
	}
	fonts, _ := x.xt.DereferenceDict(res["Font"])
	xobjects, _ := x.xt.DereferenceDict(res["XObject"])
	var cmap map[uint16]rune
	var operands []token
	for _, t := range lex(content) {
		if t.kind != opToken {
			operands = append(operands, t)
			continue
		}
		switch t.text {
		case "Tf":
			if len(operands) >= 2 {
				cmap = x.toUnicode(fonts, operands[len(operands)-2].text)
			}
		case "Tj", "'", "\"", "TJ":
			for _, o := range operands {
				if o.kind == stringToken {
					x.out.WriteString(show(o.data, cmap))
				}
			}
			x.out.WriteByte(' ')
		case "Do":
			if len(operands) > 0 {
				if err := x.form(xobjects, operands[len(operands)-1].text, depth); err != nil {
					return err
				}
			}
		}
		operands = operands[:0]
	}
	return nil
}

func (x *extractor) form(xobjects types.Dict, name string, depth int) error {
	sd, _, err := x.xt.DereferenceStreamDict(xobjects[name])
	if err != nil || sd == nil || sd.Subtype() == nil || *sd.Subtype() != "Form" {
		return nil // an image
	}
	if err := sd.Decode(); err != nil {
		return err
	}
	res, _ := x.xt.DereferenceDict(sd.Dict["Resources"])
	return x.run(sd.Content, res, depth+1)
}

// toUnicode returns the code-to-text map of a font, nil for simple fonts.
func (x *extractor) toUnicode(fonts types.Dict, name string) map[uint16]rune {
	font, err := x.xt.DereferenceDict(fonts[name])
	if err != nil || font == nil {
		return nil
	}
	data, err := x.decode(font["ToUnicode"])
	if err != nil {
		return nil
	}
	m := map[uint16]rune{}
	var hexes []token
	inChar, inRange := false, false
	for _, t := range lex(data) {
		switch {
		case t.kind == opToken && t.text == "beginbfchar":
			inChar, hexes = true, nil
		case t.kind == opToken && t.text == "endbfchar":
			for i := 0; i+1 < len(hexes); i += 2 {
				if code, dst := hexes[i].data, hexes[i+1].data; len(code) == 2 && len(dst) >= 2 {
					m[uint16(code[0])<<8|uint16(code[1])] = utf16Rune(dst)
				}
			}
			inChar = false
		case t.kind == opToken && t.text == "beginbfrange":
			inRange, hexes = true, nil
		case t.kind == opToken && t.text == "endbfrange":
			// <lo> <hi> <first>: codes lo..hi map to first, first+1, …
			for i := 0; i+2 < len(hexes); i += 3 {
				lo, hi, dst := hexes[i].data, hexes[i+1].data, hexes[i+2].data
				if len(lo) != 2 || len(hi) != 2 || len(dst) < 2 {
					continue
				}
				from, to, r := int(lo[0])<<8|int(lo[1]), int(hi[0])<<8|int(hi[1]), utf16Rune(dst)
				for c := from; c <= to; c++ {
					m[uint16(c)] = r + rune(c-from)
				}
			}
			inRange = false
		case (inChar || inRange) && t.kind == stringToken:
			hexes = append(hexes, t)
		}
	}
	return m
}

func utf16Rune(b []byte) rune {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	if r := utf16.Decode(u); len(r) > 0 {
		return r[0]
	}
	return '?'
}

func show(data []byte, cmap map[uint16]rune) string {
	if cmap == nil {
		r := make([]rune, len(data))
		for i, c := range data {
			r[i] = rune(c)
		}
		return string(r)
	}
	var b strings.Builder
	for i := 0; i+1 < len(data); i += 2 {
		if r, ok := cmap[uint16(data[i])<<8|uint16(data[i+1])]; ok {
			b.WriteRune(r)
		}
	}
	return b.String()
}

const (
	opToken = iota
	stringToken
	otherToken
)

type token struct {
	kind int
	text string // operator or name (without the slash)
	data []byte // string bytes
}

// lex splits content into operators, strings (literal and hex, decoded)
// and other operands.
func lex(b []byte) []token {
	var out []token
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '(':
			data, n := literal(b[i:])
			out = append(out, token{kind: stringToken, data: data})
			i += n
		case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
			out = append(out, token{kind: otherToken})
			i += 2
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return out
			}
			h := strings.Map(func(r rune) rune {
				if strings.ContainsRune("0123456789abcdefABCDEF", r) {
					return r
				}
				return -1
			}, string(b[i+1:i+j]))
			if len(h)%2 == 1 {
				h += "0"
			}
			data, _ := hex.DecodeString(h)
			out = append(out, token{kind: stringToken, data: data})
			i += j + 1
		case c == '[' || c == ']' || c == '{' || c == '}':
			out = append(out, token{kind: otherToken})
			i++
		default:
			j := i + 1
			for j < len(b) && !strings.ContainsRune(" \n\r\t\f\x00()<>[]{}/%", rune(b[j])) {
				j++
			}
			word := string(b[i:j])
			switch {
			case c == '/':
				out = append(out, token{kind: otherToken, text: word[1:]})
			case strings.ContainsRune("+-.0123456789", rune(c)):
				out = append(out, token{kind: otherToken, text: word})
			default:
				out = append(out, token{kind: opToken, text: word})
			}
			i = j
		}
	}
	return out
}

// literal decodes the literal string at the start of b and returns it with
// the number of bytes it took.
func literal(b []byte) ([]byte, int) {
	var out []byte
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return out, i + 1
			}
			out = append(out, c)
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r', '\n':
				if e == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			default:
				if e >= '0' && e <= '7' {
					v, n := 0, 0
					for n < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7' {
						v = v*8 + int(b[i]-'0')
						i++
						n++
					}
					i--
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
		}
	}
	return out, len(b)
}
