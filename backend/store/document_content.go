package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf"
	"gorm.io/gorm"
)

// ChunkSize is the size of the pieces a document's content is stored in.
const ChunkSize = 1 << 20

// uploadable refuses an upload to a paper-only document, to a closed
// session, to a closed ballot, and to an open ballot unless it replaces a
// version its recipients have already been sent.
func uploadable(d *documentRow, o docOwner, body *ecabinet.Body) error {
	if d.Placeholder || !body.Settings.ElectronicMaxClassification.Covers(ecabinet.Classification(d.Classification)) {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "document.paper_only")
	}
	if o.ballot != nil {
		switch ecabinet.BallotStatus(o.ballot.Status) {
		case ecabinet.BallotDraft:
			return nil
		case ecabinet.BallotOpen:
			if d.CurrentVersion == 0 {
				return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.document_replace_only")
			}
			return nil
		}
		return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.closed")
	}
	if !ecabinet.MeetingStatus(o.meeting.Status).Editable() {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "meeting.closed")
	}
	return nil
}

// pdfError turns a refusal of the PDF checker into the error the uploader sees.
func pdfError(err error) error {
	var lim *pdf.LimitError
	if errors.As(err, &lim) {
		e := &ecabinet.Error{Code: ecabinet.EUNPROCESSABLE, Field: "file"}
		switch lim.Limit {
		case pdf.LimitPages:
			e.Key, e.Args = "document.too_many_pages", []any{lim.Pages, lim.Max}
		case pdf.LimitStream:
			e.Key, e.Args = "document.stream_too_large", []any{ecabinet.FormatSize(lim.Max)}
		case pdf.LimitSignatures:
			e.Key, e.Args = "document.too_many_signatures", []any{lim.Max}
		default:
			e.Key, e.Args = "document.decoded_too_large", []any{ecabinet.FormatSize(lim.Max)}
		}
		return e
	}
	switch {
	case errors.Is(err, pdf.ErrEmpty):
		return &ecabinet.Error{Code: ecabinet.EUNPROCESSABLE, Key: "document.empty", Field: "file"}
	case errors.Is(err, pdf.ErrNotPDF):
		return &ecabinet.Error{Code: ecabinet.EUNPROCESSABLE, Key: "document.not_pdf", Field: "file"}
	case errors.Is(err, pdf.ErrEncrypted):
		return &ecabinet.Error{Code: ecabinet.EUNPROCESSABLE, Key: "document.encrypted", Field: "file"}
	case errors.Is(err, pdf.ErrCorrupt):
		return &ecabinet.Error{Code: ecabinet.EUNPROCESSABLE, Key: "document.corrupt", Field: "file"}
	}
	return err
}

// UploadVersion checks the upload and stores it as the new current version.
func (s *DocumentService) UploadVersion(ctx context.Context, documentID int64, up ecabinet.Upload) (*ecabinet.Document, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	// Refuse what the rules refuse before reading the file.
	var body *ecabinet.Body
	check := func(tx *gorm.DB, lock bool) (*documentRow, docOwner, error) {
		d, o, err := loadDocument(tx, a, documentID, lock)
		if err != nil {
			return nil, o, err
		}
		if body, err = s.db.findBody(ctx, tx, a.BodyID); err != nil {
			return nil, o, err
		}
		return d, o, uploadable(d, o, body)
	}
	if err := s.db.read(ctx).Transaction(func(tx *gorm.DB) error { _, _, err := check(tx, false); return err }, s.db.snapshotTx()); err != nil {
		return nil, translate(err)
	}
	pages, stream, decoded := body.Settings.DocumentLimits()
	info, err := pdf.Inspect(ctx, up.Content, up.Size, pdf.Limits{MaxPages: pages, MaxStreamDecoded: stream, MaxDecoded: decoded})
	if err != nil {
		s.db.log.InfoContext(ctx, "upload refused", "document_id", documentID, "size", up.Size, "reason", err)
		return nil, pdfError(err)
	}
	// A signed PDF is evidence: kept whatever its signatures say, which are
	// read (outside the write) and shown (one that does not verify as not valid).
	parsed, err := uploadSignatures(up)
	if err != nil {
		return nil, err
	}
	var out *ecabinet.Document
	err = s.db.write(ctx, func(tx *Tx) error {
		d, o, err := check(tx.DB, true)
		if err != nil {
			return err
		}
		sigs, err := storedSignatures(tx.DB, o.bodyID(), parsed, s.db.Now())
		if err != nil {
			return err
		}
		// The version row comes first (the chunks refer to it); its checksum
		// is of the bytes stored, computed while they are written.
		v := versionRow{Signatures: sigs, DocumentID: d.ID, Version: d.CurrentVersion + 1, Filename: ecabinet.CleanFilename(up.Filename), Size: up.Size,
			SHA256: strings.Repeat("0", 64), Pages: info.Pages, Chunks: int((up.Size + ChunkSize - 1) / ChunkSize),
			UploadedBy: a.MemberID, UploadedAt: s.db.Now()}
		if err := tx.Create(&v).Error; err != nil {
			return err
		}
		sum, err := s.writeChunks(ctx, tx, v.ID, up)
		if err != nil {
			return err
		}
		if err := tx.Model(&versionRow{}).Where("id = ?", v.ID).Update("sha256", sum).Error; err != nil {
			return err
		}
		if err := tx.Model(&documentRow{}).Where("id = ?", d.ID).
			Updates(map[string]any{"current_version": v.Version, "updated_at": v.UploadedAt}).Error; err != nil {
			return err
		}
		// Notes stay with the pages the new version still has.
		if err := tx.Exec("DELETE FROM document_notes WHERE document_id = ? AND page > ?", d.ID, v.Pages).Error; err != nil {
			return err
		}
		if out, err = document(tx.DB, d); err != nil {
			return err
		}
		if err := o.emit(tx, out); err != nil {
			return err
		}
		return o.emitLedger(tx, ecabinet.Classification(d.Classification)) // distributed at upload once published or opened
	})
	return out, err
}

