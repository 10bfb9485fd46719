package pdf_test

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// The reader's name and time sit in the page's bottom margin, below any
// line of text a document's margins leave room for (15 pt from the edge is
// less than any document margin: Decree 30/2020 asks 20 mm), so the stamp
// never covers the last line.
func TestStampStaysInTheBottomMargin(t *testing.T) {
	var out bytes.Buffer
	if err := pdf.Stamp(bytes.NewReader(pdftest.Valid(2)), &out, "Lê Thu Hà — 01/12/2026 08:00"); err != nil {
		t.Fatal(err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(bytes.NewReader(out.Bytes()), conf)
	if err != nil {
		t.Fatal(err)
	}
	// The stamp is a form drawn at a translation (…cm /Fm0 Do); its text is
	// set 4 pt above that, in an 8 pt font: its whole em stays below 15 pt.
	placed := regexp.MustCompile(`([-\d.]+) ([-\d.]+) cm /GS\d+ gs /Fm\d+ Do`)
	for p := 1; p <= ctx.PageCount; p++ {
		page, _, _, err := ctx.PageDict(p, false)
		if err != nil {
			t.Fatal(err)
		}
		content, err := ctx.PageContent(page, p)
		if err != nil {
			t.Fatal(err)
		}
		m := placed.FindSubmatch(content)
		if m == nil {
			t.Fatalf("page %d: no stamp placed in %q", p, content)
		}
		y, _ := strconv.ParseFloat(string(m[2]), 64)
		if top := y + 4 + 8; y < 0 || top > 15 {
			t.Errorf("page %d: the stamp reaches %.1f pt above the page's foot", p, top)
		}
	}
}
