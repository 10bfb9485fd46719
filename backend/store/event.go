package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

type eventRow struct {
	ID           int64
	Scope        string
	Seq          int64
	Type         string
	Payload      string
	MinClearance string
	Audience     string
	Recipients   string
	CreatedAt    time.Time
}

func (eventRow) TableName() string { return "events" }

func (r *eventRow) domain(epoch string) *ecabinet.Event {
	e := &ecabinet.Event{
		Scope: ecabinet.Scope(r.Scope), Epoch: epoch, Seq: r.Seq, Type: r.Type, At: r.CreatedAt,
		Data:       json.RawMessage(r.Payload),
		Visibility: ecabinet.Visibility{MinClearance: ecabinet.Classification(r.MinClearance), Audience: r.Audience},
	}
	if r.Recipients != "" {
		// Written by emit from a []int64; a row that does not parse reaches nobody but the secretariat.
		if json.Unmarshal([]byte(r.Recipients), &e.Recipients) != nil || len(e.Recipients) == 0 {
			e.Recipients = []int64{0}
		}
	}
	return e
}

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
		db.nudge()
	}
	return err
}

// nudge wakes the relay without blocking.
func (db *DB) nudge() {
	select {
	case db.committed <- struct{}{}:
	default:
	}
}

func newEpoch() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// emit appends an event to scope's stream. The sequence comes from the
// stream's counter row, updated in this transaction: concurrent writers of
// one scope queue on that row, so sequences commit in order, without gaps.
// The event also enters the outbox, from which the relay publishes it.
func (tx *Tx) emit(bodyID int64, scope ecabinet.Scope, typ string, data any, vis ecabinet.Visibility) error {
	payload, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if vis.MinClearance == "" {
		vis.MinClearance = ecabinet.ClassNone
	}
	row := eventRow{Scope: string(scope), Type: typ, Payload: string(payload),
		MinClearance: string(vis.MinClearance), Audience: vis.Audience, CreatedAt: tx.db.Now()}
	if len(vis.Recipients) > 0 {
		r, err := json.Marshal(vis.Recipients)
		if err != nil {
			return err
		}
		row.Recipients = string(r)
	}
	add := tx.appendEvent
	if tx.Dialector.Name() == Postgres {
		add = tx.appendEventPostgres
	}
	ok, err := add(&row)
	if err != nil || ok {
		tx.emitted = tx.emitted || ok
		return err
	}
	// The scope's first event: create its stream.
	if err := tx.Exec("INSERT INTO event_streams (scope, body_id, epoch, last_seq) VALUES (?, ?, ?, 0) ON CONFLICT (scope) DO NOTHING",
		string(scope), bodyID, newEpoch()).Error; err != nil {
		return err
	}
	if ok, err = add(&row); err == nil && !ok {
		err = fmt.Errorf("event stream %s not created", scope)
	}
	tx.emitted = tx.emitted || ok
	return err
}

// appendEvent takes the stream's next seq, then writes the event and its
// outbox row; false if the stream does not exist.
func (tx *Tx) appendEvent(row *eventRow) (bool, error) {
	var seqs []int64
	if err := tx.Raw("UPDATE event_streams SET last_seq = last_seq + 1 WHERE scope = ? RETURNING last_seq", row.Scope).Scan(&seqs).Error; err != nil || len(seqs) == 0 {
		return false, err
	}
	row.Seq = seqs[0]
	if err := tx.Create(row).Error; err != nil {
		return false, err
	}
	return true, tx.Exec("INSERT INTO event_outbox (event_id) VALUES (?)", row.ID).Error
}

// appendEventPostgres is appendEvent in one statement (one round trip).
func (tx *Tx) appendEventPostgres(row *eventRow) (bool, error) {
	var out []struct{ ID, Seq int64 }
	err := tx.Raw(`WITH s AS (UPDATE event_streams SET last_seq = last_seq + 1 WHERE scope = ? RETURNING last_seq),
		e AS (INSERT INTO events (scope, seq, type, payload, min_clearance, audience, recipients, created_at)
			SELECT ?, s.last_seq, ?, ?, ?, ?, ?, ? FROM s RETURNING id, seq),
		o AS (INSERT INTO event_outbox (event_id) SELECT id FROM e)
		SELECT id, seq FROM e`,
		row.Scope, row.Scope, row.Type, row.Payload, row.MinClearance, row.Audience, row.Recipients, row.CreatedAt).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return false, err
	}
	row.ID, row.Seq = out[0].ID, out[0].Seq
	return true, nil
}

// EventLog reads the event log: the hub replays from it and repairs gaps.
type EventLog struct{ db *DB }

// NewEventLog returns an EventLog over db.
func NewEventLog(db *DB) *EventLog { return &EventLog{db: db} }

