package report_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/report"
)

func sample() *ecabinet.BallotReport {
	closed := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	at := closed.Add(-time.Hour)
	b := &ecabinet.Ballot{ID: 7, Title: "Dự thảo Nghị định về Chính phủ điện tử", Reason: "Chính phủ không họp", Status: ecabinet.BallotClosed,
		Deadline: closed, ClosedAt: &closed, Recipients: []int64{1, 2, 3}, Answered: 2,
		Questions: []ecabinet.BallotQuestion{{ID: 11, Position: 1, Text: "Đồng ý ban hành?"}}}
	s := ecabinet.DefaultBodySettings()
	return &ecabinet.BallotReport{
		Body:        &ecabinet.Body{Name: "Chính phủ", Settings: s},
		GeneratedAt: time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC),
		Issuer:      ecabinet.ReportIssuer{Name: "Lê Thu Hà", Title: "Vụ trưởng Vụ Tổng hợp", Organization: "Văn phòng Chính phủ"},
		Result: &ecabinet.BallotResult{Ballot: b, Signed: 1, Questions: []ecabinet.QuestionResult{{
			Question: b.Questions[0], Agree: 1, Disagree: 1, NotReturned: 1,
			Tally:    ecabinet.Tally{Outcome: ecabinet.OutcomeFailed, Required: 2, Base: 3},
			Opinions: []ecabinet.Opinion{{Choice: ecabinet.OptionDisagree, Member: "Trịnh Thị Thu Trang", Title: "Bộ trưởng Bộ Tài chính", Comment: "Cần bổ sung nguồn lực"}},
		}}},
		Rows: []ecabinet.ReportRow{
			{Question: 1, QuestionID: 11, MemberID: 1, Member: "Nguyễn Minh Đức", Choice: ecabinet.OptionAgree, AnsweredAt: &at, Signed: true},
			{Question: 1, QuestionID: 11, MemberID: 2, Member: "Trịnh Thị Thu Trang", Choice: ecabinet.OptionDisagree, Comment: "Cần bổ sung nguồn lực", AnsweredAt: &at},
			{Question: 1, QuestionID: 11, MemberID: 3, Member: "Lý Văn Phúc"},
		},
	}
}

// pdfText is the text of the PDF that write writes, its pages joined.
func pdfText(t *testing.T, write func(w io.Writer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	pages, err := pdftest.Text(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(pages, "\n")
}

func TestPDFIsVietnameseAndReproducible(t *testing.T) {
	var a, b bytes.Buffer
	if err := report.WritePDF(&a, sample()); err != nil {
		t.Fatal(err)
	}
	if err := report.WritePDF(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same data gave two different PDFs")
	}
	pages, err := pdftest.Text(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{"BÁO CÁO", "Tổng hợp ý kiến thành viên về: Dự thảo Nghị định về Chính phủ điện tử", "Ý kiến không đồng ý", "Cần bổ sung nguồn lực", "Không thông qua (cần 2/3)", "PHỤ LỤC"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q; text:\n%s", want, all)
		}
	}
	if len(pages) != 2 {
		t.Errorf("%d pages", len(pages))
	}
}

// The report is an administrative document: issued in the name of the
// office that makes it, numbered by its clerk, dated the day it is made in
// the body's time zone (not the deadline), with the national name and motto;
// while the ballot is open it is provisional and states no outcome.
func TestPDFOfAnOpenBallotIsProvisionalAndOfficial(t *testing.T) {
	rep := sample()
	b := rep.Result.Ballot
	b.Status, b.ClosedAt, b.Deadline = ecabinet.BallotOpen, nil, time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC)
	// 23:30 on 2 December in UTC is 3 December in Hanoi.
	rep.GeneratedAt = time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	rep.Result.Questions[0].Tally.Outcome = ecabinet.OutcomePending
	all := pdfText(t, func(w io.Writer) error { return report.WritePDF(w, rep) })
	for _, want := range []string{"CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "/BC-VPCP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Hà Nội, ngày 03 tháng 12 năm 2026", "BÁO CÁO TẠM THỜI", "Chưa có kết quả: đã có 1 ý kiến đồng ý, cần ít nhất 2", "Nơi nhận", "Lê Thu Hà"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q; text:\n%s", want, all)
		}
	}
	for _, never := range []string{"Không thông qua", "Thông qua (", "ngày 10 tháng 12", "ecabinet", "ballot-verify"} {
		if strings.Contains(all, never) {
			t.Errorf("an open ballot's report says %q", never)
		}
	}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff") {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows %v", len(rows), err)
	}
	if rows[1][5] != "Đồng ý" || rows[1][9] != "có" || rows[3][5] != "Chưa trả lời" || rows[2][6] != "Cần bổ sung nguồn lực" {
		t.Fatalf("rows %q", rows)
	}
}

