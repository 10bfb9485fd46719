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

// loadLedgerMeetings loads, in a few queries whatever their number, the
// sessions that meetings (a query on the meetings table) selects, with
// their documents (as v sees them), versions, invitees' clearances, agenda
// items and the earlier spans of items taken up again.
func loadLedgerMeetings(tx *gorm.DB, meetings *gorm.DB, v *ledgerView) ([]*ledgerMeeting, error) {
	var rows []meetingRow
	if err := meetings.Session(&gorm.Session{}).Order("scheduled_start, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ledgerMeeting, len(rows))
	byID := make(map[int64]*ledgerMeeting, len(rows))
	for i := range rows {
		m := &ledgerMeeting{row: rows[i], facts: ecabinet.MeetingFacts{MeetingID: rows[i].ID, PublishedAt: rows[i].PublishedAt,
			Readers: ecabinet.Readers{}}}
		out[i], byID[rows[i].ID] = m, m
	}
	if len(rows) == 0 {
		return out, nil
	}
	ids := meetings.Session(&gorm.Session{}).Select("id")

	docs, err := loadDocFacts(tx, "meeting_id", ids, v)
	if err != nil {
		return nil, err
	}
	for id, f := range docs {
		byID[id].facts.Versions, byID[id].facts.Placeholders = f.versions, f.placeholders
	}

	readers, err := loadReaders(tx, "attendance", "meeting_id", ids)
	if err != nil {
		return nil, err
	}
	for id, r := range readers {
		byID[id].facts.Readers = r
	}

	var items []agendaRow
	if err := tx.Where("meeting_id IN (?)", ids).Order("meeting_id, position, id").Find(&items).Error; err != nil {
		return nil, err
	}
	var spans []agendaSpanRow
	if err := tx.Where("item_id IN (?)", tx.Model(&agendaRow{}).Select("id").Where("meeting_id IN (?)", ids)).
		Order("item_id, started_at").Find(&spans).Error; err != nil {
		return nil, err
	}
	earlier := map[int64][]ecabinet.Span{}
	for _, sp := range spans {
		earlier[sp.ItemID] = append(earlier[sp.ItemID], ecabinet.Span{StartedAt: sp.StartedAt, EndedAt: sp.EndedAt})
	}
	for _, it := range items {
		m := byID[it.MeetingID]
		m.items = append(m.items, ecabinet.ItemFact{ID: it.ID, Position: it.Position, Title: it.Title, Status: ecabinet.AgendaStatus(it.Status),
			PlannedMinutes: it.PlannedMinutes, StartedAt: it.StartedAt, EndedAt: it.EndedAt, Earlier: earlier[it.ID],
			Consent: it.Consent == string(ecabinet.ConsentDecided)})
	}
	return out, nil
}

// loadReaders counts, in one query, the members of table (attendance or
// ballot_recipients) per clearance, by owner (the owner column in ids, a
// subquery).
func loadReaders(tx *gorm.DB, table, owner string, ids *gorm.DB) (map[int64]ecabinet.Readers, error) {
	var rows []struct {
		OwnerID   int64
		Clearance string
		N         int
	}
	if err := tx.Table(table+" AS r").Select("r."+owner+" AS owner_id, m.clearance, COUNT(*) AS n").Joins("JOIN members AS m ON m.id = r.member_id").
		Where("r."+owner+" IN (?)", ids).Group("r." + owner + ", m.clearance").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64]ecabinet.Readers{}
	for _, r := range rows {
		if out[r.OwnerID] == nil {
			out[r.OwnerID] = ecabinet.Readers{}
		}
		out[r.OwnerID][ecabinet.Classification(r.Clearance)] = r.N
	}
	return out, nil
}

// docFacts are the versions and placeholders of one session or ballot.
type docFacts struct {
	versions     []ecabinet.VersionFact
	placeholders []ecabinet.PlaceholderFact
}

