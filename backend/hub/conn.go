package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
)

// readLimit is the largest client frame; PROTOCOL.md states it.
const readLimit = 64 << 10

// writeWait bounds one write to a client.
const writeWait = 10 * time.Second

// Conn is one WebSocket connection. Its reader runs in the HTTP handler
// (Serve); its writer is the only goroutine that writes to the socket.
type Conn struct {
	hub       *Hub
	ws        *websocket.Conn
	actor     ecabinet.Actor
	tokenHash string

	// The send queue: frames wait in queue until the writer takes them all
	// at once; pending counts those not yet written (queued or taken), and
	// is what ECABINET_WS_QUEUE bounds. An idle connection holds no buffer
	// (a channel of QueueSize frames took 6 KiB per connection, idle or not).
	qmu       sync.Mutex
	queue     [][]byte
	pending   int                     // under qmu
	wake      chan struct{}           // capacity 1: the writer has frames to take
	closeReq  chan closeMsg           // the first close request wins
	closeOnce sync.Once               //
	done      chan struct{}           // closed when the reader has returned
	subs      map[ecabinet.Scope]*sub // owned by the reader
}

type closeMsg struct {
	code   int
	reason string
}

// Serve runs a connection until it ends. It must be called from the HTTP
// handler, which must not return before Serve does (Fiber recycles the
// connection then).
func (h *Hub) Serve(ws *websocket.Conn, actor ecabinet.Actor, tokenHash string) {
	c := &Conn{
		hub: h, ws: ws, actor: actor, tokenHash: tokenHash,
		wake: make(chan struct{}, 1), closeReq: make(chan closeMsg, 1), done: make(chan struct{}),
		subs: map[ecabinet.Scope]*sub{},
	}
	h.mu.Lock()
	if h.draining.Load() {
		h.mu.Unlock()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseGoingAway, retryReason()), time.Now().Add(time.Second))
		_ = ws.Close()
		return
	}
	h.conns[c] = struct{}{}
	h.handlers.Add(1)
	h.mu.Unlock()
	h.opts.Metrics.Connections.Inc()
	defer func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
		h.opts.Metrics.Connections.Dec()
		h.handlers.Done()
	}()

	writerDone := make(chan struct{})
	go func() { defer close(writerDone); c.writer() }()
	c.enqueueJSON(Hello{Type: "hello", V: Version, MemberID: actor.MemberID, Instance: h.opts.Instance, HeartbeatMS: h.opts.Heartbeat.Milliseconds()})
	c.reader()

	close(c.done)
	_ = ws.Close()
	<-writerDone
	for _, s := range c.subs {
		h.inbox <- command{detach: s}
	}
}

func retryReason() string { return fmt.Sprintf("retry_ms=%d", 250+rand.IntN(1750)) }

func (c *Conn) reader() {
	c.ws.SetReadLimit(readLimit)
	deadline := func() { _ = c.ws.SetReadDeadline(time.Now().Add(2 * c.hub.opts.Heartbeat)) }
	deadline()
	c.ws.SetPongHandler(func(string) error { deadline(); return nil })
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		deadline()
		if typ != websocket.TextMessage {
			c.sendError("", "", ecabinet.Errorf(ecabinet.EINVALID, "ws.text_only"))
			continue
		}
		f, err := decodeClientFrame(data)
		if err != nil {
			c.sendError("", "", err)
			continue
		}
		switch f.Type {
		case "subscribe":
			c.subscribe(f)
		case "unsubscribe":
			c.unsubscribe(f)
		case "ping":
			c.enqueueJSON(Reply{Type: "pong", Ref: f.Ref})
		default:
			c.sendError(f.Ref, f.Scope, ecabinet.FieldError("type", "field.enum", "type"))
		}
	}
}

// decodeClientFrame reads one client frame strictly: a single JSON object
// with known fields only.
func decodeClientFrame(data []byte) (ClientFrame, error) {
	var f ClientFrame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return ClientFrame{}, ecabinet.Errorf(ecabinet.EINVALID, "json.malformed")
	}
	if dec.More() {
		return ClientFrame{}, ecabinet.Errorf(ecabinet.EINVALID, "json.trailing")
	}
	if len(f.Ref) > 100 {
		return ClientFrame{}, ecabinet.FieldError("ref", "field.too_long", "ref", 100)
	}
	return f, nil
}

// writer drains the queue, pings, rechecks the sign-in and closes.
func (c *Conn) writer() {
	ping := time.NewTicker(c.hub.opts.Heartbeat)
	defer ping.Stop()
	check := time.NewTicker(c.hub.opts.SignInCheck + time.Duration(rand.Int64N(int64(time.Minute))))
	defer check.Stop()
	var batch [][]byte
	for {
		select {
		case <-c.wake:
			c.qmu.Lock()
			batch, c.queue = c.queue, batch[:0]
			c.qmu.Unlock()
			for i, frame := range batch {
				_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
				if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
					_ = c.ws.Close()
					return
				}
				batch[i] = nil
				c.qmu.Lock()
				c.pending--
				c.qmu.Unlock()
				c.hub.opts.Metrics.Frames.Inc()
			}
			if cap(batch) > 16 {
				batch = nil // a burst's buffer goes back to the heap
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				_ = c.ws.Close()
				return
			}
		case <-check.C:
			if c.hub.opts.SignIns != nil {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				err := c.hub.opts.SignIns.Check(ctx, c.tokenHash)
				cancel()
				if ecabinet.ErrorCode(err) == ecabinet.EUNAUTHENTICATED {
					c.closeWith(CloseSignedOut, "signed out")
				}
			}
		case m := <-c.closeReq:
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(m.code, m.reason), time.Now().Add(time.Second))
			_ = c.ws.Close()
			return
		case <-c.done:
			return
		}
	}
}

