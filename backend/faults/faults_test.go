package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

const password = "fault-test-password"

// demoEnv seeds the demo body with a known password.
func demoEnv(extra map[string]string) map[string]string {
	env := map[string]string{"ECABINET_DEMO": "true", "ECABINET_DEMO_PASSWORD": password}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func login(t *testing.T, url, user string) *client.Client {
	t.Helper()
	c := client.New(url)
	if _, err := c.Login(context.Background(), user, password); err != nil {
		t.Fatalf("login %s at %s: %v", user, url, err)
	}
	return c
}

// twoInstances starts two instances sharing PostgreSQL and Redis; a seeds
// the demo body.
func twoInstances(t *testing.T) (a, b *instance) {
	_, prefix := testenv.Redis(t)
	shared := map[string]string{"DATABASE_URL": testenv.Postgres(t), "REDIS_URL": testenv.RedisURL(), "ECABINET_REDIS_PREFIX": prefix}
	return startInstance(t, "a", demoEnv(shared)), startInstance(t, "b", shared)
}

// signInVoters signs the demo body's 27 voting members in at url (the
// cookie works on every instance).
func signInVoters(t *testing.T, url string) ([]string, []*client.Client) {
	voters := []string{"chair"}
	for i := 1; i <= 26; i++ {
		voters = append(voters, fmt.Sprintf("member%02d", i))
	}
	clients := make([]*client.Client, len(voters))
	for i, u := range voters {
		clients[i] = login(t, url, u)
	}
	return voters, clients
}

// untilAcknowledged sends as a tablet behind a load balancer does: a server
// or network error sends the retry (with the same idempotency key) to the
// other instance, until the request is acknowledged or refused. moved says
// whether the request had to leave its first instance.
func untilAcknowledged(c *client.Client, other string, send func() error) (moved bool, err error) {
	for attempt := 0; ; attempt++ {
		err := send()
		var ae *client.Error
		if err == nil || errors.As(err, &ae) && ae.Status < 500 || attempt == 100 {
			return moved, err
		}
		moved = moved || c.BaseURL != other
		c.BaseURL = other
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill -9 one of two instances in the middle of a burst of ballot answers:
// every answer acknowledged is kept, and retries with the same idempotency
// key on the other instance count nothing twice.
func TestKillDuringBallotBurst(t *testing.T) {
	a, b := twoInstances(t)

	ctx := context.Background()
	sec := login(t, b.URL, "secretary1")
	var ballot ecabinet.Ballot
	if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu chịu lỗi", Deadline: time.Now().Add(time.Hour),
		Questions: []string{"Đồng ý?"}}, &ballot); err != nil {
		t.Fatal(err)
	}
	if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
		t.Fatal(err)
	}
	voters, clients := signInVoters(t, a.URL)
	body := fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":"agree"}]}`, ballot.Questions[0].ID)
	var acked sync.Map
	var wg sync.WaitGroup
	killed := make(chan struct{})
	for i, c := range clients {
		wg.Add(1)
		go func(i int, c *client.Client) {
			defer wg.Done()
			key := fmt.Sprintf("tablet-%d-answer-1", i)
			// Half answer before the kill, half around it; all retry until acknowledged.
			if i%2 == 1 {
				<-killed
			}
			if _, err := untilAcknowledged(c, b.URL, func() error {
				return c.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/answers", ballot.ID), strings.NewReader(body),
					"application/json", http.Header{"Idempotency-Key": {key}}, nil)
			}); err != nil {
				t.Errorf("voter %d: %v", i, err)
				return
			}
			acked.Store(i, true)
		}(i, c)
	}
	time.Sleep(30 * time.Millisecond)
	a.Signal(syscall.SIGKILL)
	close(killed)
	wg.Wait()

	var res ecabinet.BallotResult
	if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/result", ballot.ID), nil, &res); err != nil {
		t.Fatal(err)
	}
	n := 0
	acked.Range(func(_, _ any) bool { n++; return true })
	if n != len(voters) || res.Questions[0].Agree != len(voters) || res.Ballot.Answered != len(voters) {
		t.Fatalf("%d acknowledged, %d agree stored, %d answered (of %d)", n, res.Questions[0].Agree, res.Ballot.Answered, len(voters))
	}
}

