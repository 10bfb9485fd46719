package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type paperCopyRow struct {
	ID          int64
	DocumentID  int64
	CopyNo      int
	HolderID    int64
	HandedOutAt time.Time
	HandedOutBy int64
	ReturnedAt  *time.Time
	ReceivedBy  *int64
}

func (paperCopyRow) TableName() string { return "paper_copies" }

func (r *paperCopyRow) domain() *ecabinet.PaperCopy {
	return &ecabinet.PaperCopy{ID: r.ID, DocumentID: r.DocumentID, CopyNo: r.CopyNo, HolderID: r.HolderID, HandedOutAt: r.HandedOutAt,
		HandedOutBy: r.HandedOutBy, ReturnedAt: r.ReturnedAt, ReceivedBy: r.ReceivedBy}
}

type noteRow struct {
	DocumentID int64
	MemberID   int64
	Page       int
	Text       string
	UpdatedAt  time.Time
}

func (noteRow) TableName() string { return "document_notes" }

// HandOut records a numbered paper copy of a placeholder handed to a member.
func (s *DocumentService) HandOut(ctx context.Context, documentID int64, in ecabinet.PaperCopyInput) (*ecabinet.PaperCopy, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var row paperCopyRow
	err = s.db.write(ctx, func(tx *Tx) error {
		d, o, err := loadDocument(tx.DB, a, documentID, true)
		if err != nil {
			return err
		}
		if !d.Placeholder {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "copy.not_placeholder")
		}
		holder, err := s.db.findMember(ctx, tx.DB, a.BodyID, in.HolderID)
		if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND || (err == nil && !holder.Active) {
			return ecabinet.FieldError("holder_id", "not_found.member")
		}
		if err != nil {
			return err
		}
		if !holder.Clearance.Covers(ecabinet.Classification(d.Classification)) {
			return ecabinet.FieldError("holder_id", "copy.holder_not_cleared")
		}
		var out []paperCopyRow
		if err := tx.Where("document_id = ? AND returned_at IS NULL", d.ID).Find(&out).Error; err != nil {
			return err
		}
		var made int
		if err := tx.Model(&paperCopyRow{}).Where("document_id = ?", d.ID).Select("COALESCE(MAX(copy_no), 0)").Scan(&made).Error; err != nil {
			return err
		}
		no := in.CopyNo
		switch {
		case no == 0:
			no = made + 1
		case no > made:
			return ecabinet.FieldError("copy_no", "copy.no_such_number", no)
		}
		for _, c := range out {
			if c.HolderID == holder.ID {
				return ecabinet.Errorf(ecabinet.ECONFLICT, "copy.holder_has_copy")
			}
			if c.CopyNo == no {
				return ecabinet.Errorf(ecabinet.ECONFLICT, "copy.out", no)
			}
		}
		row = paperCopyRow{DocumentID: d.ID, CopyNo: no, HolderID: holder.ID, HandedOutAt: s.db.Now(), HandedOutBy: a.MemberID}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if no <= made {
			return nil
		}
		// A new copy: more paper used.
		doc, err := document(tx.DB, d)
		if err != nil {
			return err
		}
		if err := o.emit(tx, doc); err != nil {
			return err
		}
		return o.emitLedger(tx, ecabinet.Classification(d.Classification))
	})
	if err != nil {
		return nil, err
	}
	return row.domain(), nil
}

// ReturnCopy records a paper copy handed back to the secretariat.
func (s *DocumentService) ReturnCopy(ctx context.Context, documentID, copyID int64) (*ecabinet.PaperCopy, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	var row paperCopyRow
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, _, err := loadDocument(tx.DB, a, documentID, true); err != nil {
			return err
		}
		err := tx.Where("id = ? AND document_id = ?", copyID, documentID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ecabinet.NotFound("paper_copy")
		}
		if err != nil {
			return err
		}
		if row.ReturnedAt != nil {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "copy.returned")
		}
		now, by := s.db.Now(), a.MemberID
		row.ReturnedAt, row.ReceivedBy = &now, &by
		return tx.Model(&paperCopyRow{}).Where("id = ?", copyID).Updates(map[string]any{"returned_at": now, "received_by": by}).Error
	})
	if err != nil {
		return nil, err
	}
	return row.domain(), nil
}

