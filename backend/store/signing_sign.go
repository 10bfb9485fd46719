package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pades"
	"gorm.io/gorm"
)

// issuedDoc returns the issued document of kind of an owner, or nil.
func issuedDoc(tx *gorm.DB, o docOwner, kind ecabinet.IssuedKind) (*documentRow, error) {
	q := tx.Where("issued = ?", string(kind))
	if o.ballot != nil {
		q = q.Where("ballot_id = ?", o.ballot.ID)
	} else {
		q = q.Where("meeting_id = ?", o.meeting.ID)
	}
	var d documentRow
	err := q.Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &d, err
}

// signedBy lists who signed a document in e-Cabinet, in order, since it
// was last made from its data: a version carrying one signature was made
// and signed at once (the first signature of the document, or of its data
// as changed since, such as corrected minutes); the versions after it add
// one signature each. Earlier signatures are of an earlier document.
func signedBy(tx *gorm.DB, documentID int64) ([]int64, error) {
	var rows []struct {
		SignedBy   *int64
		Signatures *string
	}
	if err := tx.Table("document_versions").Select("signed_by, signatures").Where("document_id = ?", documentID).
		Order("version DESC").Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, r := range rows {
		if r.SignedBy != nil {
			ids = append(ids, *r.SignedBy)
		}
		var sigs []json.RawMessage
		if r.Signatures == nil || json.Unmarshal([]byte(*r.Signatures), &sigs) != nil || len(sigs) <= 1 {
			break
		}
	}
	slices.Reverse(ids)
	return ids, nil
}

// changeable is a source whose data can change after its document was
// issued (minutes: a published correction).
type changeable interface {
	// Current tells whether signed, the bytes of the issued document's
	// current version, were made from the data as it stands now.
	Current(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, subjectID int64, signed []byte) (bool, error)
}

// current tells whether the issued document d is of its data as it stands.
func (s *SigningService) current(ctx context.Context, tx *gorm.DB, src IssuedSource, a ecabinet.Actor, subjectID int64, d *documentRow) (bool, []byte, *versionRow, error) {
	prev := &versionRow{}
	if err := tx.Where("document_id = ? AND version = ?", d.ID, d.CurrentVersion).Take(prev).Error; err != nil {
		return false, nil, nil, err
	}
	var b bytes.Buffer
	if err := s.docs.writeContent(ctx, prev, &b); err != nil {
		return false, nil, nil, err
	}
	ch, ok := src.(changeable)
	if !ok {
		return true, b.Bytes(), prev, nil
	}
	cur, err := ch.Current(ctx, tx, a, subjectID, b.Bytes())
	return cur, b.Bytes(), prev, err
}

func (s *SigningService) source(kind ecabinet.IssuedKind) (IssuedSource, error) {
	if !kind.Valid() {
		return nil, ecabinet.FieldError("kind", "signing.kind")
	}
	src, ok := s.sources[kind]
	if !ok {
		return nil, ecabinet.NotFound("issued")
	}
	return src, nil
}

// issued reads an issued document and its signers in tx.
func (s *SigningService) issued(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, kind ecabinet.IssuedKind, subjectID int64, o docOwner) (*ecabinet.IssuedDocument, error) {
	body, err := s.db.findBody(ctx, tx, o.bodyID())
	if err != nil {
		return nil, err
	}
	out := &ecabinet.IssuedDocument{Kind: kind, SubjectID: subjectID, Signers: append([]int64{}, body.Settings.Signers.For(kind)...), SignedBy: []int64{}}
	d, err := issuedDoc(tx, o, kind)
	if err != nil || d == nil {
		return out, err
	}
	if !a.Clearance.Covers(ecabinet.Classification(d.Classification)) {
		return out, nil
	}
	if out.Document, err = document(tx, d); err != nil {
		return nil, err
	}
	out.SignedBy, err = signedBy(tx, d.ID)
	return out, err
}

// Issued returns an issued document with its signers.
func (s *SigningService) Issued(ctx context.Context, kind ecabinet.IssuedKind, subjectID int64) (*ecabinet.IssuedDocument, error) {
	src, err := s.source(kind)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.IssuedDocument
	err = s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		o, _, err := src.Owner(tx, a, subjectID, false)
		if err != nil {
			return err
		}
		if out, err = s.issued(ctx, tx, a, kind, subjectID, o); err != nil || out.Document == nil {
			return err
		}
		if _, ok := src.(changeable); !ok {
			return nil
		}
		// Signed data that changed since (corrected minutes) is to be
		// signed anew: nobody has signed it yet.
		d, err := issuedDoc(tx, o, kind)
		if err != nil {
			return err
		}
		cur, _, _, err := s.current(ctx, tx, src, a, subjectID, d)
		if err == nil && !cur {
			out.SignedBy = []int64{}
		}
		return err
	})
	return out, err
}

