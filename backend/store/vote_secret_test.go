package store_test

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// sqlLog captures the statements a store runs, in order, with their values.
type sqlLog struct {
	mu   sync.Mutex
	sqls []string
}

func (l *sqlLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *sqlLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *sqlLog) WithGroup(string) slog.Handler            { return l }
func (l *sqlLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "sql" {
			l.mu.Lock()
			l.sqls = append(l.sqls, a.Value.String())
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

// inserts returns, in the order they ran, the values of the statements
// inserting into vote_participation (member ids) and vote_secret_choices
// (options) of vote id, as someone reading a statement log or the
// write-ahead log in commit order would.
func (l *sqlLog) inserts(id int64) (log []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	part := regexp.MustCompile(`INSERT INTO vote_participation \(vote_id, member_id, cast_by\) VALUES \(` + strconv.FormatInt(id, 10) + `, (\d+),`)
	choice := regexp.MustCompile(`INSERT INTO vote_secret_choices \(id, vote_id, option\) VALUES \(["'][0-9a-f]+["'], ` + strconv.FormatInt(id, 10) + `, ["']([a-z_]+)["']\)`)
	for _, s := range l.sqls {
		if m := part.FindStringSubmatch(s); m != nil {
			log = append(log, "P"+m[1])
		} else if m := choice.FindStringSubmatch(s); m != nil {
			log = append(log, "C"+m[1])
		}
	}
	return log
}

// waitPending waits until n choices of the vote wait for their batch.
func waitPending(t *testing.T, votes *store.VoteService, voteID int64, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); votes.SecretPending(voteID) != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d choices pending, want %d", votes.SecretPending(voteID), n)
		}
	}
}

// Twenty members vote in secret, the first ten agree, the last ten
// disagree. Neither the order in which the store wrote the rows (its
// statement log, as the write-ahead log and transaction ids show it) nor
// the order of the stored choices follows the order of voting: every
// participation is written before any choice, and the choices in an order
// drawn at random. (Before, each member's participation and choice were
// written together, one member after the other.)
func TestSecretChoicesAreWrittenApartFromTheirVoters(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			log := &sqlLog{}
			db := openLogged(t, dialect, slog.New(log))
			c := newCouncil(t, db, 19, 20)
			votes := store.NewVoteService(db)
			votes.SecretBatching(time.Minute, len(c.members)) // one batch, due with the last choice
			v, err := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Bỏ phiếu kín", Secret: true})
			if err != nil {
				t.Fatal(err)
			}
			var voting []string // the options in the order of voting
			errs := make(chan error, len(c.members))
			for i, m := range c.members {
				option := ecabinet.OptionAgree
				if i >= len(c.members)/2 {
					option = ecabinet.OptionDisagree
				}
				voting = append(voting, "C"+option)
				go func() {
					_, err := votes.CastVote(act(m), v.ID, option, "tablet-"+strconv.Itoa(i))
					errs <- err
				}()
				if i < len(c.members)-1 {
					waitPending(t, votes, v.ID, i+1) // the next votes after this one
				}
			}
			for range c.members {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			logged := log.inserts(v.ID)
			if len(logged) != 2*len(c.members) {
				t.Fatalf("%d inserts logged: %v", len(logged), logged)
			}
			participations, choices := logged[:len(c.members)], logged[len(c.members):]
			for _, p := range participations {
				if !strings.HasPrefix(p, "P") {
					t.Fatalf("a choice was written among the participations: %v", logged)
				}
			}
			if slices.Equal(choices, voting) {
				t.Fatalf("the choices were written in the order of voting: %v", choices)
			}
			var stored []string
			order := map[string]string{store.Postgres: "ctid", store.SQLite: "id"}[dialect] // the table's physical order
			if err := db.Raw(context.Background(), "SELECT 'C' || option FROM vote_secret_choices WHERE vote_id = ? ORDER BY "+order, &stored, v.ID); err != nil {
				t.Fatal(err)
			}
			if slices.Equal(stored, voting) {
				t.Fatalf("the choices are stored in the order of voting: %v", stored)
			}
			closed, err := votes.CloseVote(act(c.chair), v.ID)
			if err != nil || closed.Result.Cast != 20 || closed.Result.Counts[0].Count != 10 || closed.Result.Counts[1].Count != 10 {
				t.Fatalf("result %+v %v", closed, err)
			}
		})
	}
}

// A secret vote is answered once its batch is stored: a choice
// acknowledged on one instance counts when another closes the vote; the
// closing instance writes its own batch first; a choice another instance
// still held when the vote closed is refused with poll_closed and leaves
// nothing, not its participation, not its key.
func TestSecretBatchesAcknowledgeOnlyWhatCounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 3, 4)
		a, b := store.NewVoteService(db), store.NewVoteService(db) // two instances
		a.SecretBatching(time.Minute, 100)
		b.SecretBatching(time.Minute, 100)
		v, err := a.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Bỏ phiếu kín", Secret: true})
		if err != nil {
			t.Fatal(err)
		}
		cast := func(svc *store.VoteService, m ecabinet.Actor, key string) <-chan error {
			done := make(chan error, 1)
			go func() { _, err := svc.CastVote(act(m), v.ID, ecabinet.OptionAgree, key); done <- err }()
			return done
		}
		first := cast(a, c.members[0], "k0")
		waitPending(t, a, v.ID, 1)
		a.FlushSecret(v.ID)
		if err := <-first; err != nil {
			t.Fatalf("first vote: %v", err)
		}
		onB := cast(b, c.members[1], "k1")
		waitPending(t, b, v.ID, 1)
		held := cast(a, c.members[2], "k2")
		waitPending(t, a, v.ID, 1)

		closed, err := b.CloseVote(act(c.chair), v.ID)
		if err != nil || closed.Result.Cast != 2 || closed.Cast != 2 {
			t.Fatalf("closed %+v %v", closed, err)
		}
		if err := <-onB; err != nil {
			t.Fatalf("the vote the closing instance held: %v", err)
		}
		a.FlushSecret(v.ID)
		wantCode(t, <-held, ecabinet.EPOLLCLOSED)
		var left []int64
		if err := db.Raw(context.Background(), "SELECT member_id FROM vote_participation WHERE vote_id = ? AND member_id = ?", &left, v.ID, c.members[2].MemberID); err != nil || len(left) != 0 {
			t.Fatalf("the refused vote left its participation: %v %v", left, err)
		}
		var keys []string
		if err := db.Raw(context.Background(), "SELECT key FROM idempotency_keys WHERE member_id = ? AND key = 'k2'", &keys, c.members[2].MemberID); err != nil || len(keys) != 0 {
			t.Fatalf("the refused vote left its key: %v %v", keys, err)
		}
		var choices int
		if err := db.Raw(context.Background(), "SELECT COUNT(*) FROM vote_secret_choices WHERE vote_id = ?", &choices, v.ID); err != nil || choices != 2 {
			t.Fatalf("%d choices stored, want 2 (%v)", choices, err)
		}
	})
}
