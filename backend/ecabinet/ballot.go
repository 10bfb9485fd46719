package ecabinet

import (
	"context"
	"strings"
	"time"
)

// BallotStatus is the state of a written ballot.
type BallotStatus string

// Ballot states: draft → open → closed (at the deadline, or early by the
// secretariat once everyone has answered).
const (
	BallotDraft  BallotStatus = "draft"
	BallotOpen   BallotStatus = "open"
	BallotClosed BallotStatus = "closed"
)

// BallotChoices are the answers to a ballot question.
var BallotChoices = []string{OptionAgree, OptionDisagree, OptionOther}

// Ballot is a written opinion ballot of the members (phiếu lấy ý kiến thành
// viên Chính phủ), answered remotely before a deadline.
type Ballot struct {
	ID         int64            `json:"id"`
	BodyID     int64            `json:"body_id"`
	Title      string           `json:"title"`
	Reason     string           `json:"reason"`
	Status     BallotStatus     `json:"status"`
	Deadline   time.Time        `json:"deadline"`
	Questions  []BallotQuestion `json:"questions"`
	Recipients []int64          `json:"recipients"`
	CreatedBy  int64            `json:"created_by"`
	CreatedAt  time.Time        `json:"created_at"`
	OpenedAt   *time.Time       `json:"opened_at,omitempty"`
	ClosedAt   *time.Time       `json:"closed_at,omitempty"`
	// ClosedEarly is set when the secretariat closed it before the deadline.
	ClosedEarly bool `json:"closed_early"`
	// Answered is how many recipients have answered every question.
	Answered int `json:"answered"`
	// Mine are the caller's own answers.
	Mine []*BallotAnswer `json:"mine,omitempty"`
}

// BallotQuestion is one question (vấn đề xin ý kiến).
type BallotQuestion struct {
	ID       int64  `json:"id"`
	Position int    `json:"position"`
	Text     string `json:"text"`
}

// BallotInput drafts or edits a ballot.
type BallotInput struct {
	Title      string    `json:"title"`
	Reason     string    `json:"reason"`
	Deadline   time.Time `json:"deadline"`
	Questions  []string  `json:"questions"`
	Recipients []int64   `json:"recipients"` // empty: every active voting member
}

