package store

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type attendanceRow struct {
	MeetingID        int64
	MemberID         int64
	Status           string
	CheckedInAt      *time.Time
	RecordedBy       *int64
	AbsenceReason    string
	DeputyName       string
	DeputyTitle      string
	DeputyApprovedBy *int64
	UpdatedAt        time.Time
}

func (attendanceRow) TableName() string { return "attendance" }

func (r *attendanceRow) domain() *ecabinet.Attendance {
	a := &ecabinet.Attendance{MeetingID: r.MeetingID, MemberID: r.MemberID, Status: ecabinet.AttendanceStatus(r.Status),
		CheckedInAt: r.CheckedInAt, AbsenceReason: r.AbsenceReason, UpdatedAt: r.UpdatedAt}
	if r.RecordedBy != nil {
		a.RecordedBy = *r.RecordedBy
	}
	if r.Status == string(ecabinet.AttendanceDeputy) {
		a.Deputy = &ecabinet.Deputy{FullName: r.DeputyName, Title: r.DeputyTitle}
		if r.DeputyApprovedBy != nil {
			a.Deputy.ApprovedBy = *r.DeputyApprovedBy
		}
	}
	return a
}

func attendanceOf(tx *gorm.DB, meetingID int64) ([]*ecabinet.Attendance, error) {
	var rows []attendanceRow
	if err := tx.Where("meeting_id = ?", meetingID).Order("member_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Attendance, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// quorum counts present voting members of the session against every active
// voting member of the body, by the body's rule.
func (db *DB) quorum(tx *gorm.DB, bodyID, meetingID int64) (ecabinet.Quorum, error) {
	body, err := db.findBody(tx.Statement.Context, tx, bodyID)
	if err != nil {
		return ecabinet.Quorum{}, err
	}
	var total int64
	if err := tx.Model(&memberRow{}).Where("body_id = ? AND active AND voting", bodyID).Count(&total).Error; err != nil {
		return ecabinet.Quorum{}, err
	}
	statuses := []string{string(ecabinet.AttendancePresent)}
	if ecabinet.CountsForQuorum(ecabinet.AttendanceDeputy, body.Settings) {
		statuses = append(statuses, string(ecabinet.AttendanceDeputy))
	}
	var present int64
	if err := tx.Table("attendance AS a").Joins("JOIN members m ON m.id = a.member_id").
		Where("a.meeting_id = ? AND m.active AND m.voting AND a.status IN ?", meetingID, statuses).Count(&present).Error; err != nil {
		return ecabinet.Quorum{}, err
	}
	return ecabinet.ComputeQuorum(int(present), int(total), body.Settings), nil
}

// Attendance returns every invitee's attendance and the quorum.
func (s *MeetingService) Attendance(ctx context.Context, meetingID int64) ([]*ecabinet.Attendance, ecabinet.Quorum, error) {
	var rows []*ecabinet.Attendance
	var q ecabinet.Quorum
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var err error
		if rows, err = attendanceOf(tx, meetingID); err != nil {
			return err
		}
		q, err = s.db.quorum(tx, a.BodyID, meetingID)
		return err
	})
	return rows, q, err
}

// CheckIn marks the actor present.
func (s *MeetingService) CheckIn(ctx context.Context, meetingID int64) (*ecabinet.Attendance, ecabinet.Quorum, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, ecabinet.Quorum{}, err
	}
	return s.SetAttendance(ctx, meetingID, a.MemberID, ecabinet.AttendanceInput{Status: ecabinet.AttendancePresent})
}

// SetAttendance records one invitee's attendance. The secretariat records
// anything; the chair records deputies (consent); a member checks in or
// reports their own absence.
func (s *MeetingService) SetAttendance(ctx context.Context, meetingID, memberID int64, in ecabinet.AttendanceInput) (*ecabinet.Attendance, ecabinet.Quorum, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, ecabinet.Quorum{}, err
	}
	if err := in.Validate(); err != nil {
		return nil, ecabinet.Quorum{}, err
	}
	if !ecabinet.MayRecordAttendance(a, memberID, in.Status) {
		return nil, ecabinet.Quorum{}, ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
	}
	var out *ecabinet.Attendance
	var q ecabinet.Quorum
	// Serialised on the session's row (locked FOR UPDATE), like every attendance change.
	err = s.db.writeGrouped(ctx, sessionKey(meetingID), func(tx *Tx) error {
		row, err := lockAttendance(tx, a, meetingID)
		if err != nil {
			return err
		}
		if out, err = s.recordAttendance(tx, a, meetingID, memberID, in); err != nil {
			return err
		}
		if q, err = s.db.quorum(tx.DB, row.BodyID, meetingID); err != nil {
			return err
		}
		return tx.emit(row.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventAttendanceUpdated,
			map[string]any{"attendance": out, "quorum": q}, ecabinet.Public)
	})
	return out, q, err
}

