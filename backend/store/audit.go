package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	Chain    *int64 // nil: the single chain before per-body chains
	Seq      *int64
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

// auditHead is the end of the single chain written before per-body chains
// (migration 00018): frozen since, it anchors every body's chain.
type auditHead struct {
	One    int
	LastID int64
	Hash   string
}

func (auditHead) TableName() string { return "audit_head" }

// auditChain is the end of one body's chain (chain 0: entries of no body).
type auditChain struct {
	Chain   int64
	LastSeq int64
	LastID  int64
	Hash    string
}

func (auditChain) TableName() string { return "audit_chains" }

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

// appendAudit chains the transaction's entries after the heads of their
// bodies' chains, taking the chains in ascending order so that two
// transactions never wait on each other's chains in turn.
func (tx *Tx) appendAudit() error {
	if len(tx.audits) == 0 {
		return nil
	}
	byChain := map[int64][]ecabinet.AuditRecord{}
	var chains []int64
	for _, rec := range tx.audits {
		if _, ok := byChain[rec.BodyID]; !ok {
			chains = append(chains, rec.BodyID)
		}
		byChain[rec.BodyID] = append(byChain[rec.BodyID], rec)
	}
	slices.Sort(chains)
	// Microseconds: what PostgreSQL keeps, so the hash of a stored entry
	// can be computed again.
	now := tx.db.Now().UTC().Truncate(time.Microsecond)
	for _, c := range chains {
		if err := tx.appendChain(c, byChain[c], now); err != nil {
			return err
		}
	}
	tx.audits = nil
	return nil
}

// appendChain appends recs to chain c under the lock of its head row.
func (tx *Tx) appendChain(c int64, recs []ecabinet.AuditRecord, now time.Time) error {
	head, err := tx.lockChain(c)
	if err != nil {
		return err
	}
	ids, err := tx.auditIDs(len(recs))
	if err != nil {
		return err
	}
	rows := make([]auditRow, len(recs))
	for i, rec := range recs {
		var detail []byte
		if rec.Detail != nil {
			if detail, err = json.Marshal(rec.Detail); err != nil {
				return err
			}
		}
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		e := &ecabinet.AuditEntry{ID: ids[i], At: now, BodyID: rec.BodyID, ActorID: rec.ActorID, Action: rec.Action,
			Subject: rec.Subject, Detail: detail, IP: ecabinet.Clip(rec.IP, 64), Salt: hex.EncodeToString(salt), PrevHash: head.Hash}
		e.Content = ecabinet.Commitment(e.Salt, e.Subject, e.Detail)
		e.Hash = ecabinet.ChainHash(head.Hash, e)
		seq := head.LastSeq + 1
		rows[i] = auditRow{ID: e.ID, At: e.At, BodyID: nullable(e.BodyID), ActorID: nullable(e.ActorID), Action: e.Action,
			Subject: e.Subject, Detail: string(detail), IP: e.IP, Salt: e.Salt, PrevHash: e.PrevHash, Hash: e.Hash, Chain: &c, Seq: &seq}
		head.LastSeq, head.LastID, head.Hash = seq, e.ID, e.Hash
	}
	// One statement for the transaction's entries of the chain (a batch of
	// ballot answers writes hundreds).
	if err := tx.CreateInBatches(rows, 500).Error; err != nil {
		return err
	}
	return tx.Model(&auditChain{}).Where("chain = ?", c).
		Updates(map[string]any{"last_seq": head.LastSeq, "last_id": head.LastID, "hash": head.Hash}).Error
}

// lockChain returns the head of chain c, locked until the commit; a body's
// first entry starts its chain after the head of the chain before.
func (tx *Tx) lockChain(c int64) (*auditChain, error) {
	var head auditChain
	take := func() error {
		q := tx.DB
		if tx.Dialector.Name() == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		return q.Where("chain = ?", c).Take(&head).Error
	}
	err := take()
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return &head, err
	}
	if err := tx.Exec("INSERT INTO audit_chains (chain, last_seq, last_id, hash) SELECT ?, 0, 0, hash FROM audit_head WHERE one = 1 ON CONFLICT (chain) DO NOTHING", c).Error; err != nil {
		return nil, err
	}
	return &head, take()
}

