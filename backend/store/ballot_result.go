package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// Result computes a ballot's outcome from its stored answers. The
// secretariat sees it at any time, recipients once the ballot is closed.
func (s *BallotService) Result(ctx context.Context, id int64) (*ecabinet.BallotResult, error) {
	var out *ecabinet.BallotResult
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		row, err := loadBallot(tx, a, id, "")
		if err != nil {
			return err
		}
		if !ecabinet.MaySeeBallotResult(a, ecabinet.BallotStatus(row.Status)) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.result_not_yet")
		}
		out, err = s.result(tx, a, row)
		return err
	})
	return out, err
}

func (s *BallotService) result(tx *gorm.DB, a ecabinet.Actor, row *ballotRow) (*ecabinet.BallotResult, error) {
	b, err := row.full(tx, a)
	if err != nil {
		return nil, err
	}
	b.Mine = nil
	body, err := s.db.findBody(tx.Statement.Context, tx, row.BodyID)
	if err != nil {
		return nil, err
	}
	var total int64
	if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND voting", row.BodyID).Count(&total).Error; err != nil {
		return nil, err
	}
	var answers []answerRow
	if err := tx.Where("ballot_id = ?", row.ID).Order("question_id, member_id").Find(&answers).Error; err != nil {
		return nil, err
	}
	var people []memberRow
	if err := tx.Select("id", "full_name", "title").Where("id IN (SELECT member_id FROM ballot_recipients WHERE ballot_id = ?)", row.ID).Find(&people).Error; err != nil {
		return nil, err
	}
	who := map[int64]memberRow{}
	for _, p := range people {
		who[p.ID] = p
	}
	res := &ecabinet.BallotResult{Ballot: b}
	opts := []ecabinet.VoteOption{{Key: ecabinet.OptionAgree, Label: "Đồng ý"}, {Key: ecabinet.OptionDisagree, Label: "Không đồng ý"}, {Key: ecabinet.OptionOther, Label: "Ý kiến khác"}}
	for _, q := range b.Questions {
		qr := ecabinet.QuestionResult{Question: q, Opinions: []ecabinet.Opinion{}}
		var choices []string
		for _, an := range answers {
			if an.QuestionID != q.ID {
				continue
			}
			choices = append(choices, an.Choice)
			switch an.Choice {
			case ecabinet.OptionAgree:
				qr.Agree++
			case ecabinet.OptionDisagree:
				qr.Disagree++
			case ecabinet.OptionOther:
				qr.Other++
			}
			if an.Choice != ecabinet.OptionAgree {
				qr.Opinions = append(qr.Opinions, ecabinet.Opinion{Choice: an.Choice, MemberID: an.MemberID, Member: who[an.MemberID].FullName,
					Title: who[an.MemberID].Title, Comment: an.Comment, Paper: an.RecordedBy != nil})
			}
			if an.SignatureID != nil {
				res.Signed++
			}
		}
		qr.NotReturned = len(b.Recipients) - len(choices)
		// Group: disagreements first, then other opinions.
		var grouped []ecabinet.Opinion
		for _, c := range []string{ecabinet.OptionDisagree, ecabinet.OptionOther} {
			for _, o := range qr.Opinions {
				if o.Choice == c {
					grouped = append(grouped, o)
				}
			}
		}
		if grouped != nil {
			qr.Opinions = grouped
		}
		qr.Tally = ecabinet.ComputeTally(ecabinet.TallyInput{Options: opts, Choices: choices, TotalVoting: int(total),
			Entitled: len(b.Recipients), Settings: body.Settings})
		if b.Status != ecabinet.BallotClosed {
			// A result is only a result once closed: answers may still come.
			qr.Tally.Outcome, qr.Tally.Adopted, qr.Tally.TieBrokenByChair = ecabinet.OutcomePending, "", false
		}
		res.Questions = append(res.Questions, qr)
	}
	return res, nil
}

