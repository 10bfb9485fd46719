package store

import (
	"context"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// A written ballot carries the documents it asks about (the draft decree or
// report). They are documents like a session's, with the same versions,
// content checks, stamping, receipts, notes and classification rules; they
// belong to the ballot instead of a session. The secretariat adds them to a
// draft; the recipients read them once the ballot is open.

// BallotDocuments lists the documents of a ballot the actor may see: all of
// them for the secretariat, those at or below a recipient's clearance once
// the ballot is open.
func (s *DocumentService) BallotDocuments(ctx context.Context, ballotID int64) ([]*ecabinet.Document, error) {
	var out []*ecabinet.Document
	err := s.db.view(ctx, func(tx *gorm.DB, a ecabinet.Actor) error {
		if _, err := loadBallot(tx, a, ballotID, ""); err != nil {
			return err
		}
		var err error
		out, err = ballotDocuments(tx, ballotID, a.Clearance.AtOrBelow(), 0)
		return err
	})
	return out, err
}

// CreateBallotDocument adds a document to a draft ballot; above the body's
// electronic limit it is a placeholder for a paper-only document.
func (s *DocumentService) CreateBallotDocument(ctx context.Context, ballotID int64, in ecabinet.DocumentInput) (*ecabinet.Document, error) {
	a, err := ecabinet.Secretariat.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.ItemID != nil {
		return nil, ecabinet.FieldError("item_id", "ballot.document_item")
	}
	if !ecabinet.MaySeeDocument(a, in.Classification) {
		return nil, ecabinet.Errorf(ecabinet.EFORBIDDEN, "document.above_clearance")
	}
	var out *ecabinet.Document
	err = s.db.write(ctx, func(tx *Tx) error {
		b, err := loadBallot(tx.DB, a, ballotID, "UPDATE")
		if err != nil {
			return err
		}
		if b.Status != string(ecabinet.BallotDraft) {
			return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.document_not_draft")
		}
		row := documentRow{BallotID: &ballotID}
		if out, err = s.insertDocument(ctx, tx, a, &row, in); err != nil {
			return err
		}
		return docOwner{ballot: b}.emit(tx, out)
	})
	return out, err
}

// ballotDocumentsReady refuses to open a ballot while one of its electronic
// documents has no file: its recipients would be sent nothing to read.
func ballotDocumentsReady(tx *gorm.DB, ballotID int64) error {
	var missing []documentRow
	if err := tx.Where("ballot_id = ? AND NOT placeholder AND current_version = 0", ballotID).Order("id").Limit(1).Find(&missing).Error; err != nil {
		return err
	}
	if len(missing) > 0 {
		return ecabinet.Errorf(ecabinet.ECONFLICT, "ballot.document_without_file", missing[0].Title)
	}
	return nil
}
