package hub_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
	"github.com/redis/go-redis/v9"
)

// cluster starts two instances sharing one PostgreSQL and one Redis.
func cluster(t *testing.T) (a, b *apptest.Env) {
	t.Helper()
	a = apptest.Start(t, apptest.Backend{Name: "a", Postgres: true}, map[string]string{"ECABINET_INSTANCE_ID": "a"})
	b = apptest.StartWith(t, map[string]string{
		"DATABASE_URL": a.Cfg.DatabaseURL, "REDIS_URL": a.Cfg.RedisURL, "ECABINET_REDIS_PREFIX": a.Cfg.RedisPrefix,
		"ECABINET_DEMO": "false", "ECABINET_LOG_LEVEL": "warn", "ECABINET_DATA_DIR": t.TempDir(), "ECABINET_INSTANCE_ID": "b",
	})
	return a, b
}

// change makes one attendance change through the HTTP API of an instance.
func change(t *testing.T, c *client.Client, meetingID, memberID int64, i int) {
	t.Helper()
	status := "present"
	if i%2 == 1 {
		status = "expected"
	}
	path := "/api/v1/meetings/" + itoa(meetingID) + "/attendance/" + itoa(memberID)
	if err := c.Do(context.Background(), "PUT", path, map[string]string{"status": status}, nil); err != nil {
		t.Fatal(err)
	}
}

// collect reads events of scope until seq reaches last; every seq must come
// exactly once and in order.
func collect(t *testing.T, s *client.Stream, scope ecabinet.Scope, from, last int64, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	seen := from
	for seen < last {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("at #%d of #%d: %v", seen, last, err)
		}
		if f.Type != "event" || f.Scope != scope {
			continue
		}
		if f.Seq != seen+1 {
			t.Fatalf("event #%d after #%d", f.Seq, seen)
		}
		seen = f.Seq
	}
}

func TestChangeOnOneInstanceReachesTheOther(t *testing.T) {
	a, b := cluster(t)
	m, _ := meeting(t, a)
	scope := ecabinet.MeetingScope(m.ID)
	_, onB := connect(t, b, "member05")
	if got := onB.Hello().Instance; got != "b" {
		t.Fatalf("connected to instance %q", got)
	}
	subscribe(t, onB, scope)
	start := onB.Position(scope).Seq
	// Changes through both instances: each relay publishes its own, so
	// events reach b out of order and twice; b orders and dedupes them.
	secA, secB := a.Login(t, "secretary1"), b.Login(t, "secretary2")
	var wg sync.WaitGroup
	for _, sec := range []*client.Client{secA, secB} {
		wg.Add(1)
		go func(sec *client.Client) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				change(t, sec, m.ID, m.Invitees[i%5], i)
			}
		}(sec)
	}
	wg.Wait()
	collect(t, onB, scope, start, start+40, 10*time.Second)
}

// When the bus connection breaks (as when Redis restarts), what was
// published meanwhile is lost by Redis; the instance resubscribes and repairs
// the gap from the log, so the client misses nothing.
func TestBusOutageIsRepairedFromTheLog(t *testing.T) {
	a, b := cluster(t)
	m, _ := meeting(t, a)
	scope := ecabinet.MeetingScope(m.ID)
	_, onB := connect(t, b, "member05")
	subscribe(t, onB, scope)
	start := onB.Position(scope).Seq
	sec := a.Login(t, "secretary1")
	rc, _ := testenv.Redis(t)
	for i := 0; i < 40; i++ {
		if i%10 == 5 {
			killPubSub(t, rc, "ecabinet-b")
		}
		change(t, sec, m.ID, m.Invitees[i%5], i)
	}
	collect(t, onB, scope, start, start+40, 20*time.Second)
	// The outages did lose messages, and the log filled them in.
	if n := metric(t, b, "ecabinet_ws_repaired_total"); n < 1 {
		t.Fatalf("no event was repaired from the log (%v): the outage was not exercised", n)
	}
}

// metric reads one counter from an instance's /metrics.
func metric(t *testing.T, e *apptest.Env, name string) float64 {
	t.Helper()
	resp, err := http.Get(e.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

// killPubSub drops the pub/sub connection of the named instance, waiting
// for it to exist (it may be reconnecting from a previous kill).
func killPubSub(t *testing.T, rc *redis.Client, name string) {
	t.Helper()
	ctx := context.Background()
	var list string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if list, err = rc.ClientList(ctx).Result(); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(list, "\n") {
			fields := map[string]string{}
			for _, kv := range strings.Fields(line) {
				k, v, _ := strings.Cut(kv, "=")
				fields[k] = v
			}
			if fields["name"] == name && fields["sub"] != "" && fields["sub"] != "0" {
				if err := rc.Do(ctx, "CLIENT", "KILL", "ID", fields["id"]).Err(); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	}
	t.Fatalf("no pub/sub connection named %s in:\n%s", name, list)
}

// On SIGTERM an instance closes its sockets with 1001 and a retry hint;
// clients reconnect to the other instance and resume without a gap.
func TestShutdownSendsClientsElsewhere(t *testing.T) {
	a, b := cluster(t)
	m, _ := meeting(t, a)
	scope := ecabinet.MeetingScope(m.ID)
	c, onA := connect(t, a, "member05")
	subscribe(t, onA, scope)
	start := onA.Position(scope).Seq
	sec := b.Login(t, "secretary1")
	change(t, sec, m.ID, m.Invitees[0], 0)
	collect(t, onA, scope, start, start+1, 10*time.Second)

	go a.Stop()
	ce := wantClose(t, onA, 1001)
	if ce.RetryAfter() <= 0 {
		t.Fatalf("close 1001 without a retry hint: %q", ce.Reason)
	}
	// Changes go on meanwhile through b.
	for i := 1; i <= 10; i++ {
		change(t, sec, m.ID, m.Invitees[i%5], i)
	}
	// The client follows the hint to the other instance; its cookie is valid there.
	c.BaseURL = b.URL
	time.Sleep(ce.RetryAfter())
	if err := onA.Reconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := onA.Hello().Instance; got != "b" {
		t.Fatalf("reconnected to %q", got)
	}
	sub := next(t, onA, 5*time.Second, ofType("subscribed"))
	if sub.Mode != "replay" {
		t.Fatalf("resume on b: %+v", sub)
	}
	collect(t, onA, scope, start+1, start+11, 10*time.Second)

	// The stopped instance refuses new connections (it is gone).
	if _, err := client.New(a.URL).Connect(context.Background(), client.StreamOptions{}); err == nil {
		t.Fatal("a stopped instance accepted a connection")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
