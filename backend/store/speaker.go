package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type speakerRow struct {
	ID          int64
	MeetingID   int64
	ItemID      int64
	MemberID    int64
	Status      string
	RequestedAt time.Time
	StartedAt   *time.Time
	EndedAt     *time.Time
}

func (speakerRow) TableName() string { return "speakers" }

func (r *speakerRow) domain() *ecabinet.Speaker {
	return &ecabinet.Speaker{ID: r.ID, ItemID: r.ItemID, MemberID: r.MemberID, Status: ecabinet.SpeakerStatus(r.Status),
		RequestedAt: r.RequestedAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt}
}

// speakersOf lists the queue of one item, or of every item when itemID is 0.
func speakersOf(tx *gorm.DB, meetingID, itemID int64) ([]*ecabinet.Speaker, error) {
	q := tx.Where("meeting_id = ?", meetingID)
	if itemID != 0 {
		q = q.Where("item_id = ?", itemID)
	}
	var rows []speakerRow
	if err := q.Order("requested_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Speaker, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// speakerChange runs fn on an item of a live session and emits its queue.
// presiding limits it to the chair and the secretariat; otherwise the actor
// must be an invitee.
func (s *MeetingService) speakerChange(ctx context.Context, meetingID, itemID int64, presiding bool, fn func(tx *Tx, a ecabinet.Actor) error) ([]*ecabinet.Speaker, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if presiding && !a.Presides() {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	var out []*ecabinet.Speaker
	err = s.db.writeGrouped(ctx, sessionKey(meetingID), func(tx *Tx) error {
		row, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.MeetingLive) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.not_live")
		}
		if _, err := findItem(tx.DB, meetingID, itemID); err != nil {
			return err
		}
		if err := fn(tx, a); err != nil {
			return err
		}
		if out, err = speakersOf(tx.DB, meetingID, itemID); err != nil {
			return err
		}
		return tx.emit(row.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventSpeakersUpdated,
			map[string]any{"item_id": itemID, "speakers": out}, ecabinet.Public)
	})
	return out, err
}

// Speakers returns an item's queue.
func (s *MeetingService) Speakers(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.Speaker, error) {
	var out []*ecabinet.Speaker
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		if _, err := findItem(tx, meetingID, itemID); err != nil {
			return err
		}
		var err error
		out, err = speakersOf(tx, meetingID, itemID)
		return err
	})
	return out, err
}

// RequestFloor queues the actor. The partial unique index refuses a second
// open request even when two arrive at once.
func (s *MeetingService) RequestFloor(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.Speaker, error) {
	return s.speakerChange(ctx, meetingID, itemID, false, func(tx *Tx, a ecabinet.Actor) error {
		var n int64
		if err := tx.Table("attendance").Where("meeting_id = ? AND member_id = ?", meetingID, a.MemberID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "attendance.not_invited")
		}
		err := tx.Create(&speakerRow{MeetingID: meetingID, ItemID: itemID, MemberID: a.MemberID,
			Status: string(ecabinet.SpeakerWaiting), RequestedAt: s.db.Now()}).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "speaker.already_queued")
		}
		return err
	})
}

// WithdrawFloor takes the actor's waiting request back.
func (s *MeetingService) WithdrawFloor(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.Speaker, error) {
	return s.speakerChange(ctx, meetingID, itemID, false, func(tx *Tx, a ecabinet.Actor) error {
		res := tx.Model(&speakerRow{}).Where("item_id = ? AND member_id = ? AND status = ?", itemID, a.MemberID, string(ecabinet.SpeakerWaiting)).
			Updates(map[string]any{"status": string(ecabinet.SpeakerWithdrawn), "ended_at": s.db.Now()})
		if res.Error == nil && res.RowsAffected == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "speaker.not_waiting")
		}
		return res.Error
	})
}

// GiveFloor lets a waiting speaker speak; the current speaker is done.
func (s *MeetingService) GiveFloor(ctx context.Context, meetingID, itemID, speakerID int64) ([]*ecabinet.Speaker, error) {
	return s.speakerChange(ctx, meetingID, itemID, true, func(tx *Tx, _ ecabinet.Actor) error {
		sp, err := findSpeaker(tx.DB, itemID, speakerID)
		if err != nil {
			return err
		}
		if sp.Status != string(ecabinet.SpeakerWaiting) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "speaker.not_waiting")
		}
		now := s.db.Now()
		if err := tx.Model(&speakerRow{}).Where("item_id = ? AND status = ?", itemID, string(ecabinet.SpeakerSpeaking)).
			Updates(map[string]any{"status": string(ecabinet.SpeakerDone), "ended_at": now}).Error; err != nil {
			return err
		}
		return tx.Model(&speakerRow{}).Where("id = ?", speakerID).Updates(map[string]any{"status": string(ecabinet.SpeakerSpeaking), "started_at": now}).Error
	})
}

// EndFloor ends a speaker's turn.
func (s *MeetingService) EndFloor(ctx context.Context, meetingID, itemID, speakerID int64) ([]*ecabinet.Speaker, error) {
	return s.speakerChange(ctx, meetingID, itemID, true, func(tx *Tx, _ ecabinet.Actor) error {
		sp, err := findSpeaker(tx.DB, itemID, speakerID)
		if err != nil {
			return err
		}
		if sp.Status != string(ecabinet.SpeakerSpeaking) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "speaker.not_speaking")
		}
		return tx.Model(&speakerRow{}).Where("id = ?", speakerID).Updates(map[string]any{"status": string(ecabinet.SpeakerDone), "ended_at": s.db.Now()}).Error
	})
}

func findSpeaker(tx *gorm.DB, itemID, speakerID int64) (*speakerRow, error) {
	var sp speakerRow
	err := tx.Where("id = ? AND item_id = ?", speakerID, itemID).Take(&sp).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("speaker")
	}
	return &sp, err
}
