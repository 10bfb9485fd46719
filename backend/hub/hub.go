// Package hub delivers committed events to the WebSocket connections of one
// instance. The bus brings each event once per scope; the hub's dispatcher
// goroutine orders them per scope, repairs gaps from the event log, filters
// them per member and hands pre-encoded frames to each connection's bounded
// queue, which one writer goroutine per connection drains. See PROTOCOL.md.
package hub

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// EventLog is where committed events are read back (store.EventLog).
type EventLog interface {
	Head(ctx context.Context, scope ecabinet.Scope) (ecabinet.Position, error)
	Heads(ctx context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]ecabinet.Position, error)
	After(ctx context.Context, scope ecabinet.Scope, after int64, limit int) ([]*ecabinet.Event, error)
}

// Scopes decides who may subscribe to a scope and what its snapshot is for
// them (store.Scopes). The actor is in ctx.
type Scopes interface {
	// Authorize returns nil when the actor may subscribe; not_found otherwise.
	Authorize(ctx context.Context, scope ecabinet.Scope) error
	// Snapshot returns the state of scope as the actor sees it, and its position.
	Snapshot(ctx context.Context, scope ecabinet.Scope) (any, ecabinet.Position, error)
}

// SignIns checks that a connection's sign-in is still valid.
type SignIns interface {
	Check(ctx context.Context, tokenHash string) error
}

// Options configure a hub.
type Options struct {
	Log      EventLog
	Scopes   Scopes
	SignIns  SignIns
	Instance string
	Logger   *slog.Logger
	Metrics  *Metrics
	// QueueSize is each connection's send queue, in frames (default 256).
	QueueSize int
	// ReplayLimit is the largest gap replayed; a larger one gets a snapshot (default 1000).
	ReplayLimit int64
	// PollInterval is how often the hub compares its position with the log
	// to catch events the bus lost (default 2 s).
	PollInterval time.Duration
	// Heartbeat is the ping interval (default 25 s); a connection silent for
	// twice as long is closed.
	Heartbeat time.Duration
	// SignInCheck is how often a connection's sign-in is checked again (default 5 min).
	SignInCheck time.Duration
}

// Hub is the real-time side of one instance.
type Hub struct {
	opts Options
	log  *slog.Logger
	bus  bus.Bus

	inbox chan command
	stop  chan struct{}
	done  chan struct{}

	// scopes is owned by the dispatcher goroutine.
	scopes map[ecabinet.Scope]*scopeState

	mu       sync.Mutex
	conns    map[*Conn]struct{}
	draining atomic.Bool
	handlers sync.WaitGroup
}

// scopeState is a scope with local subscribers.
type scopeState struct {
	subs  map[*sub]struct{}
	epoch string
	last  int64 // highest seq delivered to this instance's subscribers
}

// sub is one connection's subscription, owned by the dispatcher once attached.
type sub struct {
	conn    *Conn
	scope   ecabinet.Scope
	syncing bool     // replay or snapshot under way: live events wait in pending
	pending []*event // events that arrived while syncing
}

// event is a decoded event with its frame, encoded once for everyone.
type event struct {
	*ecabinet.Event
	frame []byte
}

// maxPending bounds the events buffered for one subscription while it syncs.
const maxPending = 1000

// signOutChannel carries sign-outs to every instance.
const signOutChannel = "signout"

// command is work for the dispatcher.
type command struct {
	msg     []byte     // an event from the bus
	signOut []byte     // a sign-out from the bus
	attach  *sub       // a subscription to add
	detach  *sub       // a subscription to remove
	handoff *sub       // a subscription done syncing up to pos
	pos     int64      // for handoff
	resync  bool       // the bus may have lost messages
	reply   chan error // for attach and handoff
}

// New returns a hub; Start connects it to a bus.
func New(opts Options) *Hub {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 256
	}
	if opts.ReplayLimit <= 0 {
		opts.ReplayLimit = 1000
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 25 * time.Second
	}
	if opts.SignInCheck <= 0 {
		opts.SignInCheck = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	return &Hub{
		opts: opts, log: opts.Logger.With("component", "hub"),
		inbox: make(chan command, 4096), stop: make(chan struct{}), done: make(chan struct{}),
		scopes: map[ecabinet.Scope]*scopeState{}, conns: map[*Conn]struct{}{},
	}
}

