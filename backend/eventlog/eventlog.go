// Package eventlog is the log of committed events: every change a tablet
// must hear of is appended to its scope's stream in the transaction that
// makes the change (Append), read back in order for replays and gap repair
// (Log), and published to the bus from an outbox (Relay).
//
// An event is written here as a row of the events table and read back from
// it by one function (row.event); on the bus it travels as
// ecabinet.EncodeEvent writes it and ecabinet.DecodeEvent reads it.
//
// Each scope has a stream row in event_streams: its epoch (changed when the
// log is restored from a backup, so that clients resume by snapshot) and its
// last sequence number. Appending takes the stream's next number by updating
// that row, so writers of one scope queue on it and sequences commit in
// order, without gaps.
package eventlog

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

// postgres is GORM's name of the PostgreSQL dialect; every other dialect
// (SQLite) takes the portable path.
const postgres = "postgres"

type row struct {
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

func (row) TableName() string { return "events" }

// event is the domain event a row holds, in a stream of the given epoch.
func (r *row) event(epoch string) *ecabinet.Event {
	e := &ecabinet.Event{
		Scope: ecabinet.Scope(r.Scope), Epoch: epoch, Seq: r.Seq, Type: r.Type, At: r.CreatedAt,
		Data:       json.RawMessage(r.Payload),
		Visibility: ecabinet.Visibility{MinClearance: ecabinet.Classification(r.MinClearance), Audience: r.Audience},
	}
	if r.Recipients != "" {
		// Written by Append from a []int64; a row that does not parse reaches nobody but the secretariat.
		if json.Unmarshal([]byte(r.Recipients), &e.Recipients) != nil || len(e.Recipients) == 0 {
			e.Recipients = []int64{0}
		}
	}
	return e
}

// Entry is an event to append.
type Entry struct {
	// BodyID owns the scope's stream, created with the scope's first event.
	BodyID int64
	Scope  ecabinet.Scope
	Type   string
	// Data is the payload, stored as JSON.
	Data       any
	Visibility ecabinet.Visibility
	At         time.Time
}

// Append appends e to its scope's stream in tx, and to the outbox the relay
// publishes from. The event exists exactly when tx commits.
func Append(tx *gorm.DB, e Entry) error {
	payload, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	vis := e.Visibility
	if vis.MinClearance == "" {
		vis.MinClearance = ecabinet.ClassNone
	}
	r := row{Scope: string(e.Scope), Type: e.Type, Payload: string(payload),
		MinClearance: string(vis.MinClearance), Audience: vis.Audience, CreatedAt: e.At}
	if len(vis.Recipients) > 0 {
		b, err := json.Marshal(vis.Recipients)
		if err != nil {
			return err
		}
		r.Recipients = string(b)
	}
	add := appendRow
	if tx.Dialector.Name() == postgres {
		add = appendRowPostgres
	}
	ok, err := add(tx, &r)
	if err != nil || ok {
		return err
	}
	// The scope's first event: create its stream.
	if err := tx.Exec("INSERT INTO event_streams (scope, body_id, epoch, last_seq) VALUES (?, ?, ?, 0) ON CONFLICT (scope) DO NOTHING",
		r.Scope, e.BodyID, newEpoch()).Error; err != nil {
		return err
	}
	if ok, err = add(tx, &r); err == nil && !ok {
		err = fmt.Errorf("eventlog: stream %s not created", r.Scope)
	}
	return err
}

// appendRow takes the stream's next seq, then writes the event and its
// outbox row; false if the stream does not exist.
func appendRow(tx *gorm.DB, r *row) (bool, error) {
	var seqs []int64
	if err := tx.Raw("UPDATE event_streams SET last_seq = last_seq + 1 WHERE scope = ? RETURNING last_seq", r.Scope).Scan(&seqs).Error; err != nil || len(seqs) == 0 {
		return false, err
	}
	r.Seq = seqs[0]
	if err := tx.Create(r).Error; err != nil {
		return false, err
	}
	return true, tx.Exec("INSERT INTO event_outbox (event_id) VALUES (?)", r.ID).Error
}

// appendRowPostgres is appendRow in one statement (one round trip).
func appendRowPostgres(tx *gorm.DB, r *row) (bool, error) {
	var out []struct{ ID, Seq int64 }
	err := tx.Raw(`WITH s AS (UPDATE event_streams SET last_seq = last_seq + 1 WHERE scope = ? RETURNING last_seq),
		e AS (INSERT INTO events (scope, seq, type, payload, min_clearance, audience, recipients, created_at)
			SELECT ?, s.last_seq, ?, ?, ?, ?, ?, ? FROM s RETURNING id, seq),
		o AS (INSERT INTO event_outbox (event_id) SELECT id FROM e)
		SELECT id, seq FROM e`,
		r.Scope, r.Scope, r.Type, r.Payload, r.MinClearance, r.Audience, r.Recipients, r.CreatedAt).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return false, err
	}
	r.ID, r.Seq = out[0].ID, out[0].Seq
	return true, nil
}

