package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
)

// readLimit is the largest client frame; PROTOCOL.md states it.
const readLimit = 64 << 10

// socket is the part of a WebSocket connection the hub uses; the
// *websocket.Conn of github.com/fasthttp/websocket is one, and tests use
// others.
type socket interface {
	ReadMessage() (messageType int, p []byte, err error)
	SetReadLimit(limit int64)
	SetReadDeadline(t time.Time) error
	SetPongHandler(h func(appData string) error)
	WriteMessage(messageType int, data []byte) error
	WriteControl(messageType int, data []byte, deadline time.Time) error
	WriteShared(f *sharedFrame) error
	Close() error
}

// sharedFrame is a text frame written alike to many connections: framed
// once, by the first writer, for all of them.
type sharedFrame struct {
	data     []byte
	prepared *websocket.PreparedMessage
}

func newSharedFrame(data []byte) *sharedFrame {
	pm, _ := websocket.NewPreparedMessage(websocket.TextMessage, data) // fails only with compression, which is off
	return &sharedFrame{data: data, prepared: pm}
}

// wsSocket is a WebSocket connection as the hub writes to it.
type wsSocket struct{ *websocket.Conn }

func (w wsSocket) WriteShared(f *sharedFrame) error { return w.WritePreparedMessage(f.prepared) }

// Conn is one WebSocket connection. Its reader runs in the HTTP handler
// (Serve). Its writer is a goroutine started when frames wait and no writer
// runs, which leaves once the queue is empty: at most one writes at a time,
// and an idle connection holds no writer, ticker or buffer (heartbeats and
// sign-in checks are the hub's, for every connection at once).
type Conn struct {
	hub       *Hub
	ws        socket
	actor     ecabinet.Actor
	tokenHash string

	// The send queue: entries wait in queue until the writer takes them all
	// at once; pending counts those not yet written (queued or taken), and
	// is what ECABINET_WS_QUEUE bounds.
	qmu     sync.Mutex
	queue   []entry
	writing bool      // under qmu: a writer runs
	ended   bool      // under qmu: the handler is returning; no writer may start
	beat    uint8     // under hub.mu: the slice of the heartbeat period it is pinged in
	closeAs *closeMsg // under qmu: the close the writer is to send
	writers sync.WaitGroup
	pending atomic.Int32
	// closing is set by the first close request (an overflow, a sign-out, a
	// shutdown) and when a write fails: from then on nothing is queued and
	// nothing but the close is written, so a connection never sends an
	// event after one it dropped.
	closing   atomic.Bool
	closeOnce sync.Once
	room      chan struct{} // capacity 1: the writer wrote a batch (a replay waits for room)
	// writingSince is when the batch being written started (hub clock), 0
	// between batches: the hub's watchdog closes a connection whose batch
	// takes longer than WriteTimeout, instead of a deadline (a timer) set
	// on the socket for each batch.
	writingSince atomic.Int64
	done         chan struct{} // closed when the reader has returned

	subs       map[ecabinet.Scope]*sub // owned by the reader
	subscribes tokens                  // owned by the reader
	// written is, per scope, the seq of the last position frame written
	// (an event, a snapshot, a replay's subscribed): what the client holds.
	// Owned by the writer (one at a time; each starts after the last left).
	written positions
}

// positions are seqs by scope, for the few scopes a connection holds: a
// slice searched in order costs less per frame than a map.
type positions []position

type position struct {
	scope ecabinet.Scope
	seq   int64
}

// set records seq as the position of scope. It keeps the scope as given:
// the next event's is the same string (its scope state's), which compares
// equal without reading its bytes.
func (ps *positions) set(scope ecabinet.Scope, seq int64) {
	for i := range *ps {
		if (*ps)[i].scope == scope {
			(*ps)[i] = position{scope, seq}
			return
		}
	}
	*ps = append(*ps, position{scope, seq})
}

// entry is one frame waiting to be written.
type entry struct {
	frame []byte
	// shared, for a live event, is the frame with this connection's prev,
	// framed once for every subscriber with the same prev.
	shared *sharedFrame
	kind   entryKind
	scope  ecabinet.Scope // for positions and events
	seq    int64          // for positions and events
	prev   int64          // for events: the seq of the previous frame of the scope sent on this connection
}

type entryKind uint8

const (
	plainFrame    entryKind = iota // hello, pong, error, unsubscribed, a snapshot's subscribed
	positionFrame                  // a snapshot, a replay's subscribed: the client's position is now seq
	eventFrame                     // an event: written with "prev" in front
	pingFrame                      // the hub's heartbeat
)

