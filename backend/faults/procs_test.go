package faults

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/testenv"
)

// binary is the server, built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ecabinet-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ecabinet")
	build := exec.Command("go", "build", "-o", binary, "github.com/ecabinet/ecabinet/backend/cmd/ecabinet")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the server:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// freePort returns a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proc is a child process whose output is kept for the test's log.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, env []string, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(name, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("output of %s:\n%s", name, tail(p.out.String(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func (p *proc) signal(sig syscall.Signal) { _ = p.cmd.Process.Signal(sig) }

func (p *proc) kill() {
	select {
	case <-p.done:
	default:
		p.signal(syscall.SIGKILL)
		<-p.done
	}
}

// instance is a running server process.
type instance struct {
	*proc
	url  string
	data string // ECABINET_DATA_DIR
}

// startInstance runs the server with env and waits until it is ready.
func startInstance(t *testing.T, name string, env map[string]string) *instance {
	t.Helper()
	port, data := freePort(t), t.TempDir()
	vars := []string{"ECABINET_ADDR=127.0.0.1:" + strconv.Itoa(port), "ECABINET_INSTANCE_ID=" + name,
		"ECABINET_DATA_DIR=" + data, "ECABINET_LOG_LEVEL=warn", "ECABINET_HASH_CONCURRENCY=4", "ECABINET_METRICS_ADDR=off"}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	in := &instance{proc: start(t, vars, binary), url: fmt.Sprintf("http://127.0.0.1:%d", port), data: data}
	waitReady(t, in.url, 60*time.Second, in.done)
	return in
}

func waitReady(t *testing.T, url string, within time.Duration, died <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-died:
			t.Fatalf("%s died while starting", url)
		default:
		}
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready within %v", url, within)
}

// privateRedis runs a Redis of the test's own, so restarting it disturbs
// no other test.
type privateRedis struct {
	t    *testing.T
	port int
	dir  string
	p    *proc
}

func startRedis(t *testing.T) *privateRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		unavailable(t, "redis-server", err)
	}
	r := &privateRedis{t: t, port: freePort(t), dir: t.TempDir()}
	r.start()
	return r
}

func (r *privateRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *privateRedis) start() {
	r.p = start(r.t, nil, "redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", r.dir)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatal("private redis did not start")
}

// restart kills Redis (everything in it is gone) and starts it again.
func (r *privateRedis) restart() {
	r.p.kill()
	r.start()
}

// privatePostgres runs a PostgreSQL cluster of the test's own (initdb as
// the postgres user), so stopping it disturbs no other test.
type privatePostgres struct {
	t          *testing.T
	bin, dir   string
	port       int
	asPostgres []string
}

func startPostgres(t *testing.T) *privatePostgres {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		unavailable(t, "PostgreSQL server binaries", fmt.Errorf("no /usr/lib/postgresql/*/bin/initdb"))
	}
	pg := &privatePostgres{t: t, bin: filepath.Dir(matches[len(matches)-1]), port: freePort(t)}
	base, err := os.MkdirTemp("", "ecabinet-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	pg.dir = filepath.Join(base, "data")
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run it as postgres.
		pg.asPostgres = []string{"runuser", "-u", "postgres", "--"}
		if err := exec.Command("chown", "-R", "postgres", base).Run(); err != nil {
			unavailable(t, "the postgres user", err)
		}
		_ = os.Chmod(base, 0o755)
	}
	pg.run("initdb", "-D", pg.dir, "-A", "trust", "-U", "postgres", "--no-sync")
	pg.start()
	t.Cleanup(func() { _ = pg.exec("pg_ctl", "-D", pg.dir, "stop", "-m", "immediate") })
	return pg
}

func (pg *privatePostgres) exec(tool string, args ...string) error {
	argv := append(append([]string{}, pg.asPostgres...), filepath.Join(pg.bin, tool))
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", tool, err, out)
	}
	return nil
}

func (pg *privatePostgres) run(tool string, args ...string) {
	if err := pg.exec(tool, args...); err != nil {
		pg.t.Fatal(err)
	}
}

func (pg *privatePostgres) start() {
	pg.run("pg_ctl", "-D", pg.dir, "-w", "-l", filepath.Join(filepath.Dir(pg.dir), "log"),
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", pg.port, filepath.Dir(pg.dir)), "start")
}

func (pg *privatePostgres) stop() { pg.run("pg_ctl", "-D", pg.dir, "-w", "stop", "-m", "fast") }

func (pg *privatePostgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// unavailable skips outside CI and fails in CI, where fault tests must run.
func unavailable(t *testing.T, what string, err error) {
	t.Helper()
	if testenv.InCI() {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s missing (%v); skipped outside CI", what, err)
}

// eventually retries fn until it succeeds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, fn func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var err error
	for ctx.Err() == nil {
		if err = fn(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}
