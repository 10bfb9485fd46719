package ecabinet

import (
	"context"
	"strings"
	"time"
)

// MeetingKind is the kind of a cabinet session (phiên họp).
type MeetingKind string

// Kinds of sessions.
const (
	KindRegular       MeetingKind = "regular"       // thường kỳ
	KindThematic      MeetingKind = "thematic"      // chuyên đề
	KindExtraordinary MeetingKind = "extraordinary" // bất thường
)

// MeetingKinds lists the kinds.
var MeetingKinds = []MeetingKind{KindRegular, KindThematic, KindExtraordinary}

// Valid reports whether k is a known kind.
func (k MeetingKind) Valid() bool {
	return k == KindRegular || k == KindThematic || k == KindExtraordinary
}

// MeetingStatus is a step of a session's lifecycle:
// draft → published → live ⇄ adjourned → closed.
type MeetingStatus string

// Lifecycle steps.
const (
	MeetingDraft     MeetingStatus = "draft"     // being prepared; only the secretariat sees it
	MeetingPublished MeetingStatus = "published" // invitees see it and its documents
	MeetingLive      MeetingStatus = "live"      // in session
	MeetingAdjourned MeetingStatus = "adjourned" // suspended; may resume
	MeetingClosed    MeetingStatus = "closed"    // over; read-only
)

// MeetingStatuses lists the steps in order.
var MeetingStatuses = []MeetingStatus{MeetingDraft, MeetingPublished, MeetingLive, MeetingAdjourned, MeetingClosed}

// MeetingAction moves a session along its lifecycle.
type MeetingAction string

// Lifecycle actions.
const (
	ActionPublish MeetingAction = "publish"
	ActionStart   MeetingAction = "start"
	ActionAdjourn MeetingAction = "adjourn"
	ActionResume  MeetingAction = "resume"
	ActionClose   MeetingAction = "close"
)

// MeetingActions lists every action.
var MeetingActions = []MeetingAction{ActionPublish, ActionStart, ActionAdjourn, ActionResume, ActionClose}

// transitions is the lifecycle: from a status, an action leads to a status.
// Anything not listed is refused with conflict.
var transitions = map[MeetingStatus]map[MeetingAction]MeetingStatus{
	MeetingDraft:     {ActionPublish: MeetingPublished},
	MeetingPublished: {ActionStart: MeetingLive, ActionClose: MeetingClosed},
	MeetingLive:      {ActionAdjourn: MeetingAdjourned, ActionClose: MeetingClosed},
	MeetingAdjourned: {ActionResume: MeetingLive, ActionClose: MeetingClosed},
}

// Transition returns the status that action leads to from s, or a conflict
// error when the lifecycle does not allow it.
func (s MeetingStatus) Transition(a MeetingAction) (MeetingStatus, error) {
	if next, ok := transitions[s][a]; ok {
		return next, nil
	}
	return "", &Error{Code: ECONFLICT, Key: "meeting.transition", Args: []any{string(a), string(s)}}
}

// Editable reports whether the session's details and agenda may change.
func (s MeetingStatus) Editable() bool { return s != MeetingClosed }

// Visible reports whether invitees (not only the secretariat) see the session.
func (s MeetingStatus) Visible() bool { return s != MeetingDraft }

// InSession reports whether the session is live or adjourned.
func (s MeetingStatus) InSession() bool { return s == MeetingLive || s == MeetingAdjourned }

