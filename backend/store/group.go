package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Group commit: the writes of a live session (agenda, attendance, the
// speaking queue, votes cast) that arrive while earlier ones are being
// written share one transaction and one commit. A session's writes take
// its row (and votes cast their body's audit chain) until they commit, so
// writes that arrive together, as when every tablet checks in as the
// session opens, each waited for the disk flush of the commit before
// them; a group waits for one flush for all its writes.
//
// Each write runs as it would alone (the same function, the same locks and
// checks, in arrival order per lock key), inside a savepoint: a write that
// is refused rolls back to its savepoint and leaves nothing, and the others
// commit. A database failure (not a refusal) before the commit ends the
// group, and each of its writes is tried again alone, so one failing write
// never fails the others. A failed commit is reported to every write, as
// it would be alone: it may have been written (the database may have
// committed before the connection broke), so it is not tried again.

// groupMax is the most writes one group commits. PostgreSQL keeps the
// subtransactions of 64 savepoints per transaction in shared memory; more
// make every other transaction's snapshot look them up on disk.
const groupMax = 32

// lockKey orders a group's writes so that two groups (of two instances)
// take the rows they share in one order instead of waiting on each other
// in turn: the table of the row a write locks first, its id, and the
// member whose rows (idempotency keys, votes) it takes next. Writes of one
// key keep their order of arrival.
type lockKey struct {
	table  string
	id     int64
	member int64
}

func (k lockKey) compare(o lockKey) int {
	return cmp.Or(cmp.Compare(k.table, o.table), cmp.Compare(k.id, o.id), cmp.Compare(k.member, o.member))
}

// sessionKey is the key of a write that first locks a session's row.
func sessionKey(meetingID int64) lockKey { return lockKey{table: "meetings", id: meetingID} }

type groupWrite struct {
	ctx  context.Context
	key  lockKey
	fn   func(tx *Tx) error
	done chan error
}

// group commits the writes handed to it by writeGrouped.
type group struct {
	db *DB
	in chan *groupWrite
}

// EnableGroupCommit starts workers writers of grouped writes, until ctx
// ends; without it every write has its own transaction.
func (db *DB) EnableGroupCommit(ctx context.Context, workers int) {
	g := &group{db: db, in: make(chan *groupWrite, groupMax*workers)}
	for range workers {
		go g.run(ctx)
	}
	db.group = g
}

// writeGrouped runs fn as write does, in a transaction it may share with
// other writes that arrive together (see group commit above); key is the
// row fn locks first.
func (db *DB) writeGrouped(ctx context.Context, key lockKey, fn func(tx *Tx) error) error {
	if db.group == nil {
		return db.write(ctx, fn)
	}
	w := &groupWrite{ctx: ctx, key: key, fn: fn, done: make(chan error, 1)}
	select {
	case db.group.in <- w:
	case <-ctx.Done():
		return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		// The write may still commit, as a write whose client went away
		// does; an idempotency key learns the outcome on a retry.
		return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	}
}

// run takes a write, with every write waiting behind it (at most
// groupMax), and commits them together. It never waits for writes to
// come: a group forms only while the workers are busy.
func (g *group) run(ctx context.Context) {
	for {
		var first *groupWrite
		select {
		case <-ctx.Done():
			return
		case first = <-g.in:
		}
		ws := []*groupWrite{first}
	fill:
		for len(ws) < groupMax {
			select {
			case w := <-g.in:
				ws = append(ws, w)
			default:
				break fill
			}
		}
		g.commit(ws)
	}
}

// commit writes ws in one transaction, or each alone after a failure
// before the commit.
func (g *group) commit(ws []*groupWrite) {
	ws = slices.DeleteFunc(ws, func(w *groupWrite) bool {
		if w.ctx.Err() != nil { // its request is gone: nothing was written
			w.done <- ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
			return true
		}
		return false
	})
	switch len(ws) {
	case 0:
		return
	case 1:
		ws[0].done <- g.db.write(ws[0].ctx, ws[0].fn)
		return
	}
	slices.SortStableFunc(ws, func(x, y *groupWrite) int { return x.key.compare(y.key) })
	results := make([]error, len(ws))
	var committing bool
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := g.db.write(ctx, func(tx *Tx) error {
		for i, w := range ws {
			if err := tx.Exec("SAVEPOINT grouped").Error; err != nil {
				return err
			}
			one := &Tx{DB: tx.DB, db: g.db}
			err := translate(w.fn(one))
			if code := ecabinet.ErrorCode(err); code == ecabinet.EINTERNAL || code == ecabinet.EUNAVAILABLE {
				return err
			}
			if results[i] = err; err != nil {
				if err := tx.Exec("ROLLBACK TO SAVEPOINT grouped").Error; err != nil {
					return err
				}
				continue
			}
			tx.emitted = tx.emitted || one.emitted
			tx.audits = append(tx.audits, one.audits...)
		}
		if err := tx.appendAudit(); err != nil {
			return err
		}
		committing = true
		return nil
	})
	for i, w := range ws {
		switch {
		case err == nil:
			w.done <- results[i]
		case committing:
			w.done <- err
		default:
			w.done <- g.db.write(w.ctx, w.fn)
		}
	}
}
