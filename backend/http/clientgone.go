package http

import (
	"context"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

// goneEvery is how often a long request checks that its client is there.
const goneEvery = 200 * time.Millisecond

// whileConnected returns the request's context, cancelled also once the
// client has closed its connection. fasthttp does not notice a client that
// leaves while a handler runs; a handler that makes the client wait (a
// document being stamped) uses this so that its work stops with the
// client. The connection is watched by peeking at it, which takes nothing
// the server would read next. cancel must be called when the handler ends.
func whileConnected(c *fiber.Ctx) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(c.UserContext())
	conn := c.Context().Conn()
	for {
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		conn = u.NetConn()
	}
	watch := closedWatcher(conn)
	if watch == nil {
		return ctx, cancel
	}
	go func() {
		t := time.NewTicker(goneEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if watch() {
				cancel()
				return
			}
		}
	}()
	return ctx, cancel
}
