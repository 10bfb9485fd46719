package http

import (
	"io"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/gofiber/fiber/v2"
)

func (s *Server) listConclusions(c *fiber.Ctx) error {
	cs, err := s.opts.Conclusions.ListConclusions(c.UserContext())
	return reply(c, cs, err)
}

func (s *Server) conclusionsCSV(c *fiber.Ctx) error {
	lines, err := s.opts.Conclusions.ExportConclusions(c.UserContext())
	if err != nil {
		return err
	}
	loc, err := s.bodyLocation(c)
	if err != nil {
		return err
	}
	return s.sendCSV(c, "conclusions", "thong-bao-ket-luan.csv", func(w io.Writer) error { return report.WriteConclusionsCSV(w, lines, loc) })
}

func (s *Server) getConclusion(c *fiber.Ctx, meetingID int64) error {
	x, err := s.opts.Conclusions.Conclusion(c.UserContext(), meetingID)
	return reply(c, x, err)
}

func (s *Server) putConclusion(c *fiber.Ctx, meetingID int64) error {
	var in ecabinet.ConclusionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	x, err := s.opts.Conclusions.SaveConclusion(c.UserContext(), meetingID, in)
	return reply(c, x, err)
}

func (s *Server) deleteConclusion(c *fiber.Ctx, meetingID int64) error {
	if err := s.opts.Conclusions.DeleteConclusion(c.UserContext(), meetingID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) publishConclusion(c *fiber.Ctx, meetingID int64) error {
	x, err := s.opts.Conclusions.PublishConclusion(c.UserContext(), meetingID)
	return reply(c, x, err)
}