// loadDocFacts loads, in two queries, the documents whose owner column
// (meeting_id or ballot_id) is in ids (a subquery), by owner: their
// versions in version order, each knowing when the next replaced it, and
// the placeholders with the paper copies made of them. Under a view, a
// document above the reader's clearance has only what it had at v.asOf:
// created by then, its versions uploaded and copies handed out by then.
func loadDocFacts(tx *gorm.DB, owner string, ids *gorm.DB, v *ledgerView) (map[int64]*docFacts, error) {
	var docs []struct {
		ID, OwnerID    int64
		Title          string
		Classification string
		Placeholder    bool
		PaperPages     int
		Copies         int
	}
	columns := "d.id, d." + owner + " AS owner_id, d.title, d.classification, d.placeholder, d.paper_pages, "
	dq := tx.Table("documents AS d").Select(columns + "(SELECT COALESCE(MAX(c.copy_no), 0) FROM paper_copies AS c WHERE c.document_id = d.id) AS copies")
	if v != nil {
		dq = tx.Table("documents AS d").Select(columns+"(SELECT COALESCE(MAX(c.copy_no), 0) FROM paper_copies AS c WHERE c.document_id = d.id "+
			"AND (d.classification IN ? OR c.handed_out_at <= ?)) AS copies", v.cleared, v.asOf).
			Where("(d.classification IN ? OR d.created_at <= ?)", v.cleared, v.asOf)
	}
	if err := dq.Where("d."+owner+" IN (?)", ids).Order("d.id").Scan(&docs).Error; err != nil {
		return nil, err
	}
	var versions []struct {
		ID, DocumentID int64
		Version, Pages int
		UploadedAt     time.Time
	}
	vq := tx.Table("document_versions AS v").Select("v.id, v.document_id, v.version, v.pages, v.uploaded_at").
		Joins("JOIN documents AS d ON d.id = v.document_id").Where("d."+owner+" IN (?)", ids)
	if v != nil {
		vq = vq.Where("(d.classification IN ? OR v.uploaded_at <= ?)", v.cleared, v.asOf)
	}
	if err := vq.Order("v.document_id, v.version").Scan(&versions).Error; err != nil {
		return nil, err
	}
	byDoc := map[int64][]int{} // document → indexes into versions, in version order
	for i, v := range versions {
		byDoc[v.DocumentID] = append(byDoc[v.DocumentID], i)
	}
	out := map[int64]*docFacts{}
	for _, d := range docs {
		f := out[d.OwnerID]
		if f == nil {
			f = &docFacts{}
			out[d.OwnerID] = f
		}
		c := ecabinet.Classification(d.Classification)
		if d.Placeholder {
			f.placeholders = append(f.placeholders, ecabinet.PlaceholderFact{DocumentID: d.ID, Title: d.Title,
				Classification: c, PaperPages: d.PaperPages, PaperCopies: d.Copies})
			continue
		}
		idx := byDoc[d.ID]
		for k, i := range idx {
			v := versions[i]
			vf := ecabinet.VersionFact{DocumentID: d.ID, Title: d.Title, Classification: c, VersionID: v.ID, Version: v.Version,
				Pages: v.Pages, UploadedAt: v.UploadedAt}
			if k+1 < len(idx) {
				next := versions[idx[k+1]].UploadedAt
				vf.ReplacedAt = &next
			}
			f.versions = append(f.versions, vf)
		}
	}
	return out, nil
}

// ledgerBallot is a ballot with the stored facts its ledger is computed from.
type ledgerBallot struct {
	row   ballotRow
	facts ecabinet.BallotFacts
}

// date is when the ballot counts: its opening (its creation while a draft).
func (b *ledgerBallot) date() time.Time {
	if b.row.OpenedAt != nil {
		return *b.row.OpenedAt
	}
	return b.row.CreatedAt
}

func (b *ledgerBallot) source(s ecabinet.BodySettings) ecabinet.LedgerSource {
	lines, paper := ecabinet.BallotPaper(&b.facts, s.Ledger())
	return ecabinet.LedgerSource{Kind: ecabinet.LedgerBallot, ID: b.row.ID, Title: b.row.Title, Date: b.date(),
		Period: ecabinet.PeriodKey(b.date(), s.Location(), ecabinet.GroupMonth), Paper: paper, Lines: lines}
}

// loadLedgerBallots loads, in four queries whatever their number, the
// ballots that ballots (a query on the ballots table) selects, by opening
// (drafts last), with their recipients' clearances and their documents
// (as v sees them). Only opened ones unless drafts.
func loadLedgerBallots(tx *gorm.DB, ballots *gorm.DB, drafts bool, v *ledgerView) ([]*ledgerBallot, error) {
	selected := func() *gorm.DB {
		q := ballots.Session(&gorm.Session{})
		if !drafts {
			q = q.Where("opened_at IS NOT NULL")
		}
		return q
	}
	var rows []ballotRow
	if err := selected().Order("opened_at IS NULL, opened_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ledgerBallot, len(rows))
	byID := make(map[int64]*ledgerBallot, len(rows))
	for i := range rows {
		b := &ledgerBallot{row: rows[i], facts: ecabinet.BallotFacts{BallotID: rows[i].ID, Title: rows[i].Title, OpenedAt: rows[i].OpenedAt,
			Readers: ecabinet.Readers{}}}
		out[i], byID[rows[i].ID] = b, b
	}
	if len(rows) == 0 {
		return out, nil
	}
	idq := selected().Select("id")
	readers, err := loadReaders(tx, "ballot_recipients", "ballot_id", idq)
	if err != nil {
		return nil, err
	}
	for id, r := range readers {
		byID[id].facts.Readers = r
	}
	docs, err := loadDocFacts(tx, "ballot_id", idq, v)
	if err != nil {
		return nil, err
	}
	for id, f := range docs {
		byID[id].facts.Versions, byID[id].facts.Placeholders = f.versions, f.placeholders
	}
	return out, nil
}
