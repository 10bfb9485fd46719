package store

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// ClosePositions applies the cut-off now (the secretariat may do it before
// the time set; the job does it when the time comes).
func (s *PositionService) ClosePositions(ctx context.Context, meetingID int64) (*ecabinet.PositionsView, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.PositionsView
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if ecabinet.MeetingStatus(m.Status) != ecabinet.MeetingPublished || m.PositionsClosedAt != nil {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "positions.closed")
		}
		if err := s.formBlock(ctx, tx, a.MemberID, m); err != nil {
			return err
		}
		if m, err = loadMeeting(tx.DB, a, meetingID, false); err != nil {
			return err
		}
		out, err = positionsView(tx.DB, a, m)
		return err
	})
	return out, err
}

// CloseDuePositions applies the cut-off of every published session whose
// cut-off has passed and that has items open for positions. It returns how
// many sessions it closed.
func (s *PositionService) CloseDuePositions(ctx context.Context) (int, error) {
	var rows []meetingRow
	err := s.db.read(ctx).Where("status = ? AND positions_closed_at IS NULL AND id IN (SELECT meeting_id FROM agenda_items WHERE positions_open)",
		string(ecabinet.MeetingPublished)).Find(&rows).Error
	if err != nil {
		return 0, translate(err)
	}
	now, n := s.db.Now(), 0
	for i := range rows {
		loc, err := bodyLocation(s.db.read(ctx), rows[i].BodyID)
		if err != nil {
			return n, translate(err)
		}
		if now.Before(rows[i].cutoff(loc)) {
			continue
		}
		system := ecabinet.Actor{BodyID: rows[i].BodyID, Role: ecabinet.RoleSecretary}
		err = s.db.write(ctx, func(tx *Tx) error {
			m, err := loadMeeting(tx.DB, system, rows[i].ID, true)
			if err != nil || m.Status != string(ecabinet.MeetingPublished) || m.PositionsClosedAt != nil {
				return err // changed meanwhile: nothing to do
			}
			n++
			return s.formBlock(ctx, tx, 0, m)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// formBlock applies the cut-off: items open for positions where every
// position given is "no objection" form the consent block at the top of the
// agenda; on the others, the members who wished to speak are queued in the
// order they said so. actorID is 0 when the time applied it.
func (s *PositionService) formBlock(ctx context.Context, tx *Tx, actorID int64, m *meetingRow) error {
	rows, err := agendaRows(tx.DB, m.ID)
	if err != nil {
		return err
	}
	var positions []positionRow
	if err := tx.Where("meeting_id = ?", m.ID).Order("updated_at, member_id").Find(&positions).Error; err != nil {
		return err
	}
	now := s.db.Now()
	var block, rest, queuedOn []int64
	queued := 0
	for _, r := range rows {
		var c ecabinet.StanceCounts
		for _, p := range positions {
			if p.ItemID == r.ID {
				c.Add(ecabinet.Stance(p.Stance))
			}
		}
		if r.PositionsOpen && r.Status == string(ecabinet.ItemPending) && c.Consentable() {
			block = append(block, r.ID)
			continue
		}
		rest = append(rest, r.ID)
		for _, p := range positions {
			if p.ItemID != r.ID || p.Stance != string(ecabinet.StanceSpeak) {
				continue
			}
			sp := speakerRow{MeetingID: m.ID, ItemID: r.ID, MemberID: p.MemberID, Status: string(ecabinet.SpeakerWaiting), RequestedAt: p.UpdatedAt}
			if err := tx.Create(&sp).Error; err != nil {
				return err
			}
			queued++
			if !slices.Contains(queuedOn, r.ID) {
				queuedOn = append(queuedOn, r.ID)
			}
		}
	}
	for i, id := range append(block, rest...) {
		upd := map[string]any{"position": i + 1}
		if slices.Contains(block, id) {
			upd["consent"], upd["updated_at"] = string(ecabinet.ConsentBlock), now
		}
		if err := tx.Model(&agendaRow{}).Where("id = ?", id).Updates(upd).Error; err != nil {
			return err
		}
	}
	if err := tx.Model(&meetingRow{}).Where("id = ?", m.ID).Updates(map[string]any{"positions_closed_at": now, "updated_at": now}).Error; err != nil {
		return err
	}
	m.PositionsClosedAt = &now
	tx.audit(ctx, ecabinet.AuditRecord{BodyID: m.BodyID, ActorID: actorID, Action: ecabinet.AuditConsentBlock, Subject: ecabinet.Subject("meeting", m.ID),
		Detail: map[string]any{"block": block, "queued_speakers": queued}})
	if err := emitMeetingAndAgenda(tx, m); err != nil {
		return err
	}
	for _, itemID := range queuedOn {
		speakers, err := speakersOf(tx.DB, m.ID, itemID)
		if err != nil {
			return err
		}
		if err := tx.emit(m.BodyID, ecabinet.MeetingScope(m.ID), ecabinet.EventSpeakersUpdated, map[string]any{"item_id": itemID, "speakers": speakers}, ecabinet.Public); err != nil {
			return err
		}
	}
	return emitPositions(tx, m)
}

// PullItem moves an item of the consent block to discussion, just after the
// block.
func (s *PositionService) PullItem(ctx context.Context, meetingID, itemID int64) ([]*ecabinet.AgendaItem, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*ecabinet.AgendaItem
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if a.Role == ecabinet.RoleGuest {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
		}
		it, err := findItem(tx.DB, meetingID, itemID)
		if err != nil {
			return err
		}
		if m.ConsentTakenAt != nil {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "consent.taken")
		}
		if it.Consent != string(ecabinet.ConsentBlock) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "consent.not_in_block")
		}
		rows, err := agendaRows(tx.DB, meetingID)
		if err != nil {
			return err
		}
		// The pulled item goes after the items still in the block.
		var order []int64
		for _, r := range rows {
			if r.ID != itemID && r.Consent == string(ecabinet.ConsentBlock) {
				order = append(order, r.ID)
			}
		}
		order = append(order, itemID)
		for _, r := range rows {
			if r.ID != itemID && r.Consent != string(ecabinet.ConsentBlock) {
				order = append(order, r.ID)
			}
		}
		now := s.db.Now()
		for i, id := range order {
			upd := map[string]any{"position": i + 1}
			if id == itemID {
				upd["consent"], upd["updated_at"] = string(ecabinet.ConsentPulled), now
			}
			if err := tx.Model(&agendaRow{}).Where("id = ?", id).Updates(upd).Error; err != nil {
				return err
			}
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditConsentPulled,
			Subject: ecabinet.Subject("agenda_item", itemID), Detail: map[string]any{"meeting_id": meetingID}})
		out, err = (&MeetingService{db: s.db}).emitAgenda(tx, m.BodyID, meetingID)
		return err
	})
	return out, err
}

