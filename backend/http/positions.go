package http

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/gofiber/fiber/v2"
)

// Positions before a session, the consent block, the minutes and push
// subscriptions.

func (s *Server) getPositions(c *fiber.Ctx, meetingID int64) error {
	v, err := s.opts.Positions.Positions(c.UserContext(), meetingID)
	return reply(c, v, err)
}

func (s *Server) askPositions(c *fiber.Ctx, meetingID int64) error {
	var in ecabinet.PositionsSettings
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.opts.Positions.AskPositions(c.UserContext(), meetingID, in)
	return reply(c, v, err)
}

func (s *Server) givePosition(c *fiber.Ctx, meetingID, itemID int64) error {
	var in ecabinet.PositionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.opts.Positions.GivePosition(c.UserContext(), meetingID, itemID, in)
	return reply(c, p, err)
}

func (s *Server) remindPositions(c *fiber.Ctx, meetingID int64) error {
	n, err := s.opts.Positions.RemindPositions(c.UserContext(), meetingID)
	return reply(c, remindedBody{Reminded: n}, err)
}

func (s *Server) closePositions(c *fiber.Ctx, meetingID int64) error {
	v, err := s.opts.Positions.ClosePositions(c.UserContext(), meetingID)
	return reply(c, v, err)
}

func (s *Server) pullItem(c *fiber.Ctx, meetingID, itemID int64) error {
	items, err := s.opts.Positions.PullItem(c.UserContext(), meetingID, itemID)
	return reply(c, items, err)
}

func (s *Server) takeConsent(c *fiber.Ctx, meetingID int64) error {
	var in ecabinet.TakeConsentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	items, err := s.opts.Positions.TakeConsent(c.UserContext(), meetingID, in)
	return reply(c, items, err)
}

func (s *Server) getMinutes(c *fiber.Ctx, meetingID int64) error {
	m, err := s.opts.Minutes.Minutes(c.UserContext(), meetingID)
	return reply(c, m, err)
}

func (s *Server) minutesVersions(c *fiber.Ctx, meetingID int64) error {
	m, err := s.opts.Minutes.MinutesVersions(c.UserContext(), meetingID)
	return reply(c, m, err)
}

func (s *Server) putMinutes(c *fiber.Ctx, meetingID int64) error {
	var in ecabinet.MinutesInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.opts.Minutes.SaveMinutes(c.UserContext(), meetingID, in)
	return reply(c, m, err)
}

func (s *Server) publishMinutes(c *fiber.Ctx, meetingID int64) error {
	m, err := s.opts.Minutes.PublishMinutes(c.UserContext(), meetingID)
	return reply(c, m, err)
}

func (s *Server) minutesPDF(c *fiber.Ctx, meetingID int64) error {
	version := 0
	if raw := c.Query("version"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v <= 0 {
			return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: "version", Args: []any{"version"}}
		}
		version = v
	}
	doc, err := s.opts.Minutes.MinutesDocument(c.UserContext(), meetingID, version)
	if err != nil {
		return err
	}
	loc, err := s.bodyLocation(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteMinutesPDF(&buf, doc, loc); err != nil {
		return err
	}
	if err := s.audit(c, ecabinet.AuditExport, ecabinet.Subject("minutes", meetingID), map[string]any{"format": "pdf", "version": doc.Minutes.Version}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bien-ban-phien-hop-%d-v%d.pdf"`, meetingID, doc.Minutes.Version))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

type vapidKeyBody struct {
	PublicKey string `json:"public_key"`
}

type unsubscribeRequest struct {
	Endpoint string `json:"endpoint"`
}

func (s *Server) vapidKey(c *fiber.Ctx) error {
	k, err := s.opts.Push.VAPIDPublicKey(c.UserContext())
	return reply(c, vapidKeyBody{PublicKey: k}, err)
}

func (s *Server) pushSubscribe(c *fiber.Ctx) error {
	var in ecabinet.PushSubscriptionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.opts.Push.Subscribe(c.UserContext(), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) pushUnsubscribe(c *fiber.Ctx) error {
	var in unsubscribeRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.opts.Push.Unsubscribe(c.UserContext(), in.Endpoint); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