// A closed ballot's report is signed, and the signature blocks are drawn at
// the foot of its last page, above the page number: whatever the length of
// the annex, nothing of the report stands in the 75 mm above the bottom
// margin of that page. (Read back with poppler's pdftotext, which .ci/run
// installs.)
func TestClosedReportLeavesTheFootOfItsLastPageToSignatures(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: .ci/run installs it")
	}
	const (
		foot   = 842 - 75/25.4*72 // points from the top of an A4 page
		margin = 842 - 36         // the page number below it
	)
	for n := 3; n <= 60; n += 5 {
		rep := sample()
		rep.Rows = nil
		for i := 1; i <= n; i++ {
			rep.Rows = append(rep.Rows, ecabinet.ReportRow{Question: 1, QuestionID: 11, MemberID: int64(i), Member: fmt.Sprintf("Thành viên số %d", i),
				Choice: ecabinet.OptionAgree})
		}
		var b bytes.Buffer
		if err := report.WritePDF(&b, rep); err != nil {
			t.Fatal(err)
		}
		pages, err := pdftest.Text(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "report.pdf")
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-bbox", "-f", strconv.Itoa(len(pages)), "-l", strconv.Itoa(len(pages)), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`yMax="([0-9.]+)">([^<]*)<`).FindAllStringSubmatch(string(out), -1) {
			if y, _ := strconv.ParseFloat(m[1], 64); y > foot && y < margin {
				t.Fatalf("%d rows: %q stands at %.0f pt on the last page (page %d), in the signatures' 75 mm", n, m[2], y, len(pages))
			}
		}
	}
}

// A conclusion notice carries the number and symbol the secretariat gave it:
// once signed, nobody can write it in afterwards without breaking the
// signature. A document without one (the minutes, a ballot's report) keeps
// the blank the office's clerk fills in.
func TestConclusionNoticeCarriesItsNumber(t *testing.T) {
	published := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	notice := func(number string) string {
		n := &report.ConclusionNotice{
			Body: &ecabinet.Body{Name: "Chính phủ", Settings: ecabinet.DefaultBodySettings()},
			Conclusion: &ecabinet.Conclusion{Number: number, Title: "Kết luận của Thủ tướng Chính phủ tại Phiên họp chuyên đề về xây dựng pháp luật",
				Text: "Chính phủ thống nhất thông qua các dự án luật đã trình.", Status: ecabinet.ConclusionPublished, PublishedAt: &published},
			MeetingTitle: "Phiên họp chuyên đề về xây dựng pháp luật", MeetingStart: published.Add(-24 * time.Hour),
			Issuer: ecabinet.ReportIssuer{Name: "Lê Thu Hà", Title: "Vụ trưởng Vụ Tổng hợp", Organization: "Văn phòng Chính phủ"},
		}
		return pdfText(t, func(w io.Writer) error { return report.WriteConclusionPDF(w, n) })
	}
	blank := regexp.MustCompile(`Số:\s+/TB-VPCP`)
	if text := notice("320/TB-VPCP"); !strings.Contains(text, "Số: 320/TB-VPCP") || blank.MatchString(text) {
		t.Errorf("a notice numbered 320/TB-VPCP:\n%s", text)
	}
	if text := notice("320"); !strings.Contains(text, "Số: 320/TB-VPCP") {
		t.Errorf("a notice numbered 320:\n%s", text)
	}
	if text := notice(""); !blank.MatchString(text) {
		t.Errorf("a notice without a number:\n%s", text)
	}
}

// Every official document of a body is dated at the body's place: a
// province's committee issues its documents in its province, not in Hà Nội.
func TestOfficialDocumentsAreDatedAtTheBodysPlace(t *testing.T) {
	day := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	settings := ecabinet.DefaultBodySettings()
	settings.Place = "Lào Cai"
	body := &ecabinet.Body{Name: "Ủy ban nhân dân tỉnh Lào Cai", Settings: settings}
	rep := sample()
	rep.Body = body
	docs := map[string]string{
		"ballot report": pdfText(t, func(w io.Writer) error { return report.WritePDF(w, rep) }),
		"conclusion notice": pdfText(t, func(w io.Writer) error {
			return report.WriteConclusionPDF(w, &report.ConclusionNotice{Body: body,
				Conclusion:   &ecabinet.Conclusion{Title: "Kết luận phiên họp", Text: "Thống nhất.", Status: ecabinet.ConclusionPublished, PublishedAt: &day},
				MeetingTitle: "Phiên họp thường kỳ", MeetingStart: day,
				Issuer: ecabinet.ReportIssuer{Name: "Lò Văn Sử", Title: "Chánh Văn phòng", Organization: "Văn phòng Ủy ban nhân dân tỉnh"}})
		}),
		"minutes": pdfText(t, func(w io.Writer) error {
			return report.WriteMinutesPDF(w, &ecabinet.MinutesDocument{BodyName: body.Name, BodyPlace: settings.Place, MeetingTitle: "Phiên họp thường kỳ",
				Date: day, Minutes: ecabinet.Minutes{Version: 1, Status: ecabinet.MinutesPublished, Text: "Phiên họp bắt đầu lúc 8 giờ.", PublishedAt: &day}}, settings.Location())
		}),
	}
	for name, all := range docs {
		if !regexp.MustCompile(`Lào Cai, ngày \d\d tháng 12 năm 2026`).MatchString(all) || strings.Contains(all, "Hà Nội") {
			t.Errorf("the %s is not dated at Lào Cai:\n%s", name, all)
		}
	}
}
