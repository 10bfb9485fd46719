package pdf

import (
	"errors"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Limits bound what reading a document may cost, the server's and every
// reader's tablet: its pages, and the bytes its streams decode to, each
// stream and all of them together. A zero field sets no bound.
type Limits struct {
	MaxPages         int
	MaxStreamDecoded int64
	MaxDecoded       int64
}

// What a LimitError is about.
const (
	LimitPages    = "pages"    // more pages than MaxPages
	LimitStream   = "stream"   // a stream decodes to more than MaxStreamDecoded
	LimitDocument = "document" // the streams decode to more than MaxDecoded
	// LimitSignatures: a form with more than MaxSignatures signatures, or
	// more field objects than a form is read for (SignatureFields).
	LimitSignatures = "signatures"
)

// ErrLimit is the error every LimitError is (errors.Is).
var ErrLimit = errors.New("pdf: over a limit")

// LimitError is a document over one of its Limits: which one, its value,
// and, for pages, how many the document has (a decoded size is only known
// to be over the limit: decoding stops there).
type LimitError struct {
	Limit string
	Max   int64
	Pages int
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case LimitPages:
		return fmt.Sprintf("pdf: %d pages, more than %d", e.Pages, e.Max)
	case LimitSignatures:
		return fmt.Sprintf("pdf: more than %d signatures, or a form of more than %d field objects", e.Max, maxFieldObjects)
	}
	return fmt.Sprintf("pdf: %s decodes to more than %d bytes", e.Limit, e.Max)
}

// Is makes a LimitError ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// checkPages refuses a page count over the limit.
func (l Limits) checkPages(pages int) error {
	if l.MaxPages > 0 && pages > l.MaxPages {
		return &LimitError{Limit: LimitPages, Max: int64(l.MaxPages), Pages: pages}
	}
	return nil
}

// declaredPages returns the page count the document's page tree declares
// (its root's Count). It may lie; pdfcpu counts the pages again later, but
// this refuses a document declaring too many before any costly work.
func (f *file) declaredPages() (int, error) {
	root, err := f.resolveDict(f.trailer["Root"])
	if err != nil {
		return 0, err
	}
	pages, err := f.resolveDict(root["Pages"])
	if err != nil {
		return 0, err
	}
	if n, ok := pages["Count"].(types.Integer); ok && n >= 0 {
		return int(n), nil
	}
	return 0, corrupt("page tree without Count")
}

// resolved returns o, or the object it refers to, as a T (what names it
// in the error).
func resolved[T types.Object](f *file, o types.Object, what string) (T, error) {
	var zero T
	if ref, ok := o.(types.IndirectRef); ok {
		v, err := f.resolve(ref.ObjectNumber.Value())
		if err != nil {
			return zero, err
		}
		o = v
	}
	t, ok := o.(T)
	if !ok {
		return zero, corrupt("%s was expected, not %v", what, o)
	}
	return t, nil
}

// resolveDict returns o, or the object it refers to, as a dictionary.
func (f *file) resolveDict(o types.Object) (types.Dict, error) {
	return resolved[types.Dict](f, o, "a dictionary")
}

// countDecoded adds what stream o (length bytes of data) decodes to to the
// document's total and refuses the stream or the document over its limit.
func (f *file) countDecoded(o *object, length int64) error {
	if f.limits.MaxStreamDecoded <= 0 && f.limits.MaxDecoded <= 0 {
		return nil
	}
	max := f.limits.MaxStreamDecoded
	if left := f.limits.MaxDecoded - f.decoded; f.limits.MaxDecoded > 0 && (max <= 0 || left < max) {
		max = left
	}
	n, err := f.decodedSize(o, length, max)
	if err != nil {
		return err
	}
	if f.limits.MaxStreamDecoded > 0 && n > f.limits.MaxStreamDecoded {
		return &LimitError{Limit: LimitStream, Max: f.limits.MaxStreamDecoded}
	}
	f.decoded += n
	if f.limits.MaxDecoded > 0 && f.decoded > f.limits.MaxDecoded {
		return &LimitError{Limit: LimitDocument, Max: f.limits.MaxDecoded}
	}
	return nil
}
