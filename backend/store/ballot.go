package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type ballotRow struct {
	ID          int64
	BodyID      int64
	Title       string
	Reason      string
	Status      string
	Deadline    time.Time
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	OpenedAt    *time.Time
	ClosedAt    *time.Time
	ClosedEarly bool
	ProgressAt  *time.Time
}

func (ballotRow) TableName() string { return "ballots" }

type questionRow struct {
	ID       int64
	BallotID int64
	Position int
	Text     string
}

func (questionRow) TableName() string { return "ballot_questions" }

type answerRow struct {
	BallotID    int64
	QuestionID  int64
	MemberID    int64
	Choice      string
	Comment     string
	AnsweredAt  time.Time
	RecordedBy  *int64
	PaperReason string
	SignatureID *int64
}

func (answerRow) TableName() string { return "ballot_answers" }

func (r *answerRow) domain() *ecabinet.BallotAnswer {
	return &ecabinet.BallotAnswer{QuestionID: r.QuestionID, MemberID: r.MemberID, Choice: r.Choice, Comment: r.Comment,
		AnsweredAt: r.AnsweredAt, RecordedBy: r.RecordedBy, PaperReason: r.PaperReason, Signed: r.SignatureID != nil}
}

// BallotService implements ecabinet.BallotService.
type BallotService struct {
	db     *DB
	notify *Notifier
	batch  *answerBatcher // nil: every answer in its own transaction
}

// NewBallotService returns a BallotService.
func NewBallotService(db *DB, notify *Notifier) *BallotService {
	return &BallotService{db: db, notify: notify}
}

var _ ecabinet.BallotService = (*BallotService)(nil)

// loadBallot returns a ballot the actor may see (ecabinet.MaySeeBallot).
func loadBallot(tx *gorm.DB, a ecabinet.Actor, id int64, lock string) (*ballotRow, error) {
	q := tx.Where("id = ? AND body_id = ?", id, a.BodyID)
	if lock != "" && tx.Dialector.Name() == Postgres {
		q = q.Clauses(clause.Locking{Strength: lock})
	}
	var row ballotRow
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("ballot")
	}
	if err != nil {
		return nil, err
	}
	ok, err := ecabinet.MaySeeBallot(a, row.BodyID, ecabinet.BallotStatus(row.Status), func() (bool, error) {
		var n int64
		err := tx.Table("ballot_recipients").Where("ballot_id = ? AND member_id = ?", id, a.MemberID).Count(&n).Error
		return n > 0, err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ecabinet.NotFound("ballot")
	}
	return &row, nil
}

// full builds the ballot with its questions, recipients, the answered count
// and the actor's own answers.
func (r *ballotRow) full(tx *gorm.DB, a ecabinet.Actor) (*ecabinet.Ballot, error) {
	b := &ecabinet.Ballot{ID: r.ID, BodyID: r.BodyID, Title: r.Title, Reason: r.Reason, Status: ecabinet.BallotStatus(r.Status),
		Deadline: r.Deadline, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt, ClosedEarly: r.ClosedEarly}
	var qs []questionRow
	if err := tx.Where("ballot_id = ?", r.ID).Order("position").Find(&qs).Error; err != nil {
		return nil, err
	}
	for _, q := range qs {
		b.Questions = append(b.Questions, ecabinet.BallotQuestion{ID: q.ID, Position: q.Position, Text: q.Text})
	}
	var err error
	if b.Recipients, err = ballotRecipients(tx, r.ID); err != nil {
		return nil, err
	}
	if b.Answered, _, err = ballotCounts(tx, r.ID); err != nil {
		return nil, err
	}
	var mine []answerRow
	if err := tx.Where("ballot_id = ? AND member_id = ?", r.ID, a.MemberID).Order("question_id").Find(&mine).Error; err != nil {
		return nil, err
	}
	for i := range mine {
		b.Mine = append(b.Mine, mine[i].domain())
	}
	return b, nil
}

