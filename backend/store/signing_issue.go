package store

import (
	"bytes"
	"context"
	"slices"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"gorm.io/gorm"
)

// IssuedSource makes one kind of issued document from the stored data.
type IssuedSource interface {
	// Owner returns the session or ballot of subjectID as the actor may see
	// it (not_found otherwise), locked when lock is set, and whether its
	// document can be issued now (a notice published, a ballot closed).
	Owner(tx *gorm.DB, a ecabinet.Actor, subjectID int64, lock bool) (docOwner, bool, error)
	// Render returns the document's title and its PDF, issued by issuer.
	Render(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, subjectID int64, issuer ecabinet.ReportIssuer) (string, []byte, error)
}

// conclusionSource issues a session's published conclusion notice.
type conclusionSource struct{ db *DB }

func (s conclusionSource) Owner(tx *gorm.DB, a ecabinet.Actor, meetingID int64, lock bool) (docOwner, bool, error) {
	row, m, err := loadConclusion(tx, a, meetingID, lock)
	if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND && m != nil {
		return docOwner{meeting: m}, false, nil // no notice yet
	}
	if err != nil {
		return docOwner{}, false, err
	}
	return docOwner{meeting: m}, row.Status == string(ecabinet.ConclusionPublished), nil
}

func (s conclusionSource) Render(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, meetingID int64, issuer ecabinet.ReportIssuer) (string, []byte, error) {
	row, m, err := loadConclusion(tx, a, meetingID, false)
	if err != nil {
		return "", nil, err
	}
	c, err := row.full(tx)
	if err != nil {
		return "", nil, err
	}
	body, err := s.db.findBody(ctx, tx, m.BodyID)
	if err != nil {
		return "", nil, err
	}
	var items []agendaRow
	if err := tx.Where("meeting_id = ?", meetingID).Find(&items).Error; err != nil {
		return "", nil, err
	}
	titles := make(map[int64]string, len(items))
	for _, it := range items {
		titles[it.ID] = it.Title
	}
	var b bytes.Buffer
	err = report.WriteConclusionPDF(&b, &report.ConclusionNotice{Body: body, Conclusion: c, MeetingTitle: m.Title,
		MeetingStart: m.ScheduledStart, Items: titles, Issuer: issuer})
	return "Thông báo kết luận: " + c.Title, b.Bytes(), err
}

// ballotReportSource issues a closed ballot's summary report.
type ballotReportSource struct{ ballots *BallotService }

func (s ballotReportSource) Owner(tx *gorm.DB, a ecabinet.Actor, ballotID int64, lock bool) (docOwner, bool, error) {
	strength := ""
	if lock {
		strength = "UPDATE"
	}
	b, err := loadBallot(tx, a, ballotID, strength)
	if err != nil {
		return docOwner{}, false, err
	}
	return docOwner{ballot: b}, b.Status == string(ecabinet.BallotClosed), nil
}

func (s ballotReportSource) Render(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, ballotID int64, issuer ecabinet.ReportIssuer) (string, []byte, error) {
	row, err := loadBallot(tx, a, ballotID, "")
	if err != nil {
		return "", nil, err
	}
	rep, err := s.ballots.buildReport(ctx, tx, a, row)
	if err != nil {
		return "", nil, err
	}
	rep.Issuer = issuer
	var b bytes.Buffer
	err = report.WritePDF(&b, rep)
	return "Báo cáo tổng hợp ý kiến: " + row.Title, b.Bytes(), err
}

// minutesSource issues a closed session's minutes: the newest published
// version (a correction, once published, is issued and signed anew).
type minutesSource struct{ db *DB }

func published(r *minutesRow) bool { return r.Status == string(ecabinet.MinutesPublished) }

func (s minutesSource) Owner(tx *gorm.DB, a ecabinet.Actor, meetingID int64, lock bool) (docOwner, bool, error) {
	m, err := loadMeeting(tx, a, meetingID, lock)
	if err != nil {
		return docOwner{}, false, err
	}
	rows, err := minutesVersions(tx, a, meetingID)
	if err != nil {
		return docOwner{}, false, err
	}
	return docOwner{meeting: m}, slices.ContainsFunc(rows, func(r minutesRow) bool { return published(&r) }), nil
}

func (s minutesSource) Render(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, meetingID int64, _ ecabinet.ReportIssuer) (string, []byte, error) {
	doc, err := minutesDocument(tx, a, meetingID, published)
	if err != nil {
		return "", nil, err
	}
	body, err := s.db.findBody(ctx, tx, a.BodyID)
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	err = report.WriteMinutesPDF(&b, doc, body.Settings.Location())
	return "Biên bản phiên họp: " + doc.MeetingTitle, b.Bytes(), err
}

// Current tells whether signed begins with the newest published version
// as it is made now (a signature is an incremental update of those bytes,
// and the same version gives the same bytes).
func (s minutesSource) Current(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, meetingID int64, signed []byte) (bool, error) {
	_, doc, err := s.Render(ctx, tx, a, meetingID, ecabinet.ReportIssuer{})
	return err == nil && bytes.HasPrefix(signed, doc), err
}
