// Package hub delivers committed events to the WebSocket connections of one
// instance. The bus brings each event once per scope; the hub's dispatcher
// goroutine orders them per scope, has gaps repaired from the event log,
// filters them per member and hands pre-encoded frames to each connection's
// bounded queue, which one writer goroutine per connection drains. The
// dispatcher never waits on the database or the bus: log reads and bus
// subscriptions run beside it and post their results back. See PROTOCOL.md.
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

// EventLog is where committed events are read back (eventlog.Log).
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
	// SyncTimeout bounds one subscription's replay or snapshot (default 60 s);
	// a client that reads too slowly to catch up within it is closed with
	// CloseResume and resumes from what it received.
	SyncTimeout time.Duration
	// WriteTimeout bounds the writing of one batch of frames to a client
	// (default 10 s); a connection whose write takes longer is closed.
	WriteTimeout time.Duration
}

// Hub is the real-time side of one instance.
type Hub struct {
	opts Options
	log  *slog.Logger
	bus  bus.Bus

	inbox chan command
	stop  chan struct{}
	done  chan struct{}
	ops   busOps
	// reads bounds the log reads of gap repairs running at once.
	reads chan struct{}

	// Owned by the dispatcher goroutine.
	scopes  map[ecabinet.Scope]*scopeState
	polling bool // a poll of the stream heads is under way

	// started is the origin of clock.
	started time.Time

	mu       sync.Mutex
	conns    map[*Conn]struct{}
	nextBeat uint8 // under mu: the heartbeat slice of the next connection
	beat     uint8 // under mu: the slice the next heartbeat pings
	draining atomic.Bool
	handlers sync.WaitGroup
}

// signOutChannel carries sign-outs to every instance.
const signOutChannel = "signout"

// logTimeout bounds one read of the event log or one bus operation.
const logTimeout = 10 * time.Second

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
	if opts.SyncTimeout <= 0 {
		opts.SyncTimeout = time.Minute
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	h := &Hub{
		opts: opts, log: opts.Logger.With("component", "hub"),
		inbox: make(chan command, 4096), stop: make(chan struct{}), done: make(chan struct{}),
		reads:  make(chan struct{}, 8),
		scopes: map[ecabinet.Scope]*scopeState{}, conns: map[*Conn]struct{}{},
		started: time.Now(),
	}
	h.ops.wake = make(chan struct{}, 1)
	return h
}

// BusHandlers are the handlers to give the bus.
func (h *Hub) BusHandlers() bus.Handlers {
	return bus.Handlers{
		OnMessage: func(channel string, data []byte) {
			if channel == signOutChannel {
				h.post(command{signOut: data})
				return
			}
			h.post(command{msg: data})
		},
		OnResync: func() { h.post(command{resync: true}) },
	}
}

// Start runs the dispatcher on b.
func (h *Hub) Start(ctx context.Context, b bus.Bus) error {
	h.bus = b
	if err := b.Subscribe(ctx, signOutChannel); err != nil {
		return err
	}
	go h.runOps()
	go h.dispatch()
	go h.every(max(h.opts.Heartbeat/heartbeatSlices, time.Millisecond), h.heartbeat)
	go h.every(h.opts.WriteTimeout/4, h.watchWrites)
	if h.opts.SignIns != nil {
		go h.every(h.opts.SignInCheck, h.checkSignIns)
	}
	return nil
}

// conns returns the open connections.
func (h *Hub) connections() []*Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*Conn, 0, len(h.conns))
	for c := range h.conns {
		out = append(out, c)
	}
	return out
}

// every runs fn each period until the hub stops.
func (h *Hub) every(period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			fn()
		}
	}
}

// heartbeatSlices is how many parts of the heartbeat period the hub's
// pings are spread over. Pinging every connection at once started a writer
// and a write for each of thousands of sockets in the same moment, every
// period: deliveries and requests that came then waited (W2 saw a second of
// 300–800 ms answers every 25 s with the machine a quarter to half busy).
const heartbeatSlices = 25

// heartbeat pings the connections of the next slice (no ticker per
// connection); each connection is pinged once per heartbeat period, and a
// client that does not answer is closed by its reader's deadline, twice
// the period. Called by one goroutine at a time.
func (h *Hub) heartbeat() {
	h.mu.Lock()
	due := make([]*Conn, 0, len(h.conns)/heartbeatSlices+1)
	for c := range h.conns {
		if c.beat == h.beat {
			due = append(due, c)
		}
	}
	h.beat = (h.beat + 1) % heartbeatSlices
	h.mu.Unlock()
	for _, c := range due {
		c.enqueue(entry{kind: pingFrame})
	}
}

