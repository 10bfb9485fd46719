package demo

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// regularItems are the standing items of a regular monthly session.
var regularItems = []struct {
	title   string
	org     string
	minutes int
}{
	{"Tình hình kinh tế - xã hội tháng %d; nhiệm vụ, giải pháp trọng tâm thời gian tới", "Bộ Kế hoạch và Đầu tư", 120},
	{"Tình hình giải ngân vốn đầu tư công và thực hiện các chương trình mục tiêu quốc gia", "Bộ Kế hoạch và Đầu tư", 45},
	{"Tình hình thực hiện nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao", "Văn phòng Chính phủ", 30},
	{"Công tác cải cách hành chính, cắt giảm thủ tục và điều kiện kinh doanh", "Văn phòng Chính phủ", 30},
	{"Tình hình xây dựng, ban hành văn bản quy định chi tiết", "Bộ Tư pháp", 30},
	{"Dự thảo Nghị quyết phiên họp Chính phủ thường kỳ tháng %d", "Văn phòng Chính phủ", 20},
}

// lawProjects are the law projects and proposals discussed in sessions.
var lawProjects = []struct{ title, org string }{
	{"Dự án Luật Đất đai (sửa đổi)", "Bộ Tài nguyên và Môi trường"},
	{"Dự án Luật Nhà ở (sửa đổi)", "Bộ Xây dựng"},
	{"Dự án Luật Kinh doanh bất động sản (sửa đổi)", "Bộ Xây dựng"},
	{"Dự án Luật Giao dịch điện tử (sửa đổi)", "Bộ Thông tin và Truyền thông"},
	{"Dự án Luật Viễn thông (sửa đổi)", "Bộ Thông tin và Truyền thông"},
	{"Dự án Luật Thuế giá trị gia tăng (sửa đổi)", "Bộ Tài chính"},
	{"Dự án Luật Thuế thu nhập doanh nghiệp (sửa đổi)", "Bộ Tài chính"},
	{"Dự án Luật Các tổ chức tín dụng (sửa đổi)", "Ngân hàng Nhà nước Việt Nam"},
	{"Dự án Luật Đường bộ", "Bộ Giao thông vận tải"},
	{"Dự án Luật Trật tự, an toàn giao thông đường bộ", "Bộ Công an"},
	{"Dự án Luật Tài nguyên nước (sửa đổi)", "Bộ Tài nguyên và Môi trường"},
	{"Dự án Luật Bảo hiểm xã hội (sửa đổi)", "Bộ Lao động - Thương binh và Xã hội"},
	{"Dự án Luật Dược (sửa đổi)", "Bộ Y tế"},
	{"Dự án Luật Công nghiệp quốc phòng, an ninh và động viên công nghiệp", "Bộ Quốc phòng"},
	{"Dự án Luật Thủ đô (sửa đổi)", "Bộ Tư pháp"},
	{"Dự án Luật Lưu trữ (sửa đổi)", "Bộ Nội vụ"},
	{"Dự án Luật Địa chất và khoáng sản", "Bộ Tài nguyên và Môi trường"},
	{"Dự án Luật Di sản văn hóa (sửa đổi)", "Bộ Văn hóa, Thể thao và Du lịch"},
	{"Dự án Luật Nhà giáo", "Bộ Giáo dục và Đào tạo"},
	{"Dự án Luật Công nghiệp công nghệ số", "Bộ Thông tin và Truyền thông"},
	{"Đề nghị xây dựng Luật Dữ liệu", "Bộ Công an"},
	{"Đề nghị xây dựng Luật Công chứng (sửa đổi)", "Bộ Tư pháp"},
	{"Đề nghị xây dựng Luật Điện lực (sửa đổi)", "Bộ Công Thương"},
	{"Đề nghị xây dựng Luật Năng lượng nguyên tử (sửa đổi)", "Bộ Khoa học và Công nghệ"},
}

// docKinds are the documents of an agenda item, with their usual length.
var docKinds = []struct {
	title    string
	lo, hi   int
	lawOnly  bool
	optional bool
}{
	{"Tờ trình", 6, 18, false, false},
	{"Dự thảo", 20, 120, true, false},
	{"Báo cáo đánh giá tác động", 25, 80, true, true},
	{"Báo cáo thẩm định", 10, 30, true, true},
	{"Báo cáo", 15, 60, false, false},
	{"Bản tổng hợp, giải trình, tiếp thu ý kiến", 15, 60, false, true},
}

type itemPlan struct {
	title, org string
	minutes    int
	factor     float64 // actual / planned
	deferred   bool
	law        bool
	id         int64
}

type docPlan struct {
	title         string
	class         ecabinet.Classification
	pages         []int // pages of each version; a placeholder's paper pages
	item          int
	replaceBefore bool // a second version before publication
	replaceAfter  bool // one more version after publication
	id            int64
}

type sessionPlan struct {
	kind             ecabinet.MeetingKind
	title            string
	start            time.Time
	items            []*itemPlan
	docs             []*docPlan
	present, absent  []*person
	id, conclusionID int64
	copies           [][2]int64 // document, copy
}

