package deploytest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// clusterPort is nginx's port in this test (instances: +1 … +3); not
// scripts/cluster's default, so a cluster started by hand does not clash.
const clusterPort = 28080

const clusterPassword = "cluster-test-password"

// follower is a member's tablet: a stream through nginx that reconnects
// and resumes on its own (client.Stream.Run), checking that the events of
// the meeting arrive in order, each once, with no gap.
type follower struct {
	name   string
	stream *client.Stream
	scope  ecabinet.Scope

	mu       sync.Mutex
	last     int64    // the seq reached
	resumes  []string // the mode of every subscription made by Run (reconnects)
	problems []string
}

func (f *follower) handle(fr *client.Frame) error {
	if fr.Scope != f.scope {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch fr.Type {
	case "subscribed":
		f.resumes = append(f.resumes, fr.Mode)
		if fr.Mode == "replay" && fr.Seq != f.last {
			f.problems = append(f.problems, fmt.Sprintf("replay from #%d, but #%d was reached", fr.Seq, f.last))
		}
	case "event":
		if fr.Seq != f.last+1 {
			f.problems = append(f.problems, fmt.Sprintf("event #%d after #%d", fr.Seq, f.last))
		}
		f.last = fr.Seq
	}
	return nil
}

func (f *follower) status() (last int64, resumes, problems []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, append([]string(nil), f.resumes...), append([]string(nil), f.problems...)
}

// Three instances behind nginx, started by scripts/cluster: members'
// streams through nginx get every change made through any instance; when
// one instance gets SIGTERM, its streams reconnect through nginx to the
// others and resume by replay, with no gap, while changes go on.
func TestClusterBehindNginx(t *testing.T) {
	testenv.RequireProgram(t, "nginx")
	dbURL := testenv.Postgres(t)
	_, prefix := testenv.Redis(t)
	dir := t.TempDir()
	env := []string{
		"ECABINET_CLUSTER_DIR=" + dir, "ECABINET_CLUSTER_PORT=" + strconv.Itoa(clusterPort),
		"DATABASE_URL=" + dbURL, "REDIS_URL=" + testenv.RedisURL(), "ECABINET_REDIS_PREFIX=" + prefix,
		"ECABINET_BIN=" + serverBinary(t), "ECABINET_DEMO_PASSWORD=" + clusterPassword,
		"ECABINET_LOG_LEVEL=warn", "ECABINET_SHUTDOWN_DELAY=1s", "ECABINET_HASH_CONCURRENCY=2",
	}
	url := strings.TrimSpace(script(t, env, "cluster", "start"))
	t.Cleanup(func() {
		if t.Failed() {
			for _, f := range []string{"app1.log", "app2.log", "app3.log", "nginx/error.log"} {
				if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
					t.Logf("%s:\n%s", f, b)
				}
			}
		}
		script(t, env, "cluster", "stop")
	})
	if url != fmt.Sprintf("http://127.0.0.1:%d", clusterPort) {
		t.Fatalf("scripts/cluster start printed %q", url)
	}
	instanceURL := func(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", clusterPort+i) }

	sec := login(t, url, "secretary1", clusterPassword)
	m := session(t, sec, "Phiên họp qua nginx", "Báo cáo tình hình kinh tế - xã hội")
	scope := ecabinet.MeetingScope(m.ID)

	// Six tablets through nginx, spread by round robin.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	followers := make([]*follower, 6)
	on := map[string][]*follower{}
	for i := range followers {
		name := fmt.Sprintf("member%02d", i+1)
		c := login(t, url, name, clusterPassword)
		s, err := c.Connect(ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f := &follower{name: name, stream: s, scope: scope}
		if err := s.Subscribe(scope); err != nil {
			t.Fatal(err)
		}
		first := waitFrame(t, s, scope, "subscribed")
		if first.Mode == "snapshot" {
			waitFrame(t, s, scope, "snapshot")
		}
		f.last = s.Position(scope).Seq
		followers[i] = f
		on[s.Hello().Instance] = append(on[s.Hello().Instance], f)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Run(ctx, f.handle); err != nil && !errors.Is(err, context.Canceled) {
				f.mu.Lock()
				f.problems = append(f.problems, "stream ended: "+err.Error())
				f.mu.Unlock()
			}
		}()
	}
	if len(on) < 2 {
		t.Fatalf("nginx sent every WebSocket to one instance: %v", keys(on))
	}

	// Changes through one instance directly reach the tablets on all.
	direct := login(t, instanceURL(2), "secretary2", clusterPassword)
	for i := 0; i < 10; i++ {
		if err := mark(direct, m, i); err != nil {
			t.Fatal(err)
		}
	}
	converge(t, followers, state(t, sec, m.ID).Seq, 15*time.Second)

	// SIGTERM to the instance with the most tablets; changes go on through
	// nginx meanwhile (retrying a 502 as a tablet would).
	victim := ""
	for inst, fs := range on {
		if victim == "" || len(fs) > len(on[victim]) {
			victim = inst
		}
	}
	pid := pidOf(t, dir, victim)
	t.Logf("SIGTERM to %s (pid %d), which has %d of the %d tablets", victim, pid, len(on[victim]), len(followers))
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := 10; i < 30; i++ {
		retry(t, func() error { return mark(sec, m, i) })
		time.Sleep(100 * time.Millisecond)
	}
	head := state(t, sec, m.ID).Seq
	converge(t, followers, head, 30*time.Second)
	waitGone(t, pid, 30*time.Second)

	for _, f := range followers {
		last, resumes, _ := f.status()
		moved := f.stream.Hello().Instance
		t.Logf("%s: at #%d, on %s, resumed by %v", f.name, last, moved, resumes)
		if moved == victim {
			t.Errorf("%s is still on the stopped instance %s", f.name, victim)
		}
		for _, mode := range resumes {
			if mode != "replay" {
				t.Errorf("%s resumed by %s after the stop, not replay: %v", f.name, mode, resumes)
			}
		}
	}
	for _, f := range on[victim] {
		if _, resumes, _ := f.status(); len(resumes) == 0 {
			t.Errorf("%s, on the stopped instance, never resubscribed", f.name)
		}
	}
	// nginx keeps answering from the two instances left.
	for i := 0; i < 6; i++ {
		if _, err := sec.Me(context.Background()); err != nil {
			t.Fatalf("request %d through nginx after the stop: %v", i, err)
		}
	}
}

// waitFrame reads frames of a stream that does not run yet until one of
// the type for scope arrives.
func waitFrame(t *testing.T, s *client.Stream, scope ecabinet.Scope, typ string) *client.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		if f.Type == "error" {
			t.Fatalf("subscribe %s: %s %s", scope, f.Code, f.Message)
		}
		if f.Type == typ && f.Scope == scope {
			return f
		}
	}
}