// sha256Hex is the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// placeholders returns the dialect's bind parameters for n values.
func (db *DB) placeholders(n int) []string {
	p := make([]string, n)
	for i := range p {
		p[i] = "?"
		if db.dialect == Postgres {
			p[i] = fmt.Sprintf("$%d", i+1)
		}
	}
	return p
}

// writeChunks stores the upload's content in ChunkSize pieces, reading it
// one piece at a time, and returns its SHA-256. It bypasses GORM (whose
// logger would render a megabyte per statement) but runs in its transaction.
func (s *DocumentService) writeChunks(ctx context.Context, tx *Tx, versionID int64, up ecabinet.Upload) (string, error) {
	p := s.db.placeholders(3)
	insert := fmt.Sprintf("INSERT INTO document_chunks (version_id, n, data) VALUES (%s, %s, %s)", p[0], p[1], p[2])
	h := sha256.New()
	buf := make([]byte, ChunkSize)
	var off int64
	for n := 0; off < up.Size; n++ {
		k, err := up.Content.ReadAt(buf[:min(ChunkSize, up.Size-off)], off)
		if k == 0 || (err != nil && !errors.Is(err, io.EOF)) {
			return "", fmt.Errorf("read upload at %d: %w", off, err)
		}
		h.Write(buf[:k])
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, insert, versionID, n, buf[:k]); err != nil {
			return "", err
		}
		off += int64(k)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeContent writes a version's stored content to w, one chunk at a
// time, and checks it against the recorded size and SHA-256.
func (s *DocumentService) writeContent(ctx context.Context, v *versionRow, w io.Writer) error {
	q := fmt.Sprintf("SELECT n, data FROM document_chunks WHERE version_id = %s ORDER BY n", s.db.placeholders(1)[0])
	rows, err := s.db.sql.QueryContext(ctx, q, v.ID)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	h := sha256.New()
	var size int64
	next := 0
	for rows.Next() {
		var n int
		var data sql.RawBytes
		if err := rows.Scan(&n, &data); err != nil {
			return translate(err)
		}
		if n != next {
			return fmt.Errorf("store: version %d: chunk %d missing", v.ID, next)
		}
		next++
		size += int64(len(data))
		h.Write(data)
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	if next != v.Chunks || size != v.Size || hex.EncodeToString(h.Sum(nil)) != v.SHA256 {
		return fmt.Errorf("store: version %d: stored content does not match its size or SHA-256", v.ID)
	}
	return nil
}

// stampText is what each page of a viewer's copy says: who opened it and when.
// stampLayout names the stamp's look in the cache keys of stamped copies:
// copies made before the stamp moved (into the bottom margin, object by
// object) are not served again.
const stampLayout = "s2"

func stampText(name string, at time.Time, loc *time.Location) string {
	return name + " — " + at.In(loc).Format("02/01/2006 15:04 (UTC-07:00)")
}

// readableVersion returns a version of a document the actor may read on a
// screen (not paper only, within the body's electronic limit), with the
// actor's body.
func (db *DB) readableVersion(ctx context.Context, tx *gorm.DB, a ecabinet.Actor, documentID, versionID int64) (*versionRow, *ecabinet.Body, error) {
	d, _, err := loadDocument(tx, a, documentID, false)
	if err != nil {
		return nil, nil, err
	}
	body, err := db.findBody(ctx, tx, a.BodyID)
	if err != nil {
		return nil, nil, err
	}
	if d.Placeholder || !body.Settings.ElectronicMaxClassification.Covers(ecabinet.Classification(d.Classification)) {
		return nil, nil, ecabinet.Errorf(ecabinet.ECONFLICT, "document.paper_only")
	}
	var v versionRow
	err = tx.Where("id = ? AND document_id = ?", versionID, documentID).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ecabinet.NotFound("document_version")
	}
	return &v, body, err
}

// Open returns the actor's stamped copy of a version and records their
// first opening of it.
func (s *DocumentService) Open(ctx context.Context, documentID, versionID int64) (*ecabinet.Content, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	var v *versionRow
	var body *ecabinet.Body
	err = s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		var err error
		v, body, err = s.db.readableVersion(ctx, tx, a, documentID, versionID)
		return err
	})
	if err != nil {
		return nil, err
	}
	path, err := s.cache.Stamped(ctx, pdf.Job{Key: fmt.Sprintf("%s/v%d/m%d", stampLayout, v.ID, a.MemberID), Reader: a.MemberID,
		Text: stampText(a.FullName, s.db.Now(), body.Settings.Location()), Size: v.Size, Pages: v.Pages,
		Fill: func(ctx context.Context, w io.Writer) error { return s.writeContent(ctx, v, w) }})
	if err != nil {
		return nil, err
	}
	if err := s.recordReceipt(ctx, v.ID, a.MemberID); err != nil {
		return nil, err
	}
	return &ecabinet.Content{Version: v.domain(), Path: path}, nil
}

