package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
)

// memLog is an event log in memory that publishes what it appends on a
// bus, as the store and its relay do. After can be made to wait (block).
type memLog struct {
	mu     sync.Mutex
	epoch  string
	events map[ecabinet.Scope][]*ecabinet.Event
	block  map[ecabinet.Scope]chan struct{}
	bus    bus.Bus
	// skip, when set, is asked per event whether the bus loses it.
	skip func(*ecabinet.Event) bool
	// heads counts reads of a head (Head and Heads).
	heads atomic.Int32
}

func newMemLog() *memLog {
	return &memLog{epoch: "e1", events: map[ecabinet.Scope][]*ecabinet.Event{}, block: map[ecabinet.Scope]chan struct{}{}}
}

// append commits an event and publishes it (unless skip says the bus lost it).
func (l *memLog) append(scope ecabinet.Scope, vis ecabinet.Visibility) *ecabinet.Event {
	l.mu.Lock()
	e := &ecabinet.Event{Scope: scope, Epoch: l.epoch, Seq: int64(len(l.events[scope]) + 1), Type: "test.changed",
		At: time.Unix(0, 0).UTC(), Data: json.RawMessage(`{"n":1}`), Visibility: vis}
	l.events[scope] = append(l.events[scope], e)
	skip := l.skip != nil && l.skip(e)
	l.mu.Unlock()
	if !skip {
		data, _ := json.Marshal(e)
		_ = l.bus.Publish(context.Background(), string(scope), data)
	}
	return e
}

func (l *memLog) Head(ctx context.Context, scope ecabinet.Scope) (ecabinet.Position, error) {
	heads, err := l.Heads(ctx, []ecabinet.Scope{scope})
	return heads[scope], err
}

func (l *memLog) Heads(_ context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]ecabinet.Position, error) {
	l.heads.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[ecabinet.Scope]ecabinet.Position{}
	for _, s := range scopes {
		if n := len(l.events[s]); n > 0 {
			out[s] = ecabinet.Position{Epoch: l.epoch, Seq: int64(n)}
		}
	}
	return out, nil
}

func (l *memLog) After(ctx context.Context, scope ecabinet.Scope, after int64, limit int) ([]*ecabinet.Event, error) {
	l.mu.Lock()
	wait := l.block[scope]
	l.mu.Unlock()
	if wait != nil {
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	all := l.events[scope]
	if after >= int64(len(all)) {
		return nil, nil
	}
	out := all[after:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]*ecabinet.Event(nil), out...), nil
}

// Authorize and Snapshot make memLog the hub's Scopes too: anyone may
// subscribe; a snapshot is the head.
func (l *memLog) Authorize(context.Context, ecabinet.Scope) error { return nil }

func (l *memLog) Snapshot(ctx context.Context, scope ecabinet.Scope) (any, ecabinet.Position, error) {
	pos, err := l.Head(ctx, scope)
	return map[string]int64{"seq": pos.Seq}, pos, err
}

// fakeSocket is one connection's server end. What the server writes goes
// to wire, whose capacity plays the socket buffers: a full wire makes
// writes wait, as a client that reads slowly makes a real socket's.
type fakeSocket struct {
	pings  atomic.Int32
	in     chan []byte
	wire   chan wireMsg
	closed chan struct{}
	once   sync.Once
}

// wireMsg is a data message or, with code set, a close frame.
type wireMsg struct {
	data   []byte
	code   int
	reason string
}

var errFakeClosed = errors.New("fake socket closed")

func newFakeSocket(buffer int) *fakeSocket {
	return &fakeSocket{in: make(chan []byte, 16), wire: make(chan wireMsg, buffer), closed: make(chan struct{})}
}

func (s *fakeSocket) ReadMessage() (int, []byte, error) {
	select {
	case b := <-s.in:
		return websocket.TextMessage, b, nil
	case <-s.closed:
		return 0, nil, errFakeClosed
	}
}

func (s *fakeSocket) SetReadLimit(int64)                {}
func (s *fakeSocket) SetReadDeadline(time.Time) error   { return nil }
func (s *fakeSocket) SetPongHandler(func(string) error) {}
func (s *fakeSocket) WriteMessage(_ int, data []byte) error {
	return s.put(wireMsg{data: append([]byte(nil), data...)}) // a socket keeps no reference to what it writes
}

func (s *fakeSocket) WriteShared(f *sharedFrame) error {
	return s.WriteMessage(websocket.TextMessage, f.data)
}

func (s *fakeSocket) WriteControl(typ int, data []byte, _ time.Time) error {
	if typ == websocket.PingMessage {
		s.pings.Add(1)
	}
	if typ != websocket.CloseMessage {
		return nil
	}
	code, reason := websocket.CloseNormalClosure, ""
	if len(data) >= 2 {
		code, reason = int(data[0])<<8|int(data[1]), string(data[2:])
	}
	return s.put(wireMsg{code: code, reason: reason})
}

