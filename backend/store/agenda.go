package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type agendaRow struct {
	ID             int64
	MeetingID      int64
	Position       int
	Title          string
	Summary        string
	PresenterID    *int64
	PresenterOrg   string
	PlannedMinutes int
	Status         string
	StartedAt      *time.Time
	EndedAt        *time.Time
	PositionsOpen  bool
	Consent        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (agendaRow) TableName() string { return "agenda_items" }

func (r *agendaRow) domain() *ecabinet.AgendaItem {
	return &ecabinet.AgendaItem{
		ID: r.ID, MeetingID: r.MeetingID, Position: r.Position, Title: r.Title, Summary: r.Summary, Presenter: r.PresenterID,
		PresenterOrg: r.PresenterOrg, PlannedMinutes: r.PlannedMinutes, Status: ecabinet.AgendaStatus(r.Status),
		StartedAt: r.StartedAt, EndedAt: r.EndedAt, PositionsOpen: r.PositionsOpen, Consent: ecabinet.ConsentState(r.Consent),
	}
}

func agendaRows(tx *gorm.DB, meetingID int64) ([]agendaRow, error) {
	var rows []agendaRow
	err := tx.Where("meeting_id = ?", meetingID).Order("position, id").Find(&rows).Error
	return rows, err
}

func agenda(tx *gorm.DB, meetingID int64) ([]*ecabinet.AgendaItem, error) {
	rows, err := agendaRows(tx, meetingID)
	if err != nil {
		return nil, err
	}
	out := make([]*ecabinet.AgendaItem, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// emitAgenda sends the whole ordered agenda to the session's subscribers
// and returns it.
func (s *MeetingService) emitAgenda(tx *Tx, bodyID, meetingID int64) ([]*ecabinet.AgendaItem, error) {
	items, err := agenda(tx.DB, meetingID)
	if err != nil {
		return nil, err
	}
	return items, tx.emit(bodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventAgendaUpdated, map[string]any{"agenda": items}, ecabinet.Public)
}

// startFirstItem activates the first pending item when a session starts.
func startFirstItem(tx *Tx, meetingID int64, now time.Time) (bool, error) {
	var first agendaRow
	err := tx.Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.ItemPending)).Order("position, id").Take(&first).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, ecabinet.Errorf(ecabinet.ECONFLICT, "agenda.empty")
	}
	if err != nil {
		return false, err
	}
	// Items waiting in the consent block are taken together by the chair:
	// the session opens on the first item to discuss, if there is one.
	var discuss agendaRow
	err = tx.Where("meeting_id = ? AND status = ? AND consent <> ?", meetingID, string(ecabinet.ItemPending), string(ecabinet.ConsentBlock)).
		Order("position, id").Take(&discuss).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = activate(tx, meetingID, discuss.ID, now)
	return true, err
}

// finishAgenda ends the active item and every open turn when a session closes.
func finishAgenda(tx *Tx, meetingID int64, now time.Time) (bool, error) {
	res := tx.Model(&agendaRow{}).Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.ItemActive)).
		Updates(map[string]any{"status": string(ecabinet.ItemDone), "ended_at": now, "updated_at": now})
	if res.Error != nil {
		return false, res.Error
	}
	if err := tx.Model(&speakerRow{}).Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.SpeakerSpeaking)).
		Updates(map[string]any{"status": string(ecabinet.SpeakerDone), "ended_at": now}).Error; err != nil {
		return false, err
	}
	if err := tx.Model(&speakerRow{}).Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.SpeakerWaiting)).
		Updates(map[string]any{"status": string(ecabinet.SpeakerWithdrawn), "ended_at": now}).Error; err != nil {
		return false, err
	}
	return res.RowsAffected > 0, nil
}

// activate ends the active item (done, with the turn of whoever was
// speaking on it) and makes itemID active. It returns the item whose
// speaking turn it ended, 0 when nobody was speaking.
func activate(tx *Tx, meetingID, itemID int64, now time.Time) (int64, error) {
	var prev []int64
	if err := tx.Model(&agendaRow{}).Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.ItemActive)).Pluck("id", &prev).Error; err != nil {
		return 0, err
	}
	var ended int64
	for _, id := range prev {
		if err := tx.Model(&agendaRow{}).Where("id = ?", id).
			Updates(map[string]any{"status": string(ecabinet.ItemDone), "ended_at": now, "updated_at": now}).Error; err != nil {
			return 0, err
		}
		res := tx.Model(&speakerRow{}).Where("item_id = ? AND status = ?", id, string(ecabinet.SpeakerSpeaking)).
			Updates(map[string]any{"status": string(ecabinet.SpeakerDone), "ended_at": now})
		if res.Error != nil {
			return 0, res.Error
		}
		if res.RowsAffected > 0 {
			ended = id
		}
	}
	return ended, tx.Model(&agendaRow{}).Where("id = ?", itemID).
		Updates(map[string]any{"status": string(ecabinet.ItemActive), "started_at": now, "ended_at": nil, "updated_at": now}).Error
}