// ballotCounts returns how many recipients answered every question, and how many there are.
func ballotCounts(tx *gorm.DB, ballotID int64) (answered, recipients int, err error) {
	var r struct{ Answered, Recipients int }
	err = tx.Raw(`SELECT
		(SELECT COUNT(*) FROM ballot_recipients WHERE ballot_id = ?) AS recipients,
		(SELECT COUNT(*) FROM (SELECT member_id FROM ballot_answers WHERE ballot_id = ? GROUP BY member_id
			HAVING COUNT(*) = (SELECT COUNT(*) FROM ballot_questions WHERE ballot_id = ?)) done) AS answered`,
		ballotID, ballotID, ballotID).Scan(&r).Error
	return r.Answered, r.Recipients, err
}

// countJSON counts the elements of a JSON array.
func countJSON(raw string) int {
	var xs []json.RawMessage
	_ = json.Unmarshal([]byte(raw), &xs)
	return len(xs)
}

// ballotRecipients returns a ballot's recipients, by member id.
func ballotRecipients(tx *gorm.DB, ballotID int64) ([]int64, error) {
	var ids []int64
	err := tx.Table("ballot_recipients").Where("ballot_id = ?", ballotID).Order("member_id").Pluck("member_id", &ids).Error
	return ids, err
}

// ballotAudience is who hears, at clearance min and above, of a change to a
// ballot or what it carries: a draft's the secretariat, an open or closed
// ballot's its recipients as well.
func ballotAudience(status ecabinet.BallotStatus, recipients []int64, min ecabinet.Classification) ecabinet.Visibility {
	if status != ecabinet.BallotDraft && len(recipients) > 0 {
		return ecabinet.Visibility{MinClearance: min, Recipients: recipients}
	}
	return ecabinet.Visibility{MinClearance: min, Audience: ecabinet.AudienceSecretariat}
}

// emitBallot sends a ballot's change on the body stream (ballotAudience).
func emitBallot(tx *Tx, b *ecabinet.Ballot) error {
	pub := *b
	pub.Mine = nil
	return tx.emit(b.BodyID, ecabinet.BodyScope(b.BodyID), ecabinet.EventBallotUpdated, map[string]any{"ballot": &pub},
		ballotAudience(b.Status, b.Recipients, ecabinet.ClassNone))
}

// CreateBallot drafts a ballot.
func (s *BallotService) CreateBallot(ctx context.Context, in ecabinet.BallotInput) (*ecabinet.Ballot, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Ballot
	err = s.db.write(ctx, func(tx *Tx) error {
		now := s.db.Now()
		row := ballotRow{BodyID: a.BodyID, Title: in.Title, Reason: in.Reason, Status: string(ecabinet.BallotDraft),
			Deadline: in.Deadline.UTC(), CreatedBy: a.MemberID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := s.setContent(tx, a, row.ID, in); err != nil {
			return err
		}
		if out, err = row.full(tx.DB, a); err != nil {
			return err
		}
		return emitBallot(tx, out)
	})
	return out, err
}

// setContent replaces the questions and recipients of a draft.
func (s *BallotService) setContent(tx *Tx, a ecabinet.Actor, ballotID int64, in ecabinet.BallotInput) error {
	if err := tx.Exec("DELETE FROM ballot_questions WHERE ballot_id = ?", ballotID).Error; err != nil {
		return err
	}
	if err := tx.Exec("DELETE FROM ballot_recipients WHERE ballot_id = ?", ballotID).Error; err != nil {
		return err
	}
	for i, q := range in.Questions {
		if err := tx.Create(&questionRow{BallotID: ballotID, Position: i + 1, Text: q}).Error; err != nil {
			return err
		}
	}
	ids := in.Recipients
	if len(ids) == 0 {
		if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND voting", a.BodyID).Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
	}
	var valid []int64
	if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND id IN ?", a.BodyID, ids).Pluck("id", &valid).Error; err != nil {
		return err
	}
	if len(valid) != len(ids) || len(ids) == 0 {
		return ecabinet.FieldError("recipients", "meeting.invitee_unknown")
	}
	for _, id := range ids {
		if err := tx.Exec("INSERT INTO ballot_recipients (ballot_id, member_id) VALUES (?, ?)", ballotID, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// UpdateBallot edits a draft.
func (s *BallotService) UpdateBallot(ctx context.Context, id int64, in ecabinet.BallotInput) (*ecabinet.Ballot, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Ballot
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadBallot(tx.DB, a, id, "UPDATE")
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.BallotDraft) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.not_draft")
		}
		if err := tx.Model(&ballotRow{}).Where("id = ?", id).Updates(map[string]any{
			"title": in.Title, "reason": in.Reason, "deadline": in.Deadline.UTC(), "updated_at": s.db.Now()}).Error; err != nil {
			return err
		}
		if err := s.setContent(tx, a, id, in); err != nil {
			return err
		}
		if err := tx.Where("id = ?", id).Take(row).Error; err != nil {
			return err
		}
		if out, err = row.full(tx.DB, a); err != nil {
			return err
		}
		return emitBallot(tx, out)
	})
	return out, err
}