// clock is the hub's monotonic time in nanoseconds, never 0.
func (h *Hub) clock() int64 { return int64(time.Since(h.started)) + 1 }

// watchWrites closes, for every connection at once, those whose batch of
// frames has been writing for longer than WriteTimeout (a client that
// stopped reading with full socket buffers): closing the socket ends the
// write. A deadline set on each socket for each batch would do the same
// with a timer armed and disarmed per write.
func (h *Hub) watchWrites() {
	now := h.clock()
	for _, c := range h.connections() {
		if since := c.writingSince.Load(); since != 0 && now-since > int64(h.opts.WriteTimeout) {
			h.log.Info("closing a connection whose write timed out", "member_id", c.actor.MemberID)
			c.closing.Store(true)
			_ = c.ws.Close()
		}
	}
}

// checkSignIns rechecks the sign-in of every connection (once per
// sign-in), and closes those whose sign-in ended with CloseSignedOut. A
// sign-out closes them at once anyway (SignOut); this catches expiry and
// the idle timeout.
func (h *Hub) checkSignIns() {
	byToken := map[string][]*Conn{}
	for _, c := range h.connections() {
		byToken[c.tokenHash] = append(byToken[c.tokenHash], c)
	}
	for token, conns := range byToken {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := h.opts.SignIns.Check(ctx, token)
		cancel()
		if ecabinet.ErrorCode(err) == ecabinet.EUNAUTHENTICATED {
			for _, c := range conns {
				c.closeWith(CloseSignedOut, "signed out")
			}
		}
	}
}

// Stop ends the dispatcher. Call after Shutdown.
func (h *Hub) Stop() {
	close(h.stop)
	<-h.done
}

// post hands a command to the dispatcher; it gives up once the hub stops.
func (h *Hub) post(c command) {
	select {
	case h.inbox <- c:
	case <-h.stop:
	}
}

// call runs a command on the dispatcher and waits for its reply.
func (h *Hub) call(c command) reply {
	c.reply = make(chan reply, 1)
	select {
	case h.inbox <- c:
	case <-h.stop:
		return reply{err: ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")}
	}
	select {
	case r := <-c.reply:
		return r
	case <-h.stop:
		return reply{err: ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")}
	}
}

// command is work for the dispatcher.
type command struct {
	msg     []byte // an event from the bus
	signOut []byte // a sign-out from the bus
	resync  bool   // the bus may have lost messages

	attach  *sub // a subscription to add (replies when its scope is ready)
	detach  *sub // a subscription to remove
	handoff *sub // a subscription done syncing up to its pos (replies)

	ready    *scopeState // the bus subscription and head read of a scope ended
	head     ecabinet.Position
	repaired *scopeState // a gap repair's log read ended
	events   []*ecabinet.Event
	heads    map[ecabinet.Scope]*scopeState // a poll of the stream heads ended
	polled   map[ecabinet.Scope]ecabinet.Position
	err      error

	reply chan reply
}

// reply answers attach and handoff. For a handoff, behind is the seq the
// instance has delivered beyond the subscription's pos: the syncer reads up
// to it from the log and hands off again.
type reply struct {
	err    error
	behind int64
	// head is, for an attach, where this instance stands in the scope.
	head ecabinet.Position
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
			h.pollHeads()
		case c := <-h.inbox:
			h.handle(c)
		}
	}
}

func (h *Hub) handle(c command) {
	switch {
	case c.msg != nil:
		e, err := ecabinet.DecodeEvent(c.msg)
		if err != nil {
			h.log.Warn("undecodable event from the bus", "err", err)
			return
		}
		h.onEvent(e)
	case c.signOut != nil:
		h.onSignOut(c.signOut)
	case c.resync:
		h.pollHeads()
	case c.attach != nil:
		h.attach(c.attach, c.reply)
	case c.detach != nil:
		h.detach(c.detach)
	case c.handoff != nil:
		c.reply <- h.handoff(c.handoff)
	case c.ready != nil:
		h.onReady(c.ready, c.head, c.err)
	case c.repaired != nil:
		h.onRepaired(c.repaired, c.events, c.err)
	case c.heads != nil:
		h.onHeads(c.heads, c.polled, c.err)
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

// Draining reports whether the hub refuses new connections.
func (h *Hub) Draining() bool { return h.draining.Load() }

// Shutdown refuses new connections, closes every connection with 1001 and a
// retry hint, and waits for their handlers to return or ctx to end.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.draining.Store(true)
	for c := range h.conns {
		c.closeWith(CloseGoingAway, retryReason())
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() { h.handlers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
