package ecabinet

import (
	"context"
	"strings"
	"time"
)

// VoteStatus is the state of a vote in session.
type VoteStatus string

// Vote states.
const (
	VoteOpen   VoteStatus = "open"
	VoteClosed VoteStatus = "closed"
)

// VoteOption is one answer of a vote.
type VoteOption struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// DefaultVoteOptions are agree / disagree / abstain.
func DefaultVoteOptions() []VoteOption {
	return []VoteOption{
		{Key: OptionAgree, Label: "Tán thành"},
		{Key: OptionDisagree, Label: "Không tán thành"},
		{Key: OptionAbstain, Label: "Bỏ phiếu trắng"},
	}
}

// Vote is a decision taken in session (biểu quyết) on an agenda item.
type Vote struct {
	ID        int64        `json:"id"`
	MeetingID int64        `json:"meeting_id"`
	ItemID    int64        `json:"item_id"`
	Question  string       `json:"question"`
	Options   []VoteOption `json:"options"`
	// Secret: who voted is stored apart from what was chosen (see SECURITY.md).
	Secret   bool       `json:"secret"`
	Status   VoteStatus `json:"status"`
	OpenedBy int64      `json:"opened_by"`
	OpenedAt time.Time  `json:"opened_at"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	// Entitled are the members entitled to vote when it opened: present
	// voting members (and voting deputies' principals when the body allows).
	Entitled      []int64 `json:"entitled"`
	QuorumAtOpen  Quorum  `json:"quorum_at_open"`
	QuorumAtClose *Quorum `json:"quorum_at_close,omitempty"`
	// Cast is the number of votes cast so far.
	Cast int `json:"cast"`
	// Result is set once closed.
	Result *Tally `json:"result,omitempty"`
	// Ballots are the named choices, shown once a named vote is closed;
	// never for a secret vote.
	Ballots []NamedChoice `json:"ballots,omitempty"`
	// MyChoice is the caller's own choice in a named vote.
	MyChoice string `json:"my_choice,omitempty"`
	// Voted tells the caller whether they have voted (named or secret).
	Voted bool `json:"voted"`
}

// NamedChoice is one member's choice in a named vote.
type NamedChoice struct {
	MemberID int64  `json:"member_id"`
	Option   string `json:"option"`
}

// VoteTurnout is who may vote and who has voted so far, by member: what
// the chair and the secretariat follow during a vote, secret ones included.
// It never holds a choice.
type VoteTurnout struct {
	VoteID   int64   `json:"vote_id"`
	Entitled []int64 `json:"entitled"`
	Voted    []int64 `json:"voted"`
	// NotVoted are the entitled members who have not voted.
	NotVoted []int64 `json:"not_voted"`
}

// VoteInput opens a vote.
type VoteInput struct {
	ItemID   int64        `json:"item_id"`
	Question string       `json:"question"`
	Options  []VoteOption `json:"options,omitempty"` // empty: agree / disagree / abstain
	Secret   bool         `json:"secret"`
}

// Validate checks and normalises the input.
func (in *VoteInput) Validate() error {
	in.Question = strings.TrimSpace(in.Question)
	if err := requireText("question", in.Question, 1000); err != nil {
		return err
	}
	if in.ItemID <= 0 {
		return FieldError("item_id", "field.required", "item_id")
	}
	if len(in.Options) == 0 {
		in.Options = DefaultVoteOptions()
	}
	if len(in.Options) < 2 || len(in.Options) > 20 {
		return FieldError("options", "field.range", "options")
	}
	seen := map[string]bool{}
	for i := range in.Options {
		o := &in.Options[i]
		o.Key, o.Label = strings.TrimSpace(o.Key), strings.TrimSpace(o.Label)
		if o.Key == "" || len(o.Key) > 40 || seen[o.Key] {
			return FieldError("options", "field.duplicate", "options")
		}
		for _, r := range o.Key {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return FieldError("options", "field.enum", "options")
			}
		}
		if err := requireText("options", o.Label, 200); err != nil {
			return err
		}
		seen[o.Key] = true
	}
	return nil
}

// VoteService runs votes in session.
type VoteService interface {
	// OpenVote opens a vote on an agenda item of a live session (chair or
	// secretariat). The entitled members and the quorum are recorded.
	// Errors: invalid, forbidden, not_found, conflict (not live, a vote already open).
	OpenVote(ctx context.Context, meetingID int64, in VoteInput) (*Vote, error)
	// CastVote records the actor's choice. Only entitled members vote, once
	// (a database constraint); a change before the close only when the body
	// allows it and the vote is named. Retries with the same idempotency key
	// get the same answer. Errors: invalid, not_found, not_entitled,
	// poll_closed, double_vote, idempotency_key_reused.
	CastVote(ctx context.Context, voteID int64, option, idemKey string) (*Vote, error)
	// CloseVote closes a vote and computes its result from the stored votes
	// in the same transaction: a vote cast concurrently is either counted or
	// refused. Errors: forbidden, not_found, conflict (already closed).
	CloseVote(ctx context.Context, voteID int64) (*Vote, error)
	// FindVote returns a vote as the actor may see it. Errors: not_found.
	FindVote(ctx context.Context, voteID int64) (*Vote, error)
	// Turnout tells the chair and the secretariat who has voted and who has
	// not (never a choice). Errors: forbidden, not_found.
	Turnout(ctx context.Context, voteID int64) (*VoteTurnout, error)
	// Votes lists a session's votes. Errors: not_found.
	Votes(ctx context.Context, meetingID int64) ([]*Vote, error)
}