// SetAttendanceBatch records several invitees in one transaction on the
// locked session row, with one event; one member not invited refuses all.
func (s *MeetingService) SetAttendanceBatch(ctx context.Context, meetingID int64, in ecabinet.AttendanceBatchInput) ([]*ecabinet.Attendance, ecabinet.Quorum, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, ecabinet.Quorum{}, err
	}
	if err := in.Validate(); err != nil {
		return nil, ecabinet.Quorum{}, err
	}
	var out []*ecabinet.Attendance
	var q ecabinet.Quorum
	err = s.db.writeGrouped(ctx, sessionKey(meetingID), func(tx *Tx) error {
		row, err := lockAttendance(tx, a, meetingID)
		if err != nil {
			return err
		}
		out = make([]*ecabinet.Attendance, 0, len(in.Members))
		for _, id := range in.Members {
			r, err := s.recordAttendance(tx, a, meetingID, id, ecabinet.AttendanceInput{Status: in.Status, Reason: in.Reason})
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if q, err = s.db.quorum(tx.DB, row.BodyID, meetingID); err != nil {
			return err
		}
		return tx.emit(row.BodyID, ecabinet.MeetingScope(meetingID), ecabinet.EventAttendanceBatch,
			map[string]any{"attendance": out, "quorum": q}, ecabinet.Public)
	})
	return out, q, err
}

// lockAttendance locks the session's row for an attendance change and
// refuses a closed session (and, to members, one not yet published).
func lockAttendance(tx *Tx, a ecabinet.Actor, meetingID int64) (*meetingRow, error) {
	row, err := loadMeeting(tx.DB, a, meetingID, true)
	if err != nil {
		return nil, err
	}
	if st := ecabinet.MeetingStatus(row.Status); st == ecabinet.MeetingClosed || (!st.Visible() && !a.IsSecretariat()) {
		return nil, ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.closed")
	}
	return row, nil
}

// recordAttendance writes one invitee's attendance in tx.
func (s *MeetingService) recordAttendance(tx *Tx, a ecabinet.Actor, meetingID, memberID int64, in ecabinet.AttendanceInput) (*ecabinet.Attendance, error) {
	var cur attendanceRow
	err := tx.Where("meeting_id = ? AND member_id = ?", meetingID, memberID).Take(&cur).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.FieldError("member_id", "attendance.not_invited")
	}
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	upd := map[string]any{"status": string(in.Status), "recorded_by": a.MemberID, "updated_at": now,
		"absence_reason": "", "deputy_name": "", "deputy_title": "", "deputy_approved_by": nil, "checked_in_at": nil}
	switch in.Status {
	case ecabinet.AttendancePresent:
		upd["checked_in_at"] = now
		if cur.CheckedInAt != nil && cur.Status == string(ecabinet.AttendancePresent) {
			upd["checked_in_at"] = *cur.CheckedInAt
		}
	case ecabinet.AttendanceAbsent:
		upd["absence_reason"] = in.Reason
	case ecabinet.AttendanceDeputy:
		upd["absence_reason"], upd["deputy_name"], upd["deputy_title"], upd["deputy_approved_by"] = in.Reason, in.DeputyName, in.DeputyTitle, a.MemberID
	}
	if err := tx.Model(&attendanceRow{}).Where("meeting_id = ? AND member_id = ?", meetingID, memberID).Updates(upd).Error; err != nil {
		return nil, err
	}
	if err := tx.Where("meeting_id = ? AND member_id = ?", meetingID, memberID).Take(&cur).Error; err != nil {
		return nil, err
	}
	return cur.domain(), nil
}
