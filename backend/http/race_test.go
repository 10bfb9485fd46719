package http_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// An acknowledgement is a promise, across instances: every voting member of
// the demo body sends three answers at the same instant, with different
// idempotency keys and choices, alternately to two instances on one
// database. Where changes are refused, exactly one of the three is
// acknowledged and it is the one stored; where they are allowed, all are
// acknowledged, each is audited once, in commit order, and the stored answer
// is the last one audited. (Before answers were serialised per member, two
// first answers on PostgreSQL were both acknowledged and only the later kept.)
func TestConcurrentAnswersAcrossInstances(t *testing.T) {
	for _, b := range apptest.Backends {
		for _, change := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/change=%v", b.Name, change), func(t *testing.T) {
				first, second := apptest.StartPair(t, b)
				setBodySetting(t, first, func(s *ecabinet.BodySettings) { s.BallotAnswerChangeAllowed = change })
				ctx := context.Background()
				sec := second.Login(t, "secretary1")
				var ballot ecabinet.Ballot
				if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu đua", Deadline: time.Now().Add(time.Hour),
					Questions: []string{"Đồng ý thông qua?"}}, &ballot); err != nil {
					t.Fatal(err)
				}
				if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
					t.Fatal(err)
				}
				q := ballot.Questions[0].ID
				path := fmt.Sprintf("/api/v1/ballots/%d/answers", ballot.ID)
				send := func(c *client.Client, i int, key string) (string, error) {
					choice := []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionOther}[i]
					body := fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":%q,"comment":"ý kiến %d"}]}`, q, choice, i)
					return choice, c.DoRequest(ctx, "POST", path, strings.NewReader(body), "application/json", http.Header{"Idempotency-Key": {key}}, nil)
				}
				acks := raceEveryVoter(t, first, second, send)
				var report ecabinet.BallotReport
				if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report", ballot.ID), nil, &report); err != nil {
					t.Fatal(err)
				}
				stored := map[int64]string{}
				for _, row := range report.Rows {
					stored[row.MemberID] = row.Choice
				}
				audited := auditedChoices(t, first, ecabinet.AuditBallotAnswer, fmt.Sprintf("ballot:%d", ballot.ID), func(d map[string]any) (int64, string) {
					choices, _ := d["choices"].(map[string]any)
					c, _ := choices[fmt.Sprint(q)].(string)
					return int64(d["member_id"].(float64)), c
				})
				checkAcknowledged(t, change, acks, audited, stored)
			})
		}
	}
}

// The same promise for votes in session: concurrent casts with different
// keys through two instances.
func TestConcurrentVotesAcrossInstances(t *testing.T) {
	for _, b := range apptest.Backends {
		for _, change := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/change=%v", b.Name, change), func(t *testing.T) {
				first, second := apptest.StartPair(t, b)
				setBodySetting(t, first, func(s *ecabinet.BodySettings) { s.VoteChangeAllowed = change })
				m := liveSession(t, first, voterNames()...)
				ctx := context.Background()
				chair := first.Login(t, "chair")
				var items []ecabinet.AgendaItem
				if err := chair.Do(ctx, "GET", fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID), nil, &items); err != nil || len(items) == 0 {
					t.Fatalf("agenda: %v", err)
				}
				var v ecabinet.Vote
				if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/votes", m.ID), ecabinet.VoteInput{ItemID: items[0].ID, Question: "Thông qua?"}, &v); err != nil {
					t.Fatal(err)
				}
				send := func(c *client.Client, i int, key string) (string, error) {
					option := []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionAbstain}[i]
					return option, c.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/cast", v.ID), strings.NewReader(`{"option":"`+option+`"}`),
						"application/json", http.Header{"Idempotency-Key": {key}}, nil)
				}
				acks := raceEveryVoter(t, first, second, send)
				var closed ecabinet.Vote
				if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/close", v.ID), nil, &closed); err != nil {
					t.Fatal(err)
				}
				stored := map[int64]string{}
				for _, bl := range closed.Ballots {
					stored[bl.MemberID] = bl.Option
				}
				audited := auditedChoices(t, first, ecabinet.AuditVoteCast, fmt.Sprintf("vote:%d", v.ID), func(d map[string]any) (int64, string) {
					o, _ := d["option"].(string)
					return -1, o // the actor is the voter
				})
				checkAcknowledged(t, change, acks, audited, stored)
			})
		}
	}
}