// TakeConsent decides the items left in the block with one decision.
func (s *PositionService) TakeConsent(ctx context.Context, meetingID int64, in ecabinet.TakeConsentInput) ([]*ecabinet.AgendaItem, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Presides() {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	var out []*ecabinet.AgendaItem
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if m.Status != string(ecabinet.MeetingLive) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.not_live")
		}
		if m.ConsentTakenAt != nil {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "consent.taken")
		}
		var block []int64
		if err := tx.Model(&agendaRow{}).Where("meeting_id = ? AND consent = ?", meetingID, string(ecabinet.ConsentBlock)).Pluck("id", &block).Error; err != nil {
			return err
		}
		if len(block) == 0 {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "consent.empty")
		}
		settings, err := bodySettings(tx.DB, m.BodyID)
		if err != nil {
			return err
		}
		if err := checkConsentVote(tx.DB, settings, meetingID, block, in); err != nil {
			return err
		}
		now := s.db.Now()
		if err := tx.Model(&agendaRow{}).Where("id IN ?", block).Updates(map[string]any{"status": string(ecabinet.ItemDone),
			"consent": string(ecabinet.ConsentDecided), "started_at": now, "ended_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", meetingID).Updates(map[string]any{"consent_taken_at": now, "consent_vote_id": in.VoteID, "updated_at": now}).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditConsentTaken,
			Subject: ecabinet.Subject("meeting", meetingID), Detail: map[string]any{"items": block, "vote_id": in.VoteID}})
		if m, err = loadMeeting(tx.DB, a, meetingID, false); err != nil {
			return err
		}
		if err := emitMeetingAndAgenda(tx, m); err != nil {
			return err
		}
		if err := emitLedger(tx, m.BodyID, ecabinet.LedgerMeeting, meetingID, ecabinet.ClassNone); err != nil {
			return err
		}
		out, err = agenda(tx.DB, meetingID)
		return err
	})
	return out, err
}

// checkConsentVote: a body that takes the block by vote names a closed vote
// of the session, on an item of the block, that passed; otherwise no vote
// is named ("no objection heard").
func checkConsentVote(tx *gorm.DB, settings ecabinet.BodySettings, meetingID int64, block []int64, in ecabinet.TakeConsentInput) error {
	if !settings.ConsentByVote {
		if in.VoteID != nil {
			return ecabinet.FieldError("vote_id", "consent.no_vote_needed")
		}
		return nil
	}
	if in.VoteID == nil {
		return ecabinet.FieldError("vote_id", "field.required", "vote_id")
	}
	var v voteRow
	if err := tx.Where("id = ? AND meeting_id = ?", *in.VoteID, meetingID).Take(&v).Error; err != nil {
		return ecabinet.FieldError("vote_id", "consent.vote_not_adopted")
	}
	var t ecabinet.Tally
	if v.Status != string(ecabinet.VoteClosed) || !slices.Contains(block, v.ItemID) || v.Result == nil ||
		json.Unmarshal([]byte(*v.Result), &t) != nil || t.Outcome != ecabinet.OutcomePassed {
		return ecabinet.FieldError("vote_id", "consent.vote_not_adopted")
	}
	return nil
}
