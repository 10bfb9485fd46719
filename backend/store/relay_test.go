package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/eventlog"
	"github.com/ecabinet/ecabinet/backend/store"
)

// flakyPublisher records what is published and fails while broken is set.
type flakyPublisher struct {
	mu     sync.Mutex
	broken bool
	got    map[string][]int64 // channel → seqs
}

func (p *flakyPublisher) PublishAll(_ context.Context, msgs []bus.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.broken {
		return errors.New("bus down")
	}
	for _, m := range msgs {
		e, err := ecabinet.DecodeEvent(m.Data)
		if err != nil {
			return err
		}
		p.got[m.Channel] = append(p.got[m.Channel], e.Seq)
	}
	return nil
}

func (p *flakyPublisher) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.got {
		n += len(s)
	}
	return n
}

// Every committed event is published, per scope in order, and stays in the
// outbox until it was: a bus outage delays events, it never loses them.
func TestRelayPublishesEveryCommittedEvent(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc := store.NewMeetingService(db)
		sec := f.as(ecabinet.RoleSecretary)
		pub := &flakyPublisher{broken: true, got: map[string][]int64{}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { db.Relay().Run(ctx, pub, 20*time.Millisecond); close(done) }()
		defer func() { cancel(); <-done }()

		m, _ := svc.CreateMeeting(sec, meetingInput())
		for i := 0; i < 30; i++ {
			if _, err := svc.AddItem(sec, m.ID, item("Nội dung", 5)); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond) // the relay tries and fails meanwhile
		if n := pub.count(); n != 0 {
			t.Fatalf("%d events published while the bus was down", n)
		}
		pub.mu.Lock()
		pub.broken = false
		pub.mu.Unlock()
		deadline := time.Now().Add(15 * time.Second)
		for pub.count() < 32 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		pub.mu.Lock()
		defer pub.mu.Unlock()
		seqs := pub.got[string(ecabinet.MeetingScope(m.ID))]
		if len(seqs) != 31 {
			t.Fatalf("meeting scope: %d events published, want 31", len(seqs))
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("published out of order: %v", seqs)
			}
		}
		if len(pub.got[string(ecabinet.BodyScope(f.body.ID))]) != 1 {
			t.Fatalf("body scope: %v", pub.got)
		}
	})
}

// The relay reclaims the outbox rows it deleted on PostgreSQL: a pass takes
// the oldest rows first, so without it every pass reads the index entries
// of every row deleted since autovacuum last came by (at most once a
// minute), and passes grow slower for as long as updates keep coming.
func TestRelayReclaimsTheOutbox(t *testing.T) {
	db := openStore(t, store.Postgres)
	f := newFixture(t, db)
	ctx := context.Background()
	// A backlog of twice what the relay deletes between vacuums: it is
	// published first and vacuumed once, when the outbox is drained, not
	// vacuumed every VacuumAfter rows while most of it waits.
	const n = 2 * eventlog.VacuumAfter
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO event_streams (scope, body_id, epoch, last_seq) VALUES ('test:outbox', ?, 'e1', ?)", []any{f.body.ID, n}},
		{"INSERT INTO events (scope, seq, type, payload, created_at) SELECT 'test:outbox', g, 'test', '{}', now() FROM generate_series(1, ?) g", []any{n}},
		{"INSERT INTO event_outbox (event_id) SELECT id FROM events WHERE scope = 'test:outbox'", nil},
	} {
		if err := db.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	pub := &flakyPublisher{got: map[string][]int64{}}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { db.Relay().Run(rctx, pub, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	// The outbox's dead rows, and how often it was vacuumed other than by
	// autovacuum (which comes at most once a minute).
	type stats struct{ NDeadTup, VacuumCount int64 }
	deadline := time.Now().Add(15 * time.Second)
	for {
		var st []stats
		if err := db.Raw(ctx, "SELECT n_dead_tup, vacuum_count FROM pg_stat_user_tables WHERE relname = 'event_outbox'", &st); err != nil || len(st) != 1 {
			t.Fatal(st, err)
		}
		if pub.count() == n && st[0].VacuumCount > 0 && st[0].NDeadTup == 0 {
			if st[0].VacuumCount != 1 {
				t.Fatalf("the outbox was vacuumed %d times while its backlog of %d was published, want once, after", st[0].VacuumCount, n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events published; the outbox holds %d dead rows and was vacuumed %d times, want 0 and more than 0",
				pub.count(), n, st[0].NDeadTup, st[0].VacuumCount)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
