package ecabinet

import (
	"context"
	"strings"
	"time"
)

// AttendanceStatus is whether an invitee is at the session.
type AttendanceStatus string

// Attendance states.
const (
	AttendanceExpected AttendanceStatus = "expected" // invited, not yet checked in
	AttendancePresent  AttendanceStatus = "present"
	AttendanceAbsent   AttendanceStatus = "absent"
	// AttendanceDeputy: absent, represented by a deputy with the chair's consent.
	AttendanceDeputy AttendanceStatus = "deputy"
)

// Attendance is one invitee's attendance of a session.
type Attendance struct {
	MeetingID     int64            `json:"meeting_id"`
	MemberID      int64            `json:"member_id"`
	Status        AttendanceStatus `json:"status"`
	CheckedInAt   *time.Time       `json:"checked_in_at,omitempty"`
	RecordedBy    int64            `json:"recorded_by,omitempty"` // who recorded the last change
	AbsenceReason string           `json:"absence_reason,omitempty"`
	Deputy        *Deputy          `json:"deputy,omitempty"`
	UpdatedAt     time.Time        `json:"updated_at"`
}

// Deputy stands in for an absent member. Whether the deputy votes is the
// body's DeputyMayVote setting.
type Deputy struct {
	FullName   string `json:"full_name"`
	Title      string `json:"title"`
	ApprovedBy int64  `json:"approved_by"` // the chair, or the secretariat recording the chair's consent
}

// AttendanceInput records presence, absence or a deputy.
type AttendanceInput struct {
	Status AttendanceStatus `json:"status"`
	Reason string           `json:"reason,omitempty"`
	// Deputy names the stand-in when Status is deputy.
	DeputyName  string `json:"deputy_name,omitempty"`
	DeputyTitle string `json:"deputy_title,omitempty"`
}

// Validate checks and normalises the input.
func (in *AttendanceInput) Validate() error {
	in.Reason = strings.TrimSpace(in.Reason)
	in.DeputyName = strings.TrimSpace(in.DeputyName)
	in.DeputyTitle = strings.TrimSpace(in.DeputyTitle)
	switch in.Status {
	case AttendancePresent, AttendanceExpected:
	case AttendanceAbsent:
		if err := requireText("reason", in.Reason, 500); err != nil {
			return err
		}
	case AttendanceDeputy:
		if err := requireText("deputy_name", in.DeputyName, 200); err != nil {
			return err
		}
		if err := optionalText("deputy_title", in.DeputyTitle, 300); err != nil {
			return err
		}
		if err := optionalText("reason", in.Reason, 500); err != nil {
			return err
		}
	default:
		return FieldError("status", "field.enum", "status")
	}
	return nil
}

// AttendanceBatchInput marks several invitees present, or absent with one
// reason, at once (the secretariat at the door of the meeting room).
type AttendanceBatchInput struct {
	Members []int64          `json:"members"`
	Status  AttendanceStatus `json:"status"`
	Reason  string           `json:"reason,omitempty"`
}

// MaxAttendanceBatch bounds a batch (a body's invitees are far fewer).
const MaxAttendanceBatch = 500

// Validate checks and normalises the input: present or absent (with a
// reason), at least one member, none twice.
func (in *AttendanceBatchInput) Validate() error {
	if in.Status != AttendancePresent && in.Status != AttendanceAbsent {
		return FieldError("status", "field.enum", "status")
	}
	if len(in.Members) == 0 || len(in.Members) > MaxAttendanceBatch {
		return FieldError("members", "field.range", "members")
	}
	seen := make(map[int64]bool, len(in.Members))
	for _, id := range in.Members {
		if id <= 0 || seen[id] {
			return FieldError("members", "field.duplicate", "members")
		}
		seen[id] = true
	}
	one := AttendanceInput{Status: in.Status, Reason: in.Reason}
	if err := one.Validate(); err != nil {
		return err
	}
	in.Reason = one.Reason
	return nil
}

