package http

import (
	"encoding/base64"
	"slices"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// certificateRequest imports a signer's PKCS#12 file (base64) with its password.
type certificateRequest struct {
	MemberID int64  `json:"member_id"`
	PKCS12   string `json:"pkcs12"`
	Password string `json:"password"`
}

// caRequest adds trusted CA certificates: a PEM or DER file, in base64.
type caRequest struct {
	Certificate string `json:"certificate"`
}

// fileField decodes a base64 file of a JSON request.
func fileField(field, v string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) == 0 {
		return nil, &ecabinet.Error{Code: ecabinet.EINVALID, Key: "field.required", Field: field, Args: []any{field}}
	}
	return b, nil
}

func (s *Server) importCertificate(c *fiber.Ctx) error {
	var in certificateRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	p12, err := fileField("pkcs12", in.PKCS12)
	if err != nil {
		return err
	}
	cert, err := s.opts.Signing.ImportCertificate(c.UserContext(), in.MemberID, p12, in.Password)
	if err != nil {
		return err
	}
	return created(c, cert)
}

func (s *Server) listCertificates(c *fiber.Ctx) error {
	list, err := s.opts.Signing.Certificates(c.UserContext())
	return reply(c, list, err)
}

func (s *Server) deleteCertificate(c *fiber.Ctx, id int64) error {
	if err := s.opts.Signing.DeleteCertificate(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) addTrustedCAs(c *fiber.Ctx) error {
	var in caRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	data, err := fileField("certificate", in.Certificate)
	if err != nil {
		return err
	}
	list, err := s.opts.Signing.AddTrustedCAs(c.UserContext(), data)
	if err != nil {
		return err
	}
	return created(c, list)
}

func (s *Server) listTrustedCAs(c *fiber.Ctx) error {
	list, err := s.opts.Signing.TrustedCAs(c.UserContext())
	return reply(c, list, err)
}

func (s *Server) deleteTrustedCA(c *fiber.Ctx, id int64) error {
	if err := s.opts.Signing.DeleteTrustedCA(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// The kinds of issued documents of a session and of a ballot.
var (
	meetingKinds = []ecabinet.IssuedKind{ecabinet.IssuedConclusion, ecabinet.IssuedMinutes}
	ballotKinds  = []ecabinet.IssuedKind{ecabinet.IssuedBallotReport}
)

const signSummary = "Sign it as a named signer after confirming with the password or second-factor code " +
	"(403 not a named signer or wrong confirmation; 409 not ready, already signed, no valid certificate)"

// issuedKind reads :kind, one of kinds (a kind of another owner is not_found).
func issuedKind(c *fiber.Ctx, kinds []ecabinet.IssuedKind) (ecabinet.IssuedKind, error) {
	k := ecabinet.IssuedKind(c.Params("kind"))
	for _, x := range kinds {
		if k == x {
			return k, nil
		}
	}
	return "", ecabinet.NotFound("issued")
}

func (s *Server) getIssued(kinds []ecabinet.IssuedKind) func(c *fiber.Ctx, subjectID int64) error {
	return func(c *fiber.Ctx, subjectID int64) error {
		kind, err := issuedKind(c, kinds)
		if err != nil {
			return err
		}
		x, err := s.opts.Signing.Issued(c.UserContext(), kind, subjectID)
		return reply(c, x, err)
	}
}

// signIssued confirms the signer's presence (password or second factor),
// then signs.
func (s *Server) signIssued(kinds []ecabinet.IssuedKind) func(c *fiber.Ctx, subjectID int64) error {
	return func(c *fiber.Ctx, subjectID int64) error {
		kind, err := issuedKind(c, kinds)
		if err != nil {
			return err
		}
		var in ecabinet.Confirmation
		if err := decode(c, &in); err != nil {
			return err
		}
		// Who may sign is checked before the password, so that a member who
		// is not a named signer cannot try passwords here.
		x, err := s.opts.Signing.Issued(c.UserContext(), kind, subjectID)
		if err != nil {
			return err
		}
		a, _ := ecabinet.ActorFromContext(c.UserContext())
		if !slices.Contains(x.Signers, a.MemberID) {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "signing.not_signer")
		}
		if err := s.opts.Auth.Confirm(c.UserContext(), in); err != nil {
			return err
		}
		x, err = s.opts.Signing.Sign(c.UserContext(), kind, subjectID)
		return reply(c, x, err)
	}
}

// documentOriginal serves a version's stored PDF unchanged (the signed
// original, not the stamped reading copy), audited.
func (s *Server) documentOriginal(c *fiber.Ctx, id int64) error {
	version, err := paramID(c, "version")
	if err != nil {
		return err
	}
	o, err := s.opts.Signing.Original(c.UserContext(), id, version)
	if err != nil {
		return err
	}
	if err := s.audit(c, ecabinet.AuditOriginal, ecabinet.Subject("document", id), map[string]any{"version_id": version, "sha256": o.Version.SHA256}); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, "attachment"+contentDisposition(o.Version.Filename)[len("inline"):])
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(o.Content)
}