// planSessions plans n sessions: regular ones on the first working day
// from the 3rd of each month (12 in a full year), thematic ones between.
func (y *year) planSessions(n int) {
	regular := min((n*12+13)/27, 12, n)
	used := map[string]bool{}
	base := y.from.In(y.loc)
	for i := 0; i < regular; i++ {
		t := weekday(time.Date(base.Year(), base.Month()+time.Month(1+i*12/regular), 3, 8, 0, 0, 0, y.loc))
		prev := t.AddDate(0, -1, 0)
		used[t.Format(time.DateOnly)] = true
		y.planSession(ecabinet.KindRegular, fmt.Sprintf("Phiên họp Chính phủ thường kỳ tháng %d năm %d", prev.Month(), prev.Year()), t)
	}
	thematic := n - regular
	perMonth := map[string]int{}
	for i := 0; i < thematic; i++ {
		t := weekday(y.local(16+i*340/thematic, 8, 0))
		for used[t.Format(time.DateOnly)] {
			t = weekday(t.AddDate(0, 0, 1))
		}
		used[t.Format(time.DateOnly)] = true
		month := t.Format("01/2006")
		perMonth[month]++
		title := "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật tháng " + month
		if perMonth[month] > 1 {
			title += fmt.Sprintf(" (lần %d)", perMonth[month])
		}
		y.planSession(ecabinet.KindThematic, title, t)
	}
}

// planSession plans one session from its preparation to its tasks.
func (y *year) planSession(kind ecabinet.MeetingKind, title string, start time.Time) {
	if start.AddDate(0, 0, -11).Before(y.from) { // its preparation would fall before the year
		f := y.from.In(y.loc).AddDate(0, 0, 12)
		start = weekday(time.Date(f.Year(), f.Month(), f.Day(), 8, 0, 0, 0, y.loc))
	}
	s := &sessionPlan{kind: kind, title: title, start: start}
	laws := 2 + y.rng.IntN(2)
	if kind == ecabinet.KindRegular {
		month := int(start.AddDate(0, -1, 0).Month())
		for _, it := range regularItems {
			s.items = append(s.items, &itemPlan{title: fmt.Sprintf(it.title, month), org: it.org, minutes: it.minutes})
		}
	} else {
		laws = 4 + y.rng.IntN(3)
	}
	for i := 0; i < laws; i++ {
		p := pick(y.rng, lawProjects)
		s.items = append(s.items, &itemPlan{title: p.title, org: p.org, minutes: 5 * between(y.rng, 9, 18), law: true})
	}
	for i, it := range s.items {
		// Sessions run 20-30% shorter than planned on average; a few items overrun.
		it.factor = 0.55 + 0.35*y.rng.Float64()
		if y.rng.Float64() < 0.07 {
			it.factor = 1 + 0.2*y.rng.Float64()
		}
		it.deferred = i > 0 && y.rng.Float64() < 0.04
		for _, k := range docKinds {
			if (k.lawOnly && !it.law) || (k.optional && y.rng.Float64() < 0.5) {
				continue
			}
			d := &docPlan{title: k.title + " " + it.title, class: ecabinet.ClassNone, item: i, pages: []int{between(y.rng, k.lo, k.hi)},
				replaceBefore: y.rng.Float64() < 0.25, replaceAfter: y.rng.Float64() < 0.12}
			s.docs = append(s.docs, d)
		}
	}
	// Classified documents are paper only in this body: placeholders.
	if y.rng.Float64() < 0.4 {
		s.docs = append(s.docs, &docPlan{title: "Báo cáo tình hình quốc phòng, an ninh, đối ngoại", class: ecabinet.ClassConfidential,
			item: 0, pages: []int{between(y.rng, 12, 40)}})
	}
	if y.rng.Float64() < 0.12 && y.sec.m.Clearance.Covers(ecabinet.ClassSecret) {
		s.docs = append(s.docs, &docPlan{title: "Đề án bảo vệ chủ quyền biển, đảo", class: ecabinet.ClassSecret, item: 0, pages: []int{between(y.rng, 10, 25)}})
	}
	for _, p := range y.voters {
		if y.rng.Float64() < 0.08 && p != y.chair {
			s.absent = append(s.absent, p)
		} else {
			s.present = append(s.present, p)
		}
	}
	y.planSessionPrep(s)
	y.planSessionDay(s)
	y.planConclusion(s)
}

func pdfUpload(pages int, name string) ecabinet.Upload {
	b := pdftest.Valid(pages)
	return ecabinet.Upload{Filename: name + ".pdf", Content: bytes.NewReader(b), Size: int64(len(b))}
}

// upload uploads a document's next version, a few pages shorter or longer.
func (y *year) upload(d *docPlan) error {
	next := max(1, d.pages[len(d.pages)-1]+between(y.rng, -3, 6))
	d.pages = append(d.pages, next)
	if _, err := y.docs.UploadVersion(y.sec.ctx, d.id, pdfUpload(next, d.title)); err != nil {
		return err
	}
	y.res.Versions++
	return nil
}

