package report

import (
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/go-pdf/fpdf"
)

// A mark wider than its cell is set smaller until it fits inside it.
func TestMarksStayInsideTheirCells(t *testing.T) {
	d := fpdf.New("P", "mm", "A4", "")
	regular, _ := pdf.Font()
	d.AddUTF8FontFromBytes("dejavu", "", regular)
	d.SetFont("dejavu", "", 8.5)
	for _, c := range []struct {
		w    float64
		text string
	}{{22, "Không đồng ý ✓ (giấy)"}, {22, "Đồng ý"}, {14, "Không đồng ý ✓"}, {60, "Nguyễn Thị Phương Thảo"}} {
		size := fittingSize(d, c.w, c.text, 8.5)
		d.SetFontSize(size)
		if got := d.GetStringWidth(c.text); got > c.w-2*cellPadding+1e-9 {
			t.Errorf("%q at %.2f pt is %.1f mm in a %.0f mm cell", c.text, size, got, c.w)
		}
		d.SetFontSize(8.5)
	}
	if initials("Văn phòng Chính phủ", "Chính phủ") != "VPCP" || initials("", "Ủy ban nhân dân tỉnh Đồng Nai") != "UBNDTDN" {
		t.Errorf("initials %q %q", initials("Văn phòng Chính phủ", ""), initials("", "Ủy ban nhân dân tỉnh Đồng Nai"))
	}
}