func voterNames() []string {
	names := []string{"chair"}
	for i := 1; i <= 26; i++ {
		names = append(names, fmt.Sprintf("member%02d", i))
	}
	return names
}

func setBodySetting(t *testing.T, e *apptest.Env, change func(*ecabinet.BodySettings)) {
	t.Helper()
	ctx := context.Background()
	admin := e.Login(t, "admin")
	me, err := admin.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := me.Body.Settings
	change(&s)
	if err := admin.Do(ctx, "PUT", "/api/v1/body/settings", s, nil); err != nil {
		t.Fatal(err)
	}
}

// raceEveryVoter has every voter send three requests (choice 0, 1, 2) at
// once with three keys, alternately to the two instances, and returns per
// member the choices acknowledged. A refusal must be a 409.
func raceEveryVoter(t *testing.T, first, second *apptest.Env, send func(c *client.Client, i int, key string) (string, error)) map[int64][]string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	acks := map[int64][]string{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for n, name := range voterNames() {
		c := first.Login(t, name)
		me, err := c.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		acks[me.Member.ID] = nil
		for i := range 3 {
			target := first.On(c)
			if (n+i)%2 == 1 {
				target = second.On(c)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				choice, err := send(target, i, fmt.Sprintf("%s-tablet-%d", name, i))
				var ae *client.Error
				switch {
				case err == nil:
					mu.Lock()
					acks[me.Member.ID] = append(acks[me.Member.ID], choice)
					mu.Unlock()
				case errors.As(err, &ae) && ae.Status == http.StatusConflict:
				default:
					t.Errorf("%s, request %d: %v", name, i, err)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	return acks
}

// auditedChoices returns, per member, the choices the audit log recorded
// for subject, in the chain's (commit) order. who reads the member and the
// choice from an entry's detail; a member of -1 means the actor.
func auditedChoices(t *testing.T, e *apptest.Env, action, subject string, who func(map[string]any) (int64, string)) map[int64][]string {
	t.Helper()
	admin := e.Login(t, "admin")
	out := map[int64][]string{}
	var after int64
	for {
		var page []*ecabinet.AuditEntry
		if err := admin.Do(context.Background(), "GET", fmt.Sprintf("/api/v1/audit?after=%d&limit=1000", after), nil, &page); err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		for _, en := range page {
			after = en.ID
			if en.Action != action || en.Subject != subject {
				continue
			}
			var d map[string]any
			if err := json.Unmarshal(en.Detail, &d); err != nil {
				t.Fatal(err)
			}
			member, choice := who(d)
			if member == -1 {
				member = en.ActorID
			}
			out[member] = append(out[member], choice)
		}
	}
}

// checkAcknowledged holds every member's acknowledgements against what was
// audited and stored.
func checkAcknowledged(t *testing.T, change bool, acks, audited map[int64][]string, stored map[int64]string) {
	t.Helper()
	for member, got := range acks {
		log := audited[member]
		switch {
		case !change && len(got) != 1:
			t.Errorf("member %d: %d of 3 first answers acknowledged (%v), want exactly 1", member, len(got), got)
		case change && len(got) != 3:
			t.Errorf("member %d: %d of 3 changes acknowledged, want 3", member, len(got))
		case len(log) != len(got):
			t.Errorf("member %d: %d acknowledged (%v) but %d audited (%v)", member, len(got), got, len(log), log)
		case stored[member] != log[len(log)-1]:
			t.Errorf("member %d: stored %q, but the last acknowledged change was %q (audited %v)", member, stored[member], log[len(log)-1], log)
		case !change && stored[member] != got[0]:
			t.Errorf("member %d: acknowledged %q, stored %q", member, got[0], stored[member])
		}
	}
}
