package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// newCSV starts a CSV file: UTF-8 with a byte order mark (spreadsheet
// programs then read Vietnamese correctly) and the header row.
func newCSV(w io.Writer, header []string) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	return cw, cw.Write(header)
}

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func decimal(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func yesNo(b bool) string {
	if b {
		return "có"
	}
	return "không"
}

func optTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.DateTime)
}

var sourceVI = map[string]string{ecabinet.LedgerMeeting: "Phiên họp", ecabinet.LedgerBallot: "Phiếu lấy ý kiến"}

var lineVI = map[string]string{
	ecabinet.LineVersion:     "Phiên bản tài liệu điện tử",
	ecabinet.LinePlaceholder: "Tài liệu mật (bản giấy)",
	ecabinet.LineBallot:      "Phiếu lấy ý kiến (gửi và nhận lại)",
}

// WriteLedgerCSV writes every line of every session and ballot of an
// explained report: what it is, why it counts, pages per copy, recipients,
// reserve copies, multiplier, copies, pages, sheets, cost and weight, and
// the settings the line was computed with.
func WriteLedgerCSV(w io.Writer, rep *ecabinet.LedgerReport, loc *time.Location) error {
	cw, err := newCSV(w, []string{"Kỳ", "Loại", "Mã", "Phiên họp / phiếu", "Ngày", "Dòng", "Mã tài liệu", "Tài liệu", "Phiên bản", "Độ mật",
		"Lý do", "Được tính", "Tiết kiệm (điện tử)", "Phát hành lúc", "Bị thay lúc", "Số trang mỗi bản", "Người nhận", "Bản dự phòng", "Hệ số",
		"Số bản", "Tổng số trang", "Số tờ", "Chi phí (đồng)", "Khối lượng (mg)", "In hai mặt", "Đơn giá mỗi trang (đồng)", "Khối lượng mỗi tờ (mg)"})
	if err != nil {
		return err
	}
	s := rep.Settings
	for _, src := range rep.Sources {
		for _, l := range src.Lines {
			doc, title := "", l.Title
			if l.DocumentID != 0 {
				doc = itoa(l.DocumentID)
			}
			if err := cw.Write([]string{src.Period, sourceVI[src.Kind], itoa(src.ID), src.Title, src.Date.In(loc).Format(time.DateOnly),
				lineVI[l.Kind], doc, title, itoa(l.Version), string(l.Classification), l.Reason, yesNo(l.Counted), yesNo(l.Electronic),
				optTime(l.DistributedAt, loc), optTime(l.ReplacedAt, loc), itoa(l.PagesPerCopy), itoa(l.Recipients), itoa(l.Reserve),
				itoa(l.Multiplier), itoa(l.Copies), itoa(l.TotalPages), itoa(l.Sheets), itoa(l.CostVND), itoa(l.WeightMg),
				yesNo(s.Duplex), itoa(s.CostPerPageVND), itoa(s.SheetWeightMg)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTimeCSV writes the planned and actual minutes of every agenda item
// of the sessions of an explained report.
func WriteTimeCSV(w io.Writer, rep *ecabinet.LedgerReport, loc *time.Location) error {
	cw, err := newCSV(w, []string{"Kỳ", "Mã phiên họp", "Phiên họp", "Ngày", "Đã kết thúc", "STT", "Nội dung", "Trạng thái", "Được tính",
		"Phút dự kiến", "Phút thực tế", "Phút tiết kiệm", "Tỷ lệ tiết kiệm (%)"})
	if err != nil {
		return err
	}
	opt := func(f *float64) string {
		if f == nil {
			return ""
		}
		return decimal(*f)
	}
	for _, src := range rep.Sources {
		if src.Time == nil {
			continue
		}
		for _, it := range src.Time.Items {
			if err := cw.Write([]string{src.Period, itoa(src.ID), src.Title, src.Date.In(loc).Format(time.DateOnly), yesNo(src.Time.Closed),
				itoa(it.Position), it.Title, string(it.Status), yesNo(it.Counted), itoa(it.PlannedMinutes), opt(it.ActualMinutes),
				opt(it.SavingMinutes), opt(it.SavingPc)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