// Kill -9 one of two instances in the middle of a burst of votes in a live
// session: every vote acknowledged is in the result with the choice that
// was acknowledged, retries with the same idempotency key on the other
// instance count nothing twice, and a second vote with a new key is refused.
func TestKillDuringVoteBurst(t *testing.T) {
	a, b := twoInstances(t)

	ctx := context.Background()
	voters, clients := signInVoters(t, a.URL)
	sec, chair := login(t, b.URL, "secretary1"), clients[0]
	start := time.Now().Add(time.Hour).UTC()
	var m ecabinet.Meeting
	if err := sec.Do(ctx, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindExtraordinary, Title: "Phiên họp bất thường",
		ScheduledStart: start, ScheduledEnd: start.Add(2 * time.Hour)}, &m); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
	if err := sec.Do(ctx, "POST", base+"/agenda", ecabinet.AgendaItemInput{Title: "Nghị quyết về biện pháp cấp bách", PlannedMinutes: 30}, nil); err != nil {
		t.Fatal(err)
	}
	if err := sec.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "publish"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		if err := c.Do(ctx, "POST", base+"/attendance/check-in", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := chair.Do(ctx, "POST", base+"/transitions", map[string]string{"action": "start"}, nil); err != nil {
		t.Fatal(err)
	}
	var items []ecabinet.AgendaItem
	if err := chair.Do(ctx, "GET", base+"/agenda", nil, &items); err != nil || len(items) != 1 {
		t.Fatalf("agenda %v %v", items, err)
	}
	var v ecabinet.Vote
	if err := chair.Do(ctx, "POST", base+"/votes", ecabinet.VoteInput{ItemID: items[0].ID, Question: "Thông qua Nghị quyết?"}, &v); err != nil {
		t.Fatal(err)
	}

	options := []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionAbstain}
	cast := func(c *client.Client, option, key string) error {
		return c.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/cast", v.ID), strings.NewReader(`{"option":"`+option+`"}`),
			"application/json", http.Header{"Idempotency-Key": {key}}, nil)
	}
	var acked sync.Map // voter index → acknowledged option
	var rerouted atomic.Int32
	ackCount := make(chan struct{}, len(voters))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func(i int, c *client.Client) {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 4 * time.Millisecond) // a burst spread over ~100 ms, the kill inside it
			option, key := options[i%3], fmt.Sprintf("tablet-%d-vote-%d", i, v.ID)
			// Every tablet sends its vote twice (a retry after a lost answer
			// looks the same); each send retries until acknowledged.
			for send := 0; send < 2; send++ {
				moved, err := untilAcknowledged(c, b.URL, func() error { return cast(c, option, key) })
				if err != nil {
					t.Errorf("voter %d, send %d: %v", i, send, err)
					return
				}
				if moved {
					rerouted.Add(1)
				}
				if send == 0 {
					acked.Store(i, option)
					ackCount <- struct{}{}
				}
			}
		}(i, c)
	}
	for range len(voters) / 3 {
		<-ackCount
	}
	a.Signal(syscall.SIGKILL)
	wg.Wait()
	for _, c := range clients {
		c.BaseURL = b.URL
	}
	if rerouted.Load() == 0 {
		t.Fatal("no vote was sent to the killed instance: the kill was not inside the burst")
	}
	t.Logf("%d of %d tablets retried on the other instance after the kill", rerouted.Load(), len(voters))

	// A second vote with a new key is refused: one vote per member.
	var dup *client.Error
	if err := cast(clients[1], ecabinet.OptionAgree, "another-tablet"); !errors.As(err, &dup) || dup.Status != 409 {
		t.Fatalf("a second vote with a new key: %v", err)
	}
	var closed ecabinet.Vote
	if err := chair.Do(ctx, "POST", fmt.Sprintf("/api/v1/votes/%d/close", v.ID), nil, &closed); err != nil {
		t.Fatal(err)
	}
	if closed.Result == nil || closed.Result.Cast != len(voters) || len(closed.Ballots) != len(voters) {
		t.Fatalf("%d cast, %d ballots (of %d voters): %+v", closed.Result.Cast, len(closed.Ballots), len(voters), closed.Result)
	}
	stored := map[int64]string{}
	for _, bl := range closed.Ballots {
		stored[bl.MemberID] = bl.Option
	}
	for i, c := range clients {
		me, err := c.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := acked.Load(i)
		if stored[me.Member.ID] != want {
			t.Errorf("%s: acknowledged %v, stored %q", voters[i], want, stored[me.Member.ID])
		}
	}
	for _, oc := range closed.Result.Counts {
		if oc.Count != len(voters)/3 {
			t.Errorf("%s: %d votes, want %d", oc.Key, oc.Count, len(voters)/3)
		}
	}
}