// recordReceipt records the first opening of a version by a member. A
// reader makes many range requests: only the first writes.
func (s *DocumentService) recordReceipt(ctx context.Context, versionID, memberID int64) error {
	var n int64
	if err := s.db.read(ctx).Table("read_receipts").Where("version_id = ? AND member_id = ?", versionID, memberID).Count(&n).Error; err != nil {
		return translate(err)
	}
	if n > 0 {
		return nil
	}
	err := s.db.read(ctx).Exec("INSERT INTO read_receipts (version_id, member_id, first_opened_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		versionID, memberID, s.db.Now()).Error
	return translate(err)
}

// Unread returns, for every invitee, the current versions they are cleared
// for and have not opened, among the documents the actor may see.
func (s *DocumentService) Unread(ctx context.Context, meetingID int64) ([]ecabinet.Unread, error) {
	if _, err := ecabinet.Secretariat.Require(ctx); err != nil {
		return nil, err
	}
	var out []ecabinet.Unread
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadMeeting(tx, a, meetingID, false); err != nil {
			return err
		}
		var invitees []memberRow
		if err := tx.Where("id IN (SELECT member_id FROM attendance WHERE meeting_id = ?)", meetingID).Order(memberOrder).Find(&invitees).Error; err != nil {
			return err
		}
		var current []struct {
			ID             int64
			Classification string
		}
		if err := tx.Table("documents AS d").Select("v.id, d.classification").
			Joins("JOIN document_versions AS v ON v.document_id = d.id AND v.version = d.current_version").
			Where("d.meeting_id = ? AND d.classification IN ?", meetingID, a.Clearance.AtOrBelow()).
			Order("d.id").Scan(&current).Error; err != nil {
			return err
		}
		opened := map[[2]int64]bool{}
		if len(current) > 0 {
			ids := make([]int64, len(current))
			for i, c := range current {
				ids[i] = c.ID
			}
			var receipts []struct{ VersionID, MemberID int64 }
			if err := tx.Table("read_receipts").Select("version_id, member_id").Where("version_id IN ?", ids).Scan(&receipts).Error; err != nil {
				return err
			}
			for _, r := range receipts {
				opened[[2]int64{r.VersionID, r.MemberID}] = true
			}
		}
		out = make([]ecabinet.Unread, len(invitees))
		for i, m := range invitees {
			out[i] = ecabinet.Unread{MemberID: m.ID, Versions: []int64{}}
			for _, c := range current {
				if ecabinet.Classification(m.Clearance).Covers(ecabinet.Classification(c.Classification)) && !opened[[2]int64{c.ID, m.ID}] {
					out[i].Versions = append(out[i].Versions, c.ID)
				}
			}
		}
		return nil
	})
	return out, err
}
