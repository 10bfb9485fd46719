// Package report renders ballot reports (Báo cáo tổng hợp ý kiến) as CSV
// and PDF from stored data only, so the same data always gives the same
// report.
package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// choiceVI names an answer in Vietnamese.
var choiceVI = map[string]string{
	ecabinet.OptionAgree:    "Đồng ý",
	ecabinet.OptionDisagree: "Không đồng ý",
	ecabinet.OptionOther:    "Ý kiến khác",
	"":                      "Chưa trả lời",
}

// WriteCSV writes one row per recipient and question, UTF-8 with a byte
// order mark so spreadsheet programs read Vietnamese correctly.
func WriteCSV(w io.Writer, rep *ecabinet.BallotReport) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	loc := rep.Body.Settings.Location()
	if err := cw.Write([]string{"Câu hỏi", "Nội dung câu hỏi", "Thành viên", "Chức vụ", "Cơ quan", "Ý kiến", "Nội dung ý kiến",
		"Thời điểm trả lời", "Phiếu giấy (lý do)", "Ký số"}); err != nil {
		return err
	}
	text := map[int64]string{}
	for _, q := range rep.Result.Ballot.Questions {
		text[q.ID] = q.Text
	}
	for _, r := range rep.Rows {
		at, signed := "", "không"
		if r.AnsweredAt != nil {
			at = r.AnsweredAt.In(loc).Format(time.DateTime)
		}
		if r.Signed {
			signed = "có"
		}
		if err := cw.Write([]string{strconv.Itoa(r.Question), text[r.QuestionID], r.Member, r.Title, r.Organization,
			choiceVI[r.Choice], r.Comment, at, r.PaperReason, signed}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
