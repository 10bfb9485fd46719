package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// fixedHash stands in for password hashing where nobody logs in.
type fixedHash struct{}

func (fixedHash) Hash(context.Context, string) (string, error) {
	return "$argon2id$v=19$m=1,t=1,p=1$AA$AA", nil
}

// council is a body with a chair, n voting members and a secretary, and a
// live session where everyone invited is present.
type council struct {
	f       *fixture
	members []ecabinet.Actor // voting members, the chair last
	chair   ecabinet.Actor
	meeting *ecabinet.Meeting
	item    int64
	svc     *store.MeetingService
}

func newCouncil(t testing.TB, db *store.DB, n int, present int) *council {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, db)
	c := &council{f: f, svc: store.NewMeetingService(db)}
	for i := 0; i < n; i++ {
		m, err := db.CreateMember(ctx, fixedHash{}, f.body.ID, ecabinet.MemberInput{Username: testenv.RandomName("v"), Password: "password long enough",
			FullName: fmt.Sprintf("Bộ trưởng %d", i), Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Voting: true, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		c.members = append(c.members, ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Role: m.Role, Voting: true})
	}
	// The fixture's own voting member stays absent; the chair votes last.
	chair := f.members[ecabinet.RoleChair]
	c.chair = ecabinet.Actor{MemberID: chair.ID, BodyID: chair.BodyID, Role: ecabinet.RoleChair, Voting: true}
	c.members = append(c.members, c.chair)
	sec := f.as(ecabinet.RoleSecretary)
	m, err := c.svc.CreateMeeting(sec, meetingInput())
	if err != nil {
		t.Fatal(err)
	}
	ag, _ := c.svc.AddItem(sec, m.ID, item("Dự án Luật", 30))
	c.item = ag[0].ID
	if _, err := c.svc.Transition(sec, m.ID, ecabinet.ActionPublish, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < present && i < len(c.members); i++ {
		if _, _, err := c.svc.CheckIn(act(c.members[len(c.members)-1-i]), m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if c.meeting, err = c.svc.Transition(act(c.chair), m.ID, ecabinet.ActionStart, &ecabinet.OverrideInput{Reason: "kiểm thử"}); err != nil {
		t.Fatal(err)
	}
	return c
}

func act(a ecabinet.Actor) context.Context {
	return ecabinet.NewContextWithActor(context.Background(), a)
}

func TestVoteInSession(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 8, 7) // 9 voting members (8 + chair) + the absent fixture member = 10; 7 present
		votes := store.NewVoteService(db)
		member := act(c.members[7]) // present; members[0] and [1] are absent
		absent := act(c.members[0])

		_, err := votes.OpenVote(member, c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Thông qua?"})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		v, err := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Thông qua dự án Luật?"})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Entitled) != 7 || v.QuorumAtOpen.Present != 7 || v.QuorumAtOpen.Total != 10 || len(v.Options) != 3 {
			t.Fatalf("opened %+v", v)
		}
		_, err = votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Một cuộc khác"})
		wantCode(t, err, ecabinet.ECONFLICT) // one open vote at a time

		if v, err = votes.CastVote(member, v.ID, ecabinet.OptionAgree, ""); err != nil || !v.Voted || v.MyChoice != ecabinet.OptionAgree || v.Cast != 1 {
			t.Fatalf("cast: %+v %v", v, err)
		}
		_, err = votes.CastVote(member, v.ID, ecabinet.OptionDisagree, "")
		wantCode(t, err, ecabinet.EDOUBLEVOTE) // no change by default
		_, err = votes.CastVote(absent, v.ID, ecabinet.OptionAgree, "")
		wantCode(t, err, ecabinet.ENOTENTITLED) // absent when the vote opened
		_, err = votes.CastVote(member, v.ID, "maybe", "")
		wantCode(t, err, ecabinet.EINVALID)
		// Choices are not shown before the close.
		seen, _ := votes.FindVote(act(c.members[6]), v.ID)
		if seen.Result != nil || len(seen.Ballots) != 0 || seen.Cast != 1 {
			t.Fatalf("open vote shows %+v", seen)
		}
		// 3 more agree, the chair and 2 disagree: 4-3 of 10 voting members fails.
		for i, opt := range []string{ecabinet.OptionAgree, ecabinet.OptionAgree, ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionDisagree} {
			if _, err := votes.CastVote(act(c.members[6-i]), v.ID, opt, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := votes.CastVote(act(c.chair), v.ID, ecabinet.OptionDisagree, ""); err != nil {
			t.Fatal(err)
		}
		_, err = votes.CloseVote(member, v.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		v, err = votes.CloseVote(c.f.as(ecabinet.RoleSecretary), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := v.Result
		if v.Status != ecabinet.VoteClosed || r.Cast != 7 || r.Counts[0].Count != 4 || r.Counts[1].Count != 3 || r.Base != 10 || r.Required != 6 || r.Outcome != ecabinet.OutcomeFailed {
			t.Fatalf("result %+v", r)
		}
		if len(v.Ballots) != 7 || v.QuorumAtClose == nil {
			t.Fatalf("a named vote shows its choices after the close: %+v", v)
		}
		_, err = votes.CastVote(act(c.members[1]), v.ID, ecabinet.OptionAgree, "")
		wantCode(t, err, ecabinet.EPOLLCLOSED)
		_, err = votes.CloseVote(act(c.chair), v.ID)
		wantCode(t, err, ecabinet.ECONFLICT)

		// The state of the session carries the vote.
		st, _ := c.svc.MeetingState(member, c.meeting.ID)
		if len(st.Votes) != 1 || st.Votes[0].Result == nil {
			t.Fatalf("state votes %+v", st.Votes)
		}
	})
}

// 200 concurrent voters plus duplicates and retries with and without keys:
// the count is exact.
func TestConcurrentVotersCountExactly(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 199, 200)
		votes := store.NewVoteService(db)
		votes.SecretBatching(20*time.Millisecond, 64)
		v, err := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Biểu quyết đồng loạt", Secret: true})
		if err != nil {
			t.Fatal(err)
		}
		var ok, doubles atomic.Int64
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for i, m := range c.members {
			for attempt := 0; attempt < 3; attempt++ {
				wg.Add(1)
				go func(i, attempt int, m ecabinet.Actor) {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					key := ""
					if attempt < 2 {
						key = fmt.Sprintf("k-%d", i) // a retry with the same key
					}
					_, err := votes.CastVote(act(m), v.ID, []string{ecabinet.OptionAgree, ecabinet.OptionDisagree}[i%2], key)
					switch ecabinet.ErrorCode(err) {
					case "":
						ok.Add(1)
					case ecabinet.EDOUBLEVOTE:
						doubles.Add(1)
					default:
						t.Errorf("voter %d attempt %d: %v", i, attempt, err)
					}
				}(i, attempt, m)
			}
		}
		wg.Wait()
		v, err = votes.CloseVote(act(c.chair), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Result.Cast != 200 || v.Result.Counts[0].Count != 100 || v.Result.Counts[1].Count != 100 {
			t.Fatalf("result %+v", v.Result)
		}
		// Every voter succeeded once (twice more when the keyed retry replays) and no vote counted twice.
		if ok.Load()+doubles.Load() != 600 || doubles.Load() < 200 {
			t.Fatalf("%d accepted, %d refused as double", ok.Load(), doubles.Load())
		}
	})
}

