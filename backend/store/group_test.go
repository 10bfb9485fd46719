package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"gorm.io/gorm"
)

// grouping runs writes behind a blocked group commit worker, so that they
// arrive together: block starts a write that holds the only worker until
// release; queue submits a write and waits until it is queued, so writes
// keep the order they are queued in.
type grouping struct {
	t       *testing.T
	db      *store.DB
	release chan struct{}
	wg      sync.WaitGroup
	queued  int
}

func newGrouping(t *testing.T, db *store.DB, meetingID int64) *grouping {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db.EnableGroupCommit(ctx, 1)
	g := &grouping{t: t, db: db, release: make(chan struct{})}
	started := make(chan struct{})
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		err := db.Grouped(context.Background(), meetingID, func(*gorm.DB) error {
			close(started)
			<-g.release
			return nil
		})
		if err != nil {
			t.Errorf("blocking write: %v", err)
		}
	}()
	<-started
	return g
}

// queue runs write in the background and returns once it waits in the
// group's queue; *err gets its outcome.
func (g *grouping) queue(write func() error, err *error) {
	g.t.Helper()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		*err = write()
	}()
	g.queued++
	for deadline := time.Now().Add(10 * time.Second); g.db.GroupQueued() < g.queued; {
		if time.Now().After(deadline) {
			g.t.Fatalf("write %d never queued", g.queued)
		}
		time.Sleep(time.Millisecond)
	}
}

// run lets the worker go and waits for every write.
func (g *grouping) run() {
	close(g.release)
	g.wg.Wait()
}

// The writes of a live session that arrive together are committed in one
// transaction, each exactly as it would be alone: a refused write leaves
// nothing (not even what it changed before it was refused), the others
// commit, a retry replays, a double vote is refused, the session's stream
// has no gap and the audit chain holds.
func TestGroupCommitOfASession(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 4, 3) // 5 voting members with the chair, 3 present; the fixture's member absent
		votes := store.NewVoteService(db)
		sec := c.f.as(ecabinet.RoleSecretary)
		ctx := context.Background()
		v, err := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Thông qua?"})
		if err != nil {
			t.Fatal(err)
		}
		scope := ecabinet.MeetingScope(c.meeting.ID)
		head, err := db.Events().Head(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		voter, late := act(c.members[len(c.members)-2]), act(c.members[0]) // present; absent when the vote opened
		other := newFixture(t, db).members[ecabinet.RoleMember].ID         // of another body
		badPresenter := item("Không được lưu", 5)
		badPresenter.Presenter = &other

		g := newGrouping(t, db, c.meeting.ID)
		var errs [12]error
		var txs [2]string
		g.queue(func() error {
			_, err := c.svc.UpdateItem(sec, c.meeting.ID, c.item, item("Tên mới 1", 20))
			return err
		}, &errs[0])
		g.queue(func() error { _, err := votes.CastVote(voter, v.ID, ecabinet.OptionAgree, "k-1"); return err }, &errs[1])
		g.queue(func() error { _, err := votes.CastVote(voter, v.ID, ecabinet.OptionDisagree, ""); return err }, &errs[2])
		g.queue(func() error { _, err := votes.CastVote(voter, v.ID, ecabinet.OptionAgree, "k-1"); return err }, &errs[3])
		g.queue(func() error { _, err := votes.CastVote(late, v.ID, ecabinet.OptionAgree, ""); return err }, &errs[4])
		g.queue(func() error { _, _, err := c.svc.CheckIn(late, c.meeting.ID); return err }, &errs[5])
		g.queue(func() error {
			_, _, err := c.svc.SetAttendance(sec, c.meeting.ID, other, ecabinet.AttendanceInput{Status: ecabinet.AttendancePresent})
			return err
		}, &errs[6])
		g.queue(func() error { _, err := c.svc.RequestFloor(voter, c.meeting.ID, c.item); return err }, &errs[7])
		g.queue(func() error {
			_, err := c.svc.UpdateItem(sec, c.meeting.ID, c.item, item("Tên mới 2", 25))
			return err
		}, &errs[8])
		// Refused by a unique index: on PostgreSQL the failed statement
		// would end the transaction of every write after it.
		g.queue(func() error { _, err := c.svc.RequestFloor(voter, c.meeting.ID, c.item); return err }, &errs[11])
		g.queue(func() error { _, err := c.svc.UpdateItem(sec, c.meeting.ID, 999999, item("Không có", 5)); return err }, &errs[9])
		g.queue(func() error { _, err := c.svc.UpdateItem(sec, c.meeting.ID, c.item, badPresenter); return err }, &errs[10])
		for i := range txs {
			var e error
			g.queue(func() error {
				return db.Grouped(ctx, c.meeting.ID, func(tx *gorm.DB) error { txs[i] = fmt.Sprintf("%p", tx.Statement.ConnPool); return nil })
			}, &e)
		}
		g.run()

		want := []string{"", "", ecabinet.EDOUBLEVOTE, "", ecabinet.ENOTENTITLED, "", ecabinet.EINVALID, "", "", ecabinet.ENOTFOUND, ecabinet.EINVALID,
			ecabinet.ECONFLICT}
		for i, code := range want {
			if got := ecabinet.ErrorCode(errs[i]); got != code {
				t.Errorf("write %d: %q (%v), want %q", i, got, errs[i], code)
			}
		}
		if txs[0] == "" || txs[0] != txs[1] {
			t.Fatalf("writes queued together ran in transactions %q and %q, not one", txs[0], txs[1])
		}

		ag, err := c.svc.Agenda(sec, c.meeting.ID)
		if err != nil || ag[0].Title != "Tên mới 2" || ag[0].PlannedMinutes != 25 || ag[0].Presenter != nil {
			t.Fatalf("agenda after the group: %+v %v (the refused change must leave nothing)", ag[0], err)
		}
		seen, err := votes.FindVote(voter, v.ID)
		if err != nil || seen.Cast != 1 || seen.MyChoice != ecabinet.OptionAgree {
			t.Fatalf("vote after the group: %+v %v", seen, err)
		}
		att, _, err := c.svc.Attendance(sec, c.meeting.ID)
		if err != nil {
			t.Fatal(err)
		}
		present := 0
		for _, a := range att {
			if a.Status == ecabinet.AttendancePresent {
				present++
			}
			if a.MemberID == other {
				t.Fatalf("a member of another body is in the attendance: %+v", a)
			}
		}
		if present != 4 {
			t.Fatalf("%d present, want 4", present)
		}

		// Only the accepted writes emitted, in one gapless stream.
		evs, err := db.Events().After(ctx, scope, head.Seq, 100)
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]int{}
		for i, e := range evs {
			if e.Seq != head.Seq+int64(i)+1 {
				t.Fatalf("event %d has seq %d after %d", i, e.Seq, head.Seq)
			}
			types[e.Type]++
		}
		if types[ecabinet.EventAgendaUpdated] != 2 || types[ecabinet.EventAttendanceUpdated] != 1 || types[ecabinet.EventSpeakersUpdated] != 1 {
			t.Fatalf("events of the group: %v", types)
		}
		if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil {
			t.Fatalf("audit chain after the group: %d entries, break %+v, %v", n, brk, err)
		}
	})
}