// planSessionPrep: the draft with its agenda and documents, versions
// replaced before publication, publication, versions after it.
func (y *year) planSessionPrep(s *sessionPlan) {
	sec := y.sec.ctx
	y.at(weekday(s.start.AddDate(0, 0, -10)).Add(time.Hour), "prepare "+s.title, func() error {
		m, err := y.meetings.CreateMeeting(sec, ecabinet.MeetingInput{Kind: s.kind, Title: s.title, ScheduledStart: s.start,
			ScheduledEnd: s.start.Add(4 * time.Hour), Place: "Trụ sở Chính phủ", RemoteSites: []string{}})
		if err != nil {
			return err
		}
		s.id = m.ID
		for _, it := range s.items {
			ag, err := y.meetings.AddItem(sec, s.id, ecabinet.AgendaItemInput{Title: it.title, PresenterOrg: it.org, PlannedMinutes: it.minutes})
			if err != nil {
				return err
			}
			it.id = ag[len(ag)-1].ID
		}
		for _, d := range s.docs {
			in := ecabinet.DocumentInput{Title: d.title, ItemID: &s.items[d.item].id, Classification: d.class}
			if d.class != ecabinet.ClassNone {
				in.PaperPages = d.pages[0]
			}
			doc, err := y.docs.CreateDocument(sec, s.id, in)
			if err != nil {
				return err
			}
			d.id = doc.ID
			y.res.Documents++
			if doc.Placeholder {
				y.res.Placeholders++
				continue
			}
			if _, err := y.docs.UploadVersion(sec, d.id, pdfUpload(d.pages[0], d.title)); err != nil {
				return err
			}
			y.res.Versions++
		}
		y.res.Sessions++
		y.res.Items += len(s.items)
		return nil
	})
	y.at(s.start.AddDate(0, 0, -8).Add(6*time.Hour), "revise before publication", func() error {
		return y.revise(s, func(d *docPlan) bool { return d.replaceBefore })
	})
	y.at(s.start.AddDate(0, 0, -6).Add(8*time.Hour), "publish", func() error {
		_, err := y.meetings.Transition(sec, s.id, ecabinet.ActionPublish, nil)
		return err
	})
	y.at(s.start.AddDate(0, 0, -2).Add(2*time.Hour), "revise after publication", func() error {
		return y.revise(s, func(d *docPlan) bool { return d.replaceAfter })
	})
}

func (y *year) revise(s *sessionPlan, which func(*docPlan) bool) error {
	for _, d := range s.docs {
		if d.class == ecabinet.ClassNone && which(d) {
			if err := y.upload(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// planSessionDay: attendance, paper copies, the agenda run shorter than
// planned, the close, and the paper copies taken back.
func (y *year) planSessionDay(s *sessionPlan) {
	sec, chair := y.sec.ctx, y.chair.ctx
	y.at(s.start.Add(-30*time.Minute), "attendance", func() error {
		for _, p := range s.present {
			if _, _, err := y.meetings.CheckIn(p.ctx, s.id); err != nil {
				return err
			}
		}
		for _, p := range s.absent {
			in := ecabinet.AttendanceInput{Status: ecabinet.AttendanceAbsent, Reason: "Đi công tác nước ngoài"}
			if _, _, err := y.meetings.SetAttendance(sec, s.id, p.m.ID, in); err != nil {
				return err
			}
		}
		return nil
	})
	y.at(s.start.Add(-15*time.Minute), "paper copies", func() error {
		for _, d := range s.docs {
			if d.class == ecabinet.ClassNone {
				continue
			}
			for _, p := range s.present {
				if !p.m.Clearance.Covers(d.class) {
					continue
				}
				c, err := y.docs.HandOut(sec, d.id, ecabinet.PaperCopyInput{HolderID: p.m.ID})
				if err != nil {
					return err
				}
				s.copies = append(s.copies, [2]int64{d.id, c.ID})
				y.res.Copies++
			}
		}
		return nil
	})
	y.at(s.start, "start", func() error {
		if _, err := y.meetings.Transition(chair, s.id, ecabinet.ActionStart, nil); err != nil {
			return err
		}
		for _, it := range s.items {
			if it.deferred {
				if _, err := y.meetings.DeferItem(chair, s.id, it.id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	t := s.start
	var run []*itemPlan
	for _, it := range s.items {
		if !it.deferred {
			run = append(run, it)
		}
	}
	for i, it := range run {
		t = t.Add(time.Duration(float64(it.minutes) * it.factor * float64(time.Minute)).Round(time.Second))
		if i < len(run)-1 {
			y.at(t, "next item", func() error { _, err := y.meetings.NextItem(chair, s.id); return err })
		}
	}
	y.at(t, "close", func() error {
		_, err := y.meetings.Transition(chair, s.id, ecabinet.ActionClose, nil)
		return err
	})
	y.at(t.Add(10*time.Minute), "paper copies returned", func() error {
		for _, c := range s.copies {
			if _, err := y.docs.ReturnCopy(sec, c[0], c[1]); err != nil {
				return err
			}
		}
		return nil
	})
}