// Meeting is a cabinet session.
type Meeting struct {
	ID             int64         `json:"id"`
	BodyID         int64         `json:"body_id"`
	Kind           MeetingKind   `json:"kind"`
	Title          string        `json:"title"`
	Status         MeetingStatus `json:"status"`
	ScheduledStart time.Time     `json:"scheduled_start"`
	ScheduledEnd   time.Time     `json:"scheduled_end"`
	Place          string        `json:"place"`
	RemoteSites    []string      `json:"remote_sites"`
	// Invitees are the members invited (members, chair and guests).
	Invitees []int64 `json:"invitees"`
	// PublishedAt is when the invitees first saw the session (and its documents).
	PublishedAt *time.Time `json:"published_at,omitempty"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	// PositionsCutoff is when positions on items stop (the evening before
	// unless the secretariat set another time); PositionsClosedAt when the
	// cut-off was applied and the consent block formed.
	PositionsCutoff   time.Time  `json:"positions_cutoff"`
	PositionsClosedAt *time.Time `json:"positions_closed_at,omitempty"`
	// ConsentTakenAt is when the chair took the consent block, by the vote
	// ConsentVoteID when the body decides it by vote.
	ConsentTakenAt *time.Time `json:"consent_taken_at,omitempty"`
	ConsentVoteID  *int64     `json:"consent_vote_id,omitempty"`
	// QuorumOverride is set when the chair started the session without quorum.
	QuorumOverride *QuorumOverride `json:"quorum_override,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// QuorumOverride records the chair's decision to proceed without quorum.
type QuorumOverride struct {
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Quorum Quorum    `json:"quorum"`
}

// MeetingInput is what the secretariat sends to create or edit a session.
type MeetingInput struct {
	Kind           MeetingKind `json:"kind"`
	Title          string      `json:"title"`
	ScheduledStart time.Time   `json:"scheduled_start"`
	ScheduledEnd   time.Time   `json:"scheduled_end"`
	Place          string      `json:"place"`
	RemoteSites    []string    `json:"remote_sites"`
	// Invitees; empty on create invites every active voting member.
	Invitees []int64 `json:"invitees"`
}

// Validate checks and normalises the input.
func (in *MeetingInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Place = strings.TrimSpace(in.Place)
	if !in.Kind.Valid() {
		return FieldError("kind", "field.enum", "kind")
	}
	if err := requireText("title", in.Title, 300); err != nil {
		return err
	}
	if err := optionalText("place", in.Place, 300); err != nil {
		return err
	}
	if in.ScheduledStart.IsZero() {
		return FieldError("scheduled_start", "field.required", "scheduled_start")
	}
	if !in.ScheduledEnd.After(in.ScheduledStart) {
		return FieldError("scheduled_end", "field.time_order")
	}
	if in.ScheduledEnd.Sub(in.ScheduledStart) > 7*24*time.Hour {
		return FieldError("scheduled_end", "field.range", "scheduled_end")
	}
	if len(in.RemoteSites) > 100 {
		return FieldError("remote_sites", "field.range", "remote_sites")
	}
	sites := in.RemoteSites[:0]
	for _, s := range in.RemoteSites {
		s = strings.TrimSpace(s)
		if err := requireText("remote_sites", s, 200); err != nil {
			return err
		}
		sites = append(sites, s)
	}
	in.RemoteSites = sites
	seen := map[int64]bool{}
	for _, id := range in.Invitees {
		if id <= 0 || seen[id] {
			return FieldError("invitees", "field.duplicate", "invitees")
		}
		seen[id] = true
	}
	return nil
}

// MeetingFilter selects sessions in ListMeetings.
type MeetingFilter struct {
	Status MeetingStatus // empty: any
	From   *time.Time    // scheduled start at or after
	To     *time.Time    // scheduled start before
}

// MeetingService prepares and runs sessions. Every method is scoped to the
// actor's body; a session the actor may not see is not_found.
type MeetingService interface {
	// CreateMeeting drafts a session (secretariat). Errors: invalid, forbidden.
	CreateMeeting(ctx context.Context, in MeetingInput) (*Meeting, error)
	// UpdateMeeting changes a session that is not closed (secretariat).
	// Errors: invalid, forbidden, not_found, conflict (closed).
	UpdateMeeting(ctx context.Context, id int64, in MeetingInput) (*Meeting, error)
	// FindMeeting returns a session. Errors: not_found.
	FindMeeting(ctx context.Context, id int64) (*Meeting, error)
	// ListMeetings returns the sessions the actor may see, latest first.
	ListMeetings(ctx context.Context, f MeetingFilter) ([]*Meeting, error)
	// Transition applies a lifecycle action. Starting needs quorum unless
	// the chair overrides (override with a reason; chair only).
	// Errors: forbidden, not_found, conflict (not allowed from the current
	// status, no quorum, empty agenda).
	Transition(ctx context.Context, id int64, a MeetingAction, override *OverrideInput) (*Meeting, error)
	// MeetingState returns everything a member's tablet shows of a session,
	// as this actor may see it, with the event position it corresponds to.
	MeetingState(ctx context.Context, id int64) (*MeetingState, error)
}

// OverrideInput is the chair's reason for starting without quorum.
type OverrideInput struct {
	Reason string `json:"reason"`
}

// Validate requires a reason.
func (in *OverrideInput) Validate() error {
	in.Reason = strings.TrimSpace(in.Reason)
	return requireText("reason", in.Reason, 1000)
}

// MeetingState is the whole of a session as one member sees it: the REST
// state view and the WebSocket snapshot.
type MeetingState struct {
	Meeting    *Meeting      `json:"meeting"`
	Agenda     []*AgendaItem `json:"agenda"`
	Attendance []*Attendance `json:"attendance"`
	Quorum     Quorum        `json:"quorum"`
	Speakers   []*Speaker    `json:"speakers"`
	Documents  []*Document   `json:"documents"`
	Votes      []*Vote       `json:"votes"`
	// Conclusion is the session's conclusion notice once published (the
	// secretariat also sees a draft).
	Conclusion *Conclusion `json:"conclusion,omitempty"`
	// Positions on the items open for them, as the actor may see them.
	Positions *PositionsView `json:"positions,omitempty"`
	// Minutes is the latest version of the minutes the actor may read.
	Minutes *Minutes `json:"minutes,omitempty"`
	// Epoch and Seq are the event position this state is taken at.
	Epoch string `json:"epoch"`
	Seq   int64  `json:"seq"`
	// ServerTime is when the state was read, by the server's clock: tablets
	// count a speaker's time down from the server's started_at with it.
	ServerTime time.Time `json:"server_time"`
}
