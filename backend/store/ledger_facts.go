package store

import (
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// ledgerMeeting is a session with the stored facts its ledger is computed from.
type ledgerMeeting struct {
	row   meetingRow
	facts ecabinet.MeetingFacts
	items []ecabinet.ItemFact
}

// source computes the session's lines, paper figures and time ledger.
func (m *ledgerMeeting) source(s ecabinet.BodySettings) ecabinet.LedgerSource {
	lines, paper := ecabinet.MeetingPaper(&m.facts, s.Ledger())
	t := ecabinet.MeetingTime(ecabinet.SessionFact{Status: ecabinet.MeetingStatus(m.row.Status), ScheduledStart: m.row.ScheduledStart,
		ScheduledEnd: m.row.ScheduledEnd, StartedAt: m.row.StartedAt, EndedAt: m.row.EndedAt}, m.items, s.TargetTimeSavingPc)
	return ecabinet.LedgerSource{Kind: ecabinet.LedgerMeeting, ID: m.row.ID, Title: m.row.Title, Date: m.row.ScheduledStart,
		Period: ecabinet.PeriodKey(m.row.ScheduledStart, s.Location(), ecabinet.GroupMonth), Paper: paper, Lines: lines, Time: &t}
}

// loadLedgerMeetings loads, in five queries whatever their number, the
// sessions that meetings (a query on the meetings table) selects, with
// their documents, versions, invitees' clearances and agenda items.
func loadLedgerMeetings(tx *gorm.DB, meetings *gorm.DB) ([]*ledgerMeeting, error) {
	var rows []meetingRow
	if err := meetings.Session(&gorm.Session{}).Order("scheduled_start, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ledgerMeeting, len(rows))
	byID := make(map[int64]*ledgerMeeting, len(rows))
	for i := range rows {
		m := &ledgerMeeting{row: rows[i], facts: ecabinet.MeetingFacts{MeetingID: rows[i].ID, PublishedAt: rows[i].PublishedAt,
			Readers: map[ecabinet.Classification]int{}}}
		out[i], byID[rows[i].ID] = m, m
	}
	if len(rows) == 0 {
		return out, nil
	}
	ids := meetings.Session(&gorm.Session{}).Select("id")

	var docs []struct {
		ID, MeetingID  int64
		Title          string
		Classification string
		Placeholder    bool
		PaperPages     int
		Copies         int
	}
	if err := tx.Table("documents AS d").Select("d.id, d.meeting_id, d.title, d.classification, d.placeholder, d.paper_pages, "+
		"(SELECT COALESCE(MAX(c.copy_no), 0) FROM paper_copies AS c WHERE c.document_id = d.id) AS copies").
		Where("d.meeting_id IN (?)", ids).Order("d.id").Scan(&docs).Error; err != nil {
		return nil, err
	}
	var versions []struct {
		ID, DocumentID int64
		Version, Pages int
		UploadedAt     time.Time
	}
	if err := tx.Table("document_versions AS v").Select("v.id, v.document_id, v.version, v.pages, v.uploaded_at").
		Joins("JOIN documents AS d ON d.id = v.document_id").Where("d.meeting_id IN (?)", ids).
		Order("v.document_id, v.version").Scan(&versions).Error; err != nil {
		return nil, err
	}
	byDoc := map[int64][]int{} // document → indexes into versions, in version order
	for i, v := range versions {
		byDoc[v.DocumentID] = append(byDoc[v.DocumentID], i)
	}
	for _, d := range docs {
		m := byID[d.MeetingID]
		c := ecabinet.Classification(d.Classification)
		if d.Placeholder {
			m.facts.Placeholders = append(m.facts.Placeholders, ecabinet.PlaceholderFact{DocumentID: d.ID, Title: d.Title,
				Classification: c, PaperPages: d.PaperPages, PaperCopies: d.Copies})
			continue
		}
		idx := byDoc[d.ID]
		for k, i := range idx {
			v := versions[i]
			f := ecabinet.VersionFact{DocumentID: d.ID, Title: d.Title, Classification: c, VersionID: v.ID, Version: v.Version,
				Pages: v.Pages, UploadedAt: v.UploadedAt}
			if k+1 < len(idx) {
				next := versions[idx[k+1]].UploadedAt
				f.ReplacedAt = &next
			}
			m.facts.Versions = append(m.facts.Versions, f)
		}
	}

	var readers []struct {
		MeetingID int64
		Clearance string
		N         int
	}
	if err := tx.Table("attendance AS a").Select("a.meeting_id, m.clearance, COUNT(*) AS n").Joins("JOIN members AS m ON m.id = a.member_id").
		Where("a.meeting_id IN (?)", ids).Group("a.meeting_id, m.clearance").Scan(&readers).Error; err != nil {
		return nil, err
	}
	for _, r := range readers {
		byID[r.MeetingID].facts.Readers[ecabinet.Classification(r.Clearance)] = r.N
	}

	var items []agendaRow
	if err := tx.Where("meeting_id IN (?)", ids).Order("meeting_id, position, id").Find(&items).Error; err != nil {
		return nil, err
	}
	for _, it := range items {
		m := byID[it.MeetingID]
		m.items = append(m.items, ecabinet.ItemFact{ID: it.ID, Position: it.Position, Title: it.Title, Status: ecabinet.AgendaStatus(it.Status),
			PlannedMinutes: it.PlannedMinutes, StartedAt: it.StartedAt, EndedAt: it.EndedAt})
	}
	return out, nil
}

// ledgerBallot is an opened ballot with its number of recipients.
type ledgerBallot struct {
	ID         int64
	Title      string
	Status     string
	OpenedAt   time.Time
	Recipients int
}

func (b *ledgerBallot) source(s ecabinet.BodySettings) ecabinet.LedgerSource {
	line, paper := ecabinet.BallotPaper(b.ID, b.Title, b.Recipients, s.Ledger())
	return ecabinet.LedgerSource{Kind: ecabinet.LedgerBallot, ID: b.ID, Title: b.Title, Date: b.OpenedAt,
		Period: ecabinet.PeriodKey(b.OpenedAt, s.Location(), ecabinet.GroupMonth), Paper: paper, Lines: []ecabinet.LedgerLine{line}}
}

// loadLedgerBallots loads the opened ballots that ballots (a query on the
// ballots table) selects, by opening.
func loadLedgerBallots(ballots *gorm.DB) ([]ledgerBallot, error) {
	var out []ledgerBallot
	err := ballots.Session(&gorm.Session{}).Select("id, title, status, opened_at, " +
		"(SELECT COUNT(*) FROM ballot_recipients AS r WHERE r.ballot_id = ballots.id) AS recipients").
		Where("opened_at IS NOT NULL").Order("opened_at, id").Scan(&out).Error
	return out, err
}