// A vote arriving while the vote is being closed is counted or refused,
// never accepted after the result is computed.
func TestVoteRacingTheClose(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 59, 60)
		votes := store.NewVoteService(db)
		v, _ := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Chạy đua"})
		var accepted atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, m := range c.members[:59] {
			wg.Add(1)
			go func(m ecabinet.Actor) {
				defer wg.Done()
				<-start
				_, err := votes.CastVote(act(m), v.ID, ecabinet.OptionAgree, "")
				switch ecabinet.ErrorCode(err) {
				case "":
					accepted.Add(1)
				case ecabinet.EPOLLCLOSED:
				default:
					t.Errorf("cast: %v", err)
				}
			}(m)
		}
		close(start)
		closed, err := votes.CloseVote(act(c.chair), v.ID)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if closed.Result.Cast != int(accepted.Load()) {
			t.Fatalf("result counts %d votes, %d were accepted", closed.Result.Cast, accepted.Load())
		}
		again, _ := votes.FindVote(act(c.chair), v.ID)
		if again.Cast != int(accepted.Load()) {
			t.Fatalf("%d stored votes, %d accepted", again.Cast, accepted.Load())
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 3, 4)
		votes := store.NewVoteService(db)
		v, _ := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Q"})
		m := act(c.members[3])
		first, err := votes.CastVote(m, v.ID, ecabinet.OptionAgree, "abc-1")
		if err != nil {
			t.Fatal(err)
		}
		again, err := votes.CastVote(m, v.ID, ecabinet.OptionAgree, "abc-1")
		if err != nil || again.Cast != first.Cast || again.MyChoice != first.MyChoice {
			t.Fatalf("retry with the same key: %+v %v", again, err)
		}
		_, err = votes.CastVote(m, v.ID, ecabinet.OptionDisagree, "abc-1")
		wantCode(t, err, ecabinet.EIDEMPOTENCY)
		_, err = votes.CastVote(m, v.ID, ecabinet.OptionAgree, "")
		wantCode(t, err, ecabinet.EDOUBLEVOTE)
		// A failed request does not burn its key.
		_, err = votes.CastVote(act(c.members[2]), v.ID, "nonsense", "key-2")
		wantCode(t, err, ecabinet.EINVALID)
		if _, err := votes.CastVote(act(c.members[2]), v.ID, ecabinet.OptionAgree, "key-2"); err != nil {
			t.Fatalf("the key of a failed request was kept: %v", err)
		}
		closed, _ := votes.CloseVote(act(c.chair), v.ID)
		if closed.Result.Cast != 2 {
			t.Fatalf("cast %d", closed.Result.Cast)
		}
	})
}