// Quorum is the live count against the body's quorum rule.
type Quorum struct {
	// Present voting members (and represented ones when deputies vote).
	Present int `json:"present"`
	// Total voting members of the body (active, with a voting right).
	Total int `json:"total"`
	// Required is the least Present that makes quorum.
	Required int  `json:"required"`
	Reached  bool `json:"reached"`
}

// ComputeQuorum applies the body's quorum fraction: at least num/den of all
// voting members must be present.
func ComputeQuorum(present, total int, s BodySettings) Quorum {
	// ceil(total × num / den) in integers.
	required := (total*s.QuorumNumerator + s.QuorumDenominator - 1) / s.QuorumDenominator
	return Quorum{Present: present, Total: total, Required: required, Reached: total > 0 && present >= required}
}

// CountsForQuorum reports whether an attendance row counts as present for
// quorum and voting: present in person, or represented by a deputy when the
// body lets deputies vote.
func CountsForQuorum(st AttendanceStatus, s BodySettings) bool {
	return st == AttendancePresent || (st == AttendanceDeputy && s.DeputyMayVote)
}

// AttendanceService records who is at a session.
type AttendanceService interface {
	// Attendance returns every invitee's attendance and the quorum. Errors: not_found.
	Attendance(ctx context.Context, meetingID int64) ([]*Attendance, Quorum, error)
	// CheckIn marks the actor present (an invitee, on their tablet) while the
	// session is published, live or adjourned. Errors: forbidden, not_found, conflict.
	CheckIn(ctx context.Context, meetingID int64) (*Attendance, Quorum, error)
	// SetAttendance records a member's attendance (secretariat; a deputy also
	// by the chair). A member may record their own absence. Errors: invalid,
	// forbidden, not_found, conflict (closed, not invited).
	SetAttendance(ctx context.Context, meetingID, memberID int64, in AttendanceInput) (*Attendance, Quorum, error)
	// SetAttendanceBatch records several invitees present, or absent with
	// one reason, in one change (secretariat): all or nothing, one event.
	// Errors: invalid (a member not invited), forbidden, not_found, conflict (closed).
	SetAttendanceBatch(ctx context.Context, meetingID int64, in AttendanceBatchInput) ([]*Attendance, Quorum, error)
}

// SpeakerStatus is a place in the speaking queue.
type SpeakerStatus string

// Speaking queue states.
const (
	SpeakerWaiting   SpeakerStatus = "waiting"
	SpeakerSpeaking  SpeakerStatus = "speaking"
	SpeakerDone      SpeakerStatus = "done"
	SpeakerWithdrawn SpeakerStatus = "withdrawn"
)

// Speaker is one request for the floor on an agenda item.
type Speaker struct {
	ID          int64         `json:"id"`
	ItemID      int64         `json:"item_id"`
	MemberID    int64         `json:"member_id"`
	Status      SpeakerStatus `json:"status"`
	RequestedAt time.Time     `json:"requested_at"`
	StartedAt   *time.Time    `json:"started_at,omitempty"`
	EndedAt     *time.Time    `json:"ended_at,omitempty"`
}

// SpeakerService runs the speaking queue of an agenda item.
type SpeakerService interface {
	// Speakers returns an item's queue in request order. Errors: not_found.
	Speakers(ctx context.Context, meetingID, itemID int64) ([]*Speaker, error)
	// RequestFloor puts the actor (an invitee) in the queue of an item while
	// the session is live. Errors: forbidden, not_found, conflict (already waiting).
	RequestFloor(ctx context.Context, meetingID, itemID int64) ([]*Speaker, error)
	// WithdrawFloor takes the actor's waiting request back. Errors: not_found, conflict.
	WithdrawFloor(ctx context.Context, meetingID, itemID int64) ([]*Speaker, error)
	// GiveFloor lets a waiting speaker speak; whoever spoke is done (chair or
	// secretariat). Errors: forbidden, not_found, conflict.
	GiveFloor(ctx context.Context, meetingID, itemID, speakerID int64) ([]*Speaker, error)
	// EndFloor ends the current speaker's turn. Errors: forbidden, not_found, conflict.
	EndFloor(ctx context.Context, meetingID, itemID, speakerID int64) ([]*Speaker, error)
}