// Validate checks and normalises the input.
func (in *BallotInput) Validate() error {
	in.Title, in.Reason = strings.TrimSpace(in.Title), strings.TrimSpace(in.Reason)
	if err := requireText("title", in.Title, 500); err != nil {
		return err
	}
	if err := optionalText("reason", in.Reason, 10000); err != nil {
		return err
	}
	if in.Deadline.IsZero() {
		return FieldError("deadline", "field.required", "deadline")
	}
	if len(in.Questions) == 0 || len(in.Questions) > 50 {
		return FieldError("questions", "field.range", "questions")
	}
	for i, q := range in.Questions {
		in.Questions[i] = strings.TrimSpace(q)
		if err := requireText("questions", in.Questions[i], 2000); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for _, id := range in.Recipients {
		if id <= 0 || seen[id] {
			return FieldError("recipients", "field.duplicate", "recipients")
		}
		seen[id] = true
	}
	return nil
}

// BallotAnswer is one member's answer to one question.
type BallotAnswer struct {
	QuestionID int64     `json:"question_id"`
	MemberID   int64     `json:"member_id"`
	Choice     string    `json:"choice"` // agree, disagree or other
	Comment    string    `json:"comment"`
	AnsweredAt time.Time `json:"answered_at"`
	// RecordedBy is set when the secretariat recorded a paper answer, with PaperReason.
	RecordedBy  *int64 `json:"recorded_by,omitempty"`
	PaperReason string `json:"paper_reason,omitempty"`
	// Signed is set when a registered device key signed the answer.
	Signed bool `json:"signed"`
}

// AnswerItem is the answer to one question in an AnswerInput.
type AnswerItem struct {
	QuestionID int64  `json:"question_id"`
	Choice     string `json:"choice"`
	Comment    string `json:"comment"`
}

// AnswerInput answers some or all questions of a ballot at once.
type AnswerInput struct {
	Answers []AnswerItem `json:"answers"`
	// DeviceID and Signature sign the answers with a registered device key
	// (see SignedAnswerMessage); both or neither.
	DeviceID  int64  `json:"device_id,omitempty"`
	Signature string `json:"signature,omitempty"`
	// PaperReason is required when the secretariat records a paper answer
	// on a member's behalf.
	PaperReason string `json:"paper_reason,omitempty"`
}

// Validate checks the answers against the body's rules.
func (in *AnswerInput) Validate(s BodySettings) error {
	if len(in.Answers) == 0 || len(in.Answers) > 50 {
		return FieldError("answers", "field.range", "answers")
	}
	seen := map[int64]bool{}
	for i := range in.Answers {
		a := &in.Answers[i]
		a.Comment = strings.TrimSpace(a.Comment)
		if a.QuestionID <= 0 || seen[a.QuestionID] {
			return FieldError("answers", "field.duplicate", "answers")
		}
		seen[a.QuestionID] = true
		switch a.Choice {
		case OptionAgree, OptionDisagree, OptionOther:
		default:
			return FieldError("choice", "field.enum", "choice")
		}
		if err := optionalText("comment", a.Comment, 5000); err != nil {
			return err
		}
		if s.BallotCommentRequired && a.Choice != OptionAgree && a.Comment == "" {
			return FieldError("comment", "ballot.comment_required")
		}
	}
	if (in.DeviceID == 0) != (in.Signature == "") {
		return FieldError("signature", "field.required", "signature")
	}
	in.PaperReason = strings.TrimSpace(in.PaperReason)
	return optionalText("paper_reason", in.PaperReason, 1000)
}

// AnswerReceipt confirms recorded answers.
type AnswerReceipt struct {
	BallotID   int64        `json:"ballot_id"`
	MemberID   int64        `json:"member_id"`
	Answers    []AnswerItem `json:"answers"`
	AnsweredAt time.Time    `json:"answered_at"`
	Signed     bool         `json:"signed"`
	Paper      bool         `json:"paper"`
}

// BallotResult is the outcome of a ballot, per question.
type BallotResult struct {
	Ballot    *Ballot          `json:"ballot"`
	Questions []QuestionResult `json:"questions"`
	// Signed is how many answers carry a verified device signature.
	Signed int `json:"signed"`
}

// QuestionResult counts one question.
type QuestionResult struct {
	Question    BallotQuestion `json:"question"`
	Agree       int            `json:"agree"`
	Disagree    int            `json:"disagree"`
	Other       int            `json:"other"`
	NotReturned int            `json:"not_returned"`
	Tally       Tally          `json:"tally"`
	// Opinions are the disagree and other answers with their comments,
	// grouped by choice (named: ballots are not secret).
	Opinions []Opinion `json:"opinions"`
}

// Opinion is one dissenting or other opinion.
type Opinion struct {
	Choice   string `json:"choice"`
	MemberID int64  `json:"member_id"`
	Member   string `json:"member"`
	Title    string `json:"title"`
	Comment  string `json:"comment"`
	Paper    bool   `json:"paper"`
}

// BallotService runs written ballots.
type BallotService interface {
	// CreateBallot drafts a ballot (secretariat). Errors: invalid, forbidden.
	CreateBallot(ctx context.Context, in BallotInput) (*Ballot, error)
	// UpdateBallot edits a draft (secretariat). Errors: invalid, forbidden, not_found, conflict.
	UpdateBallot(ctx context.Context, id int64, in BallotInput) (*Ballot, error)
	// OpenBallot sends a draft to its recipients; the deadline must be in
	// the future. Errors: forbidden, not_found, conflict, invalid.
	OpenBallot(ctx context.Context, id int64) (*Ballot, error)
	// CloseBallot closes an open ballot before its deadline once every
	// recipient has answered everything (secretariat). Errors: forbidden,
	// not_found, conflict (not open, answers missing).
	CloseBallot(ctx context.Context, id int64) (*Ballot, error)
	// FindBallot returns a ballot the actor may see (recipients and the
	// secretariat; drafts only the secretariat). Errors: not_found.
	FindBallot(ctx context.Context, id int64) (*Ballot, error)
	// ListBallots returns the ballots the actor may see, newest first.
	ListBallots(ctx context.Context) ([]*Ballot, error)
	// Answer records the actor's answers (memberID is the actor), or, with
	// PaperReason, a paper answer of memberID recorded by the secretariat.
	// Errors: invalid, forbidden, not_found, not_entitled, poll_closed,
	// deadline_passed, conflict (already answered and changes not allowed),
	// idempotency_key_reused.
	Answer(ctx context.Context, ballotID, memberID int64, in AnswerInput, idemKey string) (*AnswerReceipt, error)
	// Result computes the outcome from the stored answers (secretariat;
	// recipients once closed). Errors: forbidden, not_found.
	Result(ctx context.Context, id int64) (*BallotResult, error)
	// Remind notifies the recipients who have not answered everything
	// (secretariat) and returns how many. Errors: forbidden, not_found, conflict.
	Remind(ctx context.Context, id int64) (int, error)
}

// BallotReport is everything the report of a ballot (Báo cáo tổng hợp ý
// kiến) shows, read from the stored data in one snapshot.
type BallotReport struct {
	Body        *Body         `json:"body"`
	Result      *BallotResult `json:"result"`
	Rows        []ReportRow   `json:"rows"`
	GeneratedAt time.Time     `json:"generated_at"`
	// Issuer is the member of the secretariat who makes the report, in whose
	// office's name it is issued.
	Issuer ReportIssuer `json:"issuer"`
}

// ReportIssuer is who makes a report: name, position and organisation.
type ReportIssuer struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	Organization string `json:"organization"`
}

// ReportRow is one recipient's answer to one question; Choice is empty when
// the recipient did not answer.
type ReportRow struct {
	Question     int        `json:"question"` // position
	QuestionID   int64      `json:"question_id"`
	MemberID     int64      `json:"member_id"`
	Member       string     `json:"member"`
	Title        string     `json:"title"`
	Organization string     `json:"organization"`
	Choice       string     `json:"choice"`
	Comment      string     `json:"comment"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	PaperReason  string     `json:"paper_reason,omitempty"`
	Signed       bool       `json:"signed"`
}

// SignatureCheck is the offline check of one signed answer.
type SignatureCheck struct {
	SignatureID int64  `json:"signature_id"`
	MemberID    int64  `json:"member_id"`
	DeviceID    int64  `json:"device_id"`
	OK          bool   `json:"ok"`
	Problem     string `json:"problem,omitempty"`
}
