package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type minutesRow struct {
	MeetingID   int64
	Version     int
	BodyID      int64
	Status      string
	Text        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	PublishedBy *int64
}

func (minutesRow) TableName() string { return "minutes" }

func (r *minutesRow) domain() *ecabinet.Minutes {
	return &ecabinet.Minutes{MeetingID: r.MeetingID, Version: r.Version, Status: ecabinet.MinutesStatus(r.Status), Text: r.Text,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PublishedAt: r.PublishedAt, PublishedBy: r.PublishedBy}
}

// MinutesService implements ecabinet.MinutesService.
type MinutesService struct{ db *DB }

// NewMinutesService returns a MinutesService over db.
func NewMinutesService(db *DB) *MinutesService { return &MinutesService{db: db} }

var _ ecabinet.MinutesService = (*MinutesService)(nil)

// minutesVersions returns the versions the actor may read, newest first:
// the secretariat every one, invitees the published ones.
func minutesVersions(tx *gorm.DB, a ecabinet.Actor, meetingID int64) ([]minutesRow, error) {
	q := tx.Where("meeting_id = ?", meetingID)
	if !a.IsSecretariat() {
		q = q.Where("status = ?", string(ecabinet.MinutesPublished))
	}
	var rows []minutesRow
	err := q.Order("version DESC").Find(&rows).Error
	return rows, err
}

// minutesOf returns the latest version the actor may read, or nil.
func minutesOf(tx *gorm.DB, a ecabinet.Actor, meetingID int64) (*ecabinet.Minutes, error) {
	rows, err := minutesVersions(tx, a, meetingID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0].domain(), nil
}

// Minutes returns the latest version the actor may read.
func (s *MinutesService) Minutes(ctx context.Context, meetingID int64) (*ecabinet.Minutes, error) {
	var out *ecabinet.Minutes
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var err error
		if out, err = minutesOf(tx, a, meetingID); err == nil && out == nil {
			err = ecabinet.NotFound("minutes")
		}
		return err
	})
	return out, err
}

// MinutesVersions returns every version the actor may read, newest first.
func (s *MinutesService) MinutesVersions(ctx context.Context, meetingID int64) ([]*ecabinet.Minutes, error) {
	var out []*ecabinet.Minutes
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		rows, err := minutesVersions(tx, a, meetingID)
		out = make([]*ecabinet.Minutes, len(rows))
		for i := range rows {
			out[i] = rows[i].domain()
		}
		return err
	})
	return out, err
}

// latestMinutes locks and returns the latest version of a session's minutes.
func latestMinutes(tx *gorm.DB, meetingID int64) (*minutesRow, error) {
	q := tx.Where("meeting_id = ?", meetingID).Order("version DESC")
	if tx.Dialector.Name() == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row minutesRow
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("minutes")
	}
	return &row, err
}

// SaveMinutes edits the draft, or starts a correction of published minutes.
func (s *MinutesService) SaveMinutes(ctx context.Context, meetingID int64, in ecabinet.MinutesInput) (*ecabinet.Minutes, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ecabinet.Minutes
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := loadMeeting(tx.DB, a, meetingID, true); err != nil {
			return err
		}
		row, err := latestMinutes(tx.DB, meetingID)
		if err != nil {
			return err
		}
		now := s.db.Now()
		if row.Status == string(ecabinet.MinutesPublished) {
			row = &minutesRow{MeetingID: meetingID, Version: row.Version + 1, BodyID: row.BodyID, Status: string(ecabinet.MinutesDraft),
				Text: in.Text, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(row).Error; err != nil {
				return err
			}
		} else {
			row.Text, row.UpdatedAt = in.Text, now
			if err := tx.Model(&minutesRow{}).Where("meeting_id = ? AND version = ?", meetingID, row.Version).
				Updates(map[string]any{"text": in.Text, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMinutes, Subject: ecabinet.Subject("meeting", meetingID),
			Detail: map[string]any{"version": row.Version, "action": "edited"}})
		out = row.domain()
		return nil
	})
	return out, err
}

