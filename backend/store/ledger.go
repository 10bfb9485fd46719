package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// LedgerService implements ecabinet.LedgerService: every figure is computed
// on reading from the stored facts (documents, versions, invitees, paper
// copies, ballots, agenda times) and the body's current settings; nothing
// is totalled by hand or kept as a counter.
type LedgerService struct{ db *DB }

// NewLedgerService returns a LedgerService over db.
func NewLedgerService(db *DB) *LedgerService { return &LedgerService{db: db} }

var _ ecabinet.LedgerService = (*LedgerService)(nil)

// ledgerMeetings selects the body's sessions the ledger counts: published
// or later (a draft has distributed nothing).
func ledgerMeetings(tx *gorm.DB, bodyID int64) *gorm.DB {
	return tx.Model(&meetingRow{}).Where("body_id = ? AND status <> ?", bodyID, string(ecabinet.MeetingDraft))
}

// ledgerView is what one reader's figures are made of: the documents at or
// below their clearance as they are, those above it as they stood at
// ecabinet.HiddenAsOf. A nil view counts everything as it is.
type ledgerView struct {
	cleared []ecabinet.Classification // those the reader is cleared for
	asOf    time.Time
}

// read runs fn in a snapshot read transaction with the reader, the body
// and the reader's view.
func (s *LedgerService) read(ctx context.Context, fn func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body, v *ledgerView) error) error {
	a, err := ecabinet.Presiding.Require(ctx) // the secretariat and the chair
	if err != nil {
		return err
	}
	return translate(s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		body, err := s.db.findBody(ctx, tx, a.BodyID)
		if err != nil {
			return err
		}
		v := &ledgerView{cleared: a.Clearance.AtOrBelow(), asOf: ecabinet.HiddenAsOf(s.db.Now(), body.Settings.Location()).UTC()}
		return fn(tx, a, body, v)
	}, s.db.snapshotTx()))
}

// MeetingLedger returns a session's ledger: the secretariat's for any
// session (a draft counts nothing yet), the chair's for published ones.
func (s *LedgerService) MeetingLedger(ctx context.Context, meetingID int64) (*ecabinet.MeetingLedger, error) {
	var out *ecabinet.MeetingLedger
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body, v *ledgerView) error {
		q := tx.Model(&meetingRow{}).Where("id = ? AND body_id = ?", meetingID, a.BodyID)
		if !a.IsSecretariat() {
			q = q.Where("status <> ?", string(ecabinet.MeetingDraft))
		}
		ms, err := loadLedgerMeetings(tx, q, v)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return ecabinet.NotFound("meeting")
		}
		src := ms[0].source(body.Settings)
		src.Lines = ecabinet.VisibleLines(src.Lines, a.Clearance)
		out = &ecabinet.MeetingLedger{LedgerSource: src, Status: ecabinet.MeetingStatus(ms[0].row.Status),
			PublishedAt: ms[0].row.PublishedAt, Settings: body.Settings.Ledger()}
		return nil
	})
	return out, err
}

// BallotLedger returns a ballot's ledger; a draft counts nothing and only
// the secretariat sees it.
func (s *LedgerService) BallotLedger(ctx context.Context, ballotID int64) (*ecabinet.BallotLedger, error) {
	var out *ecabinet.BallotLedger
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body, v *ledgerView) error {
		var row ballotRow
		err := tx.Where("id = ? AND body_id = ?", ballotID, a.BodyID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && row.Status == string(ecabinet.BallotDraft) && !a.IsSecretariat()) {
			return ecabinet.NotFound("ballot")
		}
		if err != nil {
			return err
		}
		bs, err := loadLedgerBallots(tx, tx.Model(&ballotRow{}).Where("id = ?", ballotID), true, v)
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			return ecabinet.NotFound("ballot")
		}
		src := bs[0].source(body.Settings) // a draft's lines count nothing
		src.Lines = ecabinet.VisibleLines(src.Lines, a.Clearance)
		out = &ecabinet.BallotLedger{Status: ecabinet.BallotStatus(row.Status), Settings: body.Settings.Ledger(), LedgerSource: src}
		return nil
	})
	return out, err
}

