package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/signature"
	"gorm.io/gorm"
)

// Report returns the data of a ballot's report (secretariat): the result and
// every recipient's answer to every question, in protocol order.
func (s *BallotService) Report(ctx context.Context, id int64) (*ecabinet.BallotReport, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var rep *ecabinet.BallotReport
	err = s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := loadBallot(tx, a, id, "")
		if err != nil {
			return err
		}
		var me memberRow
		if err := tx.Where("id = ?", a.MemberID).Take(&me).Error; err != nil {
			return err
		}
		rep, err = s.buildReport(ctx, tx, a, row)
		if err == nil {
			rep.Issuer = ecabinet.ReportIssuer{Name: me.FullName, Title: me.Title, Organization: me.Organization}
		}
		return err
	}, s.db.snapshotTx())
	return rep, translate(err)
}

// buildReport gathers a ballot's report as the actor may see it, without
// its issuer.
func (s *BallotService) buildReport(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, row *ballotRow) (*ecabinet.BallotReport, error) {
	rep := &ecabinet.BallotReport{GeneratedAt: s.db.Now()}
	var err error
	if rep.Body, err = s.db.findBody(ctx, tx, row.BodyID); err != nil {
		return nil, err
	}
	if rep.Result, err = s.result(tx, a, row); err != nil {
		return nil, err
	}
	var people []memberRow
	if err := tx.Where("id IN (SELECT member_id FROM ballot_recipients WHERE ballot_id = ?)", row.ID).Order(memberOrder).Find(&people).Error; err != nil {
		return nil, err
	}
	var answers []answerRow
	if err := tx.Where("ballot_id = ?", row.ID).Find(&answers).Error; err != nil {
		return nil, err
	}
	byKey := map[[2]int64]answerRow{}
	for _, an := range answers {
		byKey[[2]int64{an.QuestionID, an.MemberID}] = an
	}
	for _, q := range rep.Result.Ballot.Questions {
		for _, p := range people {
			r := ecabinet.ReportRow{Question: q.Position, QuestionID: q.ID, MemberID: p.ID, Member: p.FullName, Title: p.Title, Organization: p.Organization}
			if an, ok := byKey[[2]int64{q.ID, p.ID}]; ok {
				at := an.AnsweredAt
				r.Choice, r.Comment, r.AnsweredAt, r.PaperReason, r.Signed = an.Choice, an.Comment, &at, an.PaperReason, an.SignatureID != nil
			}
			rep.Rows = append(rep.Rows, r)
		}
	}
	return rep, nil
}

// VerifySignatures checks again, from the stored data alone, every signed
// answer of a ballot: the signature over the stored message with the
// device's key, and that each answer still says what the message says.
// It needs no actor: it is the offline check of `ecabinet ballot-verify`.
func (db *DB) VerifySignatures(ctx context.Context, ballotID int64) ([]ecabinet.SignatureCheck, error) {
	var sigs []signatureRow
	if err := db.read(ctx).Where("ballot_id = ?", ballotID).Order("id").Find(&sigs).Error; err != nil {
		return nil, translate(err)
	}
	var out []ecabinet.SignatureCheck
	for _, sg := range sigs {
		c := ecabinet.SignatureCheck{SignatureID: sg.ID, MemberID: sg.MemberID, DeviceID: sg.DeviceID}
		var dev deviceRow
		if err := db.read(ctx).Where("id = ?", sg.DeviceID).Take(&dev).Error; err != nil {
			return nil, translate(err)
		}
		var answers []answerRow
		if err := db.read(ctx).Where("signature_id = ?", sg.ID).Find(&answers).Error; err != nil {
			return nil, translate(err)
		}
		switch {
		case dev.MemberID != sg.MemberID:
			c.Problem = "the device belongs to another member"
		case signature.Verify(dev.Algorithm, dev.PublicKey, []byte(sg.Message), sg.Signature) != nil:
			c.Problem = "the signature does not verify"
		default:
			c.Problem = matchMessage(sg, answers)
		}
		c.OK = c.Problem == ""
		out = append(out, c)
	}
	return out, nil
}

// matchMessage checks that the stored answers are those the message signs.
func matchMessage(sg signatureRow, answers []answerRow) string {
	lines := strings.Split(strings.TrimSuffix(sg.Message, "\n"), "\n")
	if len(lines) < 3 || lines[0] != "ecabinet/ballot-answer/v1" ||
		lines[1] != fmt.Sprintf("ballot:%d", sg.BallotID) || lines[2] != fmt.Sprintf("member:%d", sg.MemberID) {
		return "the message names another ballot or member"
	}
	signed := map[string]bool{}
	for _, l := range lines[3:] {
		signed[l] = true
	}
	sort.Slice(answers, func(i, j int) bool { return answers[i].QuestionID < answers[j].QuestionID })
	for _, an := range answers {
		if an.MemberID != sg.MemberID {
			return "an answer of another member refers to the signature"
		}
		sum := sha256.Sum256([]byte(an.Comment))
		if !signed[fmt.Sprintf("q:%d|%s|%s", an.QuestionID, an.Choice, hex.EncodeToString(sum[:]))] {
			return fmt.Sprintf("the stored answer to question %d differs from what was signed", an.QuestionID)
		}
	}
	return ""
}
