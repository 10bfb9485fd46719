package store

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pades"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/seal"
	"gorm.io/gorm"
)

type certRow struct {
	ID        int64
	BodyID    int64
	MemberID  int64
	Subject   string
	Issuer    string
	Serial    string
	NotBefore time.Time
	NotAfter  time.Time
	ChainPEM  string `gorm:"column:chain_pem"`
	SealedKey string
	CreatedBy int64
	CreatedAt time.Time
}

func (certRow) TableName() string { return "signing_certificates" }

func (r *certRow) domain() *ecabinet.SigningCertificate {
	return &ecabinet.SigningCertificate{ID: r.ID, MemberID: r.MemberID, Subject: r.Subject, Issuer: r.Issuer, Serial: r.Serial,
		NotBefore: r.NotBefore, NotAfter: r.NotAfter, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

type caRow struct {
	ID        int64
	BodyID    int64
	Subject   string
	SHA256    string `gorm:"column:sha256"`
	NotAfter  time.Time
	CertPEM   string `gorm:"column:cert_pem"`
	CreatedBy int64
	CreatedAt time.Time
}

func (caRow) TableName() string { return "trusted_cas" }

func (r *caRow) domain() *ecabinet.TrustedCA {
	return &ecabinet.TrustedCA{ID: r.ID, Subject: r.Subject, SHA256: r.SHA256, NotAfter: r.NotAfter, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// storedSignature is a PDF signature as kept with its version: what
// members see, and the certificate chain to check trust again when the
// body's CAs change.
type storedSignature struct {
	ecabinet.PDFSignature
	Chain []byte `json:"chain"`
}

// SigningService implements ecabinet.SigningService.
type SigningService struct {
	db      *DB
	docs    *DocumentService
	seal    *seal.Box // signers' private keys at rest
	sources map[ecabinet.IssuedKind]IssuedSource
}

var _ ecabinet.SigningService = (*SigningService)(nil)

// NewSigningService returns a SigningService that seals private keys with
// seal (nil: no key is configured, and certificates cannot be imported),
// issuing conclusion notices, ballot reports and minutes.
func NewSigningService(db *DB, docs *DocumentService, ballots *BallotService, keys *seal.Box) *SigningService {
	return &SigningService{db: db, docs: docs, seal: keys, sources: map[ecabinet.IssuedKind]IssuedSource{
		ecabinet.IssuedConclusion:   conclusionSource{db: db},
		ecabinet.IssuedBallotReport: ballotReportSource{ballots: ballots},
		ecabinet.IssuedMinutes:      minutesSource{db: db},
	}}
}

// ImportCertificate stores a member's signing certificate and sealed key.
func (s *SigningService) ImportCertificate(ctx context.Context, memberID int64, p12 []byte, password string) (*ecabinet.SigningCertificate, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if len(p12) == 0 {
		return nil, ecabinet.FieldError("file", "certificate.file_required")
	}
	var m memberRow
	err = s.db.read(ctx).Where("id = ? AND body_id = ?", memberID, a.BodyID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ecabinet.NotFound("member")
	}
	if err != nil {
		return nil, translate(err)
	}
	if !ecabinet.SigningRole(ecabinet.Role(m.Role)) {
		return nil, ecabinet.FieldError("member_id", "certificate.no_signing_role")
	}
	cred, err := pades.ParsePKCS12(p12, password, s.db.Now())
	if err != nil {
		return nil, err
	}
	if s.seal == nil {
		return nil, ecabinet.Errorf(ecabinet.ECONFLICT, "signing.no_seal_key")
	}
	der, err := pades.EncodeKey(cred.Key)
	if err != nil {
		return nil, err
	}
	sealed, err := s.seal.Seal(memberID, der)
	if err != nil {
		return nil, err
	}
	c := cred.Certificate
	row := certRow{BodyID: a.BodyID, MemberID: memberID, Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: c.SerialNumber.Text(16),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), ChainPEM: string(pades.EncodeCertificates(append([]*x509.Certificate{c}, cred.Chain...)...)),
		SealedKey: sealed, CreatedBy: a.MemberID, CreatedAt: s.db.Now()}
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := tx.Where("member_id = ?", memberID).Delete(&certRow{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditCertificate, Subject: ecabinet.Subject("member", memberID),
			Detail: map[string]string{"imported": row.Subject, "issuer": row.Issuer, "serial": row.Serial}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return row.domain(), nil
}

// Certificates lists the body's signing certificates.
func (s *SigningService) Certificates(ctx context.Context) ([]*ecabinet.SigningCertificate, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	var rows []certRow
	if err := s.db.read(ctx).Where("body_id = ?", a.BodyID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.SigningCertificate, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DeleteCertificate removes a signing certificate and its key.
func (s *SigningService) DeleteCertificate(ctx context.Context, id int64) error {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var row certRow
		err := tx.Where("id = ? AND body_id = ?", id, a.BodyID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.NotFound("certificate")
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(&row).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditCertificate, Subject: ecabinet.Subject("member", row.MemberID),
			Detail: map[string]string{"removed": row.Subject, "serial": row.Serial}})
		return nil
	})
}

// AddTrustedCAs adds CA certificates and checks every stored signature again.
func (s *SigningService) AddTrustedCAs(ctx context.Context, data []byte) ([]*ecabinet.TrustedCA, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	certs, err := pades.ParseCACertificates(data)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		for _, c := range certs {
			sum := sha256.Sum256(c.Raw)
			fp := hex.EncodeToString(sum[:])
			var n int64
			if err := tx.Model(&caRow{}).Where("body_id = ? AND sha256 = ?", a.BodyID, fp).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			row := caRow{BodyID: a.BodyID, Subject: c.Subject.String(), SHA256: fp, NotAfter: c.NotAfter.UTC(),
				CertPEM: string(pades.EncodeCertificates(c)), CreatedBy: a.MemberID, CreatedAt: s.db.Now()}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditTrustedCA, Subject: ecabinet.Subject("trusted_ca", row.ID),
				Detail: map[string]string{"added": row.Subject, "sha256": fp}})
		}
		return retrust(tx.DB, a.BodyID)
	})
	if err != nil {
		return nil, err
	}
	return s.TrustedCAs(ctx)
}