// BusHandlers are the handlers to give the bus.
func (h *Hub) BusHandlers() bus.Handlers {
	return bus.Handlers{
		OnMessage: func(channel string, data []byte) {
			if channel == signOutChannel {
				h.inbox <- command{signOut: data}
				return
			}
			h.inbox <- command{msg: data}
		},
		OnResync: func() { h.inbox <- command{resync: true} },
	}
}

// Start runs the dispatcher on b.
func (h *Hub) Start(ctx context.Context, b bus.Bus) error {
	h.bus = b
	if err := b.Subscribe(ctx, signOutChannel); err != nil {
		return err
	}
	go h.dispatch()
	return nil
}

// Stop ends the dispatcher. Call after Shutdown.
func (h *Hub) Stop() {
	close(h.stop)
	<-h.done
}

func (h *Hub) dispatch() {
	defer close(h.done)
	poll := time.NewTicker(h.opts.PollInterval)
	defer poll.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-poll.C:
			h.repairAll()
		case c := <-h.inbox:
			h.handle(c)
		}
	}
}

func (h *Hub) handle(c command) {
	switch {
	case c.msg != nil:
		var e ecabinet.Event
		if err := json.Unmarshal(c.msg, &e); err != nil {
			h.log.Warn("undecodable event from the bus", "err", err)
			return
		}
		h.onEvent(&e)
	case c.signOut != nil:
		h.onSignOut(c.signOut)
	case c.attach != nil:
		c.reply <- h.attach(c.attach)
	case c.handoff != nil:
		h.handoff(c.handoff, c.pos)
		c.reply <- nil
	case c.detach != nil:
		h.detach(c.detach)
	case c.resync:
		h.repairAll()
	}
}

// attach adds a subscription in syncing mode; the first subscription of a
// scope subscribes the bus and reads the scope's head, so that every event
// after the head reaches the dispatcher after this point.
func (h *Hub) attach(s *sub) error {
	st := h.scopes[s.scope]
	if st == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.bus.Subscribe(ctx, string(s.scope)); err != nil {
			return err
		}
		head, err := h.opts.Log.Head(ctx, s.scope)
		if err != nil {
			_ = h.bus.Unsubscribe(ctx, string(s.scope))
			return err
		}
		st = &scopeState{subs: map[*sub]struct{}{}, epoch: head.Epoch, last: head.Seq}
		h.scopes[s.scope] = st
		h.opts.Metrics.Scopes.Inc()
	}
	s.syncing = true
	st.subs[s] = struct{}{}
	return nil
}

// handoff ends a subscription's sync: pending events after pos are sent, and
// from now on events go straight to the connection.
func (h *Hub) handoff(s *sub, pos int64) {
	st := h.scopes[s.scope]
	if st == nil {
		return
	}
	if _, ok := st.subs[s]; !ok {
		return
	}
	s.syncing = false
	for _, e := range s.pending {
		if e.Seq > pos {
			s.conn.deliver(e)
		}
	}
	s.pending = nil
}

func (h *Hub) detach(s *sub) {
	st := h.scopes[s.scope]
	if st == nil {
		return
	}
	delete(st.subs, s)
	if len(st.subs) == 0 {
		delete(h.scopes, s.scope)
		h.opts.Metrics.Scopes.Dec()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.bus.Unsubscribe(ctx, string(s.scope)); err != nil {
			h.log.Warn("bus unsubscribe failed", "scope", s.scope, "err", err)
		}
	}
}

// onEvent delivers an event from the bus in order: a duplicate is dropped,
// a gap is first filled from the log.
func (h *Hub) onEvent(e *ecabinet.Event) {
	st := h.scopes[e.Scope]
	if st == nil {
		return // no local subscriber (any more)
	}
	if e.Epoch != st.epoch && st.epoch != "" {
		h.resetScope(e.Scope, st)
		return
	}
	if e.Seq <= st.last {
		h.opts.Metrics.Duplicates.Inc()
		return
	}
	if e.Seq > st.last+1 {
		h.repair(e.Scope, st) // brings st.last up to at least e.Seq, or leaves it for the poller
		return
	}
	h.deliver(e.Scope, st, e)
}