// converge waits until every follower reached seq, failing on a problem.
func converge(t *testing.T, followers []*follower, seq int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		behind := []string{}
		for _, f := range followers {
			last, _, problems := f.status()
			if len(problems) > 0 {
				t.Fatalf("%s: %s", f.name, strings.Join(problems, "; "))
			}
			if last < seq {
				behind = append(behind, fmt.Sprintf("%s at #%d", f.name, last))
			}
		}
		if len(behind) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not at #%d after %v: %s", seq, timeout, strings.Join(behind, ", "))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// retry repeats a call that failed with 502 or 503 (an instance going away
// under nginx), as a tablet does.
func retry(t *testing.T, call func() error) {
	t.Helper()
	var err error
	for range 20 {
		if err = call(); err == nil {
			return
		}
		var apiErr *client.Error
		if !errors.As(err, &apiErr) || (apiErr.Status != 502 && apiErr.Status != 503) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal(err)
}

// pidOf returns the pid that scripts/cluster recorded for instance appN.
func pidOf(t *testing.T, dir, instance string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, instance+".pid"))
	if err != nil {
		t.Fatalf("no pid for instance %q: %v", instance, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitGone waits for a process to end (a zombie counts as ended).
func waitGone(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && strings.HasPrefix(string(stat[i+1:]), " Z") {
			return
		}
	}
	t.Fatalf("instance (pid %d) still runs %v after SIGTERM", pid, timeout)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