// Restart Redis during a live session: instances resubscribe and repair
// what Redis lost from the log; a client follows every change, in order.
func TestRedisRestartDuringSession(t *testing.T) {
	redis := testenv.StartRedis(t)
	shared := map[string]string{"DATABASE_URL": testenv.Postgres(t), "REDIS_URL": redis.URL()}
	a := startInstance(t, "a", demoEnv(shared))
	b := startInstance(t, "b", shared)
	sec := login(t, a.URL, "secretary1")
	m := demoMeeting(t, sec)
	first, received := follow(t, login(t, b.URL, "member05"), ecabinet.MeetingScope(m.ID))
	const changes = 40
	markAttendance(t, sec, m, changes, 15, redis.Restart)
	inOrder(t, "member05", received, first, first+changes, 30*time.Second)
}

// Stop PostgreSQL: the API answers 503 unavailable with Retry-After, and
// recovers by itself when the database is back.
func TestDatabaseOutage(t *testing.T) {
	pg := startPostgres(t)
	in := startInstance(t, "a", demoEnv(map[string]string{"DATABASE_URL": pg.url()}))
	ctx := context.Background()
	c := login(t, in.URL, "member05")
	if err := c.Do(ctx, "GET", "/api/v1/meetings", nil, nil); err != nil {
		t.Fatal(err)
	}
	pg.stop()
	err := c.Do(ctx, "GET", "/api/v1/meetings", nil, nil)
	var ae *client.Error
	if !errors.As(err, &ae) || ae.Status != 503 || ae.Code != "unavailable" || ae.RetryAfter <= 0 {
		t.Fatalf("during the outage: %v", err)
	}
	if resp, err := http.Get(in.URL + "/readyz"); err != nil || resp.StatusCode != 503 {
		t.Fatalf("readyz during the outage: %v %v", resp, err)
	}
	if resp, err := http.Get(in.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the process must stay alive: %v %v", resp, err)
	}
	pg.start()
	eventually(t, 30*time.Second, "the API did not recover", func() error {
		return c.Do(ctx, "GET", "/api/v1/meetings", nil, nil)
	})
	in.WaitReady(t, 10*time.Second)
}

