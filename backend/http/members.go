package http

import (
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

type endedBody struct {
	Ended int `json:"ended"`
}

func (s *Server) getBody(c *fiber.Ctx) error {
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	b, err := s.opts.Bodies.FindBody(c.UserContext(), a.BodyID)
	if err != nil {
		return err
	}
	return ok(c, b)
}

func (s *Server) putBodySettings(c *fiber.Ctx) error {
	var in ecabinet.BodySettings
	if err := decode(c, &in); err != nil {
		return err
	}
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	b, err := s.opts.Bodies.UpdateBodySettings(c.UserContext(), a.BodyID, in)
	if err != nil {
		return err
	}
	return ok(c, b)
}

func (s *Server) listMembers(c *fiber.Ctx) error {
	ms, err := s.opts.Members.ListMembers(c.UserContext())
	if err != nil {
		return err
	}
	return ok(c, ms)
}

func (s *Server) createMember(c *fiber.Ctx) error {
	var in ecabinet.MemberInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.opts.Members.CreateMember(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, m)
}

func (s *Server) getMember(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.opts.Members.FindMember(c.UserContext(), id)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) updateMember(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in ecabinet.MemberInput
	if err := decode(c, &in); err != nil {
		return err
	}
	before, err := s.opts.Members.FindMember(c.UserContext(), id)
	if err != nil {
		return err
	}
	m, err := s.opts.Members.UpdateMember(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	if before.SignInsEndWith(in) {
		// The store ended the member's sign-ins; their sockets close too.
		if err := s.opts.Realtime.SignOut(c.UserContext(), id, ""); err != nil {
			s.log.Warn("live connections of a changed member not closed", "err", err)
		}
	}
	return ok(c, m)
}

func (s *Server) endMemberSessions(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.opts.Auth.EndMemberSessions(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.opts.Realtime.SignOut(c.UserContext(), id, ""); err != nil {
		s.log.Warn("live connections of an ended member not closed", "err", err)
	}
	return ok(c, endedBody{Ended: n})
}
