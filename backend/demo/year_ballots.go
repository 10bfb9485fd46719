package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

var ballotSubjects = []string{
	"dự thảo Nghị định quy định chi tiết một số điều của Luật Đầu tư",
	"dự thảo Nghị định về quản lý, sử dụng tài sản công",
	"dự thảo Nghị quyết về cơ chế, chính sách đặc thù phát triển tỉnh",
	"đề nghị điều chỉnh chủ trương đầu tư dự án đường cao tốc",
	"dự thảo Nghị định sửa đổi, bổ sung quy định về điều kiện kinh doanh",
	"dự thảo Nghị quyết về phát hành trái phiếu Chính phủ",
	"dự thảo Nghị định về chính sách hỗ trợ doanh nghiệp nhỏ và vừa",
	"đề nghị điều chỉnh quy hoạch sử dụng đất của tỉnh",
	"dự thảo Nghị định quy định mức lương cơ sở",
	"dự thảo Nghị quyết về các giải pháp tháo gỡ khó khăn cho thị trường bất động sản",
	"dự thảo Nghị định về quản lý giá xăng dầu",
	"dự thảo Báo cáo của Chính phủ trình Quốc hội",
}

var ballotComments = map[string][]string{
	ecabinet.OptionDisagree: {"Đề nghị cân nhắc thêm tác động đến ngân sách nhà nước.", "Chưa đủ cơ sở pháp lý; đề nghị lấy thêm ý kiến Bộ Tư pháp."},
	ecabinet.OptionOther:    {"Đề nghị bổ sung quy định chuyển tiếp.", "Đề nghị làm rõ trách nhiệm của địa phương.", "Thống nhất, đề nghị chỉnh lý kỹ thuật văn bản."},
}

type ballotPlan struct {
	in        ecabinet.BallotInput
	id        int64
	questions []int64
}

// planBallots plans n written ballots over the year, opened on working
// days and answered within a week by most recipients (about a quarter are
// answered by everyone and closed early); the others close at their
// deadline. About half lead to tasks.
func (y *year) planBallots(n int) {
	for i := 0; i < n; i++ {
		open := weekday(y.local(3+i*355/n, between(y.rng, 8, 16), between(y.rng, 0, 59)))
		deadline := weekday(open.AddDate(0, 0, 7))
		subject := pick(y.rng, ballotSubjects)
		b := &ballotPlan{in: ecabinet.BallotInput{Title: fmt.Sprintf("Phiếu lấy ý kiến thành viên Chính phủ về %s (số %d)", subject, i+1),
			Reason: "Theo chỉ đạo của Thủ tướng Chính phủ, lấy ý kiến thành viên Chính phủ bằng phiếu.", Deadline: deadline,
			Questions: []string{"Đồng ý thông qua " + subject + "?"}}}
		if y.rng.Float64() < 0.3 {
			b.in.Questions = append(b.in.Questions, "Đồng ý giao cơ quan chủ trì tiếp thu ý kiến, hoàn thiện và trình ký ban hành?")
		}
		y.at(open, "open ballot", func() error {
			created, err := y.ballots.CreateBallot(y.sec.ctx, b.in)
			if err != nil {
				return err
			}
			b.id = created.ID
			for _, q := range created.Questions {
				b.questions = append(b.questions, q.ID)
			}
			_, err = y.ballots.OpenBallot(y.sec.ctx, b.id)
			y.res.Ballots++
			return err
		})
		last := open
		everyone := true
		for _, p := range y.voters {
			if y.rng.Float64() < 0.035 {
				everyone = false
				continue
			}
			at := open.Add(time.Duration(y.rng.ExpFloat64() * float64(30*time.Hour)))
			if !at.Before(deadline) {
				everyone = false
				continue
			}
			if at.After(last) {
				last = at
			}
			y.at(at, "answer ballot", func() error {
				in := ecabinet.AnswerInput{}
				for _, q := range b.questions {
					a := ecabinet.AnswerItem{QuestionID: q, Choice: ecabinet.OptionAgree}
					if r := y.rng.Float64(); r < 0.03 {
						a.Choice = ecabinet.OptionDisagree
					} else if r < 0.1 {
						a.Choice = ecabinet.OptionOther
					}
					if a.Choice != ecabinet.OptionAgree {
						a.Comment = pick(y.rng, ballotComments[a.Choice])
					}
					in.Answers = append(in.Answers, a)
				}
				_, err := y.ballots.Answer(p.ctx, b.id, p.m.ID, in, "")
				y.res.Answers++
				return err
			})
		}
		closed := deadline.Add(time.Minute)
		if everyone && last.Add(2*time.Hour).Before(deadline) {
			closed = last.Add(2 * time.Hour)
			y.at(closed, "close ballot", func() error { _, err := y.ballots.CloseBallot(y.sec.ctx, b.id); return err })
		} else {
			for _, before := range []time.Duration{24 * time.Hour, 2 * time.Hour} {
				y.at(deadline.Add(-before+time.Minute), "ballot reminders", func() error {
					_, err := y.ballots.SendDueReminders(context.Background())
					return err
				})
			}
			y.at(closed, "close due ballots", func() error { _, err := y.ballots.CloseDue(context.Background()); return err })
		}
		if y.rng.Float64() < 0.55 {
			y.planTasks(weekday(closed.AddDate(0, 0, 1)), between(y.rng, 1, 4), []string{"Nghị quyết, Nghị định được thông qua theo " + subject},
				func(int) ecabinet.TaskInput { return ecabinet.TaskInput{BallotID: &b.id} })
		}
	}
}
