package hub

import (
	"encoding/json"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Version is the protocol version (PROTOCOL.md).
const Version = 1

// Close codes (PROTOCOL.md).
const (
	CloseGoingAway     = 1001 // shutdown: reconnect elsewhere after retry_ms
	CloseTooBig        = 1009 // a client frame over the read limit
	CloseResume        = 4000 // the client fell behind: reconnect and resume at once
	CloseSignedOut     = 4401 // the sign-in ended
	closeNormalClosure = 1000
)

// ClientFrame is what a client sends.
type ClientFrame struct {
	Type    string         `json:"type"`
	Ref     string         `json:"ref,omitempty"`
	Scope   ecabinet.Scope `json:"scope,omitempty"`
	Epoch   string         `json:"epoch,omitempty"`
	LastSeq int64          `json:"last_seq,omitempty"`
}

// Hello is the first frame of the server.
type Hello struct {
	Type        string `json:"type"`
	V           int    `json:"v"`
	MemberID    int64  `json:"member_id"`
	Instance    string `json:"instance"`
	HeartbeatMS int64  `json:"heartbeat_ms"`
}

// Subscribed answers a subscribe.
type Subscribed struct {
	Type  string         `json:"type"`
	Ref   string         `json:"ref,omitempty"`
	Scope ecabinet.Scope `json:"scope"`
	Epoch string         `json:"epoch"`
	Seq   int64          `json:"seq"`
	Mode  string         `json:"mode"` // replay or snapshot
}

// Subscription modes.
const (
	ModeReplay   = "replay"
	ModeSnapshot = "snapshot"
)

// EventFrame carries one event.
type EventFrame struct {
	Type  string          `json:"type"`
	Scope ecabinet.Scope  `json:"scope"`
	Epoch string          `json:"epoch"`
	Seq   int64           `json:"seq"`
	Event string          `json:"event"`
	At    time.Time       `json:"at"`
	Data  json.RawMessage `json:"data"`
}

// SnapshotFrame carries the whole state of a scope at Seq.
type SnapshotFrame struct {
	Type  string         `json:"type"`
	Scope ecabinet.Scope `json:"scope"`
	Epoch string         `json:"epoch"`
	Seq   int64          `json:"seq"`
	Data  any            `json:"data"`
}

// ErrorFrame reports a refused client frame.
type ErrorFrame struct {
	Type    string         `json:"type"`
	Ref     string         `json:"ref,omitempty"`
	Scope   ecabinet.Scope `json:"scope,omitempty"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
}

// Reply answers unsubscribe and ping.
type Reply struct {
	Type  string         `json:"type"`
	Ref   string         `json:"ref,omitempty"`
	Scope ecabinet.Scope `json:"scope,omitempty"`
}

// encodeEvent makes the frame of an event once, for every connection.
func encodeEvent(e *ecabinet.Event) ([]byte, error) {
	return json.Marshal(EventFrame{Type: "event", Scope: e.Scope, Epoch: e.Epoch, Seq: e.Seq, Event: e.Type, At: e.At, Data: e.Data})
}
