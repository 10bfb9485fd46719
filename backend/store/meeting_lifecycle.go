package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// A session's lifecycle: publishing, opening, adjourning and closing, with
// the quorum recorded at each step.

// Transition applies a lifecycle action.
func (s *MeetingService) Transition(ctx context.Context, id int64, action ecabinet.MeetingAction, override *ecabinet.OverrideInput) (*ecabinet.Meeting, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if !ecabinet.MayTransition(a, action) {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	if override != nil && a.Role != ecabinet.RoleChair {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "meeting.override_chair_only")
	}
	var out *ecabinet.Meeting
	notified := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		row, err := loadMeeting(tx.DB, a, id, true)
		if err != nil {
			return err
		}
		next, err := ecabinet.MeetingStatus(row.Status).Transition(action)
		if err != nil {
			return err
		}
		now := s.db.Now()
		upd := map[string]any{"status": string(next), "updated_at": now}
		agendaChanged := false
		switch action {
		case ecabinet.ActionPublish:
			upd["published_at"] = now
			if s.notify != nil {
				if notified, err = s.notify.meetingPublished(tx, row); err != nil {
					return err
				}
			}
		case ecabinet.ActionResume:
			if err := s.checkQuorum(tx, a, id, override, upd, now); err != nil {
				return err
			}
		case ecabinet.ActionStart:
			if err := s.checkQuorum(tx, a, id, override, upd, now); err != nil {
				return err
			}
			upd["started_at"] = now
			if agendaChanged, err = startFirstItem(tx, id, now); err != nil {
				return err
			}
		case ecabinet.ActionClose:
			upd["ended_at"] = now
			if agendaChanged, err = finishAgenda(tx, id, now); err != nil {
				return err
			}
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", id).Updates(upd).Error; err != nil {
			return err
		}
		if err := s.recordQuorum(tx, row.BodyID, id, action, now); err != nil {
			return err
		}
		if action == ecabinet.ActionClose {
			if err := draftMinutes(tx, id, now); err != nil {
				return err
			}
		}
		detail := map[string]any{"action": action, "from": row.Status, "to": next, "quorum_override": override != nil}
		if q, ok := upd["override_quorum"]; ok {
			// The session keeps its latest override; the log keeps each.
			detail["override_reason"], detail["override_quorum"] = upd["override_reason"], q
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMeeting, Subject: ecabinet.Subject("meeting", id),
			Detail: detail})
		if out, err = s.reload(tx.DB, id); err != nil {
			return err
		}
		if err := s.emitMeeting(tx, out); err != nil {
			return err
		}
		if agendaChanged {
			if _, err := s.emitAgenda(tx, row.BodyID, id); err != nil {
				return err
			}
		}
		if action == ecabinet.ActionPublish || action == ecabinet.ActionClose { // distribution; the time ledger
			return emitLedger(tx, row.BodyID, ecabinet.LedgerMeeting, id, ecabinet.ClassNone)
		}
		return nil
	})
	if err == nil && notified > 0 {
		s.notify.wake()
	}
	return out, err
}

// recordQuorum keeps the quorum at a transition for the minutes.
func (s *MeetingService) recordQuorum(tx *Tx, bodyID, meetingID int64, action ecabinet.MeetingAction, now time.Time) error {
	q, err := s.db.quorum(tx.DB, bodyID, meetingID)
	if err != nil {
		return err
	}
	return tx.Create(&quorumRow{MeetingID: meetingID, At: now, Action: string(action), Present: q.Present, Required: q.Required, Reached: q.Reached}).Error
}

// quorumRow is the quorum at one transition of a session.
type quorumRow struct {
	MeetingID         int64
	At                time.Time
	Action            string
	Present, Required int
	Reached           bool
}

func (quorumRow) TableName() string { return "meeting_quorums" }

// checkQuorum refuses to start or resume without quorum unless the chair
// overrides; the override is recorded with the quorum at that moment.
func (s *MeetingService) checkQuorum(tx *Tx, a ecabinet.Actor, id int64, override *ecabinet.OverrideInput, upd map[string]any, now time.Time) error {
	q, err := s.db.quorum(tx.DB, a.BodyID, id)
	if err != nil {
		return err
	}
	if q.Reached {
		return nil
	}
	if override == nil {
		return &ecabinet.Error{Code: ecabinet.ECONFLICT, Key: "meeting.no_quorum", Args: []any{q.Present, q.Required}}
	}
	if err := override.Validate(); err != nil {
		return err
	}
	qj, _ := json.Marshal(q)
	upd["override_by"], upd["override_at"], upd["override_reason"], upd["override_quorum"] = a.MemberID, now, override.Reason, string(qj)
	return nil
}