// Head returns the position of scope; a scope without events is at seq 0
// with an empty epoch.
func (l *EventLog) Head(ctx context.Context, scope ecabinet.Scope) (ecabinet.Position, error) {
	heads, err := l.Heads(ctx, []ecabinet.Scope{scope})
	return heads[scope], err
}

// Heads returns the positions of several scopes in one query.
func (l *EventLog) Heads(ctx context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]ecabinet.Position, error) {
	out := make(map[ecabinet.Scope]ecabinet.Position, len(scopes))
	if len(scopes) == 0 {
		return out, nil
	}
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = string(s)
	}
	var rows []struct {
		Scope   string
		Epoch   string
		LastSeq int64
	}
	if err := l.db.read(ctx).Table("event_streams").Select("scope, epoch, last_seq").Where("scope IN ?", names).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[ecabinet.Scope(r.Scope)] = ecabinet.Position{Epoch: r.Epoch, Seq: r.LastSeq}
	}
	return out, nil
}

// After returns up to limit events of scope with seq > after, in order,
// with the scope's epoch.
func (l *EventLog) After(ctx context.Context, scope ecabinet.Scope, after int64, limit int) ([]*ecabinet.Event, error) {
	var epoch string
	var rows []eventRow
	err := l.db.read(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Table("event_streams").Select("epoch").Where("scope = ?", string(scope)).Scan(&epoch).Error; err != nil {
			return err
		}
		return tx.Where("scope = ? AND seq > ?", string(scope), after).Order("seq").Limit(limit).Find(&rows).Error
	}, l.db.snapshotTx())
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*ecabinet.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].domain(epoch)
	}
	return out, nil
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
		var head struct {
			Epoch   string
			LastSeq int64
		}
		if err := tx.Table("event_streams").Select("epoch, last_seq").Where("scope = ?", string(scope)).Scan(&head).Error; err != nil {
			return err
		}
		pos = ecabinet.Position{Epoch: head.Epoch, Seq: head.LastSeq}
		return nil
	}, db.snapshotTx())
	return pos, translate(err)
}

// Publisher sends an encoded event on a channel (the bus).
type Publisher interface {
	Publish(ctx context.Context, channel string, data []byte) error
}

// claimBatch is the most outbox rows one relay pass publishes.
const claimBatch = 500

// RunRelay publishes committed events to the bus until ctx ends: at once
// when a local transaction commits events, and every interval to pick up
// what other instances or a crash left behind. Delivery is at least once: a
// row leaves the outbox only after its event was published.
func (db *DB) RunRelay(ctx context.Context, pub Publisher, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	backoff := interval
	for {
		n, err := db.relayOnce(ctx, pub)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			db.log.Warn("relay: publishing failed; will retry", "err", err, "in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(backoff*2, 10*time.Second)
			continue
		case n == claimBatch:
			continue // more waiting
		}
		backoff = interval
		select {
		case <-ctx.Done():
			return
		case <-db.committed:
		case <-t.C:
		}
	}
}

func (db *DB) relayOnce(ctx context.Context, pub Publisher) (int, error) {
	var n int
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			// Removing published rows from the outbox need not wait for
			// the WAL to reach the disk: rows a crash brings back are
			// published again, and delivery is at least once anyway
			// (subscribers drop duplicates). Every relay pass otherwise
			// queues one more WAL flush behind the writers' commits.
			if err := tx.Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
				return err
			}
		}
		q := "SELECT e.id, e.scope, e.seq, e.type, e.payload, e.min_clearance, e.audience, e.recipients, e.created_at, s.epoch " +
			"FROM event_outbox o JOIN events e ON e.id = o.event_id JOIN event_streams s ON s.scope = e.scope ORDER BY o.event_id LIMIT ?"
		if db.dialect == Postgres {
			q += " FOR UPDATE OF o SKIP LOCKED"
		}
		var rows []struct {
			ID, Seq                                             int64
			Scope, Type, Payload, MinClearance, Audience, Epoch string
			Recipients                                          string
			CreatedAt                                           time.Time
		}
		if err := tx.Raw(q, claimBatch).Scan(&rows).Error; err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			r := &rows[i]
			ev := eventRow{ID: r.ID, Scope: r.Scope, Seq: r.Seq, Type: r.Type, Payload: r.Payload,
				MinClearance: r.MinClearance, Audience: r.Audience, Recipients: r.Recipients, CreatedAt: r.CreatedAt}
			data, err := ecabinet.EncodeEvent(ev.domain(r.Epoch))
			if err != nil {
				return err
			}
			if err := pub.Publish(ctx, rows[i].Scope, data); err != nil {
				return fmt.Errorf("publish %s#%d: %w", rows[i].Scope, rows[i].Seq, err)
			}
			ids[i] = rows[i].ID
		}
		n = len(rows)
		if n == 0 {
			return nil
		}
		return tx.Exec("DELETE FROM event_outbox WHERE event_id IN ?", ids).Error
	})
	return n, err
}