// transition changes a ballot's status under the secretariat's hand.
func (s *BallotService) transition(ctx context.Context, id int64, fn func(tx *Tx, row *ballotRow, upd map[string]any) error) (*ecabinet.Ballot, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Ballot
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadBallot(tx.DB, a, id, "UPDATE")
		if err != nil {
			return err
		}
		upd := map[string]any{"updated_at": s.db.Now()}
		if err := fn(tx, row, upd); err != nil {
			return err
		}
		if err := tx.Model(&ballotRow{}).Where("id = ?", id).Updates(upd).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", id).Take(row).Error; err != nil {
			return err
		}
		if out, err = row.full(tx.DB, a); err != nil {
			return err
		}
		if err := emitBallot(tx, out); err != nil {
			return err
		}
		if upd["status"] == string(ecabinet.BallotOpen) { // counted once opened
			return emitLedger(tx, row.BodyID, ecabinet.LedgerBallot, id, ecabinet.ClassNone)
		}
		return nil
	})
	return out, err
}

// OpenBallot sends a draft to its recipients.
func (s *BallotService) OpenBallot(ctx context.Context, id int64) (*ecabinet.Ballot, error) {
	out, err := s.transition(ctx, id, func(tx *Tx, row *ballotRow, upd map[string]any) error {
		if row.Status != string(ecabinet.BallotDraft) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.not_draft")
		}
		if !row.Deadline.After(s.db.Now()) {
			return ecabinet.FieldError("deadline", "ballot.deadline_past")
		}
		if err := ballotDocumentsReady(tx.DB, row.ID); err != nil {
			return err
		}
		upd["status"], upd["opened_at"] = string(ecabinet.BallotOpen), s.db.Now()
		ids, err := ballotRecipients(tx.DB, row.ID)
		if err != nil {
			return err
		}
		loc, err := bodyLocation(tx.DB, row.BodyID)
		if err != nil {
			return err
		}
		_, err = s.notify.notifyAll(tx, row.BodyID, ids, ecabinet.EventBallotOpened, "Phiếu lấy ý kiến: "+row.Title,
			fmt.Sprintf("Đề nghị đồng chí trả lời phiếu lấy ý kiến %q trước %s.", row.Title, row.Deadline.In(loc).Format("15:04 ngày 02/01/2006")),
			fmt.Sprintf("ballot:%d", row.ID), row.Title)
		return err
	})
	if err == nil {
		s.notify.wake()
	}
	return out, err
}

// CloseBallot closes an open ballot early once every recipient answered everything.
func (s *BallotService) CloseBallot(ctx context.Context, id int64) (*ecabinet.Ballot, error) {
	return s.transition(ctx, id, func(tx *Tx, row *ballotRow, upd map[string]any) error {
		if row.Status != string(ecabinet.BallotOpen) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.not_open")
		}
		answered, recipients, err := ballotCounts(tx.DB, id)
		if err != nil {
			return err
		}
		if answered < recipients {
			return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "ballot.answers_missing", Args: []any{recipients - answered}}
		}
		upd["status"], upd["closed_at"], upd["closed_early"] = string(ecabinet.BallotClosed), s.db.Now(), true
		return nil
	})
}

