package store

import (
	"context"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// Each body appends to a chain of its own: while a transaction of one body
// holds its chain's head until its commit, another body's entry is written
// at once, and both chains verify. (PostgreSQL: SQLite has one writer.)
func TestBodiesAppendToTheirOwnChains(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{URL: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var bodies [2]int64
	for i := range bodies {
		b, err := db.CreateBody(ctx, testenv.RandomName("body"), "Ủy ban", ecabinet.DefaultBodySettings())
		if err != nil {
			t.Fatal(err)
		}
		bodies[i] = b.ID
	}
	holding, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.write(ctx, func(tx *Tx) error {
			tx.audit(ctx, ecabinet.AuditRecord{BodyID: bodies[0], Action: ecabinet.AuditLoginFailed, Subject: "a"})
			if err := tx.appendAudit(); err != nil { // the head of body 0's chain is now locked
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	other, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = db.Audit(other, ecabinet.AuditRecord{BodyID: bodies[1], Action: ecabinet.AuditLoginFailed, Subject: "b"})
	close(release)
	if err != nil {
		t.Fatalf("body 1's entry waited for body 0's transaction: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("verify: %+v %v", brk, err)
	}
}

// A database audited before per-body chains keeps its single chain as it
// was; each body's chain starts after its head, and a change to an old
// entry is still caught.
func TestBodyChainsFollowTheChainBefore(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, p := migratedTo(t, dialect, 14)
			// Three entries written as the single chain was: ids in chain
			// order, each after the previous hash, the head at the last.
			prev := ecabinet.GenesisHash
			at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
			for id := int64(1); id <= 3; id++ {
				e := &ecabinet.AuditEntry{ID: id, At: at, Action: ecabinet.AuditLoginFailed, Subject: "old", PrevHash: prev}
				e.Hash = ecabinet.ChainHash(prev, e)
				if err := db.Exec(ctx, "INSERT INTO audit_log (id, at, action, subject, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
					e.ID, e.At, e.Action, e.Subject, e.PrevHash, e.Hash); err != nil {
					t.Fatal(err)
				}
				prev = e.Hash
			}
			if err := db.Exec(ctx, "UPDATE audit_head SET last_id = 3, hash = ?", prev); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			b, err := db.CreateBody(ctx, testenv.RandomName("body"), "Ủy ban", ecabinet.DefaultBodySettings())
			if err != nil {
				t.Fatal(err)
			}
			for _, body := range []int64{b.ID, 0, b.ID} {
				if err := db.Audit(ctx, ecabinet.AuditRecord{BodyID: body, Action: ecabinet.AuditLoginFailed, Subject: "new"}); err != nil {
					t.Fatal(err)
				}
			}
			n, brk, err := db.VerifyAudit(ctx)
			if err != nil || brk != nil || n != 6 {
				t.Fatalf("verify: %d entries, %+v, %v", n, brk, err)
			}
			var first auditRow
			if err := db.read(ctx).Where("chain = ? AND seq = 1", b.ID).Take(&first).Error; err != nil {
				t.Fatal(err)
			}
			if first.PrevHash != prev || first.ID <= 3 {
				t.Fatalf("the body's chain starts at %d after %q, not after the old head %q", first.ID, first.PrevHash, prev)
			}
			// Someone with the database's keys changes old entry 2.
			for _, q := range map[string][]string{
				Postgres: {"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"},
				SQLite:   {"DROP TRIGGER audit_log_no_update"},
			}[dialect] {
				if err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Exec(ctx, "UPDATE audit_log SET subject = 'changed' WHERE id = 2"); err != nil {
				t.Fatal(err)
			}
			if _, brk, _ := db.VerifyAudit(ctx); brk == nil || brk.ID != 2 {
				t.Fatalf("a change to an old entry not caught at 2: %+v", brk)
			}
		})
	}
}

// A body's chain is verified on its own: an entry removed from its middle,
// or from its end with the head left alone, is named.
func TestBodyChainBreaksAreNamed(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, p := migratedTo(t, dialect, 0)
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			var ids [2][]int64
			for i := range ids {
				b, err := db.CreateBody(ctx, testenv.RandomName("body"), "Ủy ban", ecabinet.DefaultBodySettings())
				if err != nil {
					t.Fatal(err)
				}
				for range 3 {
					if err := db.Audit(ctx, ecabinet.AuditRecord{BodyID: b.ID, Action: ecabinet.AuditLoginFailed, Subject: "x"}); err != nil {
						t.Fatal(err)
					}
				}
				if err := db.read(ctx).Table("audit_log").Where("chain = ?", b.ID).Order("seq").Pluck("id", &ids[i]).Error; err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range map[string][]string{
				Postgres: {"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"},
				SQLite:   {"DROP TRIGGER audit_log_no_delete"},
			}[dialect] {
				if err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			// The second body loses its last entry: its head names it.
			if err := db.Exec(ctx, "DELETE FROM audit_log WHERE id = ?", ids[1][2]); err != nil {
				t.Fatal(err)
			}
			if _, brk, _ := db.VerifyAudit(ctx); brk == nil || brk.ID != ids[1][2] {
				t.Fatalf("an entry removed from the end not named (%d): %+v", ids[1][2], brk)
			}
			// The first body loses its middle entry: the one after the gap is named.
			if err := db.Exec(ctx, "DELETE FROM audit_log WHERE id = ?", ids[0][1]); err != nil {
				t.Fatal(err)
			}
			if _, brk, _ := db.VerifyAudit(ctx); brk == nil || brk.ID != ids[0][2] {
				t.Fatalf("an entry removed from the middle not named (%d): %+v", ids[0][2], brk)
			}
		})
	}
}
