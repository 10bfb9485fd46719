package demo

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/ecabinet/ecabinet/backend/store"
)

// Services are the services the demo activity is created through: the same
// the API uses, so the demo is made of ordinary data.
type Services struct {
	DB        *store.DB
	Meetings  *store.MeetingService
	Documents *store.DocumentService
	Ballots   *store.BallotService
	Positions *store.PositionService
}

type demoDoc struct {
	title          string
	pages          int
	classification ecabinet.Classification
}

type demoItem struct {
	title     string
	presenter string // username
	org       string
	minutes   int
	docs      []demoDoc
}

var agenda = []demoItem{
	{"Báo cáo tình hình kinh tế - xã hội tháng 11 và 11 tháng năm 2026", "member10", "Bộ Kế hoạch và Đầu tư", 45,
		[]demoDoc{{"Báo cáo tình hình kinh tế - xã hội 11 tháng năm 2026", 12, ecabinet.ClassNone}, {"Phụ lục số liệu kinh tế vĩ mô", 6, ecabinet.ClassNone}}},
	{"Tình hình giải ngân vốn đầu tư công", "member11", "Bộ Tài chính", 30,
		[]demoDoc{{"Tờ trình về giải ngân vốn đầu tư công năm 2026", 5, ecabinet.ClassNone}}},
	{"Dự án Luật Chuyển đổi số", "member17", "Bộ Thông tin và Truyền thông", 40,
		[]demoDoc{{"Tờ trình dự án Luật Chuyển đổi số", 8, ecabinet.ClassNone}, {"Dự thảo Luật Chuyển đổi số", 24, ecabinet.ClassNone}}},
	{"Dự thảo Nghị định về phiên họp không giấy của Chính phủ", "member26", "Văn phòng Chính phủ", 30,
		[]demoDoc{{"Dự thảo Nghị định về phiên họp không giấy", 10, ecabinet.ClassNone}}},
	{"Báo cáo công tác quốc phòng, an ninh", "member05", "Bộ Quốc phòng", 20,
		[]demoDoc{{"Báo cáo công tác quốc phòng, an ninh tháng 11 (Mật)", 14, ecabinet.ClassConfidential}}},
	{"Các vấn đề khác", "", "Văn phòng Chính phủ", 15, nil},
}

var prose = []string{
	"Thực hiện chương trình công tác năm 2026, các bộ, ngành đã chủ động triển khai đồng bộ các nhiệm vụ, giải pháp theo Nghị quyết của Chính phủ; tình hình kinh tế - xã hội tiếp tục chuyển biến tích cực.",
	"Tài liệu này là dữ liệu minh họa của hệ thống e-Cabinet: các số liệu, tên người và nội dung đều là giả định, dùng để trình diễn việc phát hành tài liệu điện tử thay cho bản giấy.",
	"Đề nghị các thành viên Chính phủ nghiên cứu, cho ý kiến về các nội dung trọng tâm; Văn phòng Chính phủ tổng hợp ý kiến, báo cáo Thủ tướng Chính phủ xem xét, quyết định.",
	"Việc số hóa hồ sơ, tài liệu phiên họp giúp rút ngắn thời gian chuẩn bị, giảm chi phí in ấn, sao chụp và gửi nhận, đồng thời bảo đảm an toàn, bảo mật thông tin theo quy định.",
}

// SeedActivity makes sure the demo body has an upcoming session with its
// agenda and documents (one of them classified, on paper only), a session
// with members' positions and its consent block, and an open
// written ballot. Each part is skipped when the body already has sessions or
// ballots, so a restart adds nothing.
func SeedActivity(ctx context.Context, s Services, now time.Time, log *slog.Logger) error {
	sec, err := s.DB.ActorByUsername(ctx, "secretary1")
	if err != nil {
		return err
	}
	as := ecabinet.NewContextWithActor(ctx, sec)
	body, err := s.DB.FindBodyBySlug(ctx, BodySlug)
	if err != nil {
		return err
	}
	loc := body.Settings.Location()
	existing, err := s.Meetings.ListMeetings(as, ecabinet.MeetingFilter{})
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		if err := seedSession(as, s, now.In(loc)); err != nil {
			return fmt.Errorf("demo session: %w", err)
		}
		if err := seedConsentSession(as, s, now.In(loc)); err != nil {
			return fmt.Errorf("demo session with positions: %w", err)
		}
		log.Info("demo sessions created")
	}
	ballots, err := s.Ballots.ListBallots(as)
	if err != nil {
		return err
	}
	if len(ballots) == 0 {
		if err := seedBallot(as, s, now.In(loc)); err != nil {
			return fmt.Errorf("demo ballot: %w", err)
		}
		log.Info("demo ballot created")
	}
	return nil
}

