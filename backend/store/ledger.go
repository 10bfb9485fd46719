package store

import (
	"context"
	"errors"

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

// ledgerReader is who reads the ledger: the secretariat and the chair.
func ledgerReader(ctx context.Context) (ecabinet.Actor, error) {
	return requireRole(ctx, ecabinet.RoleAdmin, ecabinet.RoleSecretary, ecabinet.RoleChair)
}

// ledgerMeetings selects the body's sessions the ledger counts: published
// or later (a draft has distributed nothing).
func ledgerMeetings(tx *gorm.DB, bodyID int64) *gorm.DB {
	return tx.Model(&meetingRow{}).Where("body_id = ? AND status <> ?", bodyID, string(ecabinet.MeetingDraft))
}

// read runs fn in a snapshot read transaction with the reader and the body.
func (s *LedgerService) read(ctx context.Context, fn func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body) error) error {
	a, err := ledgerReader(ctx)
	if err != nil {
		return err
	}
	return translate(s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		body, err := s.db.findBody(ctx, tx, a.BodyID)
		if err != nil {
			return err
		}
		return fn(tx, a, body)
	}, s.db.snapshotTx()))
}

// MeetingLedger returns a session's ledger: the secretariat's for any
// session (a draft counts nothing yet), the chair's for published ones.
func (s *LedgerService) MeetingLedger(ctx context.Context, meetingID int64) (*ecabinet.MeetingLedger, error) {
	var out *ecabinet.MeetingLedger
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body) error {
		q := tx.Model(&meetingRow{}).Where("id = ? AND body_id = ?", meetingID, a.BodyID)
		if !a.IsSecretariat() {
			q = q.Where("status <> ?", string(ecabinet.MeetingDraft))
		}
		ms, err := loadLedgerMeetings(tx, q)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return ecabinet.NotFound("meeting")
		}
		src := ms[0].source(body.Settings)
		redact(src.Lines, a.Clearance)
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
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body) error {
		var row ballotRow
		err := tx.Where("id = ? AND body_id = ?", ballotID, a.BodyID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && row.Status == string(ecabinet.BallotDraft) && !a.IsSecretariat()) {
			return ecabinet.NotFound("ballot")
		}
		if err != nil {
			return err
		}
		bs, err := loadLedgerBallots(tx, tx.Model(&ballotRow{}).Where("id = ?", ballotID), true)
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			return ecabinet.NotFound("ballot")
		}
		src := bs[0].source(body.Settings) // a draft's lines count nothing
		redact(src.Lines, a.Clearance)
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
	err := s.read(ctx, func(tx *gorm.DB, a ecabinet.Actor, body *ecabinet.Body) error {
		mq := ledgerMeetings(tx, a.BodyID)
		bq := tx.Model(&ballotRow{}).Where("body_id = ?", a.BodyID)
		if f.From != nil {
			mq, bq = mq.Where("scheduled_start >= ?", f.From.UTC()), bq.Where("opened_at >= ?", f.From.UTC())
		}
		if f.To != nil {
			mq, bq = mq.Where("scheduled_start < ?", f.To.UTC()), bq.Where("opened_at < ?", f.To.UTC())
		}
		ms, err := loadLedgerMeetings(tx, mq)
		if err != nil {
			return err
		}
		bs, err := loadLedgerBallots(tx, bq, false)
		if err != nil {
			return err
		}
		sources := make([]ecabinet.LedgerSource, 0, len(ms)+len(bs))
		loc := body.Settings.Location()
		for _, m := range ms {
			src := m.source(body.Settings)
			src.Period = ecabinet.PeriodKey(src.Date, loc, f.Group)
			redact(src.Lines, a.Clearance)
			sources = append(sources, src)
		}
		for i := range bs {
			src := bs[i].source(body.Settings)
			src.Period = ecabinet.PeriodKey(src.Date, loc, f.Group)
			redact(src.Lines, a.Clearance)
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

func redact(lines []ecabinet.LedgerLine, c ecabinet.Classification) {
	for i := range lines {
		lines[i].Redact(c)
	}
}

// emitLedger tells the secretariat and the chair, in the transaction of the
// change, the new figures of a session or ballot (kind and id), or that the
// settings every figure depends on changed (LedgerBody).
func emitLedger(tx *Tx, bodyID int64, kind string, id int64) error {
	change := ecabinet.LedgerChange{Kind: kind}
	if kind != ecabinet.LedgerBody {
		body, err := tx.db.findBody(tx.Statement.Context, tx.DB, bodyID)
		if err != nil {
			return err
		}
		var src *ecabinet.LedgerSource
		if kind == ecabinet.LedgerMeeting {
			ms, err := loadLedgerMeetings(tx.DB, tx.Model(&meetingRow{}).Where("id = ?", id))
			if err != nil || len(ms) == 0 {
				return err
			}
			s := ms[0].source(body.Settings)
			src = &s
			change.Time = &src.Time.Totals
		} else {
			bs, err := loadLedgerBallots(tx.DB, tx.Model(&ballotRow{}).Where("id = ?", id), false)
			if err != nil || len(bs) == 0 {
				return err
			}
			s := bs[0].source(body.Settings)
			src = &s
		}
		change.ID, change.Period, change.Paper = id, src.Period, &src.Paper
	}
	return tx.emit(bodyID, ecabinet.BodyScope(bodyID), ecabinet.EventLedgerUpdated, map[string]any{"ledger": change},
		ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudiencePresiding})
}