// deliver encodes e once and hands it to every subscriber allowed to see it.
func (h *Hub) deliver(scope ecabinet.Scope, st *scopeState, raw *ecabinet.Event) {
	frame, err := encodeEvent(raw)
	if err != nil {
		h.log.Error("event not encodable", "event", raw.String(), "err", err)
		return
	}
	st.last, st.epoch = raw.Seq, raw.Epoch
	e := &event{Event: raw, frame: frame}
	h.opts.Metrics.Events.Inc()
	for s := range st.subs {
		if s.syncing {
			if len(s.pending) >= maxPending {
				s.conn.closeWith(CloseResume, "behind")
				continue
			}
			s.pending = append(s.pending, e)
			continue
		}
		s.conn.deliver(e)
	}
}

// repair delivers every event after the scope's position from the log.
func (h *Hub) repair(scope ecabinet.Scope, st *scopeState) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		events, err := h.opts.Log.After(ctx, scope, st.last, 1000)
		if err != nil {
			h.log.Warn("gap repair failed; the poller will retry", "scope", scope, "err", err)
			return
		}
		if len(events) > 0 && events[0].Epoch != st.epoch && st.epoch != "" {
			h.resetScope(scope, st)
			return
		}
		for _, e := range events {
			h.opts.Metrics.Repaired.Inc()
			h.deliver(scope, st, e)
		}
		if len(events) < 1000 {
			return
		}
	}
}

// repairAll compares every scope with the log's head and repairs what the
// bus lost; it runs on a timer and after a bus reconnect.
func (h *Hub) repairAll() {
	if len(h.scopes) == 0 {
		return
	}
	scopes := make([]ecabinet.Scope, 0, len(h.scopes))
	for s := range h.scopes {
		scopes = append(scopes, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	heads, err := h.opts.Log.Heads(ctx, scopes)
	cancel()
	if err != nil {
		h.log.Warn("poll of stream heads failed", "err", err)
		return
	}
	for _, scope := range scopes {
		st, head := h.scopes[scope], heads[scope]
		switch {
		case head.Epoch != "" && st.epoch != "" && head.Epoch != st.epoch:
			h.resetScope(scope, st)
		case head.Seq > st.last:
			h.repair(scope, st)
		}
	}
}

// resetScope handles a new epoch (the log was reset): positions of the old
// one mean nothing, so every subscriber reconnects and gets a snapshot.
func (h *Hub) resetScope(scope ecabinet.Scope, st *scopeState) {
	h.log.Warn("event stream epoch changed; subscribers resume", "scope", scope)
	for s := range st.subs {
		s.conn.closeWith(CloseResume, "epoch")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if head, err := h.opts.Log.Head(ctx, scope); err == nil {
		st.epoch, st.last = head.Epoch, head.Seq
	}
}

// signOut is what travels on the sign-out channel.
type signOut struct {
	MemberID  int64  `json:"member_id,omitempty"`
	TokenHash string `json:"token_hash,omitempty"`
}

// SignOut closes, on every instance, the connections of a sign-in
// (tokenHash) or of every sign-in of a member (memberID).
func (h *Hub) SignOut(ctx context.Context, memberID int64, tokenHash string) error {
	data, err := json.Marshal(signOut{MemberID: memberID, TokenHash: tokenHash})
	if err != nil {
		return err
	}
	return h.bus.Publish(ctx, signOutChannel, data)
}

func (h *Hub) onSignOut(data []byte) {
	var so signOut
	if json.Unmarshal(data, &so) != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		if (so.MemberID != 0 && c.actor.MemberID == so.MemberID) || (so.TokenHash != "" && c.tokenHash == so.TokenHash) {
			c.closeWith(CloseSignedOut, "signed out")
		}
	}
}
