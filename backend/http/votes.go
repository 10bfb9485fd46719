package http

import (
	"context"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// Voter is the vote service with the secretariat's deputy path.
type Voter interface {
	ecabinet.VoteService
	// CastForDeputy records a voting deputy's choice for the member they stand in for.
	CastForDeputy(ctx context.Context, voteID, memberID int64, option, idemKey string) (*ecabinet.Vote, error)
}

type castRequest struct {
	Option string `json:"option"`
}

// idempotencyKey reads the Idempotency-Key header (copied: Fiber reuses it).
func idempotencyKey(c *fiber.Ctx) string { return strings.Clone(c.Get("Idempotency-Key")) }

func (s *Server) listVotes(c *fiber.Ctx, id int64) error {
	vs, err := s.opts.Votes.Votes(c.UserContext(), id)
	return reply(c, vs, err)
}

func (s *Server) openVote(c *fiber.Ctx, id int64) error {
	var in ecabinet.VoteInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.opts.Votes.OpenVote(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return created(c, v)
}

func (s *Server) getVote(c *fiber.Ctx, id int64) error {
	v, err := s.opts.Votes.FindVote(c.UserContext(), id)
	return reply(c, v, err)
}

func (s *Server) voteTurnout(c *fiber.Ctx, id int64) error {
	t, err := s.opts.Votes.Turnout(c.UserContext(), id)
	return reply(c, t, err)
}

func (s *Server) castVote(c *fiber.Ctx, id int64) error {
	var in castRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.opts.Votes.CastVote(c.UserContext(), id, in.Option, idempotencyKey(c))
	return reply(c, v, err)
}

func (s *Server) castForDeputy(c *fiber.Ctx, id int64) error {
	member, err := paramID(c, "member")
	if err != nil {
		return err
	}
	var in castRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.opts.Votes.CastForDeputy(c.UserContext(), id, member, in.Option, idempotencyKey(c))
	return reply(c, v, err)
}

func (s *Server) closeVote(c *fiber.Ctx, id int64) error {
	v, err := s.opts.Votes.CloseVote(c.UserContext(), id)
	return reply(c, v, err)
}
