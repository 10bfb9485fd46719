package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type conclusionRow struct {
	ID          int64
	BodyID      int64
	MeetingID   int64
	Number      string
	Title       string
	Text        string
	Status      string
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	PublishedBy *int64
}

func (conclusionRow) TableName() string { return "conclusions" }

type conclusionItemRow struct {
	ConclusionID int64
	ItemID       int64
	Position     int
	Text         string
}

func (conclusionItemRow) TableName() string { return "conclusion_items" }

// full returns the notice with its items in agenda order.
func (r *conclusionRow) full(tx *gorm.DB) (*ecabinet.Conclusion, error) {
	c := &ecabinet.Conclusion{ID: r.ID, BodyID: r.BodyID, MeetingID: r.MeetingID, Number: r.Number, Title: r.Title, Text: r.Text,
		Status: ecabinet.ConclusionStatus(r.Status), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		PublishedAt: r.PublishedAt, PublishedBy: r.PublishedBy, Items: []ecabinet.ConclusionItem{}}
	var items []conclusionItemRow
	if err := tx.Where("conclusion_id = ?", r.ID).Order("position").Find(&items).Error; err != nil {
		return nil, err
	}
	for _, it := range items {
		c.Items = append(c.Items, ecabinet.ConclusionItem{ItemID: it.ItemID, Text: it.Text})
	}
	return c, nil
}

// ConclusionService implements ecabinet.ConclusionService.
type ConclusionService struct{ db *DB }

// NewConclusionService returns a ConclusionService over db.
func NewConclusionService(db *DB) *ConclusionService { return &ConclusionService{db: db} }

var _ ecabinet.ConclusionService = (*ConclusionService)(nil)

// loadConclusion returns the notice of a session the actor may see
// (ecabinet.MaySeeConclusion).
func loadConclusion(tx *gorm.DB, a ecabinet.Actor, meetingID int64, lock bool) (*conclusionRow, *meetingRow, error) {
	m, err := loadMeeting(tx, a, meetingID, lock)
	if err != nil {
		return nil, nil, err
	}
	var row conclusionRow
	err = tx.Where("meeting_id = ?", meetingID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !ecabinet.MaySeeConclusion(a, ecabinet.ConclusionStatus(row.Status))) {
		return nil, m, ecabinet.NotFound("conclusion")
	}
	return &row, m, err
}

// conclusionOf returns the notice of a session (visible to the actor), or nil.
func conclusionOf(tx *gorm.DB, a ecabinet.Actor, meetingID int64) (*ecabinet.Conclusion, error) {
	row, _, err := loadConclusion(tx, a, meetingID, false)
	if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.full(tx)
}

// Conclusion returns a session's notice.
func (s *ConclusionService) Conclusion(ctx context.Context, meetingID int64) (*ecabinet.Conclusion, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Conclusion
	err = s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		row, _, err := loadConclusion(tx, a, meetingID, false)
		if err != nil {
			return err
		}
		out, err = row.full(tx)
		return err
	}, s.db.snapshotTx())
	return out, translate(err)
}

// SaveConclusion drafts or redrafts the notice of a closed session.
func (s *ConclusionService) SaveConclusion(ctx context.Context, meetingID int64, in ecabinet.ConclusionInput) (*ecabinet.Conclusion, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Conclusion
	err = s.db.write(ctx, func(tx *Tx) error {
		row, m, err := loadConclusion(tx.DB, a, meetingID, true)
		if m == nil {
			return err
		}
		if m.Status != string(ecabinet.MeetingClosed) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "conclusion.meeting_not_closed")
		}
		now := s.db.Now()
		switch {
		case ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND:
			row = &conclusionRow{BodyID: m.BodyID, MeetingID: meetingID, Status: string(ecabinet.ConclusionDraft), CreatedBy: a.MemberID, CreatedAt: now}
		case err != nil:
			return err
		case row.Status == string(ecabinet.ConclusionPublished):
			return ecabinet.Errorf(ecabinet.ECONFLICT, "conclusion.published")
		}
		var items []int64
		if err := tx.Model(&agendaRow{}).Where("meeting_id = ?", meetingID).Pluck("id", &items).Error; err != nil {
			return err
		}
		for _, it := range in.Items {
			if !slices.Contains(items, it.ItemID) {
				return ecabinet.FieldError("items", "conclusion.item_unknown")
			}
		}
		row.Number, row.Title, row.Text, row.UpdatedAt = in.Number, in.Title, in.Text, now
		if err := tx.Save(row).Error; err != nil {
			return err
		}
		if err := tx.Where("conclusion_id = ?", row.ID).Delete(&conclusionItemRow{}).Error; err != nil {
			return err
		}
		for i, it := range in.Items {
			if err := tx.Create(&conclusionItemRow{ConclusionID: row.ID, ItemID: it.ItemID, Position: i + 1, Text: it.Text}).Error; err != nil {
				return err
			}
		}
		out, err = row.full(tx.DB)
		return err
	})
	return out, err
}