func seedSession(as context.Context, s Services, now time.Time) error {
	day := now.AddDate(0, 0, 3)
	start := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, now.Location())
	m, err := s.Meetings.CreateMeeting(as, ecabinet.MeetingInput{
		Kind: ecabinet.KindRegular, Title: fmt.Sprintf("Phiên họp Chính phủ thường kỳ tháng %d năm %d", start.Month(), start.Year()),
		ScheduledStart: start, ScheduledEnd: start.Add(4 * time.Hour), Place: "Phòng họp Chính phủ, Trụ sở Chính phủ",
		RemoteSites: []string{"Điểm cầu Thành phố Hồ Chí Minh", "Điểm cầu Thành phố Đà Nẵng"},
	})
	if err != nil {
		return err
	}
	for _, it := range agenda {
		in := ecabinet.AgendaItemInput{Title: it.title, PresenterOrg: it.org, PlannedMinutes: it.minutes}
		if it.presenter != "" {
			p, err := s.DB.ActorByUsername(as, it.presenter)
			if err != nil {
				return err
			}
			in.Presenter = &p.MemberID
		}
		items, err := s.Meetings.AddItem(as, m.ID, in)
		if err != nil {
			return err
		}
		itemID := items[len(items)-1].ID
		for _, d := range it.docs {
			if err := seedDocument(as, s, m.ID, itemID, d, now); err != nil {
				return err
			}
		}
	}
	_, err = s.Meetings.Transition(as, m.ID, ecabinet.ActionPublish, nil)
	return err
}

// consentAgenda is the agenda of the thematic session whose members gave
// positions beforehand.
var consentAgenda = []demoItem{
	{"Dự án Luật Dữ liệu (sửa đổi)", "", "Bộ Công an", 40, nil},
	{"Dự thảo Nghị định quy định chi tiết Luật Đấu thầu", "", "Bộ Kế hoạch và Đầu tư", 30, nil},
	{"Đề nghị xây dựng Luật Thuế thu nhập cá nhân (sửa đổi)", "", "Bộ Tài chính", 45, nil},
	{"Dự thảo Nghị định về quản lý hoạt động thương mại điện tử", "", "Bộ Công Thương", 25, nil},
}

// seedConsentSession makes a thematic session two days ahead (before the
// regular one, which stays the latest) whose members gave positions on
// every item and whose cut-off was applied: it shows the consent block.
func seedConsentSession(as context.Context, s Services, now time.Time) error {
	day := now.AddDate(0, 0, 2)
	start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, now.Location())
	m, err := s.Meetings.CreateMeeting(as, ecabinet.MeetingInput{
		Kind: ecabinet.KindThematic, Title: fmt.Sprintf("Phiên họp Chính phủ chuyên đề xây dựng pháp luật tháng %d năm %d", start.Month(), start.Year()),
		ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour), Place: "Phòng họp Chính phủ, Trụ sở Chính phủ",
	})
	if err != nil {
		return err
	}
	for _, it := range consentAgenda {
		if _, err := s.Meetings.AddItem(as, m.ID, ecabinet.AgendaItemInput{Title: it.title, PresenterOrg: it.org, PlannedMinutes: it.minutes}); err != nil {
			return err
		}
	}
	return seedPositions(as, s, m.ID)
}

// demoPositions: some members' positions on the four items; the second and
// fourth draw no objection and so form the consent block once the cut-off
// is applied.
var demoPositions = []struct {
	member string
	stance [4]ecabinet.Stance
}{
	{"member01", [4]ecabinet.Stance{ecabinet.StanceSpeak, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection}},
	{"member02", [4]ecabinet.Stance{ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceObject, ecabinet.StanceNoObjection}},
	{"member03", [4]ecabinet.Stance{ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceSpeak, ecabinet.StanceNoObjection}},
	{"member04", [4]ecabinet.Stance{ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection}},
	{"member06", [4]ecabinet.Stance{ecabinet.StanceSpeak, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection, ecabinet.StanceNoObjection}},
}

