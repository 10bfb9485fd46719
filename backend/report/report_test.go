package report_test

import (
	"bytes"
	"encoding/csv"
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
		Body: &ecabinet.Body{Name: "Chính phủ", Settings: s},
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
	for _, want := range []string{"BÁO CÁO TỔNG HỢP Ý KIẾN", "Dự thảo Nghị định về Chính phủ điện tử", "Ý kiến không đồng ý", "Cần bổ sung nguồn lực", "Không đạt", "PHỤ LỤC"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q; text:\n%s", want, all)
		}
	}
	if len(pages) != 2 {
		t.Errorf("%d pages", len(pages))
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