func newEpoch() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HeadIn returns the position of scope as tx sees it, so that a snapshot
// read in tx and its position agree. A scope without events is at seq 0
// with an empty epoch.
func HeadIn(tx *gorm.DB, scope ecabinet.Scope) (ecabinet.Position, error) {
	var head struct {
		Epoch   string
		LastSeq int64
	}
	err := tx.Table("event_streams").Select("epoch, last_seq").Where("scope = ?", string(scope)).Scan(&head).Error
	return ecabinet.Position{Epoch: head.Epoch, Seq: head.LastSeq}, err
}

// Log reads the event log: the hub replays from it and repairs gaps.
type Log struct {
	db       *gorm.DB
	snapshot *sql.TxOptions
	// translate turns database errors into the domain's (unavailable, …).
	translate func(error) error
}

// New returns the Log of db. snapshot are the options of a read-only
// transaction that sees one snapshot of the database; translate turns
// database errors into domain errors.
func New(db *gorm.DB, snapshot *sql.TxOptions, translate func(error) error) *Log {
	return &Log{db: db, snapshot: snapshot, translate: translate}
}

// Head returns the position of scope; a scope without events is at seq 0
// with an empty epoch.
func (l *Log) Head(ctx context.Context, scope ecabinet.Scope) (ecabinet.Position, error) {
	heads, err := l.Heads(ctx, []ecabinet.Scope{scope})
	return heads[scope], err
}

// Heads returns the positions of several scopes in one query.
func (l *Log) Heads(ctx context.Context, scopes []ecabinet.Scope) (map[ecabinet.Scope]ecabinet.Position, error) {
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
	if err := l.db.WithContext(ctx).Table("event_streams").Select("scope, epoch, last_seq").Where("scope IN ?", names).Scan(&rows).Error; err != nil {
		return nil, l.translate(err)
	}
	for _, r := range rows {
		out[ecabinet.Scope(r.Scope)] = ecabinet.Position{Epoch: r.Epoch, Seq: r.LastSeq}
	}
	return out, nil
}

// After returns up to limit events of scope with seq > after, in order,
// with the scope's epoch.
func (l *Log) After(ctx context.Context, scope ecabinet.Scope, after int64, limit int) ([]*ecabinet.Event, error) {
	var epoch string
	var rows []row
	err := l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Table("event_streams").Select("epoch").Where("scope = ?", string(scope)).Scan(&epoch).Error; err != nil {
			return err
		}
		return tx.Where("scope = ? AND seq > ?", string(scope), after).Order("seq").Limit(limit).Find(&rows).Error
	}, l.snapshot)
	if err != nil {
		return nil, l.translate(err)
	}
	out := make([]*ecabinet.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].event(epoch)
	}
	return out, nil
}

// NewEpochs gives every stream a new epoch and returns how many streams
// there are. Run it after a restore: the restored log ends before positions
// that tablets may hold, and new events would reuse those sequence numbers.
// With a new epoch every client resumes by snapshot, and running instances
// notice the change at their next poll of the log and tell their
// connections to resume.
func (l *Log) NewEpochs(ctx context.Context) (int64, error) {
	var n int64
	err := l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var scopes []string
		if err := tx.Table("event_streams").Order("scope").Pluck("scope", &scopes).Error; err != nil {
			return err
		}
		for _, s := range scopes {
			if err := tx.Exec("UPDATE event_streams SET epoch = ? WHERE scope = ?", newEpoch(), s).Error; err != nil {
				return err
			}
		}
		n = int64(len(scopes))
		return nil
	})
	return n, l.translate(err)
}
