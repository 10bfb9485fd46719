package report

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// The layout of Vietnamese administrative documents (Decree 30/2020/NĐ-CP,
// appendix I): on the left the governing body and, under it in bold, the
// issuing office, a short rule, and the document's number and symbol; on
// the right the national name and motto with a rule, and the place and
// date; then the document's kind and its summary, centred; at the end the
// recipients on the left and the signature block on the right.

// issuer is who issues a document: the governing body, the office that
// makes it, and the person who signs for it.
type issuer struct {
	body, office, person, title string
	// place is where the body issues its documents (its settings' Place).
	place string
}

// header draws the top block: body and office with the number, the national
// name and motto with the body's place and the date. number is the document's number
// and symbol as recorded (320/TB-VPCP, or 320 alone); empty, it is left
// blank for the office's clerk to fill in when the document is issued.
func header(d *fpdf.Fpdf, is issuer, kind, number string, date time.Time) {
	y := d.GetY()
	left, right := 20.0, 100.0
	d.SetXY(left, y)
	d.SetFont("dejavu", "", 9.5)
	d.MultiCell(72, 5, strings.ToUpper(is.body), "", "C", false)
	if is.office != "" {
		d.SetX(left)
		d.SetFont("dejavu", "B", 9.5)
		d.MultiCell(72, 5, strings.ToUpper(is.office), "", "C", false)
	}
	rule(d, left+36, d.GetY()+0.8, 22)
	d.SetXY(left, d.GetY()+2.5)
	d.SetFont("dejavu", "", 9.5)
	d.MultiCell(72, 5, numberLine(number, kind, initials(is.office, is.body)), "", "C", false)
	leftEnd := d.GetY()

	d.SetXY(right, y)
	d.SetFont("dejavu", "B", 9.5)
	d.MultiCell(90, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	d.SetX(right)
	d.MultiCell(90, 5, "Độc lập - Tự do - Hạnh phúc", "", "C", false)
	rule(d, right+45, d.GetY()+0.8, 50)
	d.SetXY(right, d.GetY()+2.5)
	d.SetFont("dejavu", "", 9.5)
	d.MultiCell(90, 5, fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", strings.TrimSpace(is.place), date.Day(), date.Month(), date.Year()), "", "C", false)
	d.SetY(max(d.GetY(), leftEnd) + 4)
}

// numberLine is the "Số:" line: the recorded number and symbol, the number
// with the symbol of its kind and office, or a blank for the clerk.
func numberLine(number, kind, office string) string {
	switch number = strings.TrimSpace(number); {
	case number == "":
		return fmt.Sprintf("Số:       /%s-%s", kind, office)
	case strings.Contains(number, "/"):
		return "Số: " + number
	default:
		return fmt.Sprintf("Số: %s/%s-%s", number, kind, office)
	}
}

// rule draws a centred horizontal line of width w at (cx, y).
func rule(d *fpdf.Fpdf, cx, y, w float64) {
	d.SetLineWidth(0.3)
	d.Line(cx-w/2, y, cx+w/2, y)
}

// recipientList draws "Nơi nhận" (who receives the document) on the left,
// after a gap, and returns where it starts: the signature block beside it
// starts there too.
func recipientList(d *fpdf.Fpdf, recipients []string) float64 {
	d.Ln(6)
	y := d.GetY()
	d.SetXY(20, y)
	d.SetFont("dejavu", "B", 9)
	d.CellFormat(80, 5, "Nơi nhận:", "", 2, "L", false, 0, "")
	d.SetFont("dejavu", "", 8.5)
	for _, r := range recipients {
		d.SetX(20)
		d.MultiCell(80, 4.5, "- "+r, "", "L", false)
	}
	return y
}

// signature draws the recipients on the left and the signature block on
// the right, on a new page when too little room is left.
func signature(d *fpdf.Fpdf, is issuer, recipients []string) {
	if d.GetY() > 230 {
		d.AddPage()
	}
	y := recipientList(d, recipients)
	d.SetXY(105, y)
	d.SetFont("dejavu", "B", 10)
	d.MultiCell(85, 5.5, "NGƯỜI LẬP BÁO CÁO", "", "C", false)
	d.SetX(105)
	d.SetFont("dejavu", "", 9)
	d.MultiCell(85, 5, strings.TrimSpace(is.title), "", "C", false)
	d.SetXY(105, d.GetY()+18)
	d.SetFont("dejavu", "B", 10)
	d.MultiCell(85, 5.5, is.person, "", "C", false)
}

// initials abbreviates an office for the document symbol, as the offices
// themselves do: the first letter of each word, without its marks
// (Văn phòng Chính phủ: VPCP). Without an office, the body's.
func initials(office, body string) string {
	name := office
	if strings.TrimSpace(name) == "" {
		name = body
	}
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(norm.NFD.String(w))[0]
		if r == 'đ' || r == 'Đ' {
			r = 'D'
		}
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// fitCell writes text in a bordered cell of width w, at the current font
// size or smaller so that it stays inside the cell, then restores the size.
func fitCell(d *fpdf.Fpdf, w, h float64, text, align string) {
	size, _ := d.GetFontSize()
	if s := fittingSize(d, w, text, size); s != size {
		d.SetFontSize(s)
		defer d.SetFontSize(size)
	}
	d.CellFormat(w, h, text, "1", 0, align, false, 0, "")
}

// cellPadding is fpdf's default cell margin on each side (1 mm).
const cellPadding = 1.0

// fittingSize is the largest font size, at most size, at which text fits
// in a cell of width w with its padding.
func fittingSize(d *fpdf.Fpdf, w float64, text string, size float64) float64 {
	room := w - 2*cellPadding
	width := d.GetStringWidth(text)
	if width <= room || width == 0 {
		return size
	}
	return size * room / width
}
