package http

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Realtime is the hub as the HTTP layer sees it.
type Realtime interface {
	// Serve runs one upgraded connection until it ends.
	Serve(ws *websocket.Conn, actor ecabinet.Actor, tokenHash string)
	// SignOut closes the connections of a sign-in or of a member everywhere.
	SignOut(ctx context.Context, memberID int64, tokenHash string) error
	// Draining reports that the instance is shutting down.
	Draining() bool
}

type ticketResponse struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expires_at"`
}

// issueTicket gives a non-browser client a single-use ticket for /api/v1/ws.
func (s *Server) issueTicket(c *fiber.Ctx) error {
	t, exp, err := s.opts.Auth.IssueTicket(c.UserContext(), c.Cookies(cookieName))
	if err != nil {
		return err
	}
	return created(c, ticketResponse{Ticket: t, ExpiresAt: exp})
}

// wsUpgrade checks the request and upgrades it; authorize has already
// resolved the cookie or the ticket and checked the Origin. The upgrader
// is fasthttp/websocket's own: the connection keeps only what the hub
// needs (the actor and the sign-in's hash), not copies of the request's
// headers, cookies and parameters.
func (s *Server) wsUpgrade() fiber.Handler {
	up := websocket.FastHTTPUpgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		WriteBufferPool:  &sync.Pool{},
		CheckOrigin:      func(*fasthttp.RequestCtx) bool { return true }, // authorize checked it
	}
	return func(c *fiber.Ctx) error {
		if !websocket.FastHTTPIsWebSocketUpgrade(c.Context()) {
			return ecabinet.Errorf(ecabinet.EINVALID, "ws.upgrade_required")
		}
		if s.opts.Realtime.Draining() {
			c.Set(fiber.HeaderRetryAfter, "1")
			return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
		}
		a, _ := ecabinet.ActorFromContext(c.UserContext())
		tokenHash, _ := c.Locals("ws_token").(string)
		if tokenHash == "" {
			tokenHash = ecabinet.HashToken(c.Cookies(cookieName))
		}
		s.log.Log(c.UserContext(), slog.LevelDebug, "websocket upgrade", "member_id", a.MemberID)
		err := up.Upgrade(c.Context(), func(ws *websocket.Conn) {
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("panic in WebSocket handler", "panic", p, "stack", string(debug.Stack()))
				}
			}()
			s.opts.Realtime.Serve(ws, a, tokenHash)
		})
		if err != nil {
			return ecabinet.Errorf(ecabinet.EINVALID, "ws.upgrade_required")
		}
		return nil
	}
}
