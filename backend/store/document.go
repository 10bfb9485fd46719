package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"gorm.io/gorm"
)

type documentRow struct {
	ID             int64
	MeetingID      *int64 // a session's document,
	BallotID       *int64 // or a ballot's (exactly one is set)
	ItemID         *int64
	Title          string
	Classification string
	Placeholder    bool
	PaperPages     int
	CurrentVersion int
	Issued         *string // the kind of an issued document
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (documentRow) TableName() string { return "documents" }

type versionRow struct {
	ID         int64
	DocumentID int64
	Version    int
	Filename   string
	Size       int64
	SHA256     string `gorm:"column:sha256"`
	Pages      int
	Chunks     int
	UploadedBy int64
	UploadedAt time.Time
	Signatures *string // JSON of []storedSignature; nil without any
	SignedBy   *int64
}

func (versionRow) TableName() string { return "document_versions" }

func (r *versionRow) domain() *ecabinet.DocumentVersion {
	return &ecabinet.DocumentVersion{ID: r.ID, DocumentID: r.DocumentID, Version: r.Version, Filename: r.Filename, Size: r.Size,
		SHA256: r.SHA256, Pages: r.Pages, UploadedBy: r.UploadedBy, UploadedAt: r.UploadedAt, Signatures: pdfSignatures(r.Signatures)}
}

// pdfSignatures decodes the stored signatures of a version for members
// (an empty list for a PDF without any).
func pdfSignatures(stored *string) []ecabinet.PDFSignature {
	out := []ecabinet.PDFSignature{}
	if stored != nil {
		// Written by this package from a []storedSignature: the chains are dropped.
		_ = json.Unmarshal([]byte(*stored), &out)
	}
	return out
}

// documentView is a document with its current version, from one query.
type documentView struct {
	Doc         documentRow `gorm:"embedded"`
	VID         *int64      `gorm:"column:v_id"`
	VVersion    *int        `gorm:"column:v_version"`
	VFilename   *string     `gorm:"column:v_filename"`
	VSize       *int64      `gorm:"column:v_size"`
	VSHA256     *string     `gorm:"column:v_sha256"`
	VPages      *int        `gorm:"column:v_pages"`
	VUploadedBy *int64      `gorm:"column:v_uploaded_by"`
	VUploadedAt *time.Time  `gorm:"column:v_uploaded_at"`
	VSignatures *string     `gorm:"column:v_signatures"`
	Copies      int         `gorm:"column:copies"`
}

func (r *documentView) domain() *ecabinet.Document {
	d := &ecabinet.Document{ID: r.Doc.ID, ItemID: r.Doc.ItemID, Title: r.Doc.Title,
		Classification: ecabinet.Classification(r.Doc.Classification), Placeholder: r.Doc.Placeholder, PaperPages: r.Doc.PaperPages,
		PaperCopies: r.Copies, CreatedAt: r.Doc.CreatedAt, UpdatedAt: r.Doc.UpdatedAt}
	if r.Doc.Issued != nil {
		d.Issued = ecabinet.IssuedKind(*r.Doc.Issued)
	}
	if r.Doc.MeetingID != nil {
		d.MeetingID = *r.Doc.MeetingID
	}
	if r.Doc.BallotID != nil {
		d.BallotID = *r.Doc.BallotID
	}
	if r.VID != nil && r.VVersion != nil && r.VFilename != nil && r.VSize != nil && r.VSHA256 != nil && r.VPages != nil &&
		r.VUploadedBy != nil && r.VUploadedAt != nil {
		d.Current = &ecabinet.DocumentVersion{ID: *r.VID, DocumentID: r.Doc.ID, Version: *r.VVersion, Filename: *r.VFilename, Size: *r.VSize,
			SHA256: *r.VSHA256, Pages: *r.VPages, UploadedBy: *r.VUploadedBy, UploadedAt: *r.VUploadedAt, Signatures: pdfSignatures(r.VSignatures)}
	}
	return d
}

// DocumentService implements ecabinet.DocumentService. Content is stored
// in the database in chunks; stamped copies are made into cache.
type DocumentService struct {
	db    *DB
	cache *pdf.Cache
}

// NewDocumentService returns a DocumentService over db that keeps stamped
// copies in cache.
func NewDocumentService(db *DB, cache *pdf.Cache) *DocumentService {
	return &DocumentService{db: db, cache: cache}
}

var _ ecabinet.DocumentService = (*DocumentService)(nil)

// documents returns the documents of a session at the given levels (all
// of them when docID is 0, else that one), each with its current version,
// in one query: session documents first, then by agenda position.
func documents(tx *gorm.DB, meetingID int64, levels []ecabinet.Classification, docID int64) ([]*ecabinet.Document, error) {
	return ownedDocuments(tx, "d.meeting_id", meetingID, levels, docID)
}

// ballotDocuments returns the documents of a ballot at the given levels
// (all of them when docID is 0, else that one), in the order they were added.
func ballotDocuments(tx *gorm.DB, ballotID int64, levels []ecabinet.Classification, docID int64) ([]*ecabinet.Document, error) {
	return ownedDocuments(tx, "d.ballot_id", ballotID, levels, docID)
}

// ownedDocuments returns the documents whose owner column (d.meeting_id or
// d.ballot_id) is ownerID, at the given levels.
func ownedDocuments(tx *gorm.DB, owner string, ownerID int64, levels []ecabinet.Classification, docID int64) ([]*ecabinet.Document, error) {
	q := tx.Table("documents AS d").
		Select("d.*, v.id AS v_id, v.version AS v_version, v.filename AS v_filename, v.size AS v_size, v.sha256 AS v_sha256, "+
			"v.pages AS v_pages, v.uploaded_by AS v_uploaded_by, v.uploaded_at AS v_uploaded_at, v.signatures AS v_signatures, "+
			"(SELECT COALESCE(MAX(c.copy_no), 0) FROM paper_copies AS c WHERE c.document_id = d.id) AS copies").
		Joins("LEFT JOIN document_versions AS v ON v.document_id = d.id AND v.version = d.current_version").
		Joins("LEFT JOIN agenda_items AS a ON a.id = d.item_id").
		Where(owner+" = ? AND d.classification IN ?", ownerID, levels)
	if docID != 0 {
		q = q.Where("d.id = ?", docID)
	}
	var rows []documentView
	if err := q.Order("COALESCE(a.position, 0), d.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*ecabinet.Document, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// documentsOf returns the documents of a session the actor is cleared for
// (the caller has checked that the actor may see the session).
func documentsOf(tx *gorm.DB, a ecabinet.Actor, meetingID int64) ([]*ecabinet.Document, error) {
	return documents(tx, meetingID, a.Clearance.AtOrBelow(), 0)
}

// document returns one document with its current version, whatever its level.
func document(tx *gorm.DB, d *documentRow) (*ecabinet.Document, error) {
	var docs []*ecabinet.Document
	var err error
	if d.BallotID != nil {
		docs, err = ballotDocuments(tx, *d.BallotID, ecabinet.Classifications, d.ID)
	} else {
		docs, err = documents(tx, *d.MeetingID, ecabinet.Classifications, d.ID)
	}
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, ecabinet.NotFound("document")
	}
	return docs[0], nil
}

// docOwner is what a document belongs to: a session or a written ballot
// (exactly one is set), as the actor may see it.
type docOwner struct {
	meeting *meetingRow
	ballot  *ballotRow
}

// emit tells the owner's subscribers cleared for the document that it is
// new or changed: a session's on its stream, a ballot's on the body stream
// (to the secretariat, and once the ballot is open to its recipients);
// nobody below the document's level learns of it.
func (o docOwner) emit(tx *Tx, d *ecabinet.Document) error {
	if o.ballot == nil {
		return emitDocument(tx, o.meeting.BodyID, d)
	}
	status := ecabinet.BallotStatus(o.ballot.Status)
	var recipients []int64
	if status != ecabinet.BallotDraft {
		var err error
		if recipients, err = ballotRecipients(tx.DB, o.ballot.ID); err != nil {
			return err
		}
	}
	return tx.emit(o.ballot.BodyID, ecabinet.BodyScope(o.ballot.BodyID), ecabinet.EventBallotDocument, map[string]any{"document": d},
		ballotAudience(status, recipients, d.Classification))
}

// emitLedger announces that the owner's paper figures changed with one of
// its documents, of classification c, when its documents count already (a
// published session, an opened ballot); only to readers cleared for c.
func (o docOwner) emitLedger(tx *Tx, c ecabinet.Classification) error {
	if o.ballot != nil {
		if o.ballot.OpenedAt == nil {
			return nil
		}
		return emitLedger(tx, o.ballot.BodyID, ecabinet.LedgerBallot, o.ballot.ID, c)
	}
	if !ecabinet.MeetingStatus(o.meeting.Status).Visible() {
		return nil
	}
	return emitLedger(tx, o.meeting.BodyID, ecabinet.LedgerMeeting, o.meeting.ID, c)
}

// loadDocument returns a document the actor may see: of a session they
// may see (loadMeeting) or a ballot they may see (loadBallot), and at or
// below their clearance; anything else is not_found. With lock, the
// owner's row is locked first and the document read under the lock.
func loadDocument(tx *gorm.DB, a ecabinet.Actor, id int64, lock bool) (*documentRow, docOwner, error) {
	var d documentRow
	var o docOwner
	err := tx.Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, o, ecabinet.NotFound("document")
	}
	if err != nil {
		return nil, o, err
	}
	if d.BallotID != nil {
		strength := ""
		if lock {
			strength = "UPDATE"
		}
		o.ballot, err = loadBallot(tx, a, *d.BallotID, strength)
	} else {
		o.meeting, err = loadMeeting(tx, a, *d.MeetingID, lock)
	}
	if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND {
		return nil, o, ecabinet.NotFound("document")
	}
	if err != nil {
		return nil, o, err
	}
	if lock {
		if err := tx.Where("id = ?", id).Take(&d).Error; err != nil {
			return nil, o, err
		}
	}
	if !ecabinet.MaySeeDocument(a, ecabinet.Classification(d.Classification)) {
		return nil, o, ecabinet.NotFound("document")
	}
	return &d, o, nil
}

// emitDocument tells the session's subscribers cleared for the document
// that it is new or changed; nobody below its level learns of it.
func emitDocument(tx *Tx, bodyID int64, d *ecabinet.Document) error {
	return tx.emit(bodyID, ecabinet.MeetingScope(d.MeetingID), ecabinet.EventDocumentUpdated,
		map[string]any{"document": d}, ecabinet.Visibility{MinClearance: d.Classification})
}

// readTx runs fn in a snapshot read transaction as the actor in ctx.
// Documents lists the documents of a session the actor may see.
func (s *DocumentService) Documents(ctx context.Context, meetingID int64) ([]*ecabinet.Document, error) {
	var out []*ecabinet.Document
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var err error
		out, err = documentsOf(tx, a, meetingID)
		return err
	})
	return out, err
}

