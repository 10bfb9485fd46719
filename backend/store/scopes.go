package store

import (
	"context"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// Scopes answers the hub: who may subscribe to an event scope, and the
// scope's snapshot as one member sees it.
type Scopes struct {
	db       *DB
	meetings *MeetingService
	// access coalesces the session lookups of subscriptions arriving
	// together (a connect storm: every tablet of a session at once).
	access *coalescer[attendee, meetingAccess]
}

// attendee is one member asking for one session.
type attendee struct{ Meeting, Member int64 }

// meetingAccess is what deciding a member's access to a session takes.
type meetingAccess struct {
	BodyID  int64
	Status  ecabinet.MeetingStatus
	Invited bool
}

// NewScopes returns Scopes over db.
func NewScopes(db *DB, meetings *MeetingService) *Scopes {
	s := &Scopes{db: db, meetings: meetings}
	s.access = newCoalescer(2, 500, s.meetingAccess)
	return s
}

// meetingAccess reads the sessions and invitations of keys in one query.
func (s *Scopes) meetingAccess(ctx context.Context, keys []attendee) (map[attendee]meetingAccess, error) {
	var meetings, members []int64
	seenMeeting, seenMember := map[int64]bool{}, map[int64]bool{}
	for _, k := range keys {
		if !seenMeeting[k.Meeting] {
			seenMeeting[k.Meeting] = true
			meetings = append(meetings, k.Meeting)
		}
		if !seenMember[k.Member] {
			seenMember[k.Member] = true
			members = append(members, k.Member)
		}
	}
	var rows []struct {
		ID, BodyID int64
		Status     string
		MemberID   *int64
	}
	err := s.db.read(ctx).Table("meetings AS m").Select("m.id, m.body_id, m.status, a.member_id").
		Joins("LEFT JOIN attendance a ON a.meeting_id = m.id AND a.member_id IN ?", members).
		Where("m.id IN ?", meetings).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	found := map[int64]meetingAccess{}
	invited := map[attendee]bool{}
	for _, r := range rows {
		found[r.ID] = meetingAccess{BodyID: r.BodyID, Status: ecabinet.MeetingStatus(r.Status)}
		if r.MemberID != nil {
			invited[attendee{r.ID, *r.MemberID}] = true
		}
	}
	out := make(map[attendee]meetingAccess, len(keys))
	for _, k := range keys {
		if m, ok := found[k.Meeting]; ok {
			m.Invited = invited[k]
			out[k] = m
		}
	}
	return out, nil
}

// BodyState is the snapshot of a body's stream: what the member's home
// screen lists.
type BodyState struct {
	Meetings []*ecabinet.Meeting `json:"meetings"`
	Ballots  []*ecabinet.Ballot  `json:"ballots"`
	Epoch    string              `json:"epoch"`
	Seq      int64               `json:"seq"`
}

// Authorize allows a meeting's scope to whoever may see the meeting, and a
// body's scope to its members. Errors: not_found, invalid.
func (s *Scopes) Authorize(ctx context.Context, scope ecabinet.Scope) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	kind, id, err := scope.Parse()
	if err != nil {
		return err
	}
	if kind == "body" {
		if id != a.BodyID {
			return ecabinet.NotFound("body")
		}
		return nil
	}
	// No snapshot transaction: a yes or no needs no consistent view, and
	// every (re)connection of every tablet pays this, so lookups arriving
	// together share one query.
	m, found, err := s.access.get(ctx, attendee{Meeting: id, Member: a.MemberID})
	if err != nil {
		return translate(err)
	}
	if !found {
		return ecabinet.NotFound("meeting")
	}
	if ok, _ := ecabinet.MaySeeMeeting(a, m.BodyID, m.Status, func() (bool, error) { return m.Invited, nil }); !ok {
		return ecabinet.NotFound("meeting")
	}
	return nil
}

// Snapshot returns the state of scope as the actor sees it with its position.
func (s *Scopes) Snapshot(ctx context.Context, scope ecabinet.Scope) (any, ecabinet.Position, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, ecabinet.Position{}, err
	}
	kind, id, err := scope.Parse()
	if err != nil {
		return nil, ecabinet.Position{}, err
	}
	if kind == "meeting" {
		st, err := s.meetings.MeetingState(ctx, id)
		if err != nil {
			return nil, ecabinet.Position{}, err
		}
		return st, ecabinet.Position{Epoch: st.Epoch, Seq: st.Seq}, nil
	}
	if id != a.BodyID {
		return nil, ecabinet.Position{}, ecabinet.NotFound("body")
	}
	st := &BodyState{}
	pos, err := s.db.snapshot(ctx, scope, func(tx *gorm.DB) error {
		var err error
		if st.Meetings, err = listMeetings(tx, a, ecabinet.MeetingFilter{}); err != nil {
			return err
		}
		st.Ballots, err = listBallots(tx, a)
		return err
	})
	if err != nil {
		return nil, ecabinet.Position{}, err
	}
	st.Epoch, st.Seq = pos.Epoch, pos.Seq
	return st, pos, nil
}
