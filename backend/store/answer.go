package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/signature"
	"gorm.io/gorm"
)

// answerRequest is one call of Answer, checked and ready to be written.
type answerRequest struct {
	ctx      context.Context // the caller's, for the audit record
	actor    ecabinet.Actor
	ballotID int64
	memberID int64
	in       ecabinet.AnswerInput
	idemKey  string
	hash     string
}

// Answer records answers to a ballot. With batching on (the default), the
// request joins others arriving at the same moment in one transaction;
// either way it is checked and written exactly as alone.
func (s *BallotService) Answer(ctx context.Context, ballotID, memberID int64, in ecabinet.AnswerInput, idemKey string) (*ecabinet.AnswerReceipt, error) {
	req, err := s.prepare(ctx, ballotID, memberID, in, idemKey)
	if err != nil {
		return nil, err
	}
	if s.batch != nil {
		return s.batch.submit(ctx, req)
	}
	return s.answerAlone(ctx, req)
}

// prepare checks what can be checked without the database.
func (s *BallotService) prepare(ctx context.Context, ballotID, memberID int64, in ecabinet.AnswerInput, idemKey string) (*answerRequest, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	paper := memberID != a.MemberID
	switch {
	case !ecabinet.MayActFor(a, memberID):
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	case paper && in.PaperReason == "":
		return nil, ecabinet.FieldError("paper_reason", "field.required", "paper_reason")
	case !paper && in.PaperReason != "":
		return nil, ecabinet.FieldError("paper_reason", "ballot.paper_own")
	case paper && in.DeviceID != 0:
		return nil, ecabinet.FieldError("signature", "ballot.paper_signed")
	}
	if err := checkKey(idemKey); err != nil {
		return nil, err
	}
	hash, err := requestHash("answer", ballotID, memberID, in)
	if err != nil {
		return nil, err
	}
	return &answerRequest{ctx: ctx, actor: a, ballotID: ballotID, memberID: memberID, in: in, idemKey: idemKey, hash: hash}, nil
}

// answerAlone writes one request in its own transaction: the naive path,
// kept for the comparison benchmark and as the batcher's fallback.
func (s *BallotService) answerAlone(ctx context.Context, req *answerRequest) (*ecabinet.AnswerReceipt, error) {
	var out *ecabinet.AnswerReceipt
	err := s.db.write(ctx, func(tx *Tx) error {
		if err := lockAnswerer(tx, req); err != nil {
			return err
		}
		var replay bool
		var err error
		if replay, err = tx.claimKey(req.actor.MemberID, req.idemKey, req.hash, &out); replay || err != nil {
			return err
		}
		row, err := loadBallot(tx.DB, req.actor, req.ballotID, "SHARE")
		if err != nil {
			return err
		}
		facts, err := s.answerFacts(tx.DB, row, []int64{req.memberID, req.actor.MemberID})
		if err != nil {
			return err
		}
		if out, err = s.writeAnswer(tx, facts, req); err != nil {
			return err
		}
		if err := tx.markProgress(progressBallot, req.ballotID); err != nil {
			return err
		}
		return tx.storeAnswer(req.actor.MemberID, req.idemKey, out)
	})
	return out, err
}

// lockAnswerer serialises every change to one member's answers to one
// ballot: the member's recipient row is locked before anything is read, so
// that of two concurrent requests the second sees what the first committed
// (a first answer it must refuse, or the answer it replaces) and commits
// after it. Without it two first answers under READ COMMITTED both counted
// no earlier answer and were both acknowledged, and only the later was
// kept. SQLite needs no lock: its write transactions run one at a time. A
// member who is not a recipient has no row to lock and is refused later.
func lockAnswerer(tx *Tx, req *answerRequest) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	var one []int
	return tx.Raw("SELECT 1 FROM ballot_recipients WHERE ballot_id = ? AND member_id = ? FOR UPDATE", req.ballotID, req.memberID).Scan(&one).Error
}

