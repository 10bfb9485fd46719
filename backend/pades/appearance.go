package pades

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Mark is what the visible signature block says of the signer, in the
// layout of Vietnamese official documents signed digitally (Decree
// 30/2020/NĐ-CP, appendix I): who signed, their title and office, and the
// signing time.
type Mark struct {
	Name         string // the signer, as the document names them
	Title        string // such as "Thủ tướng Chính phủ"
	Organization string // the office, such as "Văn phòng Chính phủ"
	// Location is the time zone of the signing time shown.
	Location *time.Location
}

// Block size in points on the page, and the image's pixels per point.
const (
	blockWidth  = 230.0
	blockHeight = 78.0
	blockMargin = 36.0
	pxPerPt     = 3
)

var faces struct {
	once          sync.Once
	regular, bold *opentype.Font
	err           error
}

func loadFaces() (*opentype.Font, *opentype.Font, error) {
	faces.once.Do(func() {
		r, b := pdf.Font()
		if faces.regular, faces.err = opentype.Parse(r); faces.err != nil {
			return
		}
		faces.bold, faces.err = opentype.Parse(b)
	})
	return faces.regular, faces.bold, faces.err
}

// stampRed is the colour of the block (signatures of Vietnamese offices
// are shown in red).
var stampRed = color.RGBA{0xB0, 0x10, 0x10, 0xFF}

// blockImage draws the signature block as a PNG: a frame, then
// "Ký bởi", the title and office, and "Thời gian ký".
func blockImage(m Mark, at time.Time) ([]byte, error) {
	regular, bold, err := loadFaces()
	if err != nil {
		return nil, err
	}
	w, h := int(blockWidth*pxPerPt), int(blockHeight*pxPerPt)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	frame := image.NewUniform(stampRed)
	for i := 0; i < 2*pxPerPt; i++ {
		draw.Draw(img, image.Rect(0, i, w, i+1), frame, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(0, h-1-i, w, h-i), frame, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(i, 0, i+1, h), frame, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(w-1-i, 0, w-i, h), frame, image.Point{}, draw.Src)
	}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	lines := []struct {
		text string
		bold bool
	}{
		{"Ký bởi: " + m.Name, true},
		{m.Title, false},
		{m.Organization, false},
		{"Thời gian ký: " + at.In(loc).Format("15:04:05 02/01/2006") + " " + zone(at.In(loc)), false},
	}
	y := 8 * pxPerPt
	for _, l := range lines {
		if l.text == "" {
			continue
		}
		f := regular
		if l.bold {
			f = bold
		}
		face, err := fitFace(f, l.text, w-12*pxPerPt)
		if err != nil {
			return nil, err
		}
		y += face.Metrics().Ascent.Ceil()
		d := font.Drawer{Dst: img, Src: frame, Face: face, Dot: fixed.P(6*pxPerPt, y)}
		d.DrawString(l.text)
		y += face.Metrics().Descent.Ceil() + 2*pxPerPt
		_ = face.Close()
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fitFace is the font at 10 points, or smaller so that text fits in width pixels.
func fitFace(f *opentype.Font, text string, width int) (font.Face, error) {
	size := 10.0
	for {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size * pxPerPt, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		if font.MeasureString(face, text).Ceil() <= width || size <= 5 {
			return face, nil
		}
		_ = face.Close()
		size -= 0.5
	}
}

// zone writes a time's offset as +07:00.
func zone(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
}
