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

var outcomeVI = map[string]string{ecabinet.OutcomePassed: "Thông qua", ecabinet.OutcomeFailed: "Không thông qua"}

var ruleVI = map[string]string{
	ecabinet.PassMajorityOfAll:  "quá nửa tổng số thành viên",
	ecabinet.PassMajorityOfCast: "quá nửa số phiếu trả lời",
}

// WritePDF writes the report of a ballot (Báo cáo tổng hợp ý kiến) in the
// layout of Vietnamese administrative documents, issued in the name of the
// office of the secretariat member who makes it and dated the day it is
// made, in the body's time zone. While the ballot is open it is a
// provisional report: counts and what is still needed, never an outcome.
// The same data on the same day gives the same bytes.
func WritePDF(w io.Writer, rep *ecabinet.BallotReport) error {
	b := rep.Result.Ballot
	loc := rep.Body.Settings.Location()
	made := rep.GeneratedAt.In(loc)
	day := time.Date(made.Year(), made.Month(), made.Day(), 0, 0, 0, 0, loc)
	final := b.Status == ecabinet.BallotClosed
	d := newDoc("Báo cáo tổng hợp ý kiến: "+b.Title, day)
	d.AddPage()
	is := issuer{body: rep.Body.Name, office: rep.Issuer.Organization, person: rep.Issuer.Name, title: rep.Issuer.Title, place: rep.Body.Settings.Place}
	header(d, is, "BC", "", day)

	d.SetFont("dejavu", "B", 13)
	kind := "BÁO CÁO"
	if !final {
		kind = "BÁO CÁO TẠM THỜI"
	}
	d.MultiCell(0, 7, kind, "", "C", false)
	d.SetFont("dejavu", "B", 10.5)
	d.MultiCell(0, 6, "Tổng hợp ý kiến thành viên về: "+b.Title, "", "C", false)
	rule(d, 105, d.GetY()+1, 40)
	d.Ln(4)
	if !final {
		d.SetFont("dejavu", "B", 9.5)
		d.MultiCell(0, 5.5, fmt.Sprintf("Phiếu đang lấy ý kiến (hạn trả lời %s): số liệu tính đến ngày lập báo cáo, chưa phải kết quả.",
			b.Deadline.In(loc).Format("15:04 ngày 02/01/2006")), "", "L", false)
		d.Ln(1)
	}

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
		question(d, i+1, q, final)
	}
	signature(d, is, []string{"Chủ tọa (để báo cáo);", "Lưu: VT, " + initials(is.office, is.body) + "."})

	annex(d, rep)
	if final && d.GetY() > 175 {
		// A closed ballot's report is signed: the foot of its last page
		// (about 75 mm) stays free for the signature blocks, as the
		// conclusion notice's does.
		d.AddPage()
	}
	return d.Output(w)
}

// question draws one question's counts and, once the ballot is closed, its
// outcome; while open, what it still needs to pass.
func question(d *fpdf.Fpdf, n int, q ecabinet.QuestionResult, final bool) {
	d.Ln(4)
	d.SetFont("dejavu", "B", 10.5)
	d.MultiCell(0, 6, fmt.Sprintf("Vấn đề %d. %s", n, q.Question.Text), "", "L", false)
	d.SetFont("dejavu", "B", 9)
	last := "Kết quả"
	if !final {
		last = "Cần để thông qua"
	}
	cols := []string{"Đồng ý", "Không đồng ý", "Ý kiến khác", "Chưa trả lời", last}
	widths := []float64{30, 32, 30, 30, 48}
	for j, c := range cols {
		fitCell(d, widths[j], 7, c, "C")
	}
	d.Ln(-1)
	d.SetFont("dejavu", "", 9)
	outcome := fmt.Sprintf("%s (cần %d/%d)", outcomeVI[q.Tally.Outcome], q.Tally.Required, q.Tally.Base)
	if !final {
		outcome = fmt.Sprintf("%d đồng ý / %d", q.Tally.Required, q.Tally.Base)
	}
	for j, v := range []string{fmt.Sprint(q.Agree), fmt.Sprint(q.Disagree), fmt.Sprint(q.Other), fmt.Sprint(q.NotReturned), outcome} {
		fitCell(d, widths[j], 7, v, "C")
	}
	d.Ln(-1)
	if !final {
		d.SetFont("dejavu", "", 9)
		d.MultiCell(0, 5, fmt.Sprintf("Chưa có kết quả: đã có %d ý kiến đồng ý, cần ít nhất %d; còn %d thành viên chưa trả lời.",
			q.Agree, q.Tally.Required, q.NotReturned), "", "L", false)
	}
	opinions(d, q.Opinions)
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

// annex lists every recipient's answers, each mark inside its cell.
func annex(d *fpdf.Fpdf, rep *ecabinet.BallotReport) {
	qs := rep.Result.Ballot.Questions
	d.AddPage()
	d.SetFont("dejavu", "B", 11)
	d.MultiCell(0, 7, "PHỤ LỤC: Ý KIẾN CỦA TỪNG THÀNH VIÊN", "", "C", false)
	d.Ln(2)
	short := map[string]string{ecabinet.OptionAgree: "Đồng ý", ecabinet.OptionDisagree: "Không đồng ý", ecabinet.OptionOther: "Khác", "": "—"}
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
	// Each question's column is as wide as its widest mark, the names take
	// the rest (at least 55 mm); a mark still too wide is set smaller.
	d.SetFont("dejavu", "", 8.5)
	widest := d.GetStringWidth("Vấn đề 10")
	for _, l := range lines {
		for _, a := range l.answers {
			widest = max(widest, d.GetStringWidth(a))
		}
	}
	n := float64(max(len(qs), 1))
	qW := min(widest+2*cellPadding+1, (170-55)/n)
	nameW := 170 - qW*n
	d.SetFont("dejavu", "B", 8.5)
	fitCell(d, nameW, 6, "Thành viên", "L")
	for i := range qs {
		fitCell(d, qW, 6, fmt.Sprintf("Vấn đề %d", i+1), "C")
	}
	d.Ln(-1)
	d.SetFont("dejavu", "", 8.5)
	for _, id := range order {
		l := lines[id]
		fitCell(d, nameW, 6, l.name, "L")
		for _, a := range l.answers {
			fitCell(d, qW, 6, a, "C")
		}
		d.Ln(-1)
	}
	d.Ln(2)
	d.SetFont("dejavu", "", 8)
	d.MultiCell(0, 4.5, "✓: ý kiến có chữ ký số của thiết bị đã đăng ký, đã kiểm tra. (giấy): Văn phòng ghi nhận thay theo phiếu giấy.", "", "L", false)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