// Sign adds the actor's signature to an issued document.
func (s *SigningService) Sign(ctx context.Context, kind ecabinet.IssuedKind, subjectID int64) (*ecabinet.IssuedDocument, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	src, err := s.source(kind)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.IssuedDocument
	err = s.db.write(ctx, func(tx *Tx) error {
		o, ready, err := src.Owner(tx.DB, a, subjectID, true)
		if err != nil {
			return err
		}
		body, err := s.db.findBody(ctx, tx.DB, o.bodyID())
		if err != nil {
			return err
		}
		if !slices.Contains(body.Settings.Signers.For(kind), a.MemberID) {
			return ecabinet.Errorf(ecabinet.EFORBIDDEN, "signing.not_signer")
		}
		if !ready {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "signing.not_ready")
		}
		d, err := issuedDoc(tx.DB, o, kind)
		if err != nil {
			return err
		}
		var prev *versionRow
		var base []byte
		if d != nil {
			// Signatures go on the document as it was signed before,
			// unless its data changed since (a published correction of
			// the minutes): that is made again and signed anew, as a new
			// version whose signatures are its own.
			cur, signed, v, err := s.current(ctx, tx.DB, src, a, subjectID, d)
			if err != nil {
				return err
			}
			if cur {
				done, err := signedBy(tx.DB, d.ID)
				if err != nil {
					return err
				}
				if slices.Contains(done, a.MemberID) {
					return ecabinet.Errorf(ecabinet.ECONFLICT, "signing.already_signed")
				}
				prev, base = v, signed
			}
		}
		cred, me, err := s.credential(tx.DB, a)
		if err != nil {
			return err
		}
		now := s.db.Now()
		if base == nil {
			title, doc, err := src.Render(ctx, tx.DB, a, subjectID, ecabinet.ReportIssuer{Name: me.FullName, Title: me.Title, Organization: me.Organization})
			if err != nil {
				return err
			}
			if d == nil {
				issued := string(kind)
				d = &documentRow{Title: title, Classification: string(ecabinet.ClassNone), Issued: &issued, CreatedBy: a.MemberID, CreatedAt: now, UpdatedAt: now}
				if o.ballot != nil {
					d.BallotID = &o.ballot.ID
				} else {
					d.MeetingID = &o.meeting.ID
				}
				if err := tx.Create(d).Error; err != nil {
					return err
				}
			}
			base = doc
		}
		signed, err := pades.Sign(base, cred, pades.Mark{Name: me.FullName, Title: me.Title, Organization: me.Organization, Location: body.Settings.Location()}, now)
		if err != nil {
			return err
		}
		if err := s.storeSigned(ctx, tx, d, prev, signed, a, kind); err != nil {
			return err
		}
		out, err = s.issued(ctx, tx.DB, a, kind, subjectID, o)
		if err != nil {
			return err
		}
		if err := o.emit(tx, out.Document); err != nil {
			return err
		}
		data := map[string]any{"document": out.Document, "kind": kind, "subject_id": subjectID, "member_id": a.MemberID}
		vis := ecabinet.Visibility{MinClearance: ecabinet.Classification(d.Classification)}
		scope := ecabinet.MeetingScope(subjectID)
		if o.ballot != nil {
			recipients, err := ballotRecipients(tx.DB, o.ballot.ID)
			if err != nil {
				return err
			}
			scope, vis = ecabinet.BodyScope(o.ballot.BodyID), ballotAudience(ecabinet.BallotStatus(o.ballot.Status), recipients, ecabinet.Classification(d.Classification))
		}
		if err := tx.emit(o.bodyID(), scope, ecabinet.EventDocumentSigned, data, vis); err != nil {
			return err
		}
		tx.audit(ctx, ecabinet.AuditRecord{BodyID: o.bodyID(), ActorID: a.MemberID, Action: ecabinet.AuditDocumentSigned, Subject: ecabinet.Subject("document", d.ID),
			Detail: map[string]any{"kind": kind, "subject_id": subjectID, "version": out.Document.Current.Version, "sha256": out.Document.Current.SHA256}})
		return nil
	})
	return out, err
}

