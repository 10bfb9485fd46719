package load_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/load"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// bin holds the server, the floor and the generator, built once.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ecabinet-load-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	for _, cmd := range []string{"ecabinet", "ecabinet-floor", "ecabinet-load"} {
		build := exec.Command("go", "build", "-o", filepath.Join(dir, cmd), "github.com/ecabinet/ecabinet/backend/cmd/"+cmd)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building", cmd+":", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// smokeOptions run the real generator (worker processes and all) against
// real server processes sharing PostgreSQL and Redis, at 100 clients.
func smokeOptions(t *testing.T) load.Options {
	// Both must answer (they fail the test under CI=true, skip it elsewhere).
	pg := testenv.Postgres(t)
	testenv.Redis(t)
	return load.Options{
		ServerBin: filepath.Join(bin, "ecabinet"), FloorBin: filepath.Join(bin, "ecabinet-floor"), WorkerBin: filepath.Join(bin, "ecabinet-load"),
		Workers: 2, PostgresAdmin: pg, RedisURL: testenv.RedisURL(),
		// 50 updates to 100 clients: 5,000 deliveries, so that even the
		// floor's CPU spans several of /proc's 10 ms clock ticks (at 1,000
		// it could round to none on a fast machine).
		Clients: 100, Instances: 2, Updates: 50, Rate: 25, Log: testWriter{t},
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func row(t *testing.T, r *load.Result, metric string) load.Row {
	t.Helper()
	for _, row := range r.Rows {
		if row.Metric == metric {
			return row
		}
	}
	t.Fatalf("%s has no %q: %+v", r.Workload, metric, r.Rows)
	return load.Row{}
}

// W1 at 100 clients over two instances: every update reaches every client,
// without a gap, and the floor's figures are there to compare with.
func TestSmokeW1(t *testing.T) {
	o := smokeOptions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r := load.Run(ctx, o, "W1")
	if r.Err != "" {
		t.Fatal(r.Err)
	}
	load.WriteTable(testWriter{t}, &load.Summary{Results: []*load.Result{r}})
	if d := row(t, r, "delivered"); d.Value != 100 || d.Floor == nil || *d.Floor != 100 || !*d.Pass {
		t.Errorf("delivered: %+v", d)
	}
	if g := row(t, r, "gaps"); g.Value != 0 {
		t.Errorf("gaps: %v", g.Value)
	}
	for _, m := range []string{"latency p99", "server CPU per delivery"} {
		if x := row(t, r, m); x.Value <= 0 || x.Floor == nil || *x.Floor <= 0 || x.Ratio == nil {
			t.Errorf("%s not measured: %+v", m, x)
		}
	}
}

// W5 at 100 members: exactly one answer each is counted, batched and naive,
// and the same requests are timed against the floor.
func TestSmokeW5(t *testing.T) {
	o := smokeOptions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r := load.Run(ctx, o, "W5")
	if r.Err != "" {
		t.Fatal(r.Err)
	}
	load.WriteTable(testWriter{t}, &load.Summary{Results: []*load.Result{r}})
	for _, m := range []string{"answers counted", "naive: answers counted"} {
		if c := row(t, r, m); c.Value != 100 || !*c.Pass {
			t.Errorf("%s: %+v", m, c)
		}
	}
	if f := row(t, r, "failed requests"); f.Value != 0 {
		t.Errorf("failed requests: %v (%v)", f.Value, r.Notes)
	}
	if tp := row(t, r, "answers/s"); tp.Value <= 0 {
		t.Errorf("throughput not measured: %+v", tp)
	}
	if x := row(t, r, "time until every answer acknowledged"); x.Value <= 0 || x.Floor == nil || *x.Floor <= 0 || x.Ratio == nil {
		t.Errorf("time against the floor not measured: %+v", x)
	}
	if f := row(t, r, "failed requests"); f.Floor == nil || *f.Floor != 0 {
		t.Errorf("the floor failed requests: %+v (%v)", f, r.Notes)
	}
}
