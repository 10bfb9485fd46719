package report

import (
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// StatusVI names a task status as the Government's reports do.
var StatusVI = map[ecabinet.TaskStatus]string{
	ecabinet.TaskInProgress: "Đang thực hiện trong hạn",
	ecabinet.TaskDoneOnTime: "Hoàn thành đúng hạn",
	ecabinet.TaskDoneLate:   "Hoàn thành quá hạn",
	ecabinet.TaskOverdue:    "Quá hạn chưa hoàn thành",
}

// WriteTasksCSV writes one row per task with its status at the time of
// reading; names maps member ids to names (for member leads).
func WriteTasksCSV(w io.Writer, tasks []*ecabinet.Task, names map[int64]string, loc *time.Location) error {
	cw, err := newCSV(w, []string{"Mã", "Nguồn", "Mã phiên họp", "Mã phiếu lấy ý kiến", "Nhiệm vụ", "Mô tả", "Chủ trì", "Cơ quan (thống kê)",
		"Phối hợp", "Hạn hoàn thành", "Ngày giao", "Ngày hoàn thành", "Tình trạng"})
	if err != nil {
		return err
	}
	opt := func(id *int64) string {
		if id == nil {
			return ""
		}
		return itoa(*id)
	}
	for _, t := range tasks {
		source, lead := "Thông báo kết luận", t.LeadOrg
		if t.Source == ecabinet.SourceBallot {
			source = "Phiếu lấy ý kiến"
		}
		if t.LeadMemberID != nil {
			lead = names[*t.LeadMemberID]
		}
		if err := cw.Write([]string{itoa(t.ID), source, opt(t.MeetingID), opt(t.BallotID), t.Title, t.Description, lead, t.Organization,
			strings.Join(t.CoUnits, "; "), t.DueDate, t.AssignedAt.In(loc).Format(time.DateOnly), optTime(t.CompletedAt, loc),
			StatusVI[t.Status]}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTaskStatsCSV writes the statistics, one row per group and a total.
func WriteTaskStatsCSV(w io.Writer, rep *ecabinet.TaskStatsReport) error {
	cw, err := newCSV(w, []string{"Nhóm", "Số nhiệm vụ giao", "Đã hoàn thành", "Tỷ lệ (%)", "Hoàn thành đúng hạn", "Tỷ lệ (%)",
		"Hoàn thành quá hạn", "Tỷ lệ (%)", "Đang thực hiện trong hạn", "Tỷ lệ (%)", "Quá hạn chưa hoàn thành", "Tỷ lệ (%)"})
	if err != nil {
		return err
	}
	row := func(key string, s ecabinet.TaskStats) error {
		return cw.Write([]string{key, itoa(s.Assigned), itoa(s.Done), decimal(s.DonePc), itoa(s.DoneOnTime), decimal(s.DoneOnTimePc),
			itoa(s.DoneLate), decimal(s.DoneLatePc), itoa(s.InProgress), decimal(s.InProgressPc), itoa(s.Overdue), decimal(s.OverduePc)})
	}
	for _, g := range rep.Groups {
		if err := row(g.Key, g); err != nil {
			return err
		}
	}
	if err := row("Tổng cộng", rep.Total); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// ConclusionStatusVI names a notice's state.
var ConclusionStatusVI = map[ecabinet.ConclusionStatus]string{
	ecabinet.ConclusionDraft:     "Dự thảo",
	ecabinet.ConclusionPublished: "Đã ban hành",
}

// WriteConclusionsCSV writes the conclusion notices, a row per concluded
// agenda item (or one for a notice concluding on none).
func WriteConclusionsCSV(w io.Writer, lines []ecabinet.ConclusionLine, loc *time.Location) error {
	cw, err := newCSV(w, []string{"Số hiệu", "Thông báo kết luận", "Tình trạng", "Ban hành lúc", "Mã phiên họp", "Phiên họp", "Ngày họp",
		"Kết luận chung", "Nội dung số", "Nội dung", "Kết luận về nội dung"})
	if err != nil {
		return err
	}
	for _, l := range lines {
		c, pos := l.Conclusion, ""
		if l.ItemPosition > 0 {
			pos = itoa(l.ItemPosition)
		}
		if err := cw.Write([]string{c.Number, c.Title, ConclusionStatusVI[c.Status], optTime(c.PublishedAt, loc), itoa(c.MeetingID), l.MeetingTitle,
			l.MeetingStart.In(loc).Format(time.DateOnly), c.Text, pos, l.ItemTitle, l.ItemText}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