// PublishMinutes publishes the draft to the invitees; it is final from then.
func (s *MinutesService) PublishMinutes(ctx context.Context, meetingID int64) (*ecabinet.Minutes, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Minutes
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		row, err := latestMinutes(tx.DB, meetingID)
		if err != nil {
			return err
		}
		if row.Status != string(ecabinet.MinutesDraft) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "minutes.published")
		}
		now := s.db.Now()
		if err := tx.Model(&minutesRow{}).Where("meeting_id = ? AND version = ?", meetingID, row.Version).
			Updates(map[string]any{"status": string(ecabinet.MinutesPublished), "published_at": now, "published_by": a.MemberID}).Error; err != nil {
			return err
		}
		row.Status, row.PublishedAt, row.PublishedBy = string(ecabinet.MinutesPublished), &now, &a.MemberID
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditMinutes, Subject: ecabinet.Subject("meeting", meetingID),
			Detail: map[string]any{"version": row.Version, "action": "published"}})
		out = row.domain()
		return tx.emit(m.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventMinutesPublished, map[string]any{"minutes": out}, ecabinet.Public)
	})
	return out, err
}

// MinutesDocument returns a version with what its PDF shows.
func (s *MinutesService) MinutesDocument(ctx context.Context, meetingID int64, version int) (*ecabinet.MinutesDocument, error) {
	var out *ecabinet.MinutesDocument
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		var err error
		out, err = minutesDocument(tx, a, meetingID, func(r *minutesRow) bool { return version == 0 || r.Version == version })
		return err
	})
	return out, err
}

// minutesDocument returns, for the PDF, the newest version the actor may
// read that pick accepts.
func minutesDocument(tx *gorm.DB, a ecabinet.Actor, meetingID int64, pick func(*minutesRow) bool) (*ecabinet.MinutesDocument, error) {
	m, err := loadMeeting(tx, a, meetingID, false)
	if err != nil {
		return nil, err
	}
	rows, err := minutesVersions(tx, a, meetingID)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if !pick(&rows[i]) {
			continue
		}
		var row bodyRow
		if err := tx.Where("id = ?", m.BodyID).Take(&row).Error; err != nil {
			return nil, err
		}
		body, err := row.domain()
		if err != nil {
			return nil, err
		}
		date := m.ScheduledStart
		if m.StartedAt != nil {
			date = *m.StartedAt
		}
		return &ecabinet.MinutesDocument{BodyName: body.Name, BodyPlace: body.Settings.Place, MeetingTitle: m.Title, Place: m.Place, Date: date, Minutes: *rows[i].domain()}, nil
	}
	return nil, ecabinet.NotFound("minutes")
}

// draftMinutes writes the first draft of a closing session's minutes.
func draftMinutes(tx *Tx, meetingID int64, now time.Time) error {
	rec, loc, bodyID, err := minutesRecord(tx.DB, meetingID)
	if err != nil {
		return err
	}
	return tx.Create(&minutesRow{MeetingID: meetingID, Version: 1, BodyID: bodyID, Status: string(ecabinet.MinutesDraft),
		Text: ecabinet.DraftMinutesText(rec, loc), CreatedAt: now, UpdatedAt: now}).Error
}