// CloseDue closes every open ballot whose deadline has passed, on whatever
// instance runs it first; it returns how many it closed.
func (s *BallotService) CloseDue(ctx context.Context) (int, error) {
	now := s.db.Now()
	var ids []int64
	if err := s.db.read(ctx).Model(&ballotRow{}).Where("status = ? AND deadline <= ?", string(ecabinet.BallotOpen), now).Pluck("id", &ids).Error; err != nil {
		return 0, translate(err)
	}
	closed := 0
	for _, id := range ids {
		err := s.db.write(ctx, func(tx *Tx) error {
			res := tx.Model(&ballotRow{}).Where("id = ? AND status = ?", id, string(ecabinet.BallotOpen)).
				Updates(map[string]any{"status": string(ecabinet.BallotClosed), "closed_at": now, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // another instance closed it
			}
			var row ballotRow
			if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
				return err
			}
			b, err := row.full(tx.DB, ecabinet.Actor{BodyID: row.BodyID})
			if err != nil {
				return err
			}
			closed++
			return emitBallot(tx, b)
		})
		if err != nil {
			return closed, err
		}
	}
	return closed, nil
}

// FindBallot returns a ballot with the actor's own answers.
func (s *BallotService) FindBallot(ctx context.Context, id int64) (*ecabinet.Ballot, error) {
	var out *ecabinet.Ballot
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		row, err := loadBallot(tx, a, id, "")
		if err != nil {
			return err
		}
		out, err = row.full(tx, a)
		return err
	})
	return out, err
}

// ListBallots returns the ballots the actor may see, newest first.
func (s *BallotService) ListBallots(ctx context.Context) ([]*ecabinet.Ballot, error) {
	var out []*ecabinet.Ballot
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		var err error
		out, err = listBallots(tx, a)
		return err
	})
	return out, err
}

func listBallots(tx *gorm.DB, a ecabinet.Actor) ([]*ecabinet.Ballot, error) {
	q := tx.Where("body_id = ?", a.BodyID)
	if !a.IsSecretariat() {
		q = q.Where("status <> ? AND id IN (SELECT ballot_id FROM ballot_recipients WHERE member_id = ?)", string(ecabinet.BallotDraft), a.MemberID)
	}
	var rows []ballotRow
	if err := q.Order("created_at DESC, id DESC").Limit(200).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Ballot, 0, len(rows))
	for i := range rows {
		b, err := rows[i].full(tx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// questionIDs returns the ids of a ballot's questions.
func questionIDs(tx *gorm.DB, ballotID int64) ([]int64, error) {
	var ids []int64
	err := tx.Model(&questionRow{}).Where("ballot_id = ?", ballotID).Order("position").Pluck("id", &ids).Error
	return ids, err
}

// checkOpen refuses answers to a ballot that is not open or past its deadline.
func checkOpen(row *ballotRow, now time.Time) error {
	switch {
	case row.Status == string(ecabinet.BallotDraft):
		return ecabinet.NotFound("ballot")
	case row.Status == string(ecabinet.BallotClosed) && !row.ClosedEarly:
		return ecabinet.Errorf(ecabinet.EDEADLINE, "ballot.deadline_passed")
	case row.Status == string(ecabinet.BallotClosed):
		return ecabinet.Errorf(ecabinet.EPOLLCLOSED, "ballot.closed")
	case !now.Before(row.Deadline):
		return ecabinet.Errorf(ecabinet.EDEADLINE, "ballot.deadline_passed")
	}
	return nil
}

// containsAll reports whether every answer is to one of the questions.
func containsAll(questions []int64, answers []ecabinet.AnswerItem) bool {
	for _, a := range answers {
		if !slices.Contains(questions, a.QuestionID) {
			return false
		}
	}
	return true
}