// An upload cut off half way leaves no document version behind, no chunk
// and no temporary file.
func TestInterruptedUpload(t *testing.T) {
	in := startInstance(t, "a", demoEnv(nil))
	ctx := context.Background()
	sec := login(t, in.URL, "secretary1")
	var meetings []ecabinet.Meeting
	if err := sec.Do(ctx, "GET", "/api/v1/meetings", nil, &meetings); err != nil {
		t.Fatal(err)
	}
	var doc ecabinet.Document
	if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/meetings/%d/documents", meetings[0].ID),
		ecabinet.DocumentInput{Title: "Tải lên bị ngắt", Classification: ecabinet.ClassNone}, &doc); err != nil {
		t.Fatal(err)
	}
	versions := func() int {
		var vs []ecabinet.DocumentVersion
		if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), nil, &vs); err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	// Send the headers and half of a 4 MiB multipart body by hand, then hang up.
	conn, err := net.Dial("tcp", strings.TrimPrefix(in.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", in.URL, nil)
	cookies := sec.HTTP.Jar.Cookies(req.URL)
	head := fmt.Sprintf("POST /api/v1/documents/%d/versions HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"+
		"Content-Length: %d\r\nX-CSRF-Token: %s\r\nCookie: %s=%s\r\n\r\n", doc.ID, strings.TrimPrefix(in.URL, "http://"), 4<<20,
		sec.CSRFToken(), cookies[0].Name, cookies[0].Value)
	part := "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
	if _, err := io.WriteString(conn, head+part+strings.Repeat("x", 2<<20)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is reading the body
	conn.Close()
	// The server notices, and nothing of the upload remains.
	eventually(t, 10*time.Second, "an interrupted upload left something", func() error {
		if n := versions(); n != 0 {
			return fmt.Errorf("%d versions", n)
		}
		return nil
	})
	// No temporary file is left either.
	eventually(t, 10*time.Second, "an interrupted upload left a temporary file", func() error {
		var left []string
		_ = filepath.WalkDir(filepath.Join(in.DataDir, "cache", "tmp"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				left = append(left, p)
			}
			return nil
		})
		if len(left) > 0 {
			return fmt.Errorf("left %v", left)
		}
		return nil
	})
}

// Kill -9 an instance right after it acknowledged ballot answers, before its
// progress pusher ran (it pushes every 500 ms): the instance that comes back
// (on the embedded default, the same SQLite file; on PostgreSQL, any
// instance) still pushes the right count, because the answers marked it in
// their own transaction. (Before, the mark lived in the killed process's
// memory and dashboards kept the old count until the next answer.)
func TestKillBetweenAnswerAndPush(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "embedded", true: "postgres"}[pg], func(t *testing.T) {
			env := demoEnv(nil)
			if pg {
				env["DATABASE_URL"] = testenv.Postgres(t)
			}
			in := startInstance(t, "a", env)
			ctx := context.Background()
			sec := login(t, in.URL, "secretary1")
			me, err := sec.Me(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ballot ecabinet.Ballot
			if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu trước khi sập", Deadline: time.Now().Add(time.Hour),
				Questions: []string{"Đồng ý?"}}, &ballot); err != nil {
				t.Fatal(err)
			}
			if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
				t.Fatal(err)
			}
			_, voters := signInVoters(t, in.URL)
			scope := ecabinet.BodyScope(me.Body.ID)
			before := streamHead(t, sec, scope)
			body := fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":"agree"}]}`, ballot.Questions[0].ID)
			const answered = 5
			var wg sync.WaitGroup
			for _, c := range voters[:answered] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := c.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/answers", ballot.ID), strings.NewReader(body), "application/json", nil, nil); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			in.Signal(syscall.SIGKILL)
			<-in.Done()

			again := in.Restart(t, binary, "again", env)
			sec = login(t, again.URL, "secretary1")
			stream, err := sec.Connect(ctx, client.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer stream.Close()
			if err := stream.SubscribeFrom(scope, before); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			for {
				f, err := stream.Next(wctx)
				if err != nil {
					t.Fatalf("no ballot.progress with %d answers after the restart: %v", answered, err)
				}
				var p struct {
					BallotID int64 `json:"ballot_id"`
					Answered int   `json:"answered"`
				}
				if f.Type == "event" && f.Event == ecabinet.EventBallotProgress && json.Unmarshal(f.Data, &p) == nil && p.BallotID == ballot.ID && p.Answered == answered {
					return
				}
			}
		})
	}
}

