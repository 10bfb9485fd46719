package pdf

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// leaf is a page of a document's page tree: its object, the resources it
// inherits when it has none of its own, the box its content is shown in
// (CropBox, else MediaBox, own or inherited) and its rotation.
type leaf struct {
	gen       int
	resources types.Object // nil when the page has its own
	box       box
	rotate    int // 0, 90, 180 or 270: the page turns clockwise by it when shown
}

// box is a rectangle [llx lly urx ury] in default user space.
type box [4]float64

// inherited are the attributes a page tree node passes to its kids.
type inherited struct {
	resources   types.Object
	media, crop types.Object
	rotate      types.Object
}

// maxTreeDepth bounds the nesting of page tree nodes.
const maxTreeDepth = 64

// pageTree walks the page tree from the catalog and returns its pages by
// object number. Each node is read once; a loop, a node deeper than
// maxTreeDepth or more than max pages (when max > 0) is refused.
func (f *file) pageTree(max int) (map[int]leaf, error) {
	root, err := f.resolveDict(f.trailer["Root"])
	if err != nil {
		return nil, err
	}
	top, ok := root["Pages"].(types.IndirectRef)
	if !ok {
		return nil, corrupt("catalog without a page tree reference")
	}
	pages := map[int]leaf{}
	seen := map[int]bool{}
	var walk func(ref types.IndirectRef, in inherited, depth int) error
	walk = func(ref types.IndirectRef, in inherited, depth int) error {
		num := ref.ObjectNumber.Value()
		if seen[num] || depth > maxTreeDepth {
			return corrupt("page tree loops or nests too deep at object %d", num)
		}
		seen[num] = true
		if err := f.ctx.Err(); err != nil {
			return err
		}
		v, err := f.resolve(num)
		if err != nil {
			return err
		}
		node, ok := v.(types.Dict)
		if !ok {
			return corrupt("page tree node %d is not a dictionary", num)
		}
		for _, a := range []struct {
			key string
			dst *types.Object
		}{{"Resources", &in.resources}, {"MediaBox", &in.media}, {"CropBox", &in.crop}, {"Rotate", &in.rotate}} {
			if x, ok := node[a.key]; ok {
				*a.dst = x
			}
		}
		kids, isNode := node["Kids"]
		if !isNode {
			if max > 0 && len(pages) >= max {
				return &LimitError{Limit: LimitPages, Max: int64(max), Pages: len(pages) + 1}
			}
			p := leaf{gen: ref.GenerationNumber.Value()}
			if _, own := node["Resources"]; !own {
				p.resources = in.resources
			}
			if p.box, err = f.pageBox(in); err != nil {
				return err
			}
			if p.rotate, err = f.rotation(in.rotate); err != nil {
				return err
			}
			pages[num] = p
			return nil
		}
		arr, err := f.resolveArray(kids)
		if err != nil {
			return err
		}
		for _, k := range arr {
			kid, ok := k.(types.IndirectRef)
			if !ok {
				return corrupt("page tree node %d has a kid that is not a reference", num)
			}
			if err := walk(kid, in, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(top, inherited{}, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// pageBox returns the crop box, else the media box, else US Letter.
func (f *file) pageBox(in inherited) (box, error) {
	for _, o := range []types.Object{in.crop, in.media} {
		if o == nil {
			continue
		}
		arr, err := f.resolveArray(o)
		if err != nil || len(arr) != 4 {
			return box{}, corrupt("page box is not four numbers")
		}
		var b box
		for i, x := range arr {
			n, ok := number(x)
			if !ok {
				return box{}, corrupt("page box is not four numbers")
			}
			b[i] = n
		}
		return box{min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])}, nil
	}
	return box{0, 0, 612, 792}, nil
}

// rotation returns a page's Rotate as 0, 90, 180 or 270.
func (f *file) rotation(o types.Object) (int, error) {
	if o == nil {
		return 0, nil
	}
	n, err := resolved[types.Integer](f, o, "a page rotation")
	if err != nil {
		return 0, err
	}
	if n%90 != 0 {
		return 0, corrupt("page rotation %d", n)
	}
	return ((int(n) % 360) + 360) % 360, nil
}

// resolveArray returns o, or the object it refers to, as an array.
func (f *file) resolveArray(o types.Object) (types.Array, error) {
	return resolved[types.Array](f, o, "an array")
}

func number(o types.Object) (float64, bool) {
	switch n := o.(type) {
	case types.Integer:
		return float64(n), true
	case types.Float:
		return float64(n), true
	}
	return 0, false
}