// Copies lists a document's paper copies by number, then time.
func (s *DocumentService) Copies(ctx context.Context, documentID int64) ([]*ecabinet.PaperCopy, error) {
	if _, err := ecabinet.Secretariat.Require(ctx); err != nil {
		return nil, err
	}
	var out []*ecabinet.PaperCopy
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, _, err := loadDocument(tx, a, documentID, false); err != nil {
			return err
		}
		var rows []paperCopyRow
		if err := tx.Where("document_id = ?", documentID).Order("copy_no, handed_out_at, id").Find(&rows).Error; err != nil {
			return err
		}
		out = make([]*ecabinet.PaperCopy, len(rows))
		for i := range rows {
			out[i] = rows[i].domain()
		}
		return nil
	})
	return out, err
}

// pages returns how many pages notes may refer to: those of the current
// version, or of the paper original of a placeholder.
func pages(tx *gorm.DB, d *documentRow) (int, error) {
	if d.Placeholder || d.CurrentVersion == 0 {
		return d.PaperPages, nil
	}
	var n int
	err := tx.Model(&versionRow{}).Where("document_id = ? AND version = ?", d.ID, d.CurrentVersion).Select("pages").Scan(&n).Error
	return n, err
}

// Notes returns the actor's own notes on the document's current pages.
func (s *DocumentService) Notes(ctx context.Context, documentID int64) ([]*ecabinet.Note, error) {
	var out []*ecabinet.Note
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		d, _, err := loadDocument(tx, a, documentID, false)
		if err != nil {
			return err
		}
		limit, err := pages(tx, d)
		if err != nil {
			return err
		}
		var rows []noteRow
		if err := tx.Where("document_id = ? AND member_id = ? AND page <= ?", documentID, a.MemberID, limit).Order("page").Find(&rows).Error; err != nil {
			return err
		}
		out = make([]*ecabinet.Note, len(rows))
		for i, r := range rows {
			out[i] = &ecabinet.Note{DocumentID: r.DocumentID, Page: r.Page, Text: r.Text, UpdatedAt: r.UpdatedAt}
		}
		return nil
	})
	return out, err
}

// SetNote writes or deletes the actor's note on one page.
func (s *DocumentService) SetNote(ctx context.Context, documentID int64, page int, text string) (*ecabinet.Note, error) {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if !utf8.ValidString(text) {
		return nil, ecabinet.FieldError("text", "field.enum", "text")
	}
	if utf8.RuneCountInString(text) > ecabinet.MaxNoteLength {
		return nil, ecabinet.FieldError("text", "field.too_long", "text", ecabinet.MaxNoteLength)
	}
	note := &ecabinet.Note{DocumentID: documentID, Page: page, Text: text, UpdatedAt: s.db.Now()}
	err = s.db.tx(ctx, func(tx *gorm.DB) error {
		d, _, err := loadDocument(tx, a, documentID, false)
		if err != nil {
			return err
		}
		limit, err := pages(tx, d)
		if err != nil {
			return err
		}
		if page < 1 || page > limit {
			return ecabinet.FieldError("page", "field.range", "page")
		}
		if text == "" {
			return tx.Where("document_id = ? AND member_id = ? AND page = ?", documentID, a.MemberID, page).Delete(&noteRow{}).Error
		}
		row := noteRow{DocumentID: documentID, MemberID: a.MemberID, Page: page, Text: text, UpdatedAt: note.UpdatedAt}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "document_id"}, {Name: "member_id"}, {Name: "page"}},
			DoUpdates: clause.AssignmentColumns([]string{"text", "updated_at"}),
		}).Create(&row).Error
	})
	if err != nil {
		return nil, err
	}
	return note, nil
}