type closeMsg struct {
	code   int
	reason string
}

// Serve runs a connection until it ends. It must be called from the HTTP
// handler, which must not return before Serve does (Fiber recycles the
// connection then).
func (h *Hub) Serve(ws *websocket.Conn, actor ecabinet.Actor, tokenHash string) {
	h.serve(wsSocket{ws}, actor, tokenHash)
}

func (h *Hub) serve(ws socket, actor ecabinet.Actor, tokenHash string) {
	c := &Conn{
		hub: h, ws: ws, actor: actor, tokenHash: tokenHash,
		room: make(chan struct{}, 1), done: make(chan struct{}),
		subs: map[ecabinet.Scope]*sub{}, subscribes: newTokens(subscribeBurst, subscribeEvery),
	}
	h.mu.Lock()
	if h.draining.Load() {
		h.mu.Unlock()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseGoingAway, retryReason()), time.Now().Add(time.Second))
		_ = ws.Close()
		return
	}
	h.conns[c] = struct{}{}
	c.beat, h.nextBeat = h.nextBeat, (h.nextBeat+1)%heartbeatSlices
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

	c.enqueueJSON(Hello{Type: "hello", V: Version, MemberID: actor.MemberID, Instance: h.opts.Instance, HeartbeatMS: h.opts.Heartbeat.Milliseconds()})
	c.reader()

	// The handler must not return while a writer uses the socket: stop
	// new writers, unblock a write in progress, and wait for it.
	close(c.done)
	c.closing.Store(true)
	c.qmu.Lock()
	c.ended = true
	c.qmu.Unlock()
	_ = ws.Close()
	c.writers.Wait()
	for _, s := range c.subs {
		h.post(command{detach: s})
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
			c.apart(func() { c.subscribe(f) })
			deadline() // a long replay is reading's due too
		case "unsubscribe":
			c.unsubscribe(f)
		case "ping":
			c.enqueueJSON(Reply{Type: "pong", Ref: f.Ref})
		default:
			c.sendError(f.Ref, f.Scope, ecabinet.FieldError("type", "field.enum", "type"))
		}
	}
}

// apart runs fn on a goroutine of its own and waits for it. A subscription
// reads the database through deep call chains; run on the reader, which
// lives as long as the connection, they would leave it a grown stack for
// good (thousands of idle tablets, each holding tens of KiB); the goroutine
// that ran them ends with them. A panic in fn ends the connection, not the
// server.
func (c *Conn) apart(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				c.hub.log.Error("panic in a WebSocket frame's handling", "panic", p, "stack", string(debug.Stack()))
				c.closeWith(websocket.CloseInternalServerErr, "internal error")
			}
		}()
		fn()
	}()
	<-done
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

// startWriter starts a writer unless one runs; called with qmu held.
func (c *Conn) startWriter() {
	if c.writing || c.ended {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.writer()
}

// writer writes what is queued, then the close if one was asked for, and
// leaves when the queue is empty.
func (c *Conn) writer() {
	defer c.writers.Done()
	var batch []entry
	for {
		c.qmu.Lock()
		batch, c.queue = c.queue, batch[:0]
		closeAs := c.closeAs
		if len(batch) == 0 && closeAs == nil {
			c.writing = false
			c.qmu.Unlock()
			return
		}
		c.qmu.Unlock()
		written, err := c.writeBatch(batch)
		clear(batch)
		c.pending.Add(-int32(len(batch)))
		c.hub.opts.Metrics.Frames.Add(float64(written))
		select {
		case c.room <- struct{}{}:
		default:
		}
		if err != nil || closeAs != nil {
			// The connection ends: the writing flag stays set, so no
			// writer starts again (nothing is queued once closing).
			c.closing.Store(true)
			if err == nil {
				if closeAs.code == CloseResume && closeAs.reason == reasonBehind {
					closeAs.reason = c.behind()
				}
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeAs.code, closeAs.reason), time.Now().Add(time.Second))
			}
			_ = c.ws.Close()
			return
		}
		if cap(batch) > 16 {
			batch = nil // a burst's buffer goes back to the heap
		}
	}
}

