package faults

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// instance is a running server process.
type instance = testenv.Instance

// startInstance runs the server with env and waits until it is ready.
func startInstance(t *testing.T, name string, env map[string]string) *instance {
	t.Helper()
	return testenv.StartInstance(t, binary, name, env)
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
	pg := &privatePostgres{t: t, bin: filepath.Dir(matches[len(matches)-1]), port: testenv.FreePort(t)}
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