// DeleteConclusion deletes a draft.
func (s *ConclusionService) DeleteConclusion(ctx context.Context, meetingID int64) error {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		row, _, err := loadConclusion(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if row.Status == string(ecabinet.ConclusionPublished) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "conclusion.published")
		}
		return tx.Delete(&conclusionRow{}, row.ID).Error
	})
}

// PublishConclusion publishes the draft: the session's subscribers get it,
// and so do its invitees on the body's stream.
func (s *ConclusionService) PublishConclusion(ctx context.Context, meetingID int64) (*ecabinet.Conclusion, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Conclusion
	err = s.db.write(ctx, func(tx *Tx) error {
		row, m, err := loadConclusion(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if row.Status == string(ecabinet.ConclusionPublished) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "conclusion.published")
		}
		now, by := s.db.Now(), a.MemberID
		row.Status, row.PublishedAt, row.PublishedBy, row.UpdatedAt = string(ecabinet.ConclusionPublished), &now, &by, now
		if err := tx.Save(row).Error; err != nil {
			return err
		}
		if out, err = row.full(tx.DB); err != nil {
			return err
		}
		data := map[string]any{"conclusion": out}
		if err := tx.emit(m.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventConclusionPublished, data, ecabinet.Public); err != nil {
			return err
		}
		ids, err := invitees(tx.DB, meetingID)
		if err != nil {
			return err
		}
		vis := ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceSecretariat}
		if len(ids) > 0 {
			vis = ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Recipients: ids}
		}
		return tx.emit(m.BodyID, ecabinet.BodyScope(m.BodyID), ecabinet.EventConclusionPublished, data, vis)
	})
	return out, err
}

// ListConclusions returns the notices the actor may see, newest session first.
func (s *ConclusionService) ListConclusions(ctx context.Context) ([]*ecabinet.Conclusion, error) {
	var out []*ecabinet.Conclusion
	err := s.db.read(ctx).Transaction(func(tx *gorm.DB) (err error) {
		out, err = listConclusions(ctx, tx)
		return err
	}, s.db.snapshotTx())
	return out, translate(err)
}

// ExportConclusions returns the notices ListConclusions does, with their
// sessions' and agenda items' titles, a line per concluded item.
func (s *ConclusionService) ExportConclusions(ctx context.Context) ([]ecabinet.ConclusionLine, error) {
	var out []ecabinet.ConclusionLine
	err := s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		cs, err := listConclusions(ctx, tx)
		if err != nil || len(cs) == 0 {
			return err
		}
		ids := make([]int64, len(cs))
		for i, c := range cs {
			ids[i] = c.MeetingID
		}
		var meetings []struct {
			ID             int64
			Title          string
			ScheduledStart time.Time
		}
		if err := tx.Table("meetings").Select("id, title, scheduled_start").Where("id IN ?", ids).Scan(&meetings).Error; err != nil {
			return err
		}
		var items []struct {
			ID       int64
			Position int
			Title    string
		}
		if err := tx.Table("agenda_items").Select("id, position, title").Where("meeting_id IN ?", ids).Scan(&items).Error; err != nil {
			return err
		}
		type meeting struct {
			title string
			start time.Time
		}
		ms := make(map[int64]meeting, len(meetings))
		for _, m := range meetings {
			ms[m.ID] = meeting{m.Title, m.ScheduledStart}
		}
		type item struct {
			pos   int
			title string
		}
		its := make(map[int64]item, len(items))
		for _, it := range items {
			its[it.ID] = item{it.Position, it.Title}
		}
		for _, c := range cs {
			line := ecabinet.ConclusionLine{Conclusion: c, MeetingTitle: ms[c.MeetingID].title, MeetingStart: ms[c.MeetingID].start}
			if len(c.Items) == 0 {
				out = append(out, line)
			}
			for _, ci := range c.Items {
				l := line
				l.ItemPosition, l.ItemTitle, l.ItemText = its[ci.ItemID].pos, its[ci.ItemID].title, ci.Text
				out = append(out, l)
			}
		}
		return nil
	}, s.db.snapshotTx())
	return out, translate(err)
}

// listConclusions reads the notices the actor may see, newest session first.
func listConclusions(ctx context.Context, tx *gorm.DB) ([]*ecabinet.Conclusion, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	q := tx.Table("conclusions AS c").Select("c.*").Joins("JOIN meetings AS m ON m.id = c.meeting_id").Where("c.body_id = ?", a.BodyID)
	if !a.IsSecretariat() {
		q = q.Where("c.status = ? AND c.meeting_id IN (SELECT meeting_id FROM attendance WHERE member_id = ?)",
			string(ecabinet.ConclusionPublished), a.MemberID)
	}
	var rows []conclusionRow
	if err := q.Order("m.scheduled_start DESC, c.id DESC").Limit(500).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Conclusion, 0, len(rows))
	for i := range rows {
		c, err := rows[i].full(tx)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