// TrustedCAs lists the CAs the body trusts.
func (s *SigningService) TrustedCAs(ctx context.Context) ([]*ecabinet.TrustedCA, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	var rows []caRow
	if err := s.db.read(ctx).Where("body_id = ?", a.BodyID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.TrustedCA, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DeleteTrustedCA removes a CA and checks every stored signature again.
func (s *SigningService) DeleteTrustedCA(ctx context.Context, id int64) error {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var row caRow
		err := tx.Where("id = ? AND body_id = ?", id, a.BodyID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.NotFound("trusted_ca")
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(&row).Error; err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: a.BodyID, ActorID: a.MemberID, Action: ecabinet.AuditTrustedCA, Subject: ecabinet.Subject("trusted_ca", row.ID),
			Detail: map[string]string{"removed": row.Subject, "sha256": row.SHA256}})
		return retrust(tx.DB, a.BodyID)
	})
}

// trustedRoots returns the CAs a body trusts.
func trustedRoots(tx *gorm.DB, bodyID int64) ([]*x509.Certificate, error) {
	var rows []caRow
	if err := tx.Where("body_id = ?", bodyID).Find(&rows).Error; err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for _, r := range rows {
		certs, err := pades.DecodeCertificates([]byte(r.CertPEM))
		if err != nil {
			return nil, err
		}
		out = append(out, certs...)
	}
	return out, nil
}

