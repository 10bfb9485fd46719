package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/go-pdf/fpdf"
)

// newDoc returns an A4 document with DejaVu Sans (Vietnamese) and fixed
// metadata dates, so the same data gives the same bytes.
func newDoc(title string, date time.Time) *fpdf.Fpdf {
	d := fpdf.New("P", "mm", "A4", "")
	regular, bold := pdf.Font()
	d.AddUTF8FontFromBytes("dejavu", "", regular)
	d.AddUTF8FontFromBytes("dejavu", "B", bold)
	d.SetTitle(title, true)
	d.SetCreator("e-Cabinet", true)
	d.SetCreationDate(date)
	d.SetModificationDate(date)
	d.SetCatalogSort(true)
	d.SetMargins(20, 18, 20)
	d.SetAutoPageBreak(true, 18)
	d.AliasNbPages("{nb}")
	d.SetFooterFunc(func() {
		d.SetY(-13)
		d.SetFont("dejavu", "", 8)
		d.CellFormat(0, 5, fmt.Sprintf("Trang %d/{nb}", d.PageNo()), "", 0, "C", false, 0, "")
	})
	return d
}

var outcomeVI = map[string]string{ecabinet.OutcomePassed: "Đạt", ecabinet.OutcomeFailed: "Không đạt"}

var ruleVI = map[string]string{
	ecabinet.PassMajorityOfAll:  "quá nửa tổng số thành viên",
	ecabinet.PassMajorityOfCast: "quá nửa số phiếu trả lời",
}

// WritePDF writes the report of a ballot (Báo cáo tổng hợp ý kiến). It is
// dated by the ballot's close (or its deadline while open), not by the
// moment it is printed, so it is reproducible from the stored data.
func WritePDF(w io.Writer, rep *ecabinet.BallotReport) error {
	b := rep.Result.Ballot
	loc := rep.Body.Settings.Location()
	date := b.Deadline
	if b.ClosedAt != nil {
		date = *b.ClosedAt
	}
	d := newDoc("Báo cáo tổng hợp ý kiến: "+b.Title, date)
	d.AddPage()
	heading(d, rep.Body.Name, date.In(loc))

	d.SetFont("dejavu", "B", 13)
	d.Ln(4)
	d.MultiCell(0, 7, "BÁO CÁO TỔNG HỢP Ý KIẾN", "", "C", false)
	d.SetFont("dejavu", "", 11)
	d.MultiCell(0, 6, b.Title, "", "C", false)
	d.Ln(3)

	stamp := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(loc).Format("15:04 ngày 02/01/2006")
	}
	status := map[ecabinet.BallotStatus]string{ecabinet.BallotDraft: "Dự thảo", ecabinet.BallotOpen: "Đang lấy ý kiến", ecabinet.BallotClosed: "Đã kết thúc"}[b.Status]
	if b.ClosedEarly {
		status += " (kết thúc sớm khi đã đủ ý kiến)"
	}
	deadline := b.Deadline
	facts := [][2]string{
		{"Lý do lấy ý kiến", orDash(b.Reason)},
		{"Gửi phiếu", stamp(b.OpenedAt)},
		{"Hạn trả lời", stamp(&deadline)},
		{"Kết thúc", stamp(b.ClosedAt)},
		{"Trạng thái", status},
		{"Số thành viên được xin ý kiến", fmt.Sprint(len(b.Recipients))},
		{"Số thành viên đã trả lời đầy đủ", fmt.Sprint(b.Answered)},
		{"Số ý kiến có chữ ký số của thiết bị", fmt.Sprint(rep.Result.Signed)},
		{"Quy tắc thông qua", ruleVI[rep.Body.Settings.PassRule]},
	}
	for _, f := range facts {
		d.SetFont("dejavu", "B", 9.5)
		d.CellFormat(76, 5.5, f[0]+":", "", 0, "L", false, 0, "")
		d.SetFont("dejavu", "", 9.5)
		d.MultiCell(0, 5.5, f[1], "", "L", false)
	}

	for i, q := range rep.Result.Questions {
		d.Ln(4)
		d.SetFont("dejavu", "B", 10.5)
		d.MultiCell(0, 6, fmt.Sprintf("Vấn đề %d. %s", i+1, q.Question.Text), "", "L", false)
		d.SetFont("dejavu", "B", 9)
		cols := []string{"Đồng ý", "Không đồng ý", "Ý kiến khác", "Chưa trả lời", "Kết quả"}
		widths := []float64{30, 32, 30, 30, 48}
		for j, c := range cols {
			d.CellFormat(widths[j], 7, c, "1", 0, "C", false, 0, "")
		}
		d.Ln(-1)
		d.SetFont("dejavu", "", 9)
		result := fmt.Sprintf("%s (cần %d/%d)", outcomeVI[q.Tally.Outcome], q.Tally.Required, q.Tally.Base)
		for j, v := range []string{fmt.Sprint(q.Agree), fmt.Sprint(q.Disagree), fmt.Sprint(q.Other), fmt.Sprint(q.NotReturned), result} {
			d.CellFormat(widths[j], 7, v, "1", 0, "C", false, 0, "")
		}
		d.Ln(-1)
		opinions(d, q.Opinions)
	}

	annex(d, rep)
	return d.Output(w)
}