// closeWith asks the writer to close the connection with code. It never blocks.
func (c *Conn) closeWith(code int, reason string) {
	c.closeOnce.Do(func() {
		if code == CloseResume {
			c.hub.opts.Metrics.Overflows.Inc()
		}
		c.closeReq <- closeMsg{code: code, reason: reason}
	})
}

// enqueue hands a frame to the writer; a full queue means the client is
// too slow, and it is closed with CloseResume to reconnect and resume.
func (c *Conn) enqueue(frame []byte) {
	c.qmu.Lock()
	if c.pending >= c.hub.opts.QueueSize {
		c.qmu.Unlock()
		c.closeWith(CloseResume, "behind")
		return
	}
	c.queue = append(c.queue, frame)
	c.pending++
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // the writer is already woken
	}
}

func (c *Conn) enqueueJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.hub.log.Error("frame not encodable", "err", err)
		return
	}
	c.enqueue(b)
}

// deliver sends an event if this member may see it.
func (c *Conn) deliver(e *event) {
	if !e.VisibleTo(c.actor) {
		c.hub.opts.Metrics.Filtered.Inc()
		return
	}
	c.enqueue(e.frame)
}

func (c *Conn) sendError(ref string, scope ecabinet.Scope, err error) {
	e := ecabinet.AsError(err)
	if e.Code == ecabinet.EINTERNAL || e.Code == ecabinet.EUNAVAILABLE {
		c.hub.log.Warn("subscription failed", "member_id", c.actor.MemberID, "scope", scope, "err", err)
	}
	c.enqueueJSON(ErrorFrame{Type: "error", Ref: ref, Scope: scope, Code: e.Code, Message: e.Message("vi")})
}

// call runs a command on the dispatcher and waits for it.
func (h *Hub) call(cmd command) error {
	cmd.reply = make(chan error, 1)
	select {
	case h.inbox <- cmd:
	case <-h.stop:
		return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
	select {
	case err := <-cmd.reply:
		return err
	case <-h.stop:
		return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
}

// subscribe authorises the scope, attaches the subscription (live events now
// wait in its pending list), replays the missed events from the log or sends
// a snapshot, and hands off to live delivery.
func (c *Conn) subscribe(f ClientFrame) {
	if _, _, err := f.Scope.Parse(); err != nil {
		c.sendError(f.Ref, f.Scope, err)
		return
	}
	if old := c.subs[f.Scope]; old != nil {
		c.hub.inbox <- command{detach: old}
		delete(c.subs, f.Scope)
	}
	ctx, cancel := context.WithTimeout(ecabinet.NewContextWithActor(context.Background(), c.actor), 15*time.Second)
	defer cancel()
	if err := c.hub.opts.Scopes.Authorize(ctx, f.Scope); err != nil {
		c.sendError(f.Ref, f.Scope, err)
		return
	}
	s := &sub{conn: c, scope: f.Scope}
	if err := c.hub.call(command{attach: s}); err != nil {
		c.sendError(f.Ref, f.Scope, err)
		return
	}
	c.subs[f.Scope] = s
	pos, err := c.sync(ctx, f)
	if err != nil {
		c.hub.inbox <- command{detach: s}
		delete(c.subs, f.Scope)
		c.sendError(f.Ref, f.Scope, err)
		return
	}
	_ = c.hub.call(command{handoff: s, pos: pos})
}

// sync sends what the client missed and returns the seq it reached.
func (c *Conn) sync(ctx context.Context, f ClientFrame) (int64, error) {
	head, err := c.hub.opts.Log.Head(ctx, f.Scope)
	if err != nil {
		return 0, err
	}
	replay := f.Epoch != "" && f.Epoch == head.Epoch && f.LastSeq > 0 && f.LastSeq <= head.Seq && head.Seq-f.LastSeq <= c.hub.opts.ReplayLimit
	if !replay {
		data, pos, err := c.hub.opts.Scopes.Snapshot(ctx, f.Scope)
		if err != nil {
			return 0, err
		}
		c.enqueueJSON(Subscribed{Type: "subscribed", Ref: f.Ref, Scope: f.Scope, Epoch: pos.Epoch, Seq: pos.Seq, Mode: ModeSnapshot})
		c.enqueueJSON(SnapshotFrame{Type: "snapshot", Scope: f.Scope, Epoch: pos.Epoch, Seq: pos.Seq, Data: data})
		return pos.Seq, nil
	}
	c.enqueueJSON(Subscribed{Type: "subscribed", Ref: f.Ref, Scope: f.Scope, Epoch: head.Epoch, Seq: f.LastSeq, Mode: ModeReplay})
	pos := f.LastSeq
	if pos == head.Seq {
		// Nothing missed (a tablet resuming where it was): events after
		// head reach the dispatcher after attach, so handoff sends them.
		return pos, nil
	}
	for {
		events, err := c.hub.opts.Log.After(ctx, f.Scope, pos, 1000)
		if err != nil {
			return 0, err
		}
		for _, e := range events {
			if e.VisibleTo(c.actor) {
				frame, err := encodeEvent(e)
				if err != nil {
					return 0, err
				}
				c.enqueue(frame)
			}
			pos = e.Seq
		}
		if len(events) < 1000 {
			return pos, nil
		}
	}
}

func (c *Conn) unsubscribe(f ClientFrame) {
	if s := c.subs[f.Scope]; s != nil {
		c.hub.inbox <- command{detach: s}
		delete(c.subs, f.Scope)
	}
	c.enqueueJSON(Reply{Type: "unsubscribed", Ref: f.Ref, Scope: f.Scope})
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
