package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type auditRow struct {
	ID       int64
	At       time.Time
	BodyID   *int64
	ActorID  *int64
	Action   string
	Subject  string
	Detail   string
	IP       string
	Salt     string
	PrevHash string
	Hash     string
}

func (auditRow) TableName() string { return "audit_log" }

func (r *auditRow) domain() *ecabinet.AuditEntry {
	e := &ecabinet.AuditEntry{ID: r.ID, At: r.At.UTC(), Action: r.Action, Subject: r.Subject, IP: r.IP, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.BodyID != nil {
		e.BodyID = *r.BodyID
	}
	if r.ActorID != nil {
		e.ActorID = *r.ActorID
	}
	if r.Detail != "" {
		e.Detail = json.RawMessage(r.Detail)
	}
	if r.Salt != "" {
		e.Salt, e.Content = r.Salt, ecabinet.Commitment(r.Salt, r.Subject, e.Detail)
	}
	return e
}

type auditHead struct {
	One    int
	LastID int64
	Hash   string
}

func (auditHead) TableName() string { return "audit_head" }

func nullable(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// audit records an entry to be appended when the transaction commits: the
// action and its audit entry exist together or not at all. Entries are
// chained at the end of the transaction, so the lock on the chain's head is
// held only from there to the commit.
func (tx *Tx) audit(ctx context.Context, rec ecabinet.AuditRecord) {
	if rec.IP == "" {
		rec.IP = ecabinet.ClientFromContext(ctx).IP
	}
	tx.audits = append(tx.audits, rec)
}

// appendAudit chains the transaction's entries after the head.
func (tx *Tx) appendAudit() error {
	if len(tx.audits) == 0 {
		return nil
	}
	q := tx.DB
	if tx.Dialector.Name() == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var head auditHead
	if err := q.Where("one = 1").Take(&head).Error; err != nil {
		return err
	}
	// Microseconds: what PostgreSQL keeps, so the hash of a stored entry
	// can be computed again.
	now := tx.db.Now().UTC().Truncate(time.Microsecond)
	for _, rec := range tx.audits {
		var detail []byte
		if rec.Detail != nil {
			var err error
			if detail, err = json.Marshal(rec.Detail); err != nil {
				return err
			}
		}
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		e := &ecabinet.AuditEntry{ID: head.LastID + 1, At: now, BodyID: rec.BodyID, ActorID: rec.ActorID, Action: rec.Action,
			Subject: rec.Subject, Detail: detail, IP: truncate(rec.IP, 64), Salt: hex.EncodeToString(salt), PrevHash: head.Hash}
		e.Content = ecabinet.Commitment(e.Salt, e.Subject, e.Detail)
		e.Hash = ecabinet.ChainHash(head.Hash, e)
		row := auditRow{ID: e.ID, At: e.At, BodyID: nullable(e.BodyID), ActorID: nullable(e.ActorID), Action: e.Action,
			Subject: e.Subject, Detail: string(detail), IP: e.IP, Salt: e.Salt, PrevHash: e.PrevHash, Hash: e.Hash}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		head.LastID, head.Hash = e.ID, e.Hash
	}
	tx.audits = nil
	return tx.Model(&auditHead{}).Where("one = 1").Updates(map[string]any{"last_id": head.LastID, "hash": head.Hash}).Error
}

// Audit appends one entry on its own, for actions that write nothing else
// (a failed login, a document opened, an export).
func (db *DB) Audit(ctx context.Context, rec ecabinet.AuditRecord) error {
	return db.write(ctx, func(tx *Tx) error {
		tx.audit(ctx, rec)
		return nil
	})
}

// AuditBreak is the first entry that does not hold, as found by VerifyAudit.
type AuditBreak struct {
	ID     int64
	Reason string
}

// VerifyAudit walks the whole chain and returns the number of entries and
// the first break, if any: an entry whose hash is not that of its content
// and predecessor, a missing id, or a head that does not match the last
// entry (entries removed from the end).
func (db *DB) VerifyAudit(ctx context.Context) (int64, *AuditBreak, error) {
	prev, last := ecabinet.GenesisHash, int64(0)
	for {
		var rows []auditRow
		if err := db.read(ctx).Where("id > ?", last).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return last, nil, translate(err)
		}
		for i := range rows {
			e := rows[i].domain()
			switch {
			case e.ID != last+1:
				return last, &AuditBreak{ID: last + 1, Reason: fmt.Sprintf("entry %d is missing", last+1)}, nil
			case e.PrevHash != prev:
				return last, &AuditBreak{ID: e.ID, Reason: "its previous hash is not the hash of the entry before"}, nil
			case ecabinet.ChainHash(prev, e) != e.Hash:
				return last, &AuditBreak{ID: e.ID, Reason: "its content does not match its hash (changed after it was written)"}, nil
			}
			prev, last = e.Hash, e.ID
		}
		if len(rows) < 1000 {
			break
		}
	}
	var head auditHead
	if err := db.read(ctx).Where("one = 1").Take(&head).Error; err != nil {
		return last, nil, translate(err)
	}
	if head.LastID != last || head.Hash != prev {
		return last, &AuditBreak{ID: last + 1, Reason: fmt.Sprintf("the head says the log ends at entry %d, the table at %d", head.LastID, last)}, nil
	}
	return last, nil, nil
}

// AuditHead returns the id and hash of the last entry, which the server logs
// so that an outside copy of its logs anchors the chain.
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var head auditHead
	err := db.read(ctx).Where("one = 1").Take(&head).Error
	return head.LastID, head.Hash, translate(err)
}

// AuditService implements ecabinet.AuditService.
type AuditService struct{ db *DB }

// NewAuditService returns an AuditService over db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// AuditLog returns entries of the actor's body (admin); those about a
// document above the actor's clearance are redacted.
func (s *AuditService) AuditLog(ctx context.Context, after int64, limit int) ([]*ecabinet.AuditEntry, error) {
	a, err := ecabinet.Admins.Require(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var out []*ecabinet.AuditEntry
	err = s.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []auditRow
		if err := tx.Where("body_id = ? AND id > ?", a.BodyID, after).Order("id").Limit(limit).Find(&rows).Error; err != nil {
			return err
		}
		out = make([]*ecabinet.AuditEntry, len(rows))
		docs := map[int64]bool{} // documents named, and whether the actor may know of them
		for i := range rows {
			out[i] = rows[i].domain()
			if id, ok := documentSubject(out[i].Subject); ok {
				docs[id] = false
			}
		}
		if len(docs) > 0 {
			var ids []int64
			for id := range docs {
				ids = append(ids, id)
			}
			var visible []int64
			if err := tx.Table("documents").Where("id IN ? AND classification IN ?", ids, a.Clearance.AtOrBelow()).Pluck("id", &visible).Error; err != nil {
				return err
			}
			for _, id := range visible {
				docs[id] = true
			}
		}
		for _, e := range out {
			if id, ok := documentSubject(e.Subject); ok && !docs[id] {
				e.Redact()
			}
		}
		return nil
	}, s.db.snapshotTx())
	return out, translate(err)
}

// documentSubject returns the document an audit subject names, if any.
func documentSubject(subject string) (int64, bool) {
	raw, ok := strings.CutPrefix(subject, "document:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil
}