// writeBatch writes entries in order until the connection starts closing;
// it returns how many it wrote.
func (c *Conn) writeBatch(batch []entry) (int, error) {
	c.writingSince.Store(c.hub.clock())
	defer c.writingSince.Store(0)
	for i, e := range batch {
		if c.closing.Load() {
			return i, nil
		}
		if err := c.write(e); err != nil {
			return i, err
		}
		if e.kind != plainFrame {
			c.written.set(e.scope, e.seq)
		}
	}
	return len(batch), nil
}

// prevKey starts an event frame as written to one connection: the shared
// frame (encoded once for everyone) follows it without its opening brace.
var prevKey = []byte(`{"prev":`)

// frames holds the buffers event frames are put together in, for the time
// of one write.
var frames = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// appendWithPrev appends an event frame as written to one connection: prev
// first, then the frame encoded once for everyone.
func appendWithPrev(b, frame []byte, prev int64) []byte {
	b = append(b, prevKey...)
	b = strconv.AppendInt(b, prev, 10)
	b = append(b, ',')
	return append(b, frame[1:]...)
}

func (c *Conn) write(e entry) error {
	switch e.kind {
	case pingFrame:
		return c.ws.WriteControl(websocket.PingMessage, nil, time.Time{}) // the watchdog bounds it
	case eventFrame:
		if e.shared != nil {
			return c.ws.WriteShared(e.shared)
		}
		bp := frames.Get().(*[]byte)
		b := appendWithPrev((*bp)[:0], e.frame, e.prev)
		err := c.ws.WriteMessage(websocket.TextMessage, b)
		if cap(b) <= 64<<10 {
			*bp = b
			frames.Put(bp)
		}
		return err
	default:
		return c.ws.WriteMessage(websocket.TextMessage, e.frame)
	}
}

// reasonBehind asks the writer to close with the positions it wrote.
const reasonBehind = "behind"

// behind is the reason of a close for falling behind: "behind" and, per
// scope, the last seq written, as many as fit in a close frame (123 bytes),
// such as "behind meeting:12=345 body:1=998".
func (c *Conn) behind() string {
	written := slices.Clone(c.written)
	slices.SortFunc(written, func(a, b position) int { return strings.Compare(string(a.scope), string(b.scope)) })
	var b strings.Builder
	b.WriteString(reasonBehind)
	for _, p := range written {
		part := " " + string(p.scope) + "=" + strconv.FormatInt(p.seq, 10)
		if b.Len()+len(part) > 123 {
			break
		}
		b.WriteString(part)
	}
	return b.String()
}

// closeWith asks the writer to close the connection with code; from now on
// nothing more is queued or written. It never blocks.
func (c *Conn) closeWith(code int, reason string) {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		if code == CloseResume {
			c.hub.opts.Metrics.Overflows.Inc()
		}
		c.qmu.Lock()
		c.closeAs = &closeMsg{code: code, reason: reason}
		c.startWriter()
		c.qmu.Unlock()
	})
}

// enqueue hands an entry to the writer and reports whether it was queued.
// A full queue means the client is too slow: the connection is closed with
// CloseResume, and nothing more is queued, so the client resumes from the
// last frame it received, with nothing skipped.
func (c *Conn) enqueue(e entry) bool {
	c.qmu.Lock()
	if c.closing.Load() {
		c.qmu.Unlock()
		return false
	}
	if int(c.pending.Load()) >= c.hub.opts.QueueSize {
		c.qmu.Unlock()
		c.closeWith(CloseResume, reasonBehind)
		return false
	}
	c.queue = append(c.queue, e)
	c.pending.Add(1)
	c.startWriter()
	c.qmu.Unlock()
	return true
}

func (c *Conn) enqueueJSON(v any) bool {
	return c.enqueueFrame(v, plainFrame, "", 0)
}

func (c *Conn) enqueueFrame(v any, kind entryKind, scope ecabinet.Scope, seq int64) bool {
	b, err := json.Marshal(v)
	if err != nil {
		c.hub.log.Error("frame not encodable", "err", err)
		return false
	}
	return c.enqueue(entry{frame: b, kind: kind, scope: scope, seq: seq})
}

func (c *Conn) sendError(ref string, scope ecabinet.Scope, err error) {
	e := ecabinet.AsError(err)
	if e.Code == ecabinet.EINTERNAL || e.Code == ecabinet.EUNAVAILABLE {
		c.hub.log.Warn("subscription failed", "member_id", c.actor.MemberID, "scope", scope, "err", err)
	}
	c.enqueueJSON(ErrorFrame{Type: "error", Ref: ref, Scope: scope, Code: e.Code, Message: e.Message("vi")})
}
