package http

import (
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

type codeRequest struct {
	Code string `json:"code"`
}

type recoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// meResponse describes the signed-in member to the app.
type meResponse struct {
	Member    *ecabinet.Member `json:"member"`
	Body      *ecabinet.Body   `json:"body"`
	CSRFToken string           `json:"csrf_token"`
	ExpiresAt time.Time        `json:"expires_at"`
}

func clientOf(c *fiber.Ctx) ecabinet.Client {
	return ecabinet.Client{IP: c.IP(), UserAgent: string(c.Request().Header.UserAgent())}
}

func (s *Server) login(c *fiber.Ctx) error {
	var in ecabinet.LoginInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, si, token, err := s.opts.Auth.Login(c.UserContext(), in, clientOf(c))
	if err != nil {
		return err
	}
	if old := c.Cookies(cookieName); old != "" {
		// A new sign-in always gets a new session id; the old one ends
		// (only once the new one exists: a failed attempt changes nothing).
		if err := s.opts.Auth.Logout(c.UserContext(), old); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{
		Name: cookieName, Value: token, Path: "/", Expires: si.ExpiresAt,
		HTTPOnly: true, Secure: c.Protocol() == "https", SameSite: fiber.CookieSameSiteLaxMode,
	})
	ctx := ecabinet.NewContextWithActor(c.UserContext(), ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Role: m.Role})
	body, err := s.opts.Bodies.FindBody(ctx, m.BodyID)
	if err != nil {
		return err
	}
	return ok(c, meResponse{Member: m, Body: body, CSRFToken: si.CSRFToken, ExpiresAt: si.ExpiresAt})
}

func (s *Server) logout(c *fiber.Ctx) error {
	token := c.Cookies(cookieName)
	if err := s.opts.Auth.Logout(c.UserContext(), token); err != nil {
		return err
	}
	if err := s.opts.Realtime.SignOut(c.UserContext(), 0, ecabinet.HashToken(token)); err != nil {
		s.log.Warn("live connections of a sign-out not closed", "err", err)
	}
	c.Cookie(&fiber.Cookie{
		Name: cookieName, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: c.Protocol() == "https", SameSite: fiber.CookieSameSiteLaxMode,
	})
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	si, _ := c.Locals("signin").(*ecabinet.SignIn)
	m, err := s.opts.Members.FindMember(c.UserContext(), a.MemberID)
	if err != nil {
		return err
	}
	body, err := s.opts.Bodies.FindBody(c.UserContext(), a.BodyID)
	if err != nil {
		return err
	}
	return ok(c, meResponse{Member: m, Body: body, CSRFToken: si.CSRFToken, ExpiresAt: si.ExpiresAt})
}

func (s *Server) setupMFA(c *fiber.Ctx) error {
	setup, err := s.opts.Auth.SetupMFA(c.UserContext())
	return reply(c, setup, err)
}

func (s *Server) enableMFA(c *fiber.Ctx) error {
	var in codeRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	codes, err := s.opts.Auth.EnableMFA(c.UserContext(), in.Code)
	return reply(c, recoveryCodes{RecoveryCodes: codes}, err)
}

func (s *Server) disableMFA(c *fiber.Ctx) error {
	var in codeRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.opts.Auth.DisableMFA(c.UserContext(), in.Code); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