// moveTo activates itemID and tells the subscribers of the queue whose turn it ended.
func (s *MeetingService) moveTo(tx *Tx, row *meetingRow, itemID int64) error {
	ended, err := activate(tx, row.ID, itemID, s.db.Now())
	if err != nil || ended == 0 {
		return err
	}
	speakers, err := speakersOf(tx.DB, row.ID, ended)
	if err != nil {
		return err
	}
	return tx.emit(row.BodyID, ecabinet.MeetingScope(row.ID), ecabinet.EventSpeakersUpdated,
		map[string]any{"item_id": ended, "speakers": speakers}, ecabinet.Public)
}

// agendaChange runs fn on a session the actor may change and emits the new
// agenda. edit is true for preparation (secretariat, not closed), false for
// running the session (chair or secretariat, live).
func (s *MeetingService) agendaChange(ctx context.Context, meetingID int64, edit bool, fn func(tx *Tx, row *meetingRow) error) ([]*ecabinet.AgendaItem, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if !ecabinet.MayChangeAgenda(a, edit) {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	var out []*ecabinet.AgendaItem
	err = s.db.writeGrouped(ctx, sessionKey(meetingID), func(tx *Tx) error {
		row, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		st := ecabinet.MeetingStatus(row.Status)
		if edit && !st.Editable() {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.closed")
		}
		if !edit && st != ecabinet.MeetingLive {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.not_live")
		}
		if err := fn(tx, row); err != nil {
			return err
		}
		out, err = s.emitAgenda(tx, row.BodyID, meetingID)
		return err
	})
	return out, err
}

func (s *MeetingService) checkPresenter(tx *Tx, row *meetingRow, in ecabinet.AgendaItemInput) error {
	if in.Presenter == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&memberRow{}).Where("id = ? AND body_id = ?", *in.Presenter, row.BodyID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ecabinet.FieldError("presenter_id", "not_found.member")
	}
	return nil
}

// Agenda returns the ordered agenda of a session the actor may see.
func (s *MeetingService) Agenda(ctx context.Context, meetingID int64) ([]*ecabinet.AgendaItem, error) {
	var out []*ecabinet.AgendaItem
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var err error
		out, err = agenda(tx, meetingID)
		return err
	})
	return out, err
}

// AddItem inserts an item at in.Position (0 appends).
func (s *MeetingService) AddItem(ctx context.Context, meetingID int64, in ecabinet.AgendaItemInput) ([]*ecabinet.AgendaItem, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.agendaChange(ctx, meetingID, true, func(tx *Tx, row *meetingRow) error {
		if err := s.checkPresenter(tx, row, in); err != nil {
			return err
		}
		rows, err := agendaRows(tx.DB, meetingID)
		if err != nil {
			return err
		}
		if len(rows) >= 200 {
			return ecabinet.FieldError("position", "field.range", "position")
		}
		pos := in.Position
		if pos == 0 || pos > len(rows)+1 {
			pos = len(rows) + 1
		}
		if err := tx.Model(&agendaRow{}).Where("meeting_id = ? AND position >= ?", meetingID, pos).
			Update("position", gorm.Expr("position + 1")).Error; err != nil {
			return err
		}
		now := s.db.Now()
		return tx.Create(&agendaRow{MeetingID: meetingID, Position: pos, Title: in.Title, Summary: in.Summary, PresenterID: in.Presenter,
			PresenterOrg: in.PresenterOrg, PlannedMinutes: in.PlannedMinutes, Status: string(ecabinet.ItemPending), CreatedAt: now, UpdatedAt: now}).Error
	})
}

func findItem(tx *gorm.DB, meetingID, itemID int64) (*agendaRow, error) {
	var it agendaRow
	err := tx.Where("id = ? AND meeting_id = ?", itemID, meetingID).Take(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("agenda_item")
	}
	return &it, err
}

