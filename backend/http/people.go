package http

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// importLimit is the largest members' CSV file (5,000 lines of about 200
// bytes fit).
const importLimit = 2 << 20

type linkRequest struct {
	Token string `json:"token"`
}

type setPasswordRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

type passwordSetResponse struct {
	Username string `json:"username"`
}

func (s *Server) listOrganizations(c *fiber.Ctx) error {
	out, err := s.opts.Organizations.ListOrganizations(c.UserContext())
	return reply(c, out, err)
}

func (s *Server) createOrganization(c *fiber.Ctx) error {
	var in ecabinet.OrganizationInput
	if err := decode(c, &in); err != nil {
		return err
	}
	o, err := s.opts.Organizations.CreateOrganization(c.UserContext(), in)
	if err != nil {
		return err
	}
	return created(c, o)
}

func (s *Server) renameOrganization(c *fiber.Ctx, id int64) error {
	var in ecabinet.OrganizationInput
	if err := decode(c, &in); err != nil {
		return err
	}
	o, err := s.opts.Organizations.RenameOrganization(c.UserContext(), id, in)
	return reply(c, o, err)
}

func (s *Server) deleteOrganization(c *fiber.Ctx, id int64) error {
	if err := s.opts.Organizations.DeleteOrganization(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importMembers reads a members' CSV file (the request body, text/csv) and
// answers the report, or applies it (?dry_run=false). The members whose
// role or clearance changed lose their sign-ins, their sockets close too.
func (s *Server) importMembers(c *fiber.Ctx) error {
	opt := ecabinet.ImportOptions{DryRun: true}
	for name, dst := range map[string]*bool{"dry_run": &opt.DryRun, "create_organizations": &opt.CreateOrganizations} {
		if v := c.Query(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "query.invalid", Field: name, Args: []any{name}}
			}
			*dst = b
		}
	}
	data, err := readBody(c, importLimit)
	if err != nil {
		return ecabinet.Errorf(ecabinet.EINVALID, "import.empty")
	}
	if len(data) > importLimit {
		return &ecabinet.Error{Code: ecabinet.ETOOLARGE, Key: "json.too_large", Field: "body", Args: []any{importLimit}}
	}
	rep, err := s.opts.Importer.ImportMembers(c.UserContext(), data, opt)
	if err != nil {
		return err
	}
	for _, l := range rep.Lines {
		if rep.Applied && l.Action == ecabinet.ImportUpdate && (slices.Contains(l.Changes, "role") || slices.Contains(l.Changes, "clearance")) {
			if err := s.opts.Realtime.SignOut(c.UserContext(), l.MemberID, ""); err != nil {
				s.log.Warn("live connections of an imported member not closed", "err", err)
			}
		}
	}
	rep.Localize(lang(c))
	return ok(c, rep)
}

func (s *Server) exportMembers(c *fiber.Ctx) error {
	ms, err := s.opts.Members.ListMembers(c.UserContext())
	if err != nil {
		return err
	}
	return s.sendCSV(c, "members", "thanh-vien.csv", func(w io.Writer) error { return ecabinet.WriteMembersCSV(w, ms) })
}

// issuePasswordLink makes a member's one-time link at the app's public
// address, or at the address the admin reached.
func (s *Server) issuePasswordLink(c *fiber.Ctx, id int64) error {
	base := s.opts.PublicURL
	if base == "" {
		base = strings.Clone(c.BaseURL())
	}
	l, err := s.opts.PasswordLinks.IssuePasswordLink(c.UserContext(), id, base)
	if err != nil {
		return err
	}
	return created(c, l)
}

func (s *Server) loginLimit(c *fiber.Ctx, id int64) error {
	l, err := s.opts.Auth.LoginLimit(c.UserContext(), id)
	return reply(c, l, err)
}

func (s *Server) unlockMember(c *fiber.Ctx, id int64) error {
	if err := s.opts.Auth.Unlock(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) inspectPasswordLink(c *fiber.Ctx) error {
	var in linkRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	info, err := s.opts.PasswordLinks.InspectPasswordLink(c.UserContext(), in.Token)
	return reply(c, info, err)
}

// usePasswordLink sets the password; the member's failed logins are
// forgotten and their sockets close (every sign-in ended).
func (s *Server) usePasswordLink(c *fiber.Ctx) error {
	var in setPasswordRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.opts.PasswordLinks.UsePasswordLink(c.UserContext(), in.Token, in.Password, clientOf(c))
	if err != nil {
		return err
	}
	if err := s.opts.Auth.ClearFailures(c.UserContext(), m.Username); err != nil {
		s.log.Warn("failed logins not forgotten after a new password", "err", err)
	}
	if err := s.opts.Realtime.SignOut(c.UserContext(), m.ID, ""); err != nil {
		s.log.Warn("live connections of a member with a new password not closed", "err", err)
	}
	return ok(c, passwordSetResponse{Username: m.Username})
}
