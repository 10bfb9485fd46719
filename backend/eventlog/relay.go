package eventlog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"gorm.io/gorm"
)

// Publisher sends encoded events, each on its scope's channel, in order
// (the bus).
type Publisher interface {
	PublishAll(ctx context.Context, msgs []bus.Message) error
}

// claimBatch is the most outbox rows one relay pass publishes.
const claimBatch = 500

// VacuumAfter is how many outbox rows a relay deletes on PostgreSQL before
// it vacuums the outbox. Every row of the outbox is deleted seconds after
// it was written, and a pass takes the oldest rows first: it reads the
// outbox's index from its low end, across the entries of every row deleted
// since the last vacuum. Autovacuum comes at most once a minute per
// database (W2 saw none in two minutes), so under a steady stream of
// updates every pass read more: 150 buffers a pass on average over a
// minute of 228 updates a second. A vacuum of a table of a few pages takes
// milliseconds.
const VacuumAfter = 2000

// Relay publishes committed events from the outbox to the bus.
type Relay struct {
	db  *gorm.DB
	log *slog.Logger
	// wake is nudged after a local transaction committed events.
	wake chan struct{}
	// deleted counts the outbox rows deleted since the last vacuum.
	deleted int
}

// NewRelay returns the relay of db's outbox.
func NewRelay(db *gorm.DB, log *slog.Logger) *Relay {
	return &Relay{db: db, log: log, wake: make(chan struct{}, 1)}
}

// Nudge wakes the relay without blocking: call it after a commit that
// appended events.
func (r *Relay) Nudge() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run publishes committed events to pub until ctx ends: at once when
// nudged, and every interval to pick up what other instances or a crash
// left behind. Delivery is at least once: a row leaves the outbox only
// after its event was published.
func (r *Relay) Run(ctx context.Context, pub Publisher, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	backoff := interval
	for {
		n, err := r.once(ctx, pub)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			r.log.Warn("relay: publishing failed; will retry", "err", err, "in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(backoff*2, 10*time.Second)
			continue
		}
		r.deleted += n
		if n == claimBatch {
			continue // more waiting
		}
		r.reclaim(ctx)
		backoff = interval
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

// reclaim vacuums the outbox on PostgreSQL once VacuumAfter rows were
// deleted from it (see VacuumAfter). It is called only when a pass found
// the outbox drained: a backlog (after a bus outage, millions of rows) is
// published first, instead of vacuumed every 2,000 rows, each vacuum
// reading the whole backlog's index. SKIP_LOCKED: another instance's relay
// vacuuming it at the same moment does the work for both. TRUNCATE false:
// giving the empty pages back would lock the outbox against every writer
// appending an event meanwhile; the pages are reused instead.
func (r *Relay) reclaim(ctx context.Context) {
	if r.deleted < VacuumAfter || r.db.Dialector.Name() != postgres {
		return
	}
	r.deleted = 0
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.db.WithContext(ctx).Exec("VACUUM (SKIP_LOCKED, TRUNCATE false) event_outbox").Error; err != nil && ctx.Err() == nil {
		r.log.Warn("relay: vacuuming the outbox failed", "err", err)
	}
}

// once publishes one batch of the outbox, the oldest rows first: it takes
// them out of the outbox and reads their events, publishes them, and
// commits only then, so that rows whose events were not published stay.
// On PostgreSQL the rows are taken (locked, skipping those another
// instance's relay holds, deleted) and their events read in one statement;
// the events are found by primary key (a join of the outbox with the whole
// events table, planned on a young database without statistics, scanned
// every event on every pass).
func (r *Relay) once(ctx context.Context, pub Publisher) (int, error) {
	var n int
	pg := r.db.Dialector.Name() == postgres
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			Row   row `gorm:"embedded"`
			Epoch string
		}
		var err error
		if pg {
			err = tx.Raw(`WITH c AS (DELETE FROM event_outbox WHERE event_id IN
					(SELECT event_id FROM event_outbox ORDER BY event_id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING event_id)
				SELECT `+eventColumns+` FROM events e JOIN event_streams s ON s.scope = e.scope
				WHERE e.id = ANY(ARRAY(SELECT event_id FROM c)) ORDER BY e.id`, claimBatch).Scan(&rows).Error
		} else {
			var claimed []int64
			if err := tx.Raw("SELECT event_id FROM event_outbox ORDER BY event_id LIMIT ?", claimBatch).Scan(&claimed).Error; err != nil || len(claimed) == 0 {
				return err
			}
			if err := tx.Exec("DELETE FROM event_outbox WHERE event_id IN ?", claimed).Error; err != nil {
				return err
			}
			err = tx.Raw("SELECT "+eventColumns+" FROM events e JOIN event_streams s ON s.scope = e.scope WHERE e.id IN ? ORDER BY e.id", claimed).Scan(&rows).Error
		}
		if n = len(rows); err != nil || n == 0 {
			return err
		}
		if pg {
			// Removing published rows from the outbox need not wait for
			// the WAL to reach the disk: rows a crash brings back are
			// published again, and delivery is at least once anyway
			// (subscribers drop duplicates). Every relay pass otherwise
			// queues one more WAL flush behind the writers' commits.
			if err := tx.Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
				return err
			}
		}
		msgs := make([]bus.Message, n)
		for i := range rows {
			r := &rows[i].Row
			data, err := ecabinet.EncodeEvent(r.event(rows[i].Epoch))
			if err != nil {
				return err
			}
			msgs[i] = bus.Message{Channel: r.Scope, Data: data}
		}
		if err := pub.PublishAll(ctx, msgs); err != nil {
			return fmt.Errorf("publish %d events from %s#%d: %w", n, rows[0].Row.Scope, rows[0].Row.Seq, err)
		}
		return nil
	})
	return n, err
}

// eventColumns are what a relay pass reads of an event (e) and its stream (s).
const eventColumns = "e.id, e.scope, e.seq, e.type, e.payload, e.min_clearance, e.audience, e.recipients, e.created_at, s.epoch"
