package http

import (
	"context"
	"strconv"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// Auditor appends to the audit log what the HTTP layer alone knows of:
// documents opened (not every range of them) and exports.
type Auditor interface {
	Audit(ctx context.Context, rec ecabinet.AuditRecord) error
}

func (s *Server) audit(c *fiber.Ctx, action, subject string, detail any) error {
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	return s.opts.Auditor.Audit(c.UserContext(), ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: action, Subject: subject, Detail: detail})
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	after, err := strconv.ParseInt(c.Query("after", "0"), 10, 64)
	if err != nil || after < 0 {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: "after", Args: []any{"after"}}
	}
	limit, err := strconv.Atoi(c.Query("limit", "200"))
	if err != nil || limit < 1 || limit > 1000 {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: "limit", Args: []any{"limit"}}
	}
	entries, err := s.opts.AuditLog.AuditLog(c.UserContext(), after, limit)
	return reply(c, entries, err)
}
