package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// Positions before a session and the consent block. Every write takes the
// session's row lock first (loadMeeting with lock), so a position, the
// cut-off and the block are serialised with the session's other changes: a
// position acknowledged before the cut-off is counted in the block, one
// after it is refused.

type positionRow struct {
	ItemID    int64
	MemberID  int64
	MeetingID int64
	Stance    string
	Reason    string
	UpdatedAt time.Time
}

func (positionRow) TableName() string { return "positions" }

func (r *positionRow) domain() ecabinet.MemberPosition {
	return ecabinet.MemberPosition{ItemID: r.ItemID, MemberID: r.MemberID, Stance: ecabinet.Stance(r.Stance), Reason: r.Reason, UpdatedAt: r.UpdatedAt}
}

// votingInvitees are the session's invitees with a voting right, by id.
func votingInvitees(tx *gorm.DB, meetingID int64) ([]int64, error) {
	var ids []int64
	err := tx.Table("attendance AS a").Joins("JOIN members m ON m.id = a.member_id").
		Where("a.meeting_id = ? AND m.voting AND m.active", meetingID).Order("a.member_id").Pluck("a.member_id", &ids).Error
	return ids, err
}

// positionsView builds what the actor sees of the positions on the
// session's open items.
func positionsView(tx *gorm.DB, a ecabinet.Actor, m *meetingRow) (*ecabinet.PositionsView, error) {
	settings, err := bodySettings(tx, m.BodyID)
	if err != nil {
		return nil, err
	}
	v := &ecabinet.PositionsView{MeetingID: m.ID, Cutoff: m.cutoff(settings.Location()), ClosedAt: m.PositionsClosedAt,
		ConsentTakenAt: m.ConsentTakenAt, Items: []ecabinet.ItemPositions{}}
	var items []agendaRow
	if err := tx.Where("meeting_id = ? AND positions_open", m.ID).Order("position, id").Find(&items).Error; err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return v, nil
	}
	var rows []positionRow
	if err := tx.Where("meeting_id = ?", m.ID).Order("updated_at, member_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	voters, err := votingInvitees(tx, m.ID)
	if err != nil {
		return nil, err
	}
	named := a.Presides() || settings.PositionNamesVisible
	for _, it := range items {
		ip := ecabinet.ItemPositions{ItemID: it.ID}
		given := map[int64]bool{}
		for i := range rows {
			if rows[i].ItemID != it.ID {
				continue
			}
			p := rows[i].domain()
			ip.Counts.Add(p.Stance)
			given[p.MemberID] = true
			if named {
				ip.Positions = append(ip.Positions, p)
			}
			if p.MemberID == a.MemberID {
				ip.Mine = &p
			}
		}
		if a.Presides() {
			for _, id := range voters {
				if !given[id] {
					ip.Missing = append(ip.Missing, id)
				}
			}
		}
		v.Items = append(v.Items, ip)
	}
	return v, nil
}

// PositionService implements ecabinet.PositionService.
type PositionService struct {
	db     *DB
	notify *Notifier
}

// NewPositionService returns a PositionService over db that notifies through n.
func NewPositionService(db *DB, n *Notifier) *PositionService {
	return &PositionService{db: db, notify: n}
}

var _ ecabinet.PositionService = (*PositionService)(nil)

// Positions returns the positions of a session's open items.
func (s *PositionService) Positions(ctx context.Context, meetingID int64) (*ecabinet.PositionsView, error) {
	var out *ecabinet.PositionsView
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		m, err := loadMeeting(tx, a, meetingID, false)
		if err != nil {
			return err
		}
		out, err = positionsView(tx, a, m)
		return err
	})
	return out, err
}

// emitPositions sends the counts (with names where the body shows them) to
// every subscriber and the named view to the chair and the secretariat.
func emitPositions(tx *Tx, m *meetingRow) error {
	settings, err := bodySettings(tx.DB, m.BodyID)
	if err != nil {
		return err
	}
	presiding := ecabinet.Actor{BodyID: m.BodyID, Role: ecabinet.RoleSecretary}
	named, err := positionsView(tx.DB, presiding, m)
	if err != nil {
		return err
	}
	public := *named
	public.Items = make([]ecabinet.ItemPositions, len(named.Items))
	for i, it := range named.Items {
		public.Items[i] = ecabinet.ItemPositions{ItemID: it.ItemID, Counts: it.Counts}
		if settings.PositionNamesVisible {
			public.Items[i].Positions = it.Positions
		}
	}
	scope := ecabinet.MeetingScope(m.ID)
	if err := tx.emit(m.BodyID, scope, ecabinet.EventPositionsUpdated, map[string]any{"positions": &public},
		ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceAll}); err != nil {
		return err
	}
	return tx.emit(m.BodyID, scope, ecabinet.EventPositionsUpdated, map[string]any{"positions": named},
		ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudiencePresiding})
}