// UpdateItem edits an item's text, presenter and planned time.
func (s *MeetingService) UpdateItem(ctx context.Context, meetingID, itemID int64, in ecabinet.AgendaItemInput) ([]*ecabinet.AgendaItem, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.agendaChange(ctx, meetingID, true, func(tx *Tx, row *meetingRow) error {
		// One statement finds and changes the item; a presenter that is
		// not found rolls the change back.
		res := tx.Model(&agendaRow{}).Where("id = ? AND meeting_id = ?", itemID, meetingID).Updates(map[string]any{
			"title": in.Title, "summary": in.Summary, "presenter_id": in.Presenter, "presenter_org": in.PresenterOrg,
			"planned_minutes": in.PlannedMinutes, "updated_at": s.db.Now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ecabinet.NotFound("agenda_item")
		}
		return s.checkPresenter(tx, row, in)
	})
}

// ReorderAgenda sets the order of every item.
func (s *MeetingService) ReorderAgenda(ctx context.Context, meetingID int64, ids []int64) ([]*ecabinet.AgendaItem, error) {
	return s.agendaChange(ctx, meetingID, true, func(tx *Tx, _ *meetingRow) error {
		rows, err := agendaRows(tx.DB, meetingID)
		if err != nil {
			return err
		}
		if len(ids) != len(rows) {
			return ecabinet.FieldError("ids", "agenda.reorder_mismatch")
		}
		known := map[int64]bool{}
		for _, r := range rows {
			known[r.ID] = true
		}
		for i, id := range ids {
			if !known[id] {
				return ecabinet.FieldError("ids", "agenda.reorder_mismatch")
			}
			delete(known, id)
			if err := tx.Model(&agendaRow{}).Where("id = ?", id).Update("position", i+1).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// DeferItem defers a pending item.
func (s *MeetingService) DeferItem(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.AgendaItem, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	// The chair may defer during the session; the secretariat at any time.
	return s.agendaChange(ctx, meetingID, a.IsSecretariat(), func(tx *Tx, _ *meetingRow) error {
		it, err := findItem(tx.DB, meetingID, itemID)
		if err != nil {
			return err
		}
		if it.Status != string(ecabinet.ItemPending) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "agenda.not_pending")
		}
		return tx.Model(&agendaRow{}).Where("id = ?", itemID).Updates(map[string]any{"status": string(ecabinet.ItemDeferred), "updated_at": s.db.Now()}).Error
	})
}

// ActivateItem makes a pending, deferred or done item the active one. A
// done item taken up again keeps its earlier discussion as a span of the
// time ledger (agenda_spans); the session's row is locked meanwhile.
func (s *MeetingService) ActivateItem(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.AgendaItem, error) {
	return s.agendaChange(ctx, meetingID, false, func(tx *Tx, row *meetingRow) error {
		it, err := findItem(tx.DB, meetingID, itemID)
		if err != nil {
			return err
		}
		switch ecabinet.AgendaStatus(it.Status) {
		case ecabinet.ItemPending, ecabinet.ItemDeferred:
		case ecabinet.ItemDone:
			if it.StartedAt != nil && it.EndedAt != nil {
				if err := tx.Create(&agendaSpanRow{ItemID: it.ID, StartedAt: *it.StartedAt, EndedAt: *it.EndedAt}).Error; err != nil {
					return err
				}
			}
		default:
			return ecabinet.Errorf(ecabinet.ECONFLICT, "agenda.not_pending")
		}
		return s.moveTo(tx, row, itemID)
	})
}

// agendaSpanRow is an earlier discussion of an item taken up again.
type agendaSpanRow struct {
	ItemID    int64
	StartedAt time.Time
	EndedAt   time.Time
}

func (agendaSpanRow) TableName() string { return "agenda_spans" }

// NextItem activates the next pending item after the active one.
func (s *MeetingService) NextItem(ctx context.Context, meetingID int64) ([]*ecabinet.AgendaItem, error) {
	return s.agendaChange(ctx, meetingID, false, func(tx *Tx, row *meetingRow) error {
		var next agendaRow
		err := tx.Where("meeting_id = ? AND status = ? AND consent <> ?", meetingID, string(ecabinet.ItemPending), string(ecabinet.ConsentBlock)).
			Order("position, id").Take(&next).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "agenda.no_next")
		}
		if err != nil {
			return err
		}
		return s.moveTo(tx, row, next.ID)
	})
}