// FindDocument returns a document the actor may see.
func (s *DocumentService) FindDocument(ctx context.Context, id int64) (*ecabinet.Document, error) {
	var out *ecabinet.Document
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		d, _, err := loadDocument(tx, a, id, false)
		if err != nil {
			return err
		}
		out, err = document(tx, d)
		return err
	})
	return out, err
}

// CreateDocument adds a document to a session; above the body's electronic
// limit it is a placeholder for a paper-only document.
func (s *DocumentService) CreateDocument(ctx context.Context, meetingID int64, in ecabinet.DocumentInput) (*ecabinet.Document, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !ecabinet.MaySeeDocument(a, in.Classification) {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "document.above_clearance")
	}
	var out *ecabinet.Document
	err = s.db.write(ctx, func(tx *Tx) error {
		m, err := loadMeeting(tx.DB, a, meetingID, true)
		if err != nil {
			return err
		}
		if !ecabinet.MeetingStatus(m.Status).Editable() {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.closed")
		}
		if in.ItemID != nil {
			if _, err := findItem(tx.DB, meetingID, *in.ItemID); ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND {
				return ecabinet.FieldError("item_id", "not_found.agenda_item")
			} else if err != nil {
				return err
			}
		}
		row := documentRow{MeetingID: &meetingID, ItemID: in.ItemID}
		if out, err = s.insertDocument(ctx, tx, a, &row, in); err != nil {
			return err
		}
		return emitDocument(tx, m.BodyID, out)
	})
	return out, err
}