// minutesRecord reads what the minutes are drafted from.
func minutesRecord(tx *gorm.DB, meetingID int64) (*ecabinet.MinutesRecord, *time.Location, int64, error) {
	var m meetingRow
	if err := tx.Where("id = ?", meetingID).Take(&m).Error; err != nil {
		return nil, nil, 0, err
	}
	settings, err := bodySettings(tx, m.BodyID)
	if err != nil {
		return nil, nil, 0, err
	}
	var members []memberRow
	if err := tx.Where("body_id = ?", m.BodyID).Find(&members).Error; err != nil {
		return nil, nil, 0, err
	}
	names := map[int64]string{}
	rec := &ecabinet.MinutesRecord{Title: m.Title, Place: m.Place, ScheduledStart: m.ScheduledStart, StartedAt: m.StartedAt, EndedAt: m.EndedAt,
		ConsentTakenAt: m.ConsentTakenAt, ConsentByVote: m.ConsentVoteID != nil, PositionNamesHidden: !settings.PositionNamesVisible}
	for _, mb := range members {
		names[mb.ID] = mb.FullName
		if mb.Role == string(ecabinet.RoleChair) {
			rec.Chair = mb.FullName
		}
	}
	var att []attendanceRow
	if err := tx.Where("meeting_id = ?", meetingID).Order("member_id").Find(&att).Error; err != nil {
		return nil, nil, 0, err
	}
	for _, at := range att {
		x := ecabinet.MinutesAttendee{Name: names[at.MemberID], Status: ecabinet.AttendanceStatus(at.Status), AbsenceReason: at.AbsenceReason}
		if at.DeputyName != "" {
			x.Deputy = strings.TrimSpace(at.DeputyName + ", " + at.DeputyTitle)
		}
		rec.Attendance = append(rec.Attendance, x)
	}
	var quorums []quorumRow
	if err := tx.Where("meeting_id = ?", meetingID).Order("at").Find(&quorums).Error; err != nil {
		return nil, nil, 0, err
	}
	for _, q := range quorums {
		rec.Quorums = append(rec.Quorums, ecabinet.MinutesQuorum{Action: ecabinet.MeetingAction(q.Action), At: q.At, Present: q.Present, Required: q.Required, Reached: q.Reached})
	}
	items, err := agendaRows(tx, meetingID)
	if err != nil {
		return nil, nil, 0, err
	}
	var speakers []speakerRow
	if err := tx.Where("meeting_id = ? AND started_at IS NOT NULL", meetingID).Order("started_at, id").Find(&speakers).Error; err != nil {
		return nil, nil, 0, err
	}
	var positions []positionRow
	if err := tx.Where("meeting_id = ?", meetingID).Order("updated_at, member_id").Find(&positions).Error; err != nil {
		return nil, nil, 0, err
	}
	var votes []voteRow
	if err := tx.Where("meeting_id = ? AND status = ?", meetingID, string(ecabinet.VoteClosed)).Order("id").Find(&votes).Error; err != nil {
		return nil, nil, 0, err
	}
	for _, it := range items {
		x := ecabinet.MinutesItem{Position: it.Position, Title: it.Title, Presenter: it.PresenterOrg, PlannedMinutes: it.PlannedMinutes,
			Status: ecabinet.AgendaStatus(it.Status), Consent: ecabinet.ConsentState(it.Consent), StartedAt: it.StartedAt, EndedAt: it.EndedAt}
		if it.PresenterID != nil {
			x.Presenter = names[*it.PresenterID]
		}
		for _, sp := range speakers {
			if sp.ItemID == it.ID {
				x.Speakers = append(x.Speakers, ecabinet.MinutesSpeaker{Name: names[sp.MemberID], StartedAt: sp.StartedAt, EndedAt: sp.EndedAt})
			}
		}
		for _, p := range positions {
			if p.ItemID == it.ID {
				x.Positions = append(x.Positions, ecabinet.MinutesPosition{Name: names[p.MemberID], Stance: ecabinet.Stance(p.Stance), Reason: p.Reason})
			}
		}
		for _, v := range votes {
			if v.ItemID != it.ID {
				continue
			}
			mv, err := minutesVote(tx, &v, names)
			if err != nil {
				return nil, nil, 0, err
			}
			x.Votes = append(x.Votes, mv)
		}
		rec.Items = append(rec.Items, x)
	}
	var body bodyRow
	if err := tx.Where("id = ?", m.BodyID).Take(&body).Error; err != nil {
		return nil, nil, 0, err
	}
	rec.BodyName = body.Name
	return rec, settings.Location(), m.BodyID, nil
}

// minutesVote is a closed vote with its entitled count, result and, when
// named, each member's choice.
func minutesVote(tx *gorm.DB, v *voteRow, names map[int64]string) (ecabinet.MinutesVote, error) {
	mv := ecabinet.MinutesVote{Question: v.Question, Secret: v.Secret}
	var entitled []int64
	_ = json.Unmarshal([]byte(v.Entitled), &entitled)
	mv.Entitled = len(entitled)
	if v.Result != nil {
		var t ecabinet.Tally
		if err := json.Unmarshal([]byte(*v.Result), &t); err == nil {
			mv.Result = &t
		}
	}
	if v.Secret {
		return mv, nil
	}
	var opts []ecabinet.VoteOption
	_ = json.Unmarshal([]byte(v.Options), &opts)
	label := map[string]string{}
	for _, o := range opts {
		label[o.Key] = o.Label
	}
	var parts []struct {
		MemberID int64
		Option   *string
	}
	if err := tx.Table("vote_participation").Select("member_id, option").Where("vote_id = ? AND option IS NOT NULL", v.ID).Order("member_id").Scan(&parts).Error; err != nil {
		return mv, err
	}
	for _, p := range parts {
		mv.Named = append(mv.Named, ecabinet.MinutesChoice{Name: names[p.MemberID], Option: label[*p.Option]})
	}
	return mv, nil
}
