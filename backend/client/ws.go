package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
)

// Frame is any server frame of the real-time protocol (backend/hub/PROTOCOL.md).
type Frame struct {
	Type  string         `json:"type"`
	Ref   string         `json:"ref,omitempty"`
	Scope ecabinet.Scope `json:"scope,omitempty"`
	Epoch string         `json:"epoch,omitempty"`
	Seq   int64          `json:"seq,omitempty"`
	// Prev is, on an event, the seq of the frame of its scope the server
	// sent before it on this connection (event, snapshot or replay start).
	Prev     int64           `json:"prev,omitempty"`
	Mode     string          `json:"mode,omitempty"`
	Event    string          `json:"event,omitempty"`
	At       time.Time       `json:"at,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	Code     string          `json:"code,omitempty"`
	Message  string          `json:"message,omitempty"`
	MemberID int64           `json:"member_id,omitempty"`
	Instance string          `json:"instance,omitempty"`
	// Received is when the client read the frame (latency measurements).
	Received time.Time `json:"-"`
}

// CloseError is how the server closed a connection.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string { return fmt.Sprintf("websocket closed: %d %s", e.Code, e.Reason) }

// RetryAfter returns the server's reconnection hint (close 1001), or 0.
func (e *CloseError) RetryAfter() time.Duration {
	if v, ok := strings.CutPrefix(e.Reason, "retry_ms="); ok {
		if ms, err := strconv.Atoi(v); err == nil {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return 0
}

// Stream is one real-time connection that remembers, per scope, the
// position reached, so that a new connection resumes where it stopped.
type Stream struct {
	c         *Client
	useTicket bool
	urls      []string // servers to connect to, the current one first
	cur       int      // index in urls of the server of the current connection

	onFrame func(*Frame)
	netDial func(ctx context.Context, network, addr string) (net.Conn, error)

	mu     sync.Mutex
	conn   *websocket.Conn
	frames chan received // the current connection's frames, from its reader
	scopes map[ecabinet.Scope]*scopeState
	refs   int
	gaps   int
	hello  Frame
	wmu    sync.Mutex // one writer at a time
}

// scopeState is where a stream stands in one scope.
type scopeState struct {
	pos ecabinet.Position
	// ref is the subscribe waiting for its answer: until it comes, events
	// of the scope belong to the stream before it and are dropped.
	ref string
	// snapshot: a snapshot was announced; the position moves with it.
	snapshot bool
}

// received is a frame or the error that ended a connection.
type received struct {
	f   *Frame
	err error
}

// StreamOptions change how a stream connects.
type StreamOptions struct {
	// Ticket connects with a single-use ticket instead of the cookie.
	Ticket bool
	// Fallback are other servers (base URLs sharing the sign-in, such as
	// the other instances of a cluster) that Reconnect tries in turn when
	// the current one does not answer.
	Fallback []string
	// OnFrame sees every frame as it arrives, before the stream drops
	// duplicates and frames of an abandoned stream (tests check that the
	// server sends none).
	OnFrame func(*Frame)
	// NetDial, when set, opens the TCP connections (tests use it to read
	// through small socket buffers).
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Connect opens a real-time stream with the client's sign-in.
func (c *Client) Connect(ctx context.Context, opts StreamOptions) (*Stream, error) {
	s := &Stream{c: c, useTicket: opts.Ticket, scopes: map[ecabinet.Scope]*scopeState{}, onFrame: opts.OnFrame, netDial: opts.NetDial,
		urls: append([]string{c.BaseURL}, opts.Fallback...)}
	if err := s.dial(ctx, 0); err != nil {
		return nil, err
	}
	return s, nil
}

// dial connects to the server urls[i]; the first is always the client's
// BaseURL as it is now (a caller may point the client elsewhere).
func (s *Stream) dial(ctx context.Context, i int) error {
	base := strings.TrimRight(s.urls[i], "/")
	if i == 0 {
		base = s.c.BaseURL
	}
	u := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/ws"
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024, NetDialContext: s.netDial}
	if s.useTicket {
		var t struct {
			Ticket string `json:"ticket"`
		}
		c := *s.c // the same sign-in (cookie jar, CSRF token), another server
		c.BaseURL = base
		if err := c.Do(ctx, "POST", "/api/v1/ws/ticket", nil, &t); err != nil {
			return err
		}
		u += "?ticket=" + t.Ticket
	} else {
		d.Jar = s.c.HTTP.Jar
	}
	conn, resp, err := d.DialContext(ctx, u, http.Header{})
	if err != nil {
		if resp != nil {
			return fmt.Errorf("websocket upgrade refused: %d: %w", resp.StatusCode, err)
		}
		return err
	}
	var hello Frame
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := conn.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		_ = conn.Close()
		return fmt.Errorf("no hello from the server: %v", err)
	}
	_ = conn.SetReadDeadline(time.Time{})
	frames := make(chan received, 256)
	go read(conn, frames)
	s.mu.Lock()
	s.conn, s.hello, s.frames, s.cur = conn, hello, frames, i
	s.mu.Unlock()
	return nil
}

// Server returns the base URL of the server of the current connection.
func (s *Stream) Server() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == 0 {
		return s.c.BaseURL
	}
	return s.urls[s.cur]
}

// read is a connection's only reader: it passes frames on until the
// connection ends, then the error, then stops.
func read(conn *websocket.Conn, out chan<- received) {
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				err = &CloseError{Code: ce.Code, Reason: ce.Text}
			}
			out <- received{err: err}
			return
		}
		f := &Frame{Received: time.Now()}
		if err := json.Unmarshal(data, f); err != nil {
			out <- received{err: fmt.Errorf("undecodable frame: %w", err)}
			_ = conn.Close()
			return
		}
		out <- received{f: f}
	}
}

// Hello returns the server's greeting of the current connection.
func (s *Stream) Hello() Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hello
}

// Position returns where the stream stands in scope.
func (s *Stream) Position(scope ecabinet.Scope) ecabinet.Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.scopes[scope]; st != nil {
		return st.pos
	}
	return ecabinet.Position{}
}

// Gaps returns how many times an event did not follow the frame before it
// (its prev was not the position held) and the scope was resubscribed from
// the last contiguous position. A correct server never causes one.
func (s *Stream) Gaps() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gaps
}

func (s *Stream) send(v any) error {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return conn.WriteJSON(v)
}

// SendRaw writes a raw text frame (tests of malformed input).
func (s *Stream) SendRaw(data []byte) error {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return conn.WriteMessage(websocket.TextMessage, data)
}

// Subscribe asks for scope from the stream's position in it (a snapshot
// when it has none).
func (s *Stream) Subscribe(scope ecabinet.Scope) error {
	return s.send(s.subscribeFrame(scope))
}

// subscribeFrame notes a new subscribe of scope and returns its frame.
func (s *Stream) subscribeFrame(scope ecabinet.Scope) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.scopes[scope]
	if st == nil {
		st = &scopeState{}
		s.scopes[scope] = st
	}
	s.refs++
	st.ref, st.snapshot = "r"+strconv.Itoa(s.refs), false
	return map[string]any{"type": "subscribe", "ref": st.ref, "scope": scope, "epoch": st.pos.Epoch, "last_seq": st.pos.Seq}
}

// SubscribeFrom asks for scope from pos, a position the caller already
// holds (a tablet resuming with what it stored): the server replays what
// followed it, or sends a snapshot when pos is too old or of another epoch.
func (s *Stream) SubscribeFrom(scope ecabinet.Scope, pos ecabinet.Position) error {
	s.mu.Lock()
	s.scopes[scope] = &scopeState{pos: pos}
	s.mu.Unlock()
	return s.Subscribe(scope)
}

// Unsubscribe stops scope.
func (s *Stream) Unsubscribe(scope ecabinet.Scope) error {
	s.mu.Lock()
	delete(s.scopes, scope)
	s.mu.Unlock()
	return s.send(map[string]any{"type": "unsubscribe", "scope": scope})
}

// Next returns the next frame. It keeps the positions, drops events
// already applied and those of a stream being resumed, and holds the server
// to its order: an event whose prev is not the position held means events
// were skipped, so the scope is resubscribed from that position (the
// server replays what followed it) and the event is dropped. A closed
// connection returns a *CloseError; a cancelled ctx leaves the connection
// usable.
func (s *Stream) Next(ctx context.Context) (*Frame, error) {
	s.mu.Lock()
	frames := s.frames
	s.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case r := <-frames:
			if r.err != nil {
				return nil, r.err
			}
			if s.onFrame != nil {
				s.onFrame(r.f)
			}
			keep, resume := s.apply(r.f)
			if resume {
				if err := s.Subscribe(r.f.Scope); err != nil {
					return nil, err
				}
			}
			if keep {
				return r.f, nil
			}
		}
	}
}

// apply updates the position and reports whether the frame is for the
// caller, and whether its scope must be resumed.
func (s *Stream) apply(f *Frame) (keep, resume bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.scopes[f.Scope]
	switch f.Type {
	case "subscribed":
		if st == nil || st.ref == "" || f.Ref != st.ref {
			return false, false // the answer to an earlier subscribe
		}
		st.ref = ""
		if f.Mode == "snapshot" {
			st.snapshot = true // the position moves with the snapshot
		} else {
			st.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
		}
	case "snapshot":
		if st == nil || st.ref != "" || !st.snapshot {
			return false, false
		}
		st.snapshot = false
		st.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
	case "event":
		if st == nil || st.ref != "" || st.snapshot {
			return false, false // the stream before the last subscribe
		}
		switch {
		case st.pos.Epoch != "" && f.Epoch != st.pos.Epoch:
			st.pos = ecabinet.Position{} // the log was reset: start over from a snapshot
			return false, true
		case f.Seq <= st.pos.Seq:
			return false, false // a duplicate
		case f.Prev != st.pos.Seq:
			s.gaps++
			return false, true
		}
		st.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
	}
	return true, false
}

// Reconnect opens a new connection (to the current server or, when it does
// not answer, to the next of the fallbacks) and
// re-subscribes every scope from its position: the server replays what was
// missed or sends a snapshot.
func (s *Stream) Reconnect(ctx context.Context) error {
	s.mu.Lock()
	old, cur := s.conn, s.cur
	scopes := make([]ecabinet.Scope, 0, len(s.scopes))
	for sc := range s.scopes {
		scopes = append(scopes, sc)
	}
	s.mu.Unlock()
	_ = old.Close()
	// The current server first, then the fallbacks in turn.
	var err error
	for k := range s.urls {
		if err = s.dial(ctx, (cur+k)%len(s.urls)); err == nil {
			break
		}
		if ctx.Err() != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		if err := s.Subscribe(sc); err != nil {
			return err
		}
	}
	return nil
}

// Run delivers frames to fn until ctx ends, reconnecting and resuming after
// a server close (1001 after its retry hint, 4000 at once) or a network
// error (with backoff). A signed-out stream (4401) or an error of fn ends it.
func (s *Stream) Run(ctx context.Context, fn func(*Frame) error) error {
	backoff := 100 * time.Millisecond
	for {
		f, err := s.Next(ctx)
		if err == nil {
			backoff = 100 * time.Millisecond
			if err := fn(f); err != nil {
				return err
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := backoff
		var ce *CloseError
		if errors.As(err, &ce) {
			switch ce.Code {
			case 4401:
				return err
			case 4000:
				wait = 0
			case 1001:
				wait = ce.RetryAfter()
			}
		}
		for {
			select {
			case <-time.After(wait + time.Duration(rand.Int64N(int64(wait/4+1)))):
			case <-ctx.Done():
				return ctx.Err()
			}
			if rerr := s.Reconnect(ctx); rerr == nil {
				break
			}
			backoff = min(backoff*2, 5*time.Second)
			wait = backoff
		}
	}
}

// Close closes the connection.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn.Close()
}