// insertDocument stores a new document of the owner row names (checked by
// the caller) from in: above the body's electronic limit a placeholder
// for a paper-only document, with its paper pages.
func (s *DocumentService) insertDocument(ctx context.Context, tx *Tx, a ecabinet.Actor, row *documentRow, in ecabinet.DocumentInput) (*ecabinet.Document, error) {
	body, err := s.db.findBody(ctx, tx.DB, a.BodyID)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	row.Title, row.Classification, row.CreatedBy, row.CreatedAt, row.UpdatedAt = in.Title, string(in.Classification), a.MemberID, now, now
	if !body.Settings.ElectronicMaxClassification.Covers(in.Classification) {
		if in.PaperPages <= 0 {
			return nil, ecabinet.FieldError("paper_pages", "document.paper_pages_required")
		}
		row.Placeholder, row.PaperPages = true, in.PaperPages
	}
	if err := tx.Create(row).Error; err != nil {
		return nil, err
	}
	return document(tx.DB, row)
}

// Versions lists a document's versions, newest first.
func (s *DocumentService) Versions(ctx context.Context, documentID int64) ([]*ecabinet.DocumentVersion, error) {
	var out []*ecabinet.DocumentVersion
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, _, err := loadDocument(tx, a, documentID, false); err != nil {
			return err
		}
		var rows []versionRow
		if err := tx.Where("document_id = ?", documentID).Order("version DESC").Find(&rows).Error; err != nil {
			return err
		}
		out = make([]*ecabinet.DocumentVersion, len(rows))
		for i := range rows {
			out[i] = rows[i].domain()
		}
		return nil
	})
	return out, err
}