// AskPositions opens the listed items for positions (closing the others)
// and sets the cut-off. Once the session is published, the voting invitees
// are told of items newly open.
func (s *PositionService) AskPositions(ctx context.Context, meetingID int64, in ecabinet.PositionsSettings) (*ecabinet.PositionsView, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.PositionsView
	notified := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		st := ecabinet.MeetingStatus(m.Status)
		if m.PositionsClosedAt != nil || (st != ecabinet.MeetingDraft && st != ecabinet.MeetingPublished) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "positions.closed")
		}
		if in.Cutoff != nil && !in.Cutoff.Before(m.ScheduledStart) {
			return ecabinet.FieldError("cutoff", "positions.cutoff_after_start")
		}
		rows, err := agendaRows(tx.DB, meetingID)
		if err != nil {
			return err
		}
		var newly []agendaRow
		for _, id := range in.Items {
			i := slices.IndexFunc(rows, func(r agendaRow) bool { return r.ID == id })
			if i < 0 {
				return ecabinet.FieldError("items", "not_found.agenda_item")
			}
			if !rows[i].PositionsOpen {
				newly = append(newly, rows[i])
			}
		}
		now := s.db.Now()
		for _, r := range rows {
			open := slices.Contains(in.Items, r.ID)
			if open == r.PositionsOpen {
				continue
			}
			if err := tx.Model(&agendaRow{}).Where("id = ?", r.ID).Updates(map[string]any{"positions_open": open, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		var cutoff any
		if in.Cutoff != nil {
			cutoff = in.Cutoff.UTC()
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", meetingID).Updates(map[string]any{"positions_cutoff": cutoff, "updated_at": now}).Error; err != nil {
			return err
		}
		if m, err = loadMeeting(tx.DB, a, meetingID, false); err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditPositionsAsked,
			Subject: ecabinet.Subject("meeting", meetingID), Detail: map[string]any{"items": in.Items, "cutoff": in.Cutoff}})
		if err := emitMeetingAndAgenda(tx, m); err != nil {
			return err
		}
		if err := emitPositions(tx, m); err != nil {
			return err
		}
		if ecabinet.MeetingStatus(m.Status) == ecabinet.MeetingPublished && len(newly) > 0 {
			if notified, err = s.notify.positionsAsked(tx, m); err != nil {
				return err
			}
		}
		out, err = positionsView(tx.DB, a, m)
		return err
	})
	if err == nil && notified > 0 {
		s.notify.wake()
	}
	return out, err
}

// emitMeetingAndAgenda tells the session's subscribers of its new details and agenda.
func emitMeetingAndAgenda(tx *Tx, m *meetingRow) error {
	ms := &MeetingService{db: tx.db}
	full, err := ms.full(tx.DB, m)
	if err != nil {
		return err
	}
	if err := ms.emitMeeting(tx, full); err != nil {
		return err
	}
	_, err = ms.emitAgenda(tx, m.BodyID, m.ID)
	return err
}

// GivePosition records or changes the actor's position on an item.
func (s *PositionService) GivePosition(ctx context.Context, meetingID, itemID int64, in ecabinet.PositionInput) (*ecabinet.MemberPosition, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.MemberPosition
	err = s.db.write(ctx, func(tx *Tx) error {
		// A member not invited is refused (forbidden) rather than told the
		// session does not exist; a draft exists for the secretariat only.
		m, err := loadMeeting(tx.DB, ecabinet.Actor{BodyID: a.BodyID, Role: ecabinet.RoleSecretary}, meetingID, true)
		if err != nil {
			return err
		}
		if !a.IsSecretariat() && !ecabinet.MeetingStatus(m.Status).Visible() {
			return ecabinet.NotFound("meeting")
		}
		voters, err := votingInvitees(tx.DB, meetingID)
		if err != nil {
			return err
		}
		if !slices.Contains(voters, a.MemberID) {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "position.not_voting")
		}
		it, err := findItem(tx.DB, meetingID, itemID)
		if err != nil {
			return err
		}
		if !it.PositionsOpen {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "position.item_not_open")
		}
		loc, err := bodyLocation(tx.DB, m.BodyID)
		if err != nil {
			return err
		}
		now := s.db.Now()
		if ecabinet.MeetingStatus(m.Status) != ecabinet.MeetingPublished || m.PositionsClosedAt != nil || !now.Before(m.cutoff(loc)) {
			return ecabinet.Errorf(ecabinet.EDEADLINE, "position.cutoff")
		}
		row := positionRow{ItemID: itemID, MemberID: a.MemberID, MeetingID: meetingID, Stance: string(in.Stance), Reason: in.Reason, UpdatedAt: now}
		res := tx.Model(&positionRow{}).Where("item_id = ? AND member_id = ?", itemID, a.MemberID).
			Updates(map[string]any{"stance": row.Stance, "reason": row.Reason, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditPositionGiven,
			Subject: ecabinet.Subject("agenda_item", itemID), Detail: map[string]any{"meeting_id": meetingID, "stance": in.Stance, "reason": in.Reason}})
		p := row.domain()
		out = &p
		if err := tx.emit(m.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventPositionGiven, map[string]any{"position": p},
			ecabinet.Visibility{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudiencePresiding}); err != nil {
			return err
		}
		return emitPositions(tx, m)
	})
	return out, err
}

// RemindPositions notifies the voting invitees missing a position on an open item.
func (s *PositionService) RemindPositions(ctx context.Context, meetingID int64) (int, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if ecabinet.MeetingStatus(m.Status) != ecabinet.MeetingPublished || m.PositionsClosedAt != nil {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "positions.closed")
		}
		v, err := positionsView(tx.DB, a, m)
		if err != nil {
			return err
		}
		if len(v.Items) == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "positions.none_open")
		}
		var missing []int64
		for _, it := range v.Items {
			for _, id := range it.Missing {
				if !slices.Contains(missing, id) {
					missing = append(missing, id)
				}
			}
		}
		slices.Sort(missing)
		loc, err := bodyLocation(tx.DB, m.BodyID)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Đồng chí chưa cho ý kiến về đủ các nội dung của phiên họp %q. Hạn cho ý kiến: %s.", m.Title,
			m.cutoff(loc).In(loc).Format("15:04 ngày 02/01/2006"))
		n, err = s.notify.notifyAll(tx, m.BodyID, missing, ecabinet.EventPositionReminder, "Nhắc cho ý kiến trước phiên họp: "+m.Title, text,
			fmt.Sprintf("meeting:%d", m.ID), m.Title)
		return err
	})
	if err == nil && n > 0 {
		s.notify.wake()
	}
	return n, err
}
