package store

import (
	"context"
	"database/sql"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/eventlog"
	"gorm.io/gorm"
)

// Tx is a write transaction that may emit events. Events are rows of the
// same transaction: they exist exactly when the change they describe does.
type Tx struct {
	*gorm.DB
	db      *DB
	emitted bool
	audits  []ecabinet.AuditRecord // appended to the audit chain at the end
}

// write runs fn in a transaction; after a commit that emitted events the
// relay is woken to publish them.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	var emitted bool
	err := db.tx(ctx, func(g *gorm.DB) error {
		tx := &Tx{DB: g, db: db}
		if err := fn(tx); err != nil {
			return err
		}
		emitted = tx.emitted
		return tx.appendAudit()
	})
	if err == nil && emitted {
		db.relay.Nudge()
	}
	return err
}

// emit appends an event to scope's stream (eventlog.Append): it exists
// exactly when the transaction commits, and the relay publishes it then.
func (tx *Tx) emit(bodyID int64, scope ecabinet.Scope, typ string, data any, vis ecabinet.Visibility) error {
	err := eventlog.Append(tx.DB, eventlog.Entry{BodyID: bodyID, Scope: scope, Type: typ, Data: data, Visibility: vis, At: tx.db.Now()})
	if err == nil {
		tx.emitted = true
	}
	return err
}

// snapshotTx returns options for a read-only transaction that sees one
// snapshot of the database: repeatable read on PostgreSQL, a deferred
// transaction (one WAL snapshot) on SQLite.
func (db *DB) snapshotTx() *sql.TxOptions {
	if db.dialect == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// view runs fn for the actor in ctx in a snapshot read transaction, so
// everything it reads belongs to one moment. Errors: unauthenticated, and
// fn's own, translated.
func (db *DB) view(ctx context.Context, fn func(tx *gorm.DB, a ecabinet.Actor) error) error {
	a, err := ecabinet.MustActor(ctx)
	if err != nil {
		return err
	}
	return translate(db.read(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, a) }, db.snapshotTx()))
}

// snapshot runs fn in a snapshot read transaction and returns the position
// of scope in that same snapshot, so state and position agree.
func (db *DB) snapshot(ctx context.Context, scope ecabinet.Scope, fn func(tx *gorm.DB) error) (ecabinet.Position, error) {
	var pos ecabinet.Position
	err := db.read(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		var err error
		pos, err = eventlog.HeadIn(tx, scope)
		return err
	}, db.snapshotTx())
	return pos, translate(err)
}