// auditIDs returns n new entry ids: from a sequence on PostgreSQL, after
// the largest on SQLite (whose writers take turns).
func (tx *Tx) auditIDs(n int) ([]int64, error) {
	var ids []int64
	if tx.Dialector.Name() == Postgres {
		err := tx.Raw("SELECT nextval('audit_log_ids') FROM generate_series(1, ?)", n).Scan(&ids).Error
		return ids, err
	}
	var last int64
	if err := tx.Raw("SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&last).Error; err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+int64(i)+1)
	}
	return ids, nil
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

// VerifyAudit walks every chain (the single one written before per-body
// chains, then each body's from its anchor) and returns the number of
// entries that hold and the first break, if any: an entry whose hash is
// not that of its content and predecessor, a missing entry, an entry in
// another body's chain, or a head that does not match its chain's last
// entry (entries removed from the end).
func (db *DB) VerifyAudit(ctx context.Context) (int64, *AuditBreak, error) {
	n, anchor, brk, err := db.verifyFirstChain(ctx)
	if err != nil || brk != nil {
		return n, brk, translate(err)
	}
	var heads []auditChain
	if err := db.read(ctx).Order("chain").Find(&heads).Error; err != nil {
		return n, nil, translate(err)
	}
	known := map[int64]bool{}
	for _, h := range heads {
		known[h.Chain] = true
		m, brk, err := db.verifyChain(ctx, h, anchor)
		n += m
		if err != nil || brk != nil {
			return n, brk, translate(err)
		}
	}
	// Entries of a chain whose head is gone hold on nothing.
	var orphans []auditRow
	if err := db.read(ctx).Where("chain IS NOT NULL").Select("MIN(id) AS id, chain").Group("chain").Find(&orphans).Error; err != nil {
		return n, nil, translate(err)
	}
	for _, o := range orphans {
		if !known[*o.Chain] {
			return n, &AuditBreak{ID: o.ID, Reason: fmt.Sprintf("its chain (body %d) has no head", *o.Chain)}, nil
		}
	}
	return n, nil, nil
}

// verifyFirstChain walks the chain written before per-body chains and
// returns its entries, its last hash (the anchor of the others) and the
// first break.
func (db *DB) verifyFirstChain(ctx context.Context) (int64, string, *AuditBreak, error) {
	prev, last := ecabinet.GenesisHash, int64(0)
	for {
		var rows []auditRow
		if err := db.read(ctx).Where("chain IS NULL AND id > ?", last).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return last, "", nil, err
		}
		for i := range rows {
			e := rows[i].domain()
			switch {
			case e.ID != last+1:
				return last, "", &AuditBreak{ID: last + 1, Reason: fmt.Sprintf("entry %d is missing", last+1)}, nil
			case e.PrevHash != prev:
				return last, "", &AuditBreak{ID: e.ID, Reason: "its previous hash is not the hash of the entry before"}, nil
			case ecabinet.ChainHash(prev, e) != e.Hash:
				return last, "", &AuditBreak{ID: e.ID, Reason: "its content does not match its hash (changed after it was written)"}, nil
			}
			prev, last = e.Hash, e.ID
		}
		if len(rows) < 1000 {
			break
		}
	}
	var head auditHead
	if err := db.read(ctx).Where("one = 1").Take(&head).Error; err != nil {
		return last, "", nil, err
	}
	if head.LastID != last || head.Hash != prev {
		return last, "", &AuditBreak{ID: last + 1, Reason: fmt.Sprintf("the head says the log ends at entry %d, the table at %d", head.LastID, last)}, nil
	}
	return last, prev, nil, nil
}

// verifyChain walks one body's chain from anchor to its head.
func (db *DB) verifyChain(ctx context.Context, head auditChain, anchor string) (int64, *AuditBreak, error) {
	prev, seq, lastID := anchor, int64(0), int64(0)
	for {
		var rows []auditRow
		if err := db.read(ctx).Where("chain = ? AND seq > ?", head.Chain, seq).Order("seq").Limit(1000).Find(&rows).Error; err != nil {
			return seq, nil, err
		}
		for i := range rows {
			e := rows[i].domain()
			switch {
			case *rows[i].Seq != seq+1:
				return seq, &AuditBreak{ID: e.ID, Reason: fmt.Sprintf("the entry before it in the chain of body %d is missing", head.Chain)}, nil
			case e.BodyID != head.Chain:
				return seq, &AuditBreak{ID: e.ID, Reason: fmt.Sprintf("it is in the chain of body %d but about body %d", head.Chain, e.BodyID)}, nil
			case e.PrevHash != prev:
				return seq, &AuditBreak{ID: e.ID, Reason: "its previous hash is not the hash of the entry before"}, nil
			case ecabinet.ChainHash(prev, e) != e.Hash:
				return seq, &AuditBreak{ID: e.ID, Reason: "its content does not match its hash (changed after it was written)"}, nil
			}
			prev, seq, lastID = e.Hash, seq+1, e.ID
		}
		if len(rows) < 1000 {
			break
		}
	}
	if head.LastSeq != seq || head.Hash != prev {
		return seq, &AuditBreak{ID: head.LastID, Reason: fmt.Sprintf("the head says the chain of body %d ends at entry %d, the table at %d", head.Chain, head.LastID, lastID)}, nil
	}
	return seq, nil, nil
}

// AuditHead returns the newest entry's id and one hash over the heads of
// every chain, which the server logs so that an outside copy of its logs
// anchors the chains.
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var first auditHead
	if err := db.read(ctx).Where("one = 1").Take(&first).Error; err != nil {
		return 0, "", translate(err)
	}
	var heads []auditChain
	if err := db.read(ctx).Order("chain").Find(&heads).Error; err != nil {
		return 0, "", translate(err)
	}
	if len(heads) == 0 {
		return first.LastID, first.Hash, nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d %s\n", first.LastID, first.Hash)
	last := first.LastID
	for _, c := range heads {
		fmt.Fprintf(h, "%d %d %d %s\n", c.Chain, c.LastSeq, c.LastID, c.Hash)
		last = max(last, c.LastID)
	}
	return last, hex.EncodeToString(h.Sum(nil)), nil
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