// missing returns the recipients who have not answered every question.
func missing(tx *gorm.DB, ballotID int64) ([]int64, error) {
	var ids []int64
	err := tx.Raw(`SELECT r.member_id FROM ballot_recipients r
		WHERE r.ballot_id = ? AND (SELECT COUNT(*) FROM ballot_answers a WHERE a.ballot_id = r.ballot_id AND a.member_id = r.member_id)
			< (SELECT COUNT(*) FROM ballot_questions q WHERE q.ballot_id = r.ballot_id)
		ORDER BY r.member_id`, ballotID).Scan(&ids).Error
	return ids, err
}

func reminderText(row *ballotRow, loc *time.Location) (string, string) {
	deadline := row.Deadline.In(loc).Format("15:04 ngày 02/01/2006")
	return "Nhắc trả lời phiếu lấy ý kiến: " + row.Title,
		fmt.Sprintf("Đồng chí chưa trả lời đầy đủ phiếu lấy ý kiến %q. Hạn trả lời: %s.", row.Title, deadline)
}

// Remind notifies every recipient who has not answered everything.
func (s *BallotService) Remind(ctx context.Context, id int64) (int, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadBallot(tx.DB, a, id, "")
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.BallotOpen) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.not_open")
		}
		n, err = s.remind(tx, row, 0)
		return err
	})
	if err == nil && n > 0 {
		s.mailed()
	}
	return n, err
}

func (s *BallotService) mailed() { s.notify.wake() }

// remind notifies the recipients missing answers; an automatic reminder
// (minutesBefore > 0) goes once per member, recorded in ballot_reminders.
func (s *BallotService) remind(tx *Tx, row *ballotRow, minutesBefore int) (int, error) {
	ids, err := missing(tx.DB, row.ID)
	if err != nil {
		return 0, err
	}
	body, err := s.db.findBody(tx.Statement.Context, tx.DB, row.BodyID)
	if err != nil {
		return 0, err
	}
	subject, text := reminderText(row, body.Settings.Location())
	if minutesBefore > 0 {
		var due []int64
		for _, m := range ids {
			res := tx.Exec("INSERT INTO ballot_reminders (ballot_id, member_id, minutes_before, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
				row.ID, m, minutesBefore, s.db.Now())
			if res.Error != nil {
				return 0, res.Error
			}
			if res.RowsAffected > 0 { // not yet reminded at this threshold
				due = append(due, m)
			}
		}
		ids = due
	}
	return s.notify.notifyAll(tx, row.BodyID, ids, ecabinet.EventBallotReminder, subject, text, fmt.Sprintf("ballot:%d", row.ID), row.Title)
}

// SendDueReminders sends the automatic reminders whose time has come: for
// each open ballot and each of its body's reminder thresholds (minutes
// before the deadline) that has passed.
func (s *BallotService) SendDueReminders(ctx context.Context) (int, error) {
	now := s.db.Now()
	var rows []ballotRow
	if err := s.db.read(ctx).Where("status = ? AND deadline > ?", string(ecabinet.BallotOpen), now).Find(&rows).Error; err != nil {
		return 0, translate(err)
	}
	total := 0
	for i := range rows {
		row := &rows[i]
		body, err := s.db.findBody(ctx, s.db.read(ctx), row.BodyID)
		if err != nil {
			return total, err
		}
		for _, m := range body.Settings.BallotReminderMinutes {
			if now.Before(row.Deadline.Add(-time.Duration(m) * time.Minute)) {
				continue
			}
			if row.OpenedAt != nil && row.OpenedAt.After(row.Deadline.Add(-time.Duration(m)*time.Minute)) {
				continue // opened after this threshold: the opening itself was the notice
			}
			err := s.db.write(ctx, func(tx *Tx) error {
				n, err := s.remind(tx, row, m)
				total += n
				return err
			})
			if err != nil {
				return total, err
			}
		}
	}
	if total > 0 {
		s.mailed()
	}
	return total, nil
}
