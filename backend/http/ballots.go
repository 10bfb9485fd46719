package http

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/gofiber/fiber/v2"
)

type remindedBody struct {
	Reminded int `json:"reminded"`
}

func (s *Server) listBallots(c *fiber.Ctx) error {
	bs, err := s.opts.Ballots.ListBallots(c.UserContext())
	return reply(c, bs, err)
}

func (s *Server) createBallot(c *fiber.Ctx) error {
	var in ecabinet.BallotInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.opts.Ballots.CreateBallot(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, b)
}

func (s *Server) getBallot(c *fiber.Ctx, id int64) error {
	b, err := s.opts.Ballots.FindBallot(c.UserContext(), id)
	return reply(c, b, err)
}

func (s *Server) updateBallot(c *fiber.Ctx, id int64) error {
	var in ecabinet.BallotInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.opts.Ballots.UpdateBallot(c.UserContext(), id, in)
	return reply(c, b, err)
}

func (s *Server) openBallot(c *fiber.Ctx, id int64) error {
	b, err := s.opts.Ballots.OpenBallot(c.UserContext(), id)
	return reply(c, b, err)
}

func (s *Server) closeBallot(c *fiber.Ctx, id int64) error {
	b, err := s.opts.Ballots.CloseBallot(c.UserContext(), id)
	return reply(c, b, err)
}

func (s *Server) answerBallot(c *fiber.Ctx, id int64) error {
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	return s.answer(c, id, a.MemberID)
}

func (s *Server) paperAnswer(c *fiber.Ctx, id int64) error {
	member, err := paramID(c, "member")
	if err != nil {
		return err
	}
	return s.answer(c, id, member)
}

func (s *Server) answer(c *fiber.Ctx, id, member int64) error {
	var in ecabinet.AnswerInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.opts.Ballots.Answer(c.UserContext(), id, member, in, idempotencyKey(c))
	return reply(c, r, err)
}

func (s *Server) ballotResult(c *fiber.Ctx, id int64) error {
	r, err := s.opts.Ballots.Result(c.UserContext(), id)
	return reply(c, r, err)
}

func (s *Server) remindBallot(c *fiber.Ctx, id int64) error {
	n, err := s.opts.Ballots.Remind(c.UserContext(), id)
	return reply(c, remindedBody{Reminded: n}, err)
}

func (s *Server) listDevices(c *fiber.Ctx) error {
	ds, err := s.opts.Devices.Devices(c.UserContext())
	return reply(c, ds, err)
}

func (s *Server) registerDevice(c *fiber.Ctx) error {
	var in ecabinet.DeviceInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.opts.Devices.RegisterDevice(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, d)
}

func (s *Server) revokeDevice(c *fiber.Ctx, id int64) error {
	if err := s.opts.Devices.RevokeDevice(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listNotifications(c *fiber.Ctx) error {
	ns, err := s.opts.Notifications.Notifications(c.UserContext())
	return reply(c, ns, err)
}

// Reporter is the ballot service's report: the data of the CSV and PDF exports.
type Reporter interface {
	Report(ctx context.Context, id int64) (*ecabinet.BallotReport, error)
}

func (s *Server) ballotCSV(c *fiber.Ctx, id int64) error {
	rep, err := s.opts.Reports.Report(c.UserContext(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, rep); err != nil {
		return err
	}
	if err := s.audit(c, ecabinet.AuditExport, ecabinet.Subject("ballot", id), map[string]string{"format": "csv"}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="phieu-lay-y-kien-%d.csv"`, id))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (s *Server) ballotPDF(c *fiber.Ctx, id int64) error {
	rep, err := s.opts.Reports.Report(c.UserContext(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WritePDF(&buf, rep); err != nil {
		return err
	}
	if err := s.audit(c, ecabinet.AuditExport, ecabinet.Subject("ballot", id), map[string]string{"format": "pdf"}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bao-cao-tong-hop-y-kien-%d.pdf"`, id))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// ballotReport is the report for the tablet app: every recipient's answers,
// so reading it is recorded like the CSV and PDF downloads.
func (s *Server) ballotReport(c *fiber.Ctx, id int64) error {
	rep, err := s.opts.Reports.Report(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.audit(c, ecabinet.AuditExport, ecabinet.Subject("ballot", id), map[string]string{"format": "json"}); err != nil {
		return err
	}
	return reply(c, rep, nil)
}