// A database failure inside a group (not a refusal) ends the group before
// its commit, and each of its writes is written again alone: every write
// is stored once and answers as it would have alone. A write whose request
// is gone before its group runs is not written.
func TestGroupFailureWritesEachAlone(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		member := f.members[ecabinet.RoleMember].ID
		insert := func(key string, runs *int, fail bool) func() error {
			return func() error {
				return db.Grouped(ctx, 1, func(tx *gorm.DB) error {
					*runs++
					if err := tx.Exec("INSERT INTO idempotency_keys (member_id, key, request_hash, created_at) VALUES (?, ?, 'h', ?)",
						member, key, time.Now()).Error; err != nil {
						return err
					}
					if fail && *runs == 1 {
						return errors.New("the connection broke") // a database failure: not a domain error
					}
					return nil
				})
			}
		}
		g := newGrouping(t, db, 1)
		var runs [3]int
		var errs [4]error
		g.queue(insert("a", &runs[0], false), &errs[0])
		g.queue(insert("b", &runs[1], true), &errs[1])
		g.queue(insert("c", &runs[2], false), &errs[2])
		gone, cancel := context.WithCancel(ctx)
		ranGone := false
		g.queue(func() error {
			return db.Grouped(gone, 1, func(*gorm.DB) error { ranGone = true; return nil })
		}, &errs[3])
		cancel()
		g.run()

		for i, err := range errs[:3] {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		if ecabinet.ErrorCode(errs[3]) != ecabinet.EUNAVAILABLE || ranGone {
			t.Fatalf("a write whose request was gone: %v, ran %v", errs[3], ranGone)
		}
		// a and b ran in the group (c had not when b failed), then each
		// alone; the group left nothing (a second insert of a key fails).
		if runs != [3]int{2, 2, 1} {
			t.Fatalf("runs %v", runs)
		}
		var n int64
		if err := db.Raw(ctx, "SELECT COUNT(*) FROM idempotency_keys WHERE member_id = ? AND key IN ('a', 'b', 'c')", &n, member); err != nil || n != 3 {
			t.Fatalf("%d keys stored, %v", n, err)
		}
	})
}
