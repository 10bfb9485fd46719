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
}

// NewScopes returns Scopes over db.
func NewScopes(db *DB, meetings *MeetingService) *Scopes { return &Scopes{db: db, meetings: meetings} }

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
	// Two plain reads, not a snapshot transaction: a yes or no needs no
	// consistent view, and every (re)connection of every tablet pays this.
	_, err = loadMeeting(s.db.read(ctx), a, id, false)
	return translate(err)
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
