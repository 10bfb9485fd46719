package http

import (
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// access says who may call a route.
type access struct {
	public bool
	roles  ecabinet.Gate
	// ticket: a single-use WebSocket ticket (?ticket=) may stand in for the
	// cookie, and the Origin is checked on every method (WebSocket upgrades
	// are GETs that a foreign page could start with the cookie).
	ticket bool
}

// The gates of the routes: who may call each is a gate of ecabinet
// (ecabinet/permission.go), where every permission rule is written.
var (
	// anyone: no sign-in needed.
	anyone       = access{public: true}
	signedIn     = access{roles: ecabinet.SignedIn}
	secretariat  = access{roles: ecabinet.Secretariat}
	presiding    = access{roles: ecabinet.Presiding}
	adminOnly    = access{roles: ecabinet.Admins}
	participants = access{roles: ecabinet.Participants}
	bodyMembers  = access{roles: ecabinet.BodyMembers}
	signers      = access{roles: ecabinet.Signers}
	// socket: every role, by cookie or WebSocket ticket.
	socket = access{roles: ecabinet.SignedIn, ticket: true}
)

// allows reports whether role may call the route.
func (a access) allows(role ecabinet.Role) bool { return a.public || a.roles.Allows(role) }

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// authorize runs before every route's handler: it checks the Origin of
// writes, resolves the sign-in cookie, enforces CSRF on cookie-authenticated
// writes and the route's roles.
func (s *Server) authorize(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals("route", r.path)
		c.SetUserContext(ecabinet.NewContextWithClient(c.UserContext(), clientOf(c)))
		if (!isSafeMethod(c.Method()) || r.access.ticket) && !s.originAllowed(c) {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "origin")
		}
		if ticket := c.Query("ticket"); r.access.ticket && ticket != "" {
			actor, tokenHash, err := s.opts.Auth.RedeemTicket(c.UserContext(), ticket)
			if err != nil {
				return err
			}
			c.SetUserContext(ecabinet.NewContextWithActor(c.UserContext(), actor))
			c.Locals("ws_token", tokenHash)
			return c.Next()
		}
		token := c.Cookies(cookieName)
		if r.access.public && token == "" {
			return c.Next()
		}
		if token == "" {
			return ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "unauthenticated")
		}
		actor, si, err := s.opts.Auth.Authenticate(c.UserContext(), token)
		if err != nil {
			if r.access.public && ecabinet.ErrorCode(err) == ecabinet.EUNAUTHENTICATED {
				// A stale cookie does not stop a public route (the login form).
				return c.Next()
			}
			return err
		}
		if !isSafeMethod(c.Method()) && c.Get("X-CSRF-Token") != si.CSRFToken {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "csrf")
		}
		if !r.access.allows(actor.Role) {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "forbidden")
		}
		if si.MFAPending && !r.enrol {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "mfa.enrolment_required")
		}
		c.SetUserContext(ecabinet.NewContextWithActor(c.UserContext(), actor))
		c.Locals("signin", si)
		return c.Next()
	}
}

// originAllowed accepts requests without an Origin (non-browser clients,
// which cannot carry a victim's cookie), from the server's own origin, and
// from the configured allowlist.
func (s *Server) originAllowed(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	if origin == c.Protocol()+"://"+c.Get(fiber.HeaderHost) {
		return true
	}
	for _, o := range s.opts.AllowedOrigins {
		if origin == o {
			return true
		}
	}
	return false
}
