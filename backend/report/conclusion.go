package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/go-pdf/fpdf"
)

// ConclusionNotice is what the PDF of a conclusion notice says.
type ConclusionNotice struct {
	Body         *ecabinet.Body
	Conclusion   *ecabinet.Conclusion
	MeetingTitle string
	MeetingStart time.Time
	// Items are the titles of the session's agenda items, by id.
	Items map[int64]string
	// Issuer is the office that issues the notice and who signs it for the body.
	Issuer ecabinet.ReportIssuer
}

// WriteConclusionPDF writes a published conclusion notice (Thông báo kết
// luận) in the layout of Vietnamese administrative documents, dated the day
// it was published in the body's time zone, leaving the foot of its last
// page free for the digital signature blocks.
func WriteConclusionPDF(w io.Writer, n *ConclusionNotice) error {
	c := n.Conclusion
	loc := n.Body.Settings.Location()
	at := c.UpdatedAt
	if c.PublishedAt != nil {
		at = *c.PublishedAt
	}
	local := at.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	d := newDoc("Thông báo kết luận: "+c.Title, day)
	d.AddPage()
	is := issuer{body: n.Body.Name, office: n.Issuer.Organization, person: n.Issuer.Name, title: n.Issuer.Title, place: n.Body.Settings.Place}
	header(d, is, "TB", c.Number, day)

	d.SetFont("dejavu", "B", 13)
	d.MultiCell(0, 7, "THÔNG BÁO", "", "C", false)
	d.SetFont("dejavu", "B", 10.5)
	d.MultiCell(0, 6, c.Title, "", "C", false)
	rule(d, 105, d.GetY()+1, 40)
	d.Ln(4)
	d.SetFont("dejavu", "", 10.5)
	start := n.MeetingStart.In(loc)
	d.MultiCell(0, 6, fmt.Sprintf("Ngày %02d/%02d/%d, %s đã họp %s. %s thông báo kết luận như sau:",
		start.Day(), start.Month(), start.Year(), n.Body.Name, n.MeetingTitle, orDash(n.Issuer.Organization)), "", "J", false)
	d.Ln(2)
	for _, p := range strings.Split(c.Text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.MultiCell(0, 6, p, "", "J", false)
			d.Ln(1)
		}
	}
	for i, it := range c.Items {
		d.SetFont("dejavu", "B", 10.5)
		d.MultiCell(0, 6, fmt.Sprintf("%d. %s", i+1, orDash(n.Items[it.ItemID])), "", "L", false)
		d.SetFont("dejavu", "", 10.5)
		for _, p := range strings.Split(it.Text, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				d.MultiCell(0, 6, p, "", "J", false)
			}
		}
		d.Ln(1)
	}
	signatureFor(d, is, "TL. "+strings.ToUpper(n.Body.Name), []string{"Các thành viên dự họp;", "Lưu: VT, " + initials(is.office, is.body) + "."})
	return d.Output(w)
}

// signatureFor draws the recipients and, on the right, whom the signer
// signs for and their title and name, leaving the foot of the page (about
// 75 mm) free for the digital signature blocks: on a new page when the
// text leaves too little room.
func signatureFor(d *fpdf.Fpdf, is issuer, on string, recipients []string) {
	if d.GetY() > 175 {
		d.AddPage()
	}
	y := recipientList(d, recipients)
	d.SetXY(105, y)
	d.SetFont("dejavu", "B", 10)
	d.MultiCell(85, 5.5, on, "", "C", false)
	d.SetX(105)
	d.MultiCell(85, 5.5, strings.ToUpper(strings.TrimSpace(is.title)), "", "C", false)
	d.SetXY(105, d.GetY()+4)
	d.SetFont("dejavu", "", 8.5)
	d.MultiCell(85, 4.5, "(Đã ký số)", "", "C", false)
	d.SetX(105)
	d.SetFont("dejavu", "B", 10)
	d.MultiCell(85, 5.5, is.person, "", "C", false)
}