func heading(d *fpdf.Fpdf, body string, date time.Time) {
	d.SetFont("dejavu", "B", 9.5)
	y := d.GetY()
	d.SetXY(20, y)
	d.MultiCell(75, 5, strings.ToUpper(body), "", "C", false)
	d.SetXY(100, y)
	d.MultiCell(90, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	d.SetX(100)
	d.SetFont("dejavu", "", 9.5)
	d.MultiCell(90, 5, "Độc lập - Tự do - Hạnh phúc", "", "C", false)
	d.SetX(100)
	d.MultiCell(90, 6, fmt.Sprintf("Hà Nội, ngày %02d tháng %02d năm %d", date.Day(), date.Month(), date.Year()), "", "C", false)
	d.SetY(max(d.GetY(), y+16))
}

func opinions(d *fpdf.Fpdf, ops []ecabinet.Opinion) {
	if len(ops) == 0 {
		return
	}
	label := map[string]string{ecabinet.OptionDisagree: "Ý kiến không đồng ý", ecabinet.OptionOther: "Ý kiến khác"}
	last := ""
	for _, o := range ops {
		if o.Choice != last {
			d.Ln(1.5)
			d.SetFont("dejavu", "B", 9)
			d.MultiCell(0, 5, label[o.Choice]+":", "", "L", false)
			last = o.Choice
		}
		who := o.Member
		if o.Title != "" {
			who += ", " + o.Title
		}
		if o.Paper {
			who += " (phiếu giấy)"
		}
		d.SetFont("dejavu", "", 9)
		d.MultiCell(0, 5, "– "+who+": "+orDash(o.Comment), "", "L", false)
	}
}

// annex lists every recipient's answers.
func annex(d *fpdf.Fpdf, rep *ecabinet.BallotReport) {
	qs := rep.Result.Ballot.Questions
	d.AddPage()
	d.SetFont("dejavu", "B", 11)
	d.MultiCell(0, 7, "PHỤ LỤC: Ý KIẾN CỦA TỪNG THÀNH VIÊN", "", "C", false)
	d.Ln(2)
	short := map[string]string{ecabinet.OptionAgree: "Đồng ý", ecabinet.OptionDisagree: "Không đồng ý", ecabinet.OptionOther: "Khác", "": "—"}
	nameW := 170.0 - float64(len(qs))*22
	if nameW < 60 {
		nameW = 60
	}
	qW := (170 - nameW) / float64(max(len(qs), 1))
	d.SetFont("dejavu", "B", 8.5)
	d.CellFormat(nameW, 6, "Thành viên", "1", 0, "L", false, 0, "")
	for i := range qs {
		d.CellFormat(qW, 6, fmt.Sprintf("Vấn đề %d", i+1), "1", 0, "C", false, 0, "")
	}
	d.Ln(-1)
	d.SetFont("dejavu", "", 8.5)
	type line struct {
		name    string
		answers []string
	}
	var order []int64
	lines := map[int64]*line{}
	for _, r := range rep.Rows {
		l, ok := lines[r.MemberID]
		if !ok {
			l = &line{name: r.Member, answers: make([]string, len(qs))}
			lines[r.MemberID] = l
			order = append(order, r.MemberID)
		}
		a := short[r.Choice]
		if r.Signed {
			a += " ✓"
		}
		if r.PaperReason != "" {
			a += " (giấy)"
		}
		if r.Question-1 < len(l.answers) {
			l.answers[r.Question-1] = a
		}
	}
	for _, id := range order {
		l := lines[id]
		d.CellFormat(nameW, 6, l.name, "1", 0, "L", false, 0, "")
		for _, a := range l.answers {
			d.CellFormat(qW, 6, a, "1", 0, "C", false, 0, "")
		}
		d.Ln(-1)
	}
	d.Ln(2)
	d.SetFont("dejavu", "", 8)
	d.MultiCell(0, 4.5, "✓: ý kiến có chữ ký số của thiết bị đã đăng ký (kiểm tra lại được bằng lệnh ecabinet ballot-verify). (giấy): Văn phòng ghi nhận thay theo phiếu giấy.", "", "L", false)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