// checkSignatures turns what pades read of a PDF into what is stored,
// with trust at each signature's claimed time (now when it claims none).
func checkSignatures(sigs []pades.Signature, roots []*x509.Certificate, now time.Time) []storedSignature {
	out := make([]storedSignature, len(sigs))
	for i, sg := range sigs {
		p := ecabinet.PDFSignature{Signer: sg.Signer, Organization: sg.Organization, Valid: sg.Valid, Modified: sg.Modified, NotAfter: sg.NotAfter}
		if !sg.SignedAt.IsZero() {
			t := sg.SignedAt.UTC()
			p.SignedAt = &t
		}
		out[i] = storedSignature{PDFSignature: p, Chain: sg.Chain}
		out[i].Trusted = sg.Valid && pades.TrustedChain(sg.Chain, roots, trustTime(p, now))
	}
	return out
}

func trustTime(p ecabinet.PDFSignature, now time.Time) time.Time {
	if p.SignedAt != nil {
		return *p.SignedAt
	}
	return now
}

// retrust checks the trust of every stored signature of a body's documents
// again against its CAs.
func retrust(tx *gorm.DB, bodyID int64) error {
	roots, err := trustedRoots(tx, bodyID)
	if err != nil {
		return err
	}
	var rows []struct {
		ID         int64
		Signatures string
	}
	if err := tx.Table("document_versions AS v").Select("v.id, v.signatures").
		Joins("JOIN documents AS d ON d.id = v.document_id").
		Joins("LEFT JOIN meetings AS m ON m.id = d.meeting_id").
		Joins("LEFT JOIN ballots AS b ON b.id = d.ballot_id").
		Where("v.signatures IS NOT NULL AND COALESCE(m.body_id, b.body_id) = ?", bodyID).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		var sigs []storedSignature
		if err := json.Unmarshal([]byte(r.Signatures), &sigs); err != nil {
			return fmt.Errorf("store: version %d: signatures: %w", r.ID, err)
		}
		for i := range sigs {
			sigs[i].Trusted = sigs[i].Valid && pades.TrustedChain(sigs[i].Chain, roots, trustTime(sigs[i].PDFSignature, time.Now()))
		}
		b, err := json.Marshal(sigs)
		if err != nil {
			return err
		}
		if err := tx.Table("document_versions").Where("id = ?", r.ID).Update("signatures", string(b)).Error; err != nil {
			return err
		}
	}
	return nil
}

// uploadSignatures reads the signatures of an upload when its bytes name a
// byte range at all (nil for a PDF without any). The whole file is read:
// at most the upload limit.
func uploadSignatures(up ecabinet.Upload) ([]pades.Signature, error) {
	may, err := pades.MaySign(up.Content, up.Size)
	if err != nil || !may {
		return nil, err
	}
	doc := make([]byte, up.Size)
	if _, err := up.Content.ReadAt(doc, 0); err != nil {
		return nil, err
	}
	sigs, err := pades.Verify(doc)
	if errors.Is(err, pdf.ErrLimit) {
		// More signatures or form fields than a real document has: refused
		// (422), like the other bombs, before any cost out of proportion.
		return nil, pdfError(err)
	}
	if err != nil {
		// The upload passed pdfcpu's checks, but the signature reader
		// cannot parse its structure: it is kept, without signatures read.
		return nil, nil
	}
	return sigs, nil
}

// storedSignatures checks signatures against the body's CAs, as stored.
func storedSignatures(tx *gorm.DB, bodyID int64, sigs []pades.Signature, now time.Time) (*string, error) {
	if len(sigs) == 0 {
		return nil, nil
	}
	roots, err := trustedRoots(tx, bodyID)
	if err != nil {
		return nil, err
	}
	return marshalSignatures(checkSignatures(sigs, roots, now))
}

func marshalSignatures(sigs []storedSignature) (*string, error) {
	if len(sigs) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(sigs)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// bodyID is the body the owner belongs to.
func (o docOwner) bodyID() int64 {
	if o.ballot != nil {
		return o.ballot.BodyID
	}
	return o.meeting.BodyID
}
