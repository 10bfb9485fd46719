package report

import (
	"io"
	"time"
)

// WriteDocument writes a plain text document (a submission, a draft decree)
// of the given pages: the title on the first, then the paragraphs; pages
// are numbered in the footer. The demo data uses it for session dossiers.
func WriteDocument(w io.Writer, title string, paragraphs []string, pages int, date time.Time) error {
	d := newDoc(title, date)
	for p := 1; p <= pages; p++ {
		d.AddPage()
		if p == 1 {
			d.SetFont("dejavu", "B", 13)
			d.MultiCell(0, 7, title, "", "C", false)
			d.Ln(4)
		}
		d.SetFont("dejavu", "", 11)
		for i := range paragraphs {
			d.MultiCell(0, 6, paragraphs[(i+p-1)%len(paragraphs)], "", "J", false)
			d.Ln(2)
			if d.GetY() > 240 {
				break
			}
		}
	}
	return d.Output(w)
}
