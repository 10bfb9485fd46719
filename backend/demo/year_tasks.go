package demo

import (
	"fmt"
	"slices"
	"time"
	"unicode"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// provinces lead tasks too; they have no account in the body, so the
// secretariat records their reports.
var provinces = []string{
	"Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Ủy ban nhân dân thành phố Đà Nẵng",
	"Ủy ban nhân dân thành phố Hải Phòng", "Ủy ban nhân dân thành phố Cần Thơ", "Ủy ban nhân dân tỉnh Quảng Ninh",
	"Ủy ban nhân dân tỉnh Thanh Hóa", "Ủy ban nhân dân tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Đồng Nai",
	"Ủy ban nhân dân tỉnh Bình Dương", "Ủy ban nhân dân tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Khánh Hòa",
}

var taskTemplates = []string{
	"Chủ trì, phối hợp tiếp thu ý kiến thành viên Chính phủ, hoàn thiện %s",
	"Khẩn trương xây dựng văn bản quy định chi tiết %s",
	"Báo cáo Thủ tướng Chính phủ kết quả thực hiện %s",
	"Rà soát, đề xuất sửa đổi quy định còn vướng mắc liên quan đến %s",
	"Tổ chức triển khai, hướng dẫn thực hiện %s",
	"Đẩy nhanh tiến độ, tháo gỡ khó khăn trong thực hiện %s",
}

var progressNotes = []string{
	"Đã xây dựng dự thảo, đang lấy ý kiến các bộ, cơ quan liên quan.",
	"Đã tổ chức họp với các cơ quan phối hợp; đang hoàn thiện hồ sơ.",
	"Đang tổng hợp ý kiến góp ý, dự kiến hoàn thành đúng hạn.",
}

// planConclusion plans the conclusion notice of a session and its tasks:
// many from a regular session (its resolution assigns the month's work),
// fewer from a thematic one.
func (y *year) planConclusion(s *sessionPlan) {
	sec := y.sec.ctx
	drafted := weekday(s.start.AddDate(0, 0, 1)).Add(7 * time.Hour)
	y.at(drafted, "draft conclusion", func() error {
		in := ecabinet.ConclusionInput{Number: fmt.Sprintf("%d/TB-VPCP", 100+y.res.Conclusions*7), Title: "Kết luận của Thủ tướng Chính phủ tại " + s.title,
			Text: "Thủ tướng Chính phủ kết luận và giao nhiệm vụ như sau:"}
		for _, it := range s.items {
			if !it.deferred {
				in.Items = append(in.Items, ecabinet.ConclusionItem{ItemID: it.id, Text: "Giao " + it.org + " chủ trì, phối hợp với các cơ quan liên quan tiếp thu ý kiến, hoàn thiện."})
			}
		}
		c, err := y.conclusions.SaveConclusion(sec, s.id, in)
		if err == nil {
			s.conclusionID = c.ID
		}
		return err
	})
	published := weekday(drafted.AddDate(0, 0, 2))
	y.at(published, "publish conclusion", func() error {
		_, err := y.conclusions.PublishConclusion(sec, s.id)
		y.res.Conclusions++
		return err
	})
	n := between(y.rng, 20, 40)
	if s.kind == ecabinet.KindRegular {
		n = between(y.rng, 100, 140)
	}
	var topics []string
	var items []*itemPlan
	for _, it := range s.items {
		if !it.deferred {
			topics, items = append(topics, it.title), append(items, it)
		}
	}
	y.planTasks(published.Add(4*time.Hour), n, topics, func(i int) ecabinet.TaskInput {
		return ecabinet.TaskInput{ConclusionID: &s.conclusionID, ItemID: &items[i%len(items)].id}
	})
}

// taskPlan is a task and what becomes of it.
type taskPlan struct {
	in       ecabinet.TaskInput
	reporter *person
	id       int64
}

// planTasks plans n tasks assigned at t, with source(i) giving the i-th
// task's source. Each task is due in 15 days to 9 months; 90% are done
// before the deadline (mostly in its second half), 7% after it and 3% not
// at all, some with a progress report on the way. At the end of the year
// the shares come near those the Government reports (about 60% done on
// time, 7% late, 30% in progress, 3% overdue).
func (y *year) planTasks(at time.Time, n int, topics []string, source func(i int) ecabinet.TaskInput) {
	var ministries []string
	for org, people := range y.byOrg {
		for _, p := range people {
			if p.m.Voting && org != "Chính phủ" {
				ministries = append(ministries, org)
				break
			}
		}
	}
	slices.Sort(ministries)
	plans := make([]*taskPlan, n)
	for i := range plans {
		p := &taskPlan{in: source(i)}
		topic := topics[i%len(topics)]
		p.in.Title = fmt.Sprintf(pick(y.rng, taskTemplates), lowerFirst(topic))
		switch r := y.rng.Float64(); {
		case r < 0.1:
			lead := pick(y.rng, y.voters)
			p.in.LeadMemberID, p.reporter = &lead.m.ID, lead
		case r < 0.3:
			p.in.LeadOrg, p.reporter = pick(y.rng, provinces), y.sec
		default:
			p.in.LeadOrg = pick(y.rng, ministries)
			p.reporter = y.byOrg[p.in.LeadOrg][0]
			for _, q := range y.byOrg[p.in.LeadOrg] {
				if q.m.Voting {
					p.reporter = q
					break
				}
			}
		}
		for k := y.rng.IntN(4); k > 0; k-- {
			if u := pick(y.rng, ministries); u != p.in.LeadOrg && !slices.Contains(p.in.CoUnits, u) {
				p.in.CoUnits = append(p.in.CoUnits, u)
			}
		}
		days := between(y.rng, 30, 90)
		switch r := y.rng.Float64(); {
		case r < 0.15:
			days = between(y.rng, 15, 30)
		case r > 0.5:
			days = between(y.rng, 90, 270)
		}
		p.in.DueDate = at.In(y.loc).AddDate(0, 0, days).Format(time.DateOnly)
		plans[i] = p
		y.planOutcome(p, at, days)
	}
	y.at(at, "assign tasks", func() error {
		for _, p := range plans {
			t, err := y.tasks.CreateTask(y.sec.ctx, p.in)
			if err != nil {
				return err
			}
			p.id = t.ID
			y.res.Tasks++
		}
		return nil
	})
}

// planOutcome plans a task's progress note and completion, if any.
func (y *year) planOutcome(p *taskPlan, at time.Time, days int) {
	deadline := at.In(y.loc).AddDate(0, 0, days+1)
	deadline = time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 0, 0, 0, 0, y.loc)
	span := deadline.Sub(at)
	var done time.Time
	switch r := y.rng.Float64(); {
	case r < 0.9:
		done = at.Add(time.Duration((0.55 + 0.43*y.rng.Float64()) * float64(span)))
	case r < 0.97:
		done = deadline.Add(time.Duration(between(y.rng, 1, 40))*24*time.Hour + 3*time.Hour)
	}
	if y.rng.Float64() < 0.4 {
		note := at.Add(span / 3)
		if done.IsZero() || note.Before(done) {
			y.at(note, "task progress", func() error {
				_, err := y.tasks.ReportProgress(p.reporter.ctx, p.id, ecabinet.ProgressInput{Note: pick(y.rng, progressNotes)})
				y.res.Notes++
				return err
			})
		}
	}
	if !done.IsZero() {
		y.at(done, "task done", func() error {
			note := fmt.Sprintf("Đã hoàn thành, báo cáo tại văn bản số %d/BC.", 1000+p.id)
			_, err := y.tasks.ReportProgress(p.reporter.ctx, p.id, ecabinet.ProgressInput{Note: note, Done: true})
			y.res.Reports++
			return err
		})
	}
}

// lowerFirst lowers the first letter of a title used inside a sentence.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
