package http

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/report"
	"github.com/gofiber/fiber/v2"
)

// periodQuery documents the period parameters of the ledger and statistics routes.
var periodQuery = []param{
	{"from", "string", "from this time on (RFC 3339): sessions by scheduled start, ballots by opening, tasks by assignment"},
	{"to", "string", "before this time (RFC 3339)"},
}

// invalidQuery is the error of a query parameter that does not parse.
func invalidQuery(name string) error {
	return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: name, Args: []any{name}}
}

// ledgerFilter reads group, from, to and explain.
func ledgerFilter(c *fiber.Ctx) (ecabinet.LedgerFilter, error) {
	f := ecabinet.LedgerFilter{Group: strings.Clone(c.Query("group"))}
	var err error
	if f.From, err = queryTime(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return f, err
	}
	switch c.Query("explain") {
	case "", "false":
	case "true":
		f.Explain = true
	default:
		return f, invalidQuery("explain")
	}
	return f, nil
}

func (s *Server) getLedger(c *fiber.Ctx) error {
	f, err := ledgerFilter(c)
	if err != nil {
		return err
	}
	rep, err := s.opts.Ledger.LedgerReport(c.UserContext(), f)
	return reply(c, rep, err)
}

func (s *Server) getMeetingLedger(c *fiber.Ctx, id int64) error {
	l, err := s.opts.Ledger.MeetingLedger(c.UserContext(), id)
	return reply(c, l, err)
}

func (s *Server) getBallotLedger(c *fiber.Ctx, id int64) error {
	l, err := s.opts.Ledger.BallotLedger(c.UserContext(), id)
	return reply(c, l, err)
}

// bodyLocation returns the time zone of the caller's body.
func (s *Server) bodyLocation(c *fiber.Ctx) (*time.Location, error) {
	a, err := ecabinet.MustActor(c.UserContext())
	if err != nil {
		return nil, err
	}
	b, err := s.opts.Bodies.FindBody(c.UserContext(), a.BodyID)
	if err != nil {
		return nil, err
	}
	return b.Settings.Location(), nil
}

// sendCSV answers with a CSV attachment written by write, recording the
// export (which one, with its query) in the audit log.
func (s *Server) sendCSV(c *fiber.Ctx, export, filename string, write func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	a, _ := ecabinet.ActorFromContext(c.UserContext())
	if err := s.audit(c, ecabinet.AuditExport, ecabinet.Subject("body", a.BodyID),
		map[string]string{"format": "csv", "export": export, "query": string(c.Request().URI().QueryString())}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// ledgerCSV answers an explained report, written by write.
func (s *Server) ledgerCSV(export, filename string, write func(io.Writer, *ecabinet.LedgerReport, *time.Location) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := ledgerFilter(c)
		if err != nil {
			return err
		}
		f.Explain = true
		rep, err := s.opts.Ledger.LedgerReport(c.UserContext(), f)
		if err != nil {
			return err
		}
		loc, err := s.bodyLocation(c)
		if err != nil {
			return err
		}
		return s.sendCSV(c, export, filename, func(w io.Writer) error { return write(w, rep, loc) })
	}
}

func (s *Server) ledgerLinesCSV() fiber.Handler {
	return s.ledgerCSV("ledger", "so-tiet-kiem-giay.csv", report.WriteLedgerCSV)
}

func (s *Server) ledgerTimeCSV() fiber.Handler {
	return s.ledgerCSV("ledger_time", "so-thoi-gian-hop.csv", report.WriteTimeCSV)
}
