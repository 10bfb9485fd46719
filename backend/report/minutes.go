package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// WriteMinutesPDF writes a version of a session's minutes (biên bản phiên
// họp) in the layout of Vietnamese administrative documents: issued by the
// body's office, dated the day of the session in loc, the text as the
// secretariat published it, and the signatures of the secretary and the
// chair. A draft says so on top. The same version gives the same bytes.
func WriteMinutesPDF(w io.Writer, doc *ecabinet.MinutesDocument, loc *time.Location) error {
	m := doc.Minutes
	day := doc.Date.In(loc)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	d := newDoc(fmt.Sprintf("Biên bản phiên họp: %s (phiên bản %d)", doc.MeetingTitle, m.Version), day)
	d.AddPage()
	is := issuer{body: doc.BodyName, office: "Văn phòng", place: doc.BodyPlace}
	header(d, is, "BB", "", day)

	d.SetFont("dejavu", "B", 13)
	d.MultiCell(0, 7, "BIÊN BẢN", "", "C", false)
	d.SetFont("dejavu", "B", 10.5)
	d.MultiCell(0, 6, "Phiên họp: "+doc.MeetingTitle, "", "C", false)
	rule(d, 105, d.GetY()+1, 40)
	d.Ln(4)
	d.SetFont("dejavu", "", 9)
	state := fmt.Sprintf("Phiên bản %d", m.Version)
	if m.Status == ecabinet.MinutesDraft {
		state += " — DỰ THẢO, chưa phát hành"
	} else if m.PublishedAt != nil {
		state += ", phát hành " + m.PublishedAt.In(loc).Format("15:04 ngày 02/01/2006")
	}
	d.MultiCell(0, 5, state, "", "C", false)
	d.Ln(2)

	for _, line := range strings.Split(m.Text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			d.Ln(2.5)
		case isHeading(trimmed):
			d.SetFont("dejavu", "B", 10)
			d.MultiCell(0, 5.5, trimmed, "", "L", false)
		default:
			d.SetFont("dejavu", "", 10)
			d.MultiCell(0, 5.5, line, "", "J", false)
		}
	}

	if d.GetY() > 230 {
		d.AddPage()
	}
	d.Ln(8)
	y := d.GetY()
	for i, who := range []string{"THƯ KÝ PHIÊN HỌP", "CHỦ TỌA"} {
		x := 20.0 + float64(i)*85
		d.SetXY(x, y)
		d.SetFont("dejavu", "B", 10)
		d.MultiCell(85, 5.5, who, "", "C", false)
		d.SetX(x)
		d.SetFont("dejavu", "", 8.5)
		d.MultiCell(85, 5, "(Ký, ghi rõ họ tên)", "", "C", false)
	}
	return d.Output(w)
}

// isHeading: the draft's section headings are upper-case lines (I. THÀNH PHẦN).
func isHeading(s string) bool {
	return s == strings.ToUpper(s) && strings.ContainsFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' })
}