// No table, route or export relates a member to a secret choice.
func TestSecretVoteIsUnlinkable(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 5, 6)
		votes := store.NewVoteService(db)
		votes.SecretBatching(time.Millisecond, 64)
		v, _ := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Bỏ phiếu kín", Secret: true})
		options := []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionAbstain}
		for i, m := range c.members {
			// Tablets send an idempotency key with every vote.
			if _, err := votes.CastVote(act(m), v.ID, options[i%3], fmt.Sprintf("tablet-%d-vote-%d", m.MemberID, v.ID)); err != nil {
				t.Fatal(err)
			}
		}
		// The same key again replays the answer; so does the same key with
		// another option (a fingerprint with the option would tell it).
		if again, err := votes.CastVote(act(c.members[0]), v.ID, options[1], fmt.Sprintf("tablet-%d-vote-%d", c.members[0].MemberID, v.ID)); err != nil || !again.Voted {
			t.Fatalf("a retried secret vote: %+v %v", again, err)
		}
		// Nothing stored with the keys relates a member to an option: try
		// every option the way someone reading the table would.
		var keys []struct {
			MemberID    int64
			RequestHash string
			Response    string
		}
		if err := db.Raw(context.Background(), "SELECT member_id, request_hash, response FROM idempotency_keys WHERE key LIKE ?", &keys,
			fmt.Sprintf("tablet-%%-vote-%d", v.ID)); err != nil || len(keys) != len(c.members) {
			t.Fatalf("%d idempotency keys (%v), want %d", len(keys), err, len(c.members))
		}
		for _, k := range keys {
			for _, o := range options {
				b, _ := json.Marshal([]any{"vote", v.ID, k.MemberID, o})
				sum := sha256.Sum256(b)
				if k.RequestHash == hex.EncodeToString(sum[:]) || strings.Contains(k.Response, "my_choice") {
					t.Fatalf("member %d's idempotency key tells their choice %q", k.MemberID, o)
				}
			}
		}
		me, _ := votes.FindVote(act(c.members[0]), v.ID)
		if !me.Voted || me.MyChoice != "" {
			t.Fatalf("a member's own secret choice is stored against them: %+v", me)
		}
		closed, _ := votes.CloseVote(act(c.chair), v.ID)
		if len(closed.Ballots) != 0 || closed.Result.Cast != 6 || closed.Result.TieBrokenByChair {
			t.Fatalf("closed secret vote: %+v", closed)
		}
		// The choices table has no member and no time; its keys are random.
		cols := columns(t, db, "vote_secret_choices")
		if fmt.Sprint(cols) != "[id option vote_id]" {
			t.Fatalf("vote_secret_choices has columns %v", cols)
		}
		var ids []string
		if err := db.Raw(context.Background(), "SELECT id FROM vote_secret_choices WHERE vote_id = ?", &ids, v.ID); err != nil {
			t.Fatal(err)
		}
		random := regexp.MustCompile(`^[0-9a-f]{32}$`)
		for _, id := range ids {
			if !random.MatchString(id) {
				t.Fatalf("choice key %q is not random hex", id)
			}
		}
		// The participation rows of a secret vote hold no choice and no time.
		var leaks []string
		if err := db.Raw(context.Background(), "SELECT COALESCE(option, '') FROM vote_participation WHERE vote_id = ? AND (option IS NOT NULL OR cast_at IS NOT NULL)", &leaks, v.ID); err != nil {
			t.Fatal(err)
		}
		if len(leaks) != 0 {
			t.Fatalf("participation rows of a secret vote hold %v", leaks)
		}
		// No event carries a choice.
		events, _ := db.Events().After(context.Background(), ecabinet.MeetingScope(c.meeting.ID), 0, 1000)
		for _, e := range events {
			if regexp.MustCompile(`"ballots"|"my_choice"|"option"`).Match(e.Data) {
				t.Fatalf("event %s leaks choices: %s", e.Type, e.Data)
			}
		}
	})
}