func (s *fakeSocket) put(m wireMsg) error {
	select {
	case s.wire <- m:
		return nil
	case <-s.closed:
		return errFakeClosed
	case <-time.After(5 * time.Second):
		return errors.New("fake socket: write timeout")
	}
}

func (s *fakeSocket) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

// testHub starts a hub over log on an in-process bus.
func testHub(tb interface {
	Cleanup(func())
	Fatal(...any)
}, log *memLog, opts Options) *Hub {
	opts.Log, opts.Scopes = log, log
	if opts.Heartbeat == 0 {
		opts.Heartbeat = time.Hour
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 20 * time.Millisecond
	}
	h := New(opts)
	b := bus.NewLocal(h.BusHandlers())
	log.bus = b
	if err := h.Start(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = h.Shutdown(context.Background())
		_ = b.Close()
		h.Stop()
	})
	return h
}

// fakeClient is a client of the real-time protocol over fake sockets. It
// holds the server to its promise: per connection and scope, every event
// follows the frame before it (prev), and nothing invisible arrives.
type fakeClient struct {
	h     *Hub
	actor ecabinet.Actor
	scope ecabinet.Scope
	// buffer and delay: the socket buffers, and the pause after each frame read.
	buffer int
	delay  time.Duration

	pos      ecabinet.Position
	start    int64 // from where every event must arrive: the last snapshot, or the first position replayed from
	started  bool
	received map[int64]int // event seq → times received, over every connection
	conns    int
	closes   []int
}

// connect opens a connection and subscribes from the position held.
func (c *fakeClient) connect() *fakeSocket {
	c.conns++
	sock := newFakeSocket(c.buffer)
	go c.h.serve(sock, c.actor, "")
	f, _ := json.Marshal(ClientFrame{Type: "subscribe", Ref: fmt.Sprint(c.conns), Scope: c.scope, Epoch: c.pos.Epoch, LastSeq: c.pos.Seq})
	sock.in <- f
	return sock
}

// follow reads until done says the client has everything, reconnecting
// after a close, and fails on any broken promise.
func (c *fakeClient) follow(ctx context.Context, done func(ecabinet.Position) bool) error {
	c.received = map[int64]int{}
	for {
		sock := c.connect()
		err := c.read(ctx, sock, done)
		_ = sock.Close()
		if err != errReconnect {
			return err
		}
	}
}

var errReconnect = errors.New("reconnect")

// begin notes where the client first started.
func (c *fakeClient) begin(seq int64) {
	if !c.started {
		c.started, c.start = true, seq
	}
}

func (c *fakeClient) read(ctx context.Context, sock *fakeSocket, done func(ecabinet.Position) bool) error {
	subscribed, snapshot := false, false
	for {
		if c.started && done(c.pos) {
			return nil
		}
		var m wireMsg
		select {
		case m = <-sock.wire:
		case <-time.After(10 * time.Millisecond):
			continue // look at done again
		case <-ctx.Done():
			return fmt.Errorf("stopped at %+v after %d connections: %w", c.pos, c.conns, ctx.Err())
		}
		if c.delay > 0 {
			time.Sleep(c.delay)
		}

		if m.code != 0 {
			c.closes = append(c.closes, m.code)
			if m.code != CloseResume {
				return fmt.Errorf("closed with %d %q", m.code, m.reason)
			}
			return errReconnect
		}
		var f struct {
			Type, Mode, Epoch string
			Scope             ecabinet.Scope
			Seq               int64
			Prev              *int64
			Data              json.RawMessage
		}
		if err := json.Unmarshal(m.data, &f); err != nil {
			return fmt.Errorf("frame %s: %v", m.data, err)
		}
		switch f.Type {
		case "hello":
		case "subscribed":
			subscribed = true
			if f.Mode == ModeSnapshot {
				snapshot = true
			} else {
				c.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
				c.begin(f.Seq)
			}
		case "snapshot":
			if !snapshot {
				return fmt.Errorf("a snapshot without subscribed in snapshot mode")
			}
			snapshot = false
			c.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
			c.started, c.start = true, f.Seq // a snapshot covers what came before it
		case "event":
			switch {
			case !subscribed || snapshot:
				return fmt.Errorf("event #%d before the subscription's start", f.Seq)
			case f.Prev == nil || *f.Prev != c.pos.Seq:
				return fmt.Errorf("connection %d: event #%d with prev %v after #%d: a hole", c.conns, f.Seq, f.Prev, c.pos.Seq)
			case f.Seq <= c.pos.Seq:
				return fmt.Errorf("event #%d after #%d: out of order", f.Seq, c.pos.Seq)
			}
			c.pos = ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
			c.received[f.Seq]++
		default:
			return fmt.Errorf("unexpected frame %s", m.data)
		}
	}
}