// seedPositions asks positions on the four items, publishes the session,
// records the demo members' positions and applies the cut-off, so that the
// session shows its consent block and its speaking queues.
func seedPositions(as context.Context, s Services, meetingID int64) error {
	items, err := s.Meetings.Agenda(as, meetingID)
	if err != nil {
		return err
	}
	var open []int64
	for _, it := range items {
		open = append(open, it.ID)
	}
	if _, err := s.Positions.AskPositions(as, meetingID, ecabinet.PositionsSettings{Items: open}); err != nil {
		return err
	}
	if _, err := s.Meetings.Transition(as, meetingID, ecabinet.ActionPublish, nil); err != nil {
		return err
	}
	for _, p := range demoPositions {
		m, err := s.DB.ActorByUsername(as, p.member)
		if err != nil {
			return err
		}
		ctx := ecabinet.NewContextWithActor(as, m)
		for i, id := range open {
			in := ecabinet.PositionInput{Stance: p.stance[i]}
			if in.Stance == ecabinet.StanceObject {
				in.Reason = "Đề nghị làm rõ thêm phạm vi điều chỉnh và nguồn lực bảo đảm thi hành."
			}
			if _, err := s.Positions.GivePosition(ctx, meetingID, id, in); err != nil {
				return err
			}
		}
	}
	_, err = s.Positions.ClosePositions(as, meetingID)
	return err
}

func seedDocument(as context.Context, s Services, meetingID, itemID int64, d demoDoc, now time.Time) error {
	in := ecabinet.DocumentInput{Title: d.title, ItemID: &itemID, Classification: d.classification}
	if d.classification != ecabinet.ClassNone {
		in.PaperPages = d.pages // above the body's electronic limit: paper only
	}
	doc, err := s.Documents.CreateDocument(as, meetingID, in)
	if err != nil || doc.Placeholder {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteDocument(&buf, d.title, prose, d.pages, now); err != nil {
		return err
	}
	_, err = s.Documents.UploadVersion(as, doc.ID, ecabinet.Upload{Filename: d.title + ".pdf", Content: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())})
	return err
}

func seedBallot(as context.Context, s Services, now time.Time) error {
	day := now.AddDate(0, 0, 5)
	b, err := s.Ballots.CreateBallot(as, ecabinet.BallotInput{
		Title:    "Phiếu lấy ý kiến thành viên Chính phủ về dự thảo Nghị quyết phiên họp chuyên đề xây dựng pháp luật",
		Reason:   "Thực hiện Quy chế làm việc của Chính phủ, Thủ tướng Chính phủ quyết định lấy ý kiến thành viên Chính phủ bằng phiếu thay cho thảo luận tại phiên họp.",
		Deadline: time.Date(day.Year(), day.Month(), day.Day(), 17, 0, 0, 0, now.Location()),
		Questions: []string{
			"Đồng ý thông qua dự thảo Nghị quyết phiên họp chuyên đề xây dựng pháp luật tháng 11 năm 2026?",
			"Đồng ý giao Bộ Tư pháp chủ trì hoàn thiện hồ sơ các dự án luật trình Quốc hội?",
		},
	})
	if err != nil {
		return err
	}
	// The draft it asks about goes with it.
	const title = "Dự thảo Nghị quyết phiên họp chuyên đề xây dựng pháp luật tháng 11 năm 2026"
	doc, err := s.Documents.CreateBallotDocument(as, b.ID, ecabinet.DocumentInput{Title: title, Classification: ecabinet.ClassNone})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteDocument(&buf, title, prose, 3, now); err != nil {
		return err
	}
	if _, err := s.Documents.UploadVersion(as, doc.ID, ecabinet.Upload{Filename: title + ".pdf", Content: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())}); err != nil {
		return err
	}
	_, err = s.Ballots.OpenBallot(as, b.ID)
	return err
}
