package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
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

// writeWait bounds one write to a client.
const writeWait = 10 * time.Second

// socket is the part of a WebSocket connection the hub uses; the
// *websocket.Conn of github.com/fasthttp/websocket is one, and tests use
// others.
type socket interface {
	ReadMessage() (messageType int, p []byte, err error)
	SetReadLimit(limit int64)
	SetReadDeadline(t time.Time) error
	SetPongHandler(h func(appData string) error)
	NextWriter(messageType int) (io.WriteCloser, error)
	WriteMessage(messageType int, data []byte) error
	WriteControl(messageType int, data []byte, deadline time.Time) error
	SetWriteDeadline(t time.Time) error
	Close() error
}

// Conn is one WebSocket connection. Its reader runs in the HTTP handler
// (Serve); its writer is the only goroutine that writes to the socket.
type Conn struct {
	hub       *Hub
	ws        socket
	actor     ecabinet.Actor
	tokenHash string

	// The send queue: entries wait in queue until the writer takes them all
	// at once; pending counts those not yet written (queued or taken), and
	// is what ECABINET_WS_QUEUE bounds. An idle connection holds no buffer.
	qmu     sync.Mutex
	queue   []entry
	pending atomic.Int32
	// closing is set by the first close request (an overflow, a sign-out, a
	// shutdown) and when the writer stops: from then on nothing is queued
	// and nothing but the close is written, so a connection never sends an
	// event after one it dropped.
	closing   atomic.Bool
	wake      chan struct{} // capacity 1: the writer has entries to take
	room      chan struct{} // capacity 1: the writer wrote a batch (a replay waits for room)
	closeReq  chan closeMsg // the first close request wins
	closeOnce sync.Once
	done      chan struct{} // closed when the reader has returned

	subs       map[ecabinet.Scope]*sub // owned by the reader
	subscribes tokens                  // owned by the reader
	// written is, per scope, the seq of the last position frame written
	// (an event, a snapshot, a replay's subscribed): what the client holds.
	// Owned by the writer.
	written map[ecabinet.Scope]int64
}

// entry is one frame waiting to be written.
type entry struct {
	frame []byte
	kind  entryKind
	scope ecabinet.Scope // for positions and events
	seq   int64          // for positions and events
	prev  int64          // for events: the seq of the previous frame of the scope sent on this connection
}

type entryKind uint8

const (
	plainFrame    entryKind = iota // hello, pong, error, unsubscribed, a snapshot's subscribed
	positionFrame                  // a snapshot, a replay's subscribed: the client's position is now seq
	eventFrame                     // an event: written with "prev" in front
)

type closeMsg struct {
	code   int
	reason string
}

// Serve runs a connection until it ends. It must be called from the HTTP
// handler, which must not return before Serve does (Fiber recycles the
// connection then).
func (h *Hub) Serve(ws *websocket.Conn, actor ecabinet.Actor, tokenHash string) {
	h.serve(ws, actor, tokenHash)
}

func (h *Hub) serve(ws socket, actor ecabinet.Actor, tokenHash string) {
	c := &Conn{
		hub: h, ws: ws, actor: actor, tokenHash: tokenHash,
		wake: make(chan struct{}, 1), room: make(chan struct{}, 1), closeReq: make(chan closeMsg, 1), done: make(chan struct{}),
		subs: map[ecabinet.Scope]*sub{}, subscribes: newTokens(subscribeBurst, subscribeEvery), written: map[ecabinet.Scope]int64{},
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
			c.subscribe(f)
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
	defer c.closing.Store(true) // nothing is queued for a connection nobody writes to
	ping := time.NewTicker(c.hub.opts.Heartbeat)
	defer ping.Stop()
	check := time.NewTicker(c.hub.opts.SignInCheck + time.Duration(rand.Int64N(int64(time.Minute))))
	defer check.Stop()
	var batch []entry
	for {
		select {
		case <-c.wake:
			c.qmu.Lock()
			batch, c.queue = c.queue, batch[:0]
			c.qmu.Unlock()
			written, err := c.writeBatch(batch)
			clear(batch)
			c.pending.Add(-int32(len(batch)))
			c.hub.opts.Metrics.Frames.Add(float64(written))
			select {
			case c.room <- struct{}{}:
			default:
			}
			if err != nil {
				_ = c.ws.Close()
				return
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
			if m.code == CloseResume && m.reason == reasonBehind {
				m.reason = c.positions()
			}
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(m.code, m.reason), time.Now().Add(time.Second))
			_ = c.ws.Close()
			return
		case <-c.done:
			return
		}
	}
}

// writeBatch writes entries in order until the connection starts closing;
// it returns how many it wrote.
func (c *Conn) writeBatch(batch []entry) (int, error) {
	for i, e := range batch {
		if c.closing.Load() {
			return i, nil
		}
		if err := c.write(e); err != nil {
			return i, err
		}
		if e.kind != plainFrame {
			c.written[e.scope] = e.seq
		}
	}
	return len(batch), nil
}

// prevKey starts an event frame as written to one connection: the shared
// frame (encoded once for everyone) follows it without its opening brace.
var prevKey = []byte(`{"prev":`)

func (c *Conn) write(e entry) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	if e.kind != eventFrame {
		return c.ws.WriteMessage(websocket.TextMessage, e.frame)
	}
	w, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	var buf [32]byte
	head := append(buf[:0], prevKey...)
	head = strconv.AppendInt(head, e.prev, 10)
	head = append(head, ',')
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := w.Write(e.frame[1:]); err != nil {
		return err
	}
	return w.Close()
}

// reasonBehind asks the writer to close with the positions it wrote.
const reasonBehind = "behind"

// positions is the reason of a close for falling behind: "behind" and, per
// scope, the last seq written, as many as fit in a close frame (123 bytes),
// such as "behind meeting:12=345 body:1=998".
func (c *Conn) positions() string {
	scopes := make([]string, 0, len(c.written))
	for s := range c.written {
		scopes = append(scopes, string(s))
	}
	sort.Strings(scopes)
	var b strings.Builder
	b.WriteString(reasonBehind)
	for _, s := range scopes {
		part := " " + s + "=" + strconv.FormatInt(c.written[ecabinet.Scope(s)], 10)
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
		c.closeReq <- closeMsg{code: code, reason: reason}
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
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // the writer is already woken
	}
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
