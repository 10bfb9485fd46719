// Command ecabinet-floor is the floor of the load benchmarks (workload W0):
// the smallest broadcast server that speaks enough of the real-time
// protocol (backend/hub/PROTOCOL.md) for the same Go client, on the same
// WebSocket library as the hub (gofiber/contrib/websocket over
// fasthttp/websocket) with its default settings, and nothing else: no
// sign-in, no log, no bus, no database, no per-connection writer or queue.
//
//	ECABINET_ADDR=127.0.0.1:9000 ecabinet-floor
//
// GET /api/v1/ws          upgrade; "hello", then "subscribe" frames are
//
//	answered "subscribed" at the scope's current seq
//
// POST /publish?scope=S   the body (JSON) becomes the data of the next event
//
//	of S ("agenda.updated"), encoded once and written to
//	every subscriber of S before the answer
//
// POST /api/v1/ballots/:id/answers
//
//	the floor of W5: the answer is decoded as e-Cabinet decodes it
//	(strictly, into the same type, checked against the default
//	rules) and a receipt is encoded back; nothing is stored
//
// GET /healthz, /readyz   200
// GET /stats              {"connections": n, "goroutines": n}
//
// It is a measuring instrument, not a server to deploy.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

type conn struct {
	mu sync.Mutex // one writer at a time
	ws *websocket.Conn
}

func (c *conn) write(frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		_ = c.ws.Close()
	}
}

type scope struct {
	mu   sync.Mutex // orders the events of the scope
	seq  int64
	subs map[*conn]struct{}
}

type floor struct {
	mu     sync.Mutex
	scopes map[string]*scope
	conns  atomic.Int64
}

func (f *floor) scope(name string) *scope {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.scopes[name]
	if s == nil {
		s = &scope{subs: map[*conn]struct{}{}}
		f.scopes[name] = s
	}
	return s
}

type clientFrame struct {
	Type  string `json:"type"`
	Ref   string `json:"ref"`
	Scope string `json:"scope"`
}

func (f *floor) serve(ws *fws.Conn) {
	c := &conn{ws: ws.Conn}
	f.conns.Add(1)
	defer f.conns.Add(-1)
	c.write([]byte(`{"type":"hello","v":1,"member_id":0,"instance":"floor","heartbeat_ms":25000}`))
	var subscribed []*scope
	defer func() {
		for _, s := range subscribed {
			s.mu.Lock()
			delete(s.subs, c)
			s.mu.Unlock()
		}
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var cf clientFrame
		if json.Unmarshal(data, &cf) != nil {
			continue
		}
		switch cf.Type {
		case "subscribe":
			s := f.scope(cf.Scope)
			s.mu.Lock()
			s.subs[c] = struct{}{}
			reply, _ := json.Marshal(map[string]any{"type": "subscribed", "ref": cf.Ref, "scope": cf.Scope, "epoch": "floor", "seq": s.seq, "mode": "replay"})
			c.write(reply)
			s.mu.Unlock()
			subscribed = append(subscribed, s)
		case "ping":
			reply, _ := json.Marshal(map[string]any{"type": "pong", "ref": cf.Ref})
			c.write(reply)
		}
	}
}

type eventFrame struct {
	// Prev is the same for every subscriber: each got every event after
	// the seq it subscribed at (the floor filters nothing).
	Prev  int64           `json:"prev"`
	Type  string          `json:"type"`
	Scope string          `json:"scope"`
	Epoch string          `json:"epoch"`
	Seq   int64           `json:"seq"`
	Event string          `json:"event"`
	At    time.Time       `json:"at"`
	Data  json.RawMessage `json:"data"`
}

func (f *floor) publish(c *fiber.Ctx) error {
	name := c.Query("scope")
	if name == "" || !json.Valid(c.Body()) {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	s := f.scope(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	frame, err := json.Marshal(eventFrame{Prev: s.seq - 1, Type: "event", Scope: name, Epoch: "floor", Seq: s.seq, Event: "agenda.updated",
		At: time.Now().UTC(), Data: append(json.RawMessage(nil), c.Body()...)})
	if err != nil {
		return err
	}
	for sub := range s.subs {
		sub.write(frame)
	}
	return c.JSON(map[string]int64{"seq": s.seq, "subscribers": int64(len(s.subs))})
}

// answer decodes one ballot answer the way e-Cabinet's route does and
// answers with a receipt, storing nothing.
func answer(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return c.SendStatus(fiber.StatusNotFound)
	}
	var in ecabinet.AnswerInput
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	if _, err := dec.Token(); err != io.EOF {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	if err := in.Validate(ecabinet.DefaultBodySettings()); err != nil {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	return c.JSON(ecabinet.AnswerReceipt{BallotID: int64(id), Answers: in.Answers, AnsweredAt: time.Now().UTC()})
}

func main() {
	addr := os.Getenv("ECABINET_ADDR")
	if addr == "" {
		addr = "127.0.0.1:9000"
	}
	f := &floor{scopes: map[string]*scope{}}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app.Get("/healthz", ok)
	app.Get("/readyz", ok)
	app.Get("/stats", func(c *fiber.Ctx) error {
		return c.JSON(map[string]int64{"connections": f.conns.Load(), "goroutines": int64(runtime.NumGoroutine())})
	})
	app.Post("/publish", f.publish)
	app.Post("/api/v1/ballots/:id/answers", answer)
	app.Get("/api/v1/ws", fws.New(f.serve))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet-floor:", err)
		os.Exit(1)
	}
	if err := app.Listener(ln); err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet-floor:", err)
		os.Exit(1)
	}
}
