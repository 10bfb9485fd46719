package http

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"
)

type noteRequest struct {
	Text string `json:"text"`
}

func (s *Server) listDocuments(c *fiber.Ctx, meetingID int64) error {
	docs, err := s.opts.Documents.Documents(c.UserContext(), meetingID)
	return reply(c, docs, err)
}

func (s *Server) createDocument(c *fiber.Ctx, meetingID int64) error {
	var in ecabinet.DocumentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.opts.Documents.CreateDocument(c.UserContext(), meetingID, in)
	if err != nil {
		return err
	}
	return created(c, d)
}

func (s *Server) listBallotDocuments(c *fiber.Ctx, ballotID int64) error {
	docs, err := s.opts.Documents.BallotDocuments(c.UserContext(), ballotID)
	return reply(c, docs, err)
}

func (s *Server) createBallotDocument(c *fiber.Ctx, ballotID int64) error {
	var in ecabinet.DocumentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.opts.Documents.CreateBallotDocument(c.UserContext(), ballotID, in)
	if err != nil {
		return err
	}
	return created(c, d)
}

func (s *Server) unread(c *fiber.Ctx, meetingID int64) error {
	u, err := s.opts.Documents.Unread(c.UserContext(), meetingID)
	return reply(c, u, err)
}

func (s *Server) getDocument(c *fiber.Ctx, id int64) error {
	d, err := s.opts.Documents.FindDocument(c.UserContext(), id)
	return reply(c, d, err)
}

func (s *Server) listVersions(c *fiber.Ctx, id int64) error {
	v, err := s.opts.Documents.Versions(c.UserContext(), id)
	return reply(c, v, err)
}

// documentContent serves the caller's stamped copy of a version: from a
// local file, with range requests, never cached by the browser.
func (s *Server) documentContent(c *fiber.Ctx, id int64) error {
	version, err := paramID(c, "version")
	if err != nil {
		return err
	}
	// Stamping a long document takes a while: it stops if the reader leaves.
	ctx, cancel := whileConnected(c)
	content, err := s.opts.Documents.Open(ctx, id, version)
	cancel()
	if err != nil {
		return err
	}
	// A viewer fetches a document in many ranges; one view is the request
	// for its start.
	if r := c.Get(fiber.HeaderRange); r == "" || strings.HasPrefix(r, "bytes=0-") {
		if err := s.audit(c, ecabinet.AuditDocumentOpened, ecabinet.Subject("document", id), map[string]any{"version_id": version, "range": strings.Clone(r)}); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(content.Version.Filename))
	return sendFile(c, content.Path, "application/pdf")
}

// contentDisposition shows the file in the browser under its name: an
// ASCII fallback in filename (diacritics removed, anything risky replaced)
// and the exact name in filename* (RFC 6266, RFC 8187).
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			ascii.WriteByte('d')
		case r == 'Đ':
			ascii.WriteByte('D')
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	var enc strings.Builder
	for _, b := range []byte(norm.NFC.String(name)) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`inline; filename="%s"; filename*=UTF-8''%s`, ascii.String(), enc.String())
}

func (s *Server) listCopies(c *fiber.Ctx, id int64) error {
	list, err := s.opts.Documents.Copies(c.UserContext(), id)
	return reply(c, list, err)
}

func (s *Server) handOutCopy(c *fiber.Ctx, id int64) error {
	var in ecabinet.PaperCopyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	pc, err := s.opts.Documents.HandOut(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return created(c, pc)
}

func (s *Server) returnCopy(c *fiber.Ctx, id int64) error {
	copyID, err := paramID(c, "copy")
	if err != nil {
		return err
	}
	pc, err := s.opts.Documents.ReturnCopy(c.UserContext(), id, copyID)
	return reply(c, pc, err)
}

func (s *Server) listNotes(c *fiber.Ctx, id int64) error {
	notes, err := s.opts.Documents.Notes(c.UserContext(), id)
	return reply(c, notes, err)
}

func (s *Server) putNote(c *fiber.Ctx, id int64) error {
	page, err := paramID(c, "page")
	if err != nil || page > 1_000_000 {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "field.range", Field: "page", Args: []any{"page"}}
	}
	var in noteRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	n, err := s.opts.Documents.SetNote(c.UserContext(), id, int(page), in.Text)
	return reply(c, n, err)
}