// LedgerReport sums the body's sessions and ballots per period.
func (s *LedgerService) LedgerReport(ctx context.Context, f ecabinet.LedgerFilter) (*ecabinet.LedgerReport, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.LedgerReport
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body, v *ledgerView) error {
		mq := ledgerMeetings(tx, a.BodyID)
		bq := tx.Model(&ballotRow{}).Where("body_id = ?", a.BodyID)
		if f.From != nil {
			mq, bq = mq.Where("scheduled_start >= ?", f.From.UTC()), bq.Where("opened_at >= ?", f.From.UTC())
		}
		if f.To != nil {
			mq, bq = mq.Where("scheduled_start < ?", f.To.UTC()), bq.Where("opened_at < ?", f.To.UTC())
		}
		ms, err := loadLedgerMeetings(tx, mq, v)
		if err != nil {
			return err
		}
		bs, err := loadLedgerBallots(tx, bq, false, v)
		if err != nil {
			return err
		}
		sources := make([]ecabinet.LedgerSource, 0, len(ms)+len(bs))
		loc := body.Settings.Location()
		for _, m := range ms {
			src := m.source(body.Settings)
			src.Period = ecabinet.PeriodKey(src.Date, loc, f.Group)
			src.Lines = ecabinet.VisibleLines(src.Lines, a.Clearance)
			sources = append(sources, src)
		}
		for i := range bs {
			src := bs[i].source(body.Settings)
			src.Period = ecabinet.PeriodKey(src.Date, loc, f.Group)
			src.Lines = ecabinet.VisibleLines(src.Lines, a.Clearance)
			sources = append(sources, src)
		}
		out = &ecabinet.LedgerReport{Group: f.Group, From: f.From, To: f.To, Settings: body.Settings.Ledger(),
			TargetPc: body.Settings.TargetTimeSavingPc, Periods: []ecabinet.LedgerSummary{}}
		out.Total, out.Periods = ecabinet.Summarize(sources, body.Settings.TargetTimeSavingPc)
		if f.Explain {
			out.Sources = sources
		}
		return nil
	})
	return out, err
}

// emitLedger tells the secretariat and the chair, in the transaction of
// the change, that the figures of a session or ballot (kind and id) have
// changed, or (ecabinet.LedgerBody) that every figure may have. about is
// the classification of what changed (ClassNone for what every reader
// sees: a publication, the invitees, the settings): readers below it are
// not told, for their figures count such a document as it stood at the
// start of the day and have not changed.
func emitLedger(tx *Tx, bodyID int64, kind string, id int64, about ecabinet.Classification) error {
	change := ecabinet.LedgerChange{Kind: kind, ID: id}
	if kind != ecabinet.LedgerBody {
		body, err := tx.db.findBody(tx.Statement.Context, tx.DB, bodyID)
		if err != nil {
			return err
		}
		var date struct{ ScheduledStart, OpenedAt, CreatedAt *time.Time }
		q := tx.Table("meetings").Select("scheduled_start").Where("id = ?", id)
		if kind == ecabinet.LedgerBallot {
			q = tx.Table("ballots").Select("opened_at, created_at").Where("id = ?", id)
		}
		if err := q.Scan(&date).Error; err != nil {
			return err
		}
		for _, t := range []*time.Time{date.ScheduledStart, date.OpenedAt, date.CreatedAt} {
			if t != nil {
				change.Period = ecabinet.PeriodKey(*t, body.Settings.Location(), ecabinet.GroupMonth)
				break
			}
		}
	}
	return tx.emit(bodyID, ecabinet.BodyScope(bodyID), ecabinet.EventLedgerUpdated, map[string]any{"ledger": change},
		ecabinet.Visibility{MinClearance: about, Audience: ecabinet.AudiencePresiding})
}