// ballotFacts is what checking answers to one ballot needs, read once
// (a batch reads it once for all its requests).
type ballotFacts struct {
	row        *ballotRow
	settings   ecabinet.BodySettings
	questions  []int64
	recipients map[int64]bool // of the members asked about (answerFacts), those who are recipients
	// answered, in a batch, is which questions each of the batch's
	// members has answered, read once under their locks and kept up to
	// date as the batch writes; nil outside a batch.
	answered map[memberQuestion]bool
}

type memberQuestion struct{ member, question int64 }

// lockBatch locks the recipient rows of a batch's answering members in one
// statement, in member order (as lockAnswerer would, one by one), and reads
// the questions they have answered.
func (c *ballotFacts) lockBatch(tx *Tx, members []int64) error {
	if tx.db.dialect == Postgres {
		var locked []int64
		if err := tx.Raw("SELECT member_id FROM ballot_recipients WHERE ballot_id = ? AND member_id IN ? ORDER BY member_id FOR UPDATE",
			c.row.ID, members).Scan(&locked).Error; err != nil {
			return err
		}
	}
	var rows []struct{ MemberID, QuestionID int64 }
	if err := tx.Table("ballot_answers").Select("member_id, question_id").Where("ballot_id = ? AND member_id IN ?", c.row.ID, members).
		Scan(&rows).Error; err != nil {
		return err
	}
	c.answered = make(map[memberQuestion]bool, len(rows))
	for _, r := range rows {
		c.answered[memberQuestion{r.MemberID, r.QuestionID}] = true
	}
	return nil
}

// answerFacts reads what checking answers to row needs; of its recipients,
// it reads only which of members (the members answered for and the actors
// answering) are, not the whole list: a batch of a ballot sent to 10,000
// members would otherwise read 10,000 rows to check a few hundred.
func (s *BallotService) answerFacts(tx *gorm.DB, row *ballotRow, members []int64) (*ballotFacts, error) {
	body, err := s.db.findBody(tx.Statement.Context, tx, row.BodyID)
	if err != nil {
		return nil, err
	}
	c := &ballotFacts{row: row, settings: body.Settings}
	if c.questions, err = questionIDs(tx, row.ID); err != nil {
		return nil, err
	}
	var ids []int64
	if err := tx.Table("ballot_recipients").Where("ballot_id = ? AND member_id IN ?", row.ID, members).Pluck("member_id", &ids).Error; err != nil {
		return nil, err
	}
	c.recipients = make(map[int64]bool, len(ids))
	for _, id := range ids {
		c.recipients[id] = true
	}
	return c, nil
}

