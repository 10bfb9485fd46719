package ecabinet

import (
	"context"
	"strings"
	"time"
)

// Stance is a member's position on an agenda item before the session (ý
// kiến trước phiên họp).
type Stance string

// Stances.
const (
	StanceNoObjection Stance = "no_objection"  // không có ý kiến
	StanceSpeak       Stance = "wish_to_speak" // xin phát biểu
	StanceObject      Stance = "object"        // phản đối (with a reason)
)

// Stances lists the stances.
var Stances = []Stance{StanceNoObjection, StanceSpeak, StanceObject}

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool {
	return s == StanceNoObjection || s == StanceSpeak || s == StanceObject
}

// ConsentState says where an agenda item stands with the consent block.
type ConsentState string

// Consent states of an agenda item.
const (
	ConsentNone    ConsentState = ""        // discussed as usual
	ConsentBlock   ConsentState = "block"   // in the block, not yet taken
	ConsentPulled  ConsentState = "pulled"  // pulled out of the block by a member: discussed
	ConsentDecided ConsentState = "decided" // decided with the block, without discussion
)

// PositionInput is a member's position on one item.
type PositionInput struct {
	Stance Stance `json:"stance"`
	Reason string `json:"reason"`
}

// Validate checks the input: an objection needs a reason.
func (in *PositionInput) Validate() error {
	in.Reason = strings.TrimSpace(in.Reason)
	if !in.Stance.Valid() {
		return FieldError("stance", "field.enum", "stance")
	}
	if in.Stance == StanceObject {
		return requireText("reason", in.Reason, 1000)
	}
	return optionalText("reason", in.Reason, 1000)
}

// MemberPosition is one member's stored position on an item.
type MemberPosition struct {
	ItemID    int64     `json:"item_id"`
	MemberID  int64     `json:"member_id"`
	Stance    Stance    `json:"stance"`
	Reason    string    `json:"reason"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StanceCounts counts the positions given on an item.
type StanceCounts struct {
	NoObjection int `json:"no_objection"`
	WishToSpeak int `json:"wish_to_speak"`
	Object      int `json:"object"`
}

// Add counts one position.
func (c *StanceCounts) Add(s Stance) {
	switch s {
	case StanceNoObjection:
		c.NoObjection++
	case StanceSpeak:
		c.WishToSpeak++
	case StanceObject:
		c.Object++
	}
}

// Consentable reports whether positions like these put an item in the
// consent block: at least one was given and every one is "no objection".
func (c StanceCounts) Consentable() bool {
	return c.NoObjection > 0 && c.WishToSpeak == 0 && c.Object == 0
}

// ItemPositions is what a reader sees of the positions on one item: the
// counts always; each position by name for the chair and the secretariat
// (and for members when the body shows names); who has not given one, for
// the chair and the secretariat.
type ItemPositions struct {
	ItemID    int64            `json:"item_id"`
	Counts    StanceCounts     `json:"counts"`
	Positions []MemberPosition `json:"positions,omitempty"`
	Missing   []int64          `json:"missing,omitempty"`
	Mine      *MemberPosition  `json:"mine,omitempty"`
}

// PositionsView is the positions of a session's items open for positions.
type PositionsView struct {
	MeetingID int64 `json:"meeting_id"`
	// Cutoff is when positions stop (the secretariat's, or the evening before).
	Cutoff time.Time `json:"cutoff"`
	// ClosedAt is when the cut-off was applied and the consent block formed.
	ClosedAt       *time.Time      `json:"closed_at,omitempty"`
	ConsentTakenAt *time.Time      `json:"consent_taken_at,omitempty"`
	Items          []ItemPositions `json:"items"`
}

// DefaultCutoff is the evening before a session: 18:00 of the day before
// its start, in the body's time zone.
func DefaultCutoff(start time.Time, loc *time.Location) time.Time {
	y, m, d := start.In(loc).Date()
	return time.Date(y, m, d-1, 18, 0, 0, 0, loc)
}

// PositionsSettings is what the secretariat asks: which items are open for
// positions and until when (nil cut-off: the evening before).
type PositionsSettings struct {
	Items  []int64    `json:"items"`
	Cutoff *time.Time `json:"cutoff,omitempty"`
}

// Validate checks the item list.
func (in *PositionsSettings) Validate() error {
	seen := map[int64]bool{}
	for _, id := range in.Items {
		if id <= 0 || seen[id] {
			return FieldError("items", "field.duplicate", "items")
		}
		seen[id] = true
	}
	if len(in.Items) > 200 {
		return FieldError("items", "field.range", "items")
	}
	return nil
}

// TakeConsentInput takes the consent block. VoteID names the closed vote
// that adopted the block when the body decides it by vote; otherwise the
// chair records "no objection heard".
type TakeConsentInput struct {
	VoteID *int64 `json:"vote_id,omitempty"`
}

// PositionService collects positions before a session and runs the consent
// block. Every method is scoped to the actor's body.
type PositionService interface {
	// Positions returns the positions of a session's open items as the
	// actor may see them. Errors: not_found.
	Positions(ctx context.Context, meetingID int64) (*PositionsView, error)
	// AskPositions opens items for positions and sets the cut-off
	// (secretariat; before the cut-off is applied). Errors: invalid,
	// forbidden, not_found, conflict (closed for positions).
	AskPositions(ctx context.Context, meetingID int64, in PositionsSettings) (*PositionsView, error)
	// GivePosition records or changes the actor's position (a voting
	// invitee; published session, item open, before the cut-off).
	// Errors: invalid, forbidden, not_found, deadline_passed, conflict.
	GivePosition(ctx context.Context, meetingID, itemID int64, in PositionInput) (*MemberPosition, error)
	// RemindPositions notifies the voting invitees who have not given a
	// position on every open item (secretariat). Errors: forbidden,
	// not_found, conflict (no open item, cut-off applied).
	RemindPositions(ctx context.Context, meetingID int64) (int, error)
	// ClosePositions applies the cut-off now: forms the consent block and
	// queues those who asked to speak (secretariat). Errors: forbidden,
	// not_found, conflict (already applied, session not published).
	ClosePositions(ctx context.Context, meetingID int64) (*PositionsView, error)
	// PullItem moves an item from the consent block to discussion (an
	// invitee, the chair or the secretariat). Errors: forbidden, not_found,
	// conflict (not in the block, block already taken).
	PullItem(ctx context.Context, meetingID, itemID int64) ([]*AgendaItem, error)
	// TakeConsent decides every item left in the block at once (chair or
	// secretariat, live session). Errors: invalid, forbidden, not_found,
	// conflict (not live, empty or taken block, vote not adopted).
	TakeConsent(ctx context.Context, meetingID int64, in TakeConsentInput) ([]*AgendaItem, error)
}