// streamHead returns the position of scope as c sees it now.
func streamHead(t *testing.T, c *client.Client, scope ecabinet.Scope) ecabinet.Position {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.Connect(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Subscribe(scope); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type == "snapshot" {
			return ecabinet.Position{Epoch: f.Epoch, Seq: f.Seq}
		}
	}
}

// Kill -9 one of two instances inside a burst in which every member sends
// three different answers at once (different idempotency keys and choices),
// spread over both instances, with answer changes not allowed: for every
// member exactly one answer is acknowledged, whatever instance or retry
// acknowledged it, and the stored answer is that one.
func TestKillDuringConcurrentAnswers(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	admin := login(t, b.URL, "admin")
	me, err := admin.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings := me.Body.Settings
	settings.BallotAnswerChangeAllowed = false
	if err := admin.Do(ctx, "PUT", "/api/v1/body/settings", settings, nil); err != nil {
		t.Fatal(err)
	}
	sec := login(t, b.URL, "secretary1")
	var ballot ecabinet.Ballot
	if err := sec.Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Phiếu ba lần gửi", Deadline: time.Now().Add(time.Hour),
		Questions: []string{"Đồng ý?"}}, &ballot); err != nil {
		t.Fatal(err)
	}
	if err := sec.Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
		t.Fatal(err)
	}
	voters, clients := signInVoters(t, a.URL)
	choices := []string{ecabinet.OptionAgree, ecabinet.OptionDisagree, ecabinet.OptionOther}
	var mu sync.Mutex
	acked := map[int][]string{} // voter → choices acknowledged
	ackCount := make(chan struct{}, 3*len(voters))
	var wg sync.WaitGroup
	for i, c := range clients {
		for k, choice := range choices {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cc := *c // each request its own copy: a retry moves it to the other instance
				if (i+k)%2 == 1 {
					cc.BaseURL = b.URL
				}
				other := b.URL
				if cc.BaseURL == b.URL {
					other = a.URL
				}
				body := fmt.Sprintf(`{"answers":[{"question_id":%d,"choice":%q,"comment":"ý kiến %d"}]}`, ballot.Questions[0].ID, choice, k)
				_, err := untilAcknowledged(&cc, other, func() error {
					return cc.DoRequest(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/answers", ballot.ID), strings.NewReader(body),
						"application/json", http.Header{"Idempotency-Key": {fmt.Sprintf("tablet-%d-answer-%d", i, k)}}, nil)
				})
				var ae *client.Error
				switch {
				case err == nil:
					mu.Lock()
					acked[i] = append(acked[i], choice)
					mu.Unlock()
					ackCount <- struct{}{}
				case errors.As(err, &ae) && ae.Status == http.StatusConflict:
				default:
					t.Errorf("voter %d, answer %d: %v", i, k, err)
				}
			}()
		}
	}
	for range len(voters) / 3 {
		<-ackCount
	}
	a.Signal(syscall.SIGKILL)
	wg.Wait()

	var report ecabinet.BallotReport
	if err := sec.Do(ctx, "GET", fmt.Sprintf("/api/v1/ballots/%d/report", ballot.ID), nil, &report); err != nil {
		t.Fatal(err)
	}
	stored := map[int64]string{}
	for _, row := range report.Rows {
		if row.Choice != "" {
			stored[row.MemberID] = row.Choice
		}
	}
	ackTotal, mismatches := 0, 0
	for i, c := range clients {
		c.BaseURL = b.URL
		m, err := c.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ackTotal += len(acked[i])
		if len(acked[i]) != 1 || stored[m.Member.ID] != acked[i][0] {
			mismatches++
			t.Errorf("%s: acknowledged %v, stored %q", voters[i], acked[i], stored[m.Member.ID])
		}
	}
	t.Logf("%d members x 3 answers: %d acknowledged, %d stored, %d mismatches", len(voters), ackTotal, len(stored), mismatches)
}