// writeAnswer checks one request against its ballot and stores its answers.
func (s *BallotService) writeAnswer(tx *Tx, c *ballotFacts, req *answerRequest) (*ecabinet.AnswerReceipt, error) {
	now := s.db.Now()
	if err := checkOpen(c.row, now); err != nil {
		return nil, err
	}
	if !c.recipients[req.memberID] {
		return nil, ecabinet.Errorf(ecabinet.ENOTENTITLED, "ballot.not_recipient")
	}
	in := req.in
	if err := in.Validate(c.settings); err != nil {
		return nil, err
	}
	if !containsAll(c.questions, in.Answers) {
		return nil, ecabinet.FieldError("question_id", "not_found.question")
	}
	var msg []byte
	if in.DeviceID != 0 {
		var err error
		if msg, err = s.verify(tx.DB, req, in); err != nil {
			return nil, err
		}
	}
	var recordedBy *int64
	if req.memberID != req.actor.MemberID {
		recordedBy = &req.actor.MemberID
	}
	qids := make([]int64, len(in.Answers))
	for i, a := range in.Answers {
		qids[i] = a.QuestionID
	}
	var existing int64
	if c.answered != nil {
		for _, q := range qids {
			if c.answered[memberQuestion{req.memberID, q}] {
				existing++
			}
		}
	} else if err := tx.Model(&answerRow{}).Where("member_id = ? AND question_id IN ?", req.memberID, qids).Count(&existing).Error; err != nil {
		return nil, err
	}
	if existing > 0 && !c.settings.BallotAnswerChangeAllowed {
		return nil, ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.already_answered")
	}
	var sigID *int64
	if msg != nil {
		sig := signatureRow{BallotID: req.ballotID, MemberID: req.memberID, DeviceID: in.DeviceID, Message: string(msg), Signature: in.Signature, CreatedAt: now}
		if err := tx.Create(&sig).Error; err != nil {
			return nil, err
		}
		sigID = &sig.ID
	}
	for _, a := range in.Answers {
		row := answerRow{BallotID: req.ballotID, QuestionID: a.QuestionID, MemberID: req.memberID, Choice: a.Choice, Comment: a.Comment,
			AnsweredAt: now, RecordedBy: recordedBy, PaperReason: in.PaperReason, SignatureID: sigID}
		if err := upsertAnswer(tx, &row); err != nil {
			return nil, err
		}
		if c.answered != nil {
			c.answered[memberQuestion{req.memberID, a.QuestionID}] = true
		}
	}
	choices := make(map[int64]string, len(in.Answers))
	for _, a := range in.Answers {
		choices[a.QuestionID] = a.Choice
	}
	tx.audit(req.ctx, ecabinet.AuditRecord{BodyID: c.row.BodyID, ActorID: req.actor.MemberID, Action: ecabinet.AuditBallotAnswer,
		Subject: ecabinet.Subject("ballot", req.ballotID), Detail: map[string]any{"member_id": req.memberID, "choices": choices,
			"signed": sigID != nil, "paper_reason": in.PaperReason}})
	return &ecabinet.AnswerReceipt{BallotID: req.ballotID, MemberID: req.memberID, Answers: in.Answers, AnsweredAt: now,
		Signed: sigID != nil, Paper: recordedBy != nil}, nil
}

// upsertAnswer writes one answer; the primary key (question, member) keeps
// one answer per member, whatever the concurrency.
func upsertAnswer(tx *Tx, r *answerRow) error {
	return tx.Exec(`INSERT INTO ballot_answers (ballot_id, question_id, member_id, choice, comment, answered_at, recorded_by, paper_reason, signature_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (question_id, member_id) DO UPDATE SET choice = excluded.choice, comment = excluded.comment, answered_at = excluded.answered_at,
			recorded_by = excluded.recorded_by, paper_reason = excluded.paper_reason, signature_id = excluded.signature_id`,
		r.BallotID, r.QuestionID, r.MemberID, r.Choice, r.Comment, r.AnsweredAt, r.RecordedBy, r.PaperReason, r.SignatureID).Error
}

// signatureRow keeps a signed message and its signature for offline checks.
type signatureRow struct {
	ID        int64
	BallotID  int64
	MemberID  int64
	DeviceID  int64
	Message   string
	Signature string
	CreatedAt time.Time
}

func (signatureRow) TableName() string { return "ballot_signatures" }

// verify checks a device signature over the answers and returns the message.
func (s *BallotService) verify(tx *gorm.DB, req *answerRequest, in ecabinet.AnswerInput) ([]byte, error) {
	var d deviceRow
	err := tx.Where("id = ? AND member_id = ? AND revoked_at IS NULL", in.DeviceID, req.memberID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.FieldError("device_id", "signature.invalid")
	}
	if err != nil {
		return nil, err
	}
	msg := ecabinet.SignedAnswerMessage(req.ballotID, req.memberID, in.Answers)
	if signature.Verify(d.Algorithm, d.PublicKey, msg, in.Signature) != nil {
		return nil, ecabinet.FieldError("signature", "signature.invalid")
	}
	return msg, nil
}
