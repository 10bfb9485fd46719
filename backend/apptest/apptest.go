// Package apptest starts real e-Cabinet instances for tests: the whole app
// on a loopback port, over the embedded SQLite default or over PostgreSQL and
// Redis (testenv), with the demo body seeded.
package apptest

import (
	"context"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/app"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// Password is the demo password of test instances.
const Password = "test-demo-password"

// Backend names a store and bus combination.
type Backend struct {
	Name     string
	Postgres bool // PostgreSQL + Redis; otherwise SQLite + in-process bus
}

// Backends lists the combinations every integration suite runs against.
var Backends = []Backend{{Name: "embedded"}, {Name: "postgres+redis", Postgres: true}}

// Env is a started instance.
type Env struct {
	App *app.App
	URL string
	// MetricsURL is where the instance serves /metrics (its own listener).
	MetricsURL string
	Cfg        *config.Config
	// Stop shuts the instance down gracefully (SIGTERM) and waits; it is
	// also called when the test ends.
	Stop func()
}

// Start runs an instance of backend until the test ends. env overrides
// configuration variables.
func Start(t testing.TB, b Backend, env map[string]string) *Env {
	t.Helper()
	vars := map[string]string{
		"ECABINET_DEMO":             "true",
		"ECABINET_DEMO_PASSWORD":    Password,
		"ECABINET_DATA_DIR":         t.TempDir(),
		"ECABINET_HASH_CONCURRENCY": "4",
		"ECABINET_LOG_LEVEL":        "warn",
	}
	if b.Postgres {
		vars["DATABASE_URL"] = testenv.Postgres(t)
		_, prefix := testenv.Redis(t)
		vars["REDIS_URL"] = testenv.RedisURL()
		vars["ECABINET_REDIS_PREFIX"] = prefix
	}
	for k, v := range env {
		vars[k] = v
	}
	return StartWith(t, vars)
}

// StartWith runs an instance with exactly the given variables (others
// default, but metrics on a free loopback port: tests run side by side).
func StartWith(t testing.TB, vars map[string]string) *Env {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if v, ok := vars[k]; ok || k != "ECABINET_METRICS_ADDR" {
			return v
		}
		return "127.0.0.1:0"
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		a.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("instance stopped with: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("instance did not stop within 30 s")
			}
			a.Close()
		})
	}
	t.Cleanup(stop)
	return &Env{App: a, URL: "http://" + ln.Addr().String(), MetricsURL: "http://" + a.MetricsAddr(), Cfg: cfg, Stop: stop}
}

// Client returns a client of the instance.
func (e *Env) Client() *client.Client { return client.New(e.URL) }

// Login returns a client signed in as username with the demo password.
func (e *Env) Login(t testing.TB, username string) *client.Client {
	t.Helper()
	c := e.Client()
	if _, err := c.Login(context.Background(), username, Password); err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return c
}

// ForEach runs fn against a fresh instance of every backend.
func ForEach(t *testing.T, env map[string]string, fn func(t *testing.T, e *Env)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { fn(t, Start(t, b, env)) })
	}
}

// As returns a context acting as username, for calling services directly.
func (e *Env) As(t testing.TB, username string) context.Context {
	t.Helper()
	a, err := e.App.DB.ActorByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("actor %s: %v", username, err)
	}
	return ecabinet.NewContextWithActor(context.Background(), a)
}

// StartPair runs two instances of backend on one database (and, for
// PostgreSQL, one Redis prefix), as a cluster behind a load balancer runs
// them: a seeds the demo body, b joins it. On the embedded default both open
// the same SQLite file (each with its own cache directory); they share no
// bus, so only what goes through the database is shared.
func StartPair(t testing.TB, b Backend) (first, second *Env) {
	t.Helper()
	data := t.TempDir()
	vars := map[string]string{
		"ECABINET_DEMO":             "true",
		"ECABINET_DEMO_PASSWORD":    Password,
		"ECABINET_DATA_DIR":         data,
		"ECABINET_HASH_CONCURRENCY": "4",
		"ECABINET_LOG_LEVEL":        "warn",
	}
	if b.Postgres {
		vars["DATABASE_URL"] = testenv.Postgres(t)
		_, prefix := testenv.Redis(t)
		vars["REDIS_URL"] = testenv.RedisURL()
		vars["ECABINET_REDIS_PREFIX"] = prefix
	}
	first = StartWith(t, vars)
	vars["ECABINET_DEMO"] = "false"
	vars["ECABINET_CACHE_DIR"] = t.TempDir()
	second = StartWith(t, vars)
	return first, second
}

// On returns a copy of c that sends to e, with the same sign-in (cookies
// are not bound to a port, so one sign-in serves every instance).
func (e *Env) On(c *client.Client) *client.Client {
	cc := *c
	cc.BaseURL = e.URL
	return &cc
}
