package ecabinet

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event types. Each is delivered to subscribers of its scope; see
// backend/hub/PROTOCOL.md for their data.
const (
	EventMeetingUpdated    = "meeting.updated"
	EventAgendaUpdated     = "agenda.updated"
	EventAttendanceUpdated = "attendance.updated"
	// EventAttendanceBatch carries several attendance rows changed at once
	// and the quorum after them: {"attendance": [Attendance…], "quorum": Quorum}.
	EventAttendanceBatch = "attendance.batch"
	EventSpeakersUpdated = "speakers.updated"
	EventDocumentUpdated = "document.updated"
	EventDocumentRemoved = "document.removed"
	EventVoteOpened      = "vote.opened"
	EventVoteProgress    = "vote.progress"
	EventVoteClosed      = "vote.closed"
	EventBallotUpdated   = "ballot.updated"
	EventBallotProgress  = "ballot.progress"
	EventBallotReminder  = "ballot.reminder"
	// EventBallotDocument: a ballot's document is new or has a new version.
	EventBallotDocument = "ballot.document.updated"
	// Conclusions, tasks and the savings ledger.
	EventConclusionPublished = "conclusion.published"
	// EventDocumentSigned: a document the receiver may see was signed
	// (digitally, in e-Cabinet); its new version carries the signature.
	EventDocumentSigned = "document.signed"
	EventTaskUpdated    = "task.updated"
	EventTaskReminder   = "task.reminder"
	EventLedgerUpdated  = "ledger.updated"
	// Positions before a session: the counts (and names where the body
	// shows them) to everyone, each named position to the chair and the
	// secretariat.
	EventPositionsUpdated = "positions.updated"
	EventPositionGiven    = "position.given"
	// Notifications that are also pushed to tablets.
	EventMeetingPublished = "meeting.published"
	EventPositionsAsked   = "positions.asked"
	EventPositionReminder = "position.reminder"
	EventBallotOpened     = "ballot.opened"
	// Minutes (biên bản) published to the invitees.
	EventMinutesPublished = "minutes.published"
)

// Scope names an event stream: a meeting ("meeting:12") or a body ("body:3").
type Scope string

// MeetingScope is the stream of one session.
func MeetingScope(id int64) Scope { return Scope("meeting:" + strconv.FormatInt(id, 10)) }

// BodyScope is the stream of a body's own events (ballots, tasks, meeting list).
func BodyScope(id int64) Scope { return Scope("body:" + strconv.FormatInt(id, 10)) }

// Parse splits a scope into its kind ("meeting" or "body") and id.
func (s Scope) Parse() (kind string, id int64, err error) {
	kind, raw, ok := strings.Cut(string(s), ":")
	if !ok || (kind != "meeting" && kind != "body") {
		return "", 0, FieldError("scope", "field.enum", "scope")
	}
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return "", 0, FieldError("scope", "field.enum", "scope")
	}
	return kind, id, nil
}

// Audiences: who among a scope's subscribers receives an event.
const (
	AudienceAll         = ""            // everyone subscribed who may see the scope
	AudienceSecretariat = "secretariat" // admin and secretaries
	AudiencePresiding   = "presiding"   // the chair and the secretariat
)

// AudienceMember addresses one member.
func AudienceMember(id int64) string { return "member:" + strconv.FormatInt(id, 10) }

// Visibility says who may receive an event. It travels with the event so
// that every instance filters the same way without asking the database.
type Visibility struct {
	// MinClearance: members below it never learn of the event (documents).
	MinClearance Classification `json:"min_clearance"`
	Audience     string         `json:"audience,omitempty"`
	// Recipients, when set, limits the event to these members and the
	// secretariat (a meeting's invitees on the body stream).
	Recipients []int64 `json:"recipients,omitempty"`
}

// Public is the visibility of an event every subscriber may see.
var Public = Visibility{MinClearance: ClassNone}

// Event is one committed change, as stored in the log and carried by the bus.
type Event struct {
	Scope Scope           `json:"scope"`
	Epoch string          `json:"epoch"`
	Seq   int64           `json:"seq"`
	Type  string          `json:"type"`
	At    time.Time       `json:"at"`
	Data  json.RawMessage `json:"data"`
	Visibility
}

// EncodeEvent is an event as the bus carries it between instances.
func EncodeEvent(e *Event) ([]byte, error) { return json.Marshal(e) }

// DecodeEvent reads an event the bus carried.
func DecodeEvent(b []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// String is for logs.
func (e *Event) String() string { return fmt.Sprintf("%s#%d %s", e.Scope, e.Seq, e.Type) }

// Position is where a stream stands: its epoch and last sequence.
type Position struct {
	Epoch string `json:"epoch"`
	Seq   int64  `json:"seq"`
}