func columns(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	cols, err := db.Columns(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// The chair and the secretariat see who has voted and who has not, by
// name, during a vote, secret ones included; never what anyone chose.
func TestVoteTurnout(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		c := newCouncil(t, db, 4, 5) // the 4 members and the chair present
		votes := store.NewVoteService(db)
		v, err := votes.OpenVote(act(c.chair), c.meeting.ID, ecabinet.VoteInput{ItemID: c.item, Question: "Bầu?", Secret: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range c.members[3:5] {
			if _, err := votes.CastVote(act(m), v.ID, ecabinet.OptionAgree, ""); err != nil {
				t.Fatal(err)
			}
		}
		_, err = votes.Turnout(act(c.members[0]), v.ID)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		for _, who := range []context.Context{act(c.chair), c.f.as(ecabinet.RoleSecretary)} {
			got, err := votes.Turnout(who, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			ids := func(ms []ecabinet.Actor) []int64 {
				out := []int64{}
				for _, m := range ms {
					out = append(out, m.MemberID)
				}
				return sortedIDs(out)
			}
			if fmt.Sprint(got.Entitled) != fmt.Sprint(sortedIDs(v.Entitled)) || fmt.Sprint(got.Voted) != fmt.Sprint(ids(c.members[3:5])) ||
				fmt.Sprint(got.NotVoted) != fmt.Sprint(ids(c.members[:3])) {
				t.Fatalf("turnout %+v, want voted %v of %v", got, ids(c.members[3:5]), v.Entitled)
			}
			if b, _ := json.Marshal(got); strings.Contains(string(b), ecabinet.OptionAgree) {
				t.Fatalf("turnout tells a choice: %s", b)
			}
		}
		_, err = votes.Turnout(c.f.as(ecabinet.RoleSecretary), v.ID+1000)
		wantCode(t, err, ecabinet.ENOTFOUND)
	})
}

func sortedIDs(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	slices.Sort(out)
	return out
}