// credential opens the actor's signing certificate and key, valid now.
func (s *SigningService) credential(tx *gorm.DB, a ecabinet.Actor) (*pades.Credential, *memberRow, error) {
	var me memberRow
	if err := tx.Where("id = ?", a.MemberID).Take(&me).Error; err != nil {
		return nil, nil, err
	}
	var row certRow
	err := tx.Where("member_id = ? AND body_id = ?", a.MemberID, a.BodyID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ecabinet.Errorf(ecabinet.ECONFLICT, "signing.no_certificate")
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.db.Now()
	if now.After(row.NotAfter) || now.Before(row.NotBefore) {
		return nil, nil, ecabinet.Errorf(ecabinet.ECONFLICT, "signing.certificate_expired")
	}
	if s.seal == nil {
		return nil, nil, ecabinet.Errorf(ecabinet.ECONFLICT, "signing.no_seal_key")
	}
	der, err := s.seal.Open(a.MemberID, row.SealedKey)
	if err != nil {
		return nil, nil, fmt.Errorf("a signer's private key does not open with this instance's signing key (ECABINET_SIGNING_KEY unset, different or rotated): %w", err)
	}
	key, err := pades.DecodeKey(der)
	if err != nil {
		return nil, nil, err
	}
	chain, err := pades.DecodeCertificates([]byte(row.ChainPEM))
	if err != nil || len(chain) == 0 {
		return nil, nil, fmt.Errorf("store: signing certificate %d: chain: %v", row.ID, err)
	}
	return &pades.Credential{Certificate: chain[0], Chain: chain[1:], Key: key}, &me, nil
}

// storeSigned stores a signed PDF as the document's next version, signed
// by the actor, with its signatures read and checked.
func (s *SigningService) storeSigned(ctx context.Context, tx *Tx, d *documentRow, prev *versionRow, signed []byte, a ecabinet.Actor, kind ecabinet.IssuedKind) error {
	pages, err := pades.Pages(signed)
	if err != nil {
		return err
	}
	sigs, err := pades.Verify(signed)
	if err != nil {
		return err
	}
	roots, err := trustedRoots(tx.DB, a.BodyID)
	if err != nil {
		return err
	}
	checked := checkSignatures(sigs, roots, s.db.Now())
	// Who signed in e-Cabinet: the earlier signatures keep their members,
	// the last is the actor's.
	if prev != nil && prev.Signatures != nil {
		var before []storedSignature
		if err := json.Unmarshal([]byte(*prev.Signatures), &before); err != nil {
			return err
		}
		for i := range before {
			if i < len(checked) {
				checked[i].MemberID = before[i].MemberID
			}
		}
	}
	checked[len(checked)-1].MemberID = a.MemberID
	stored, err := marshalSignatures(checked)
	if err != nil {
		return err
	}
	size := int64(len(signed))
	by := a.MemberID
	v := versionRow{DocumentID: d.ID, Version: d.CurrentVersion + 1, Filename: string(kind) + ".pdf", Size: size,
		SHA256: "", Pages: pages, Chunks: int((size + ChunkSize - 1) / ChunkSize), UploadedBy: a.MemberID, UploadedAt: s.db.Now(),
		Signatures: stored, SignedBy: &by}
	v.SHA256 = sha256Hex(signed)
	if err := tx.Create(&v).Error; err != nil {
		return err
	}
	if _, err := s.docs.writeChunks(ctx, tx, v.ID, ecabinet.Upload{Content: bytes.NewReader(signed), Size: size}); err != nil {
		return err
	}
	d.CurrentVersion = v.Version
	return tx.Model(&documentRow{}).Where("id = ?", d.ID).Updates(map[string]any{"current_version": v.Version, "updated_at": v.UploadedAt}).Error
}

// Original returns a version's stored bytes unchanged.
func (s *SigningService) Original(ctx context.Context, documentID, versionID int64) (*ecabinet.Original, error) {
	var v *versionRow
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		var err error
		v, _, err = s.db.readableVersion(ctx, tx, a, documentID, versionID)
		return err
	})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := s.docs.writeContent(ctx, v, &b); err != nil {
		return nil, err
	}
	return &ecabinet.Original{Version: v.domain(), Content: b.Bytes()}, nil
}
