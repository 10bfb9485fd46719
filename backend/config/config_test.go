package config_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "" || c.RedisURL != "" || !c.Demo || c.DemoPassword != "ecabinet-demo" ||
		c.SessionIdle != 30*time.Minute || c.SessionLifetime != 12*time.Hour || c.UploadLimit != 100<<20 || c.HashConcurrency < 1 {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "ECABINET_UPLOAD_LIMIT": "5MiB", "ECABINET_ALLOWED_ORIGINS": "https://a.gov.vn, https://b.gov.vn"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Demo {
		t.Fatal("demo data seeded by default on PostgreSQL")
	}
	if c.UploadLimit != 5<<20 || len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "https://b.gov.vn" {
		t.Fatalf("parsed: %+v", c)
	}
}

// Metrics have their own listener, on loopback unless told otherwise, or none.
func TestMetricsAddr(t *testing.T) {
	for val, want := range map[string]string{"": "127.0.0.1:9464", "off": "", "0.0.0.0:9464": "0.0.0.0:9464"} {
		c, err := config.Load(env(map[string]string{"ECABINET_METRICS_ADDR": val}))
		if err != nil || c.MetricsAddr != want {
			t.Errorf("ECABINET_METRICS_ADDR=%q: %q, %v; want %q", val, c.MetricsAddr, err, want)
		}
	}
}

// The cache lives in the data directory unless placed elsewhere.
func TestCacheDir(t *testing.T) {
	for want, vars := range map[string]map[string]string{
		"data/cache":       nil,
		"/srv/ecab/cache":  {"ECABINET_DATA_DIR": "/srv/ecab"},
		"/var/cache/ecab1": {"ECABINET_DATA_DIR": "/srv/ecab", "ECABINET_CACHE_DIR": "/var/cache/ecab1"},
	} {
		c, err := config.Load(env(vars))
		if err != nil {
			t.Fatal(err)
		}
		if c.CacheDir != want {
			t.Errorf("%v: cache dir %q, want %q", vars, c.CacheDir, want)
		}
	}
}

func TestInvalidValueNamesTheVariable(t *testing.T) {
	for name, val := range map[string]string{
		"ECABINET_ADDR":             "8080",
		"DATABASE_URL":              "mysql://x",
		"REDIS_URL":                 "localhost:6379",
		"ECABINET_DEMO":             "yes",
		"ECABINET_DEMO_PASSWORD":    "short",
		"ECABINET_ALLOWED_ORIGINS":  "evil.example/path",
		"ECABINET_SESSION_IDLE":     "soon",
		"ECABINET_SESSION_LIFETIME": "-1h",
		"ECABINET_UPLOAD_LIMIT":     "lots",
		"ECABINET_TRUSTED_PROXIES":  "proxy.local",
		"ECABINET_LOG_LEVEL":        "loud",
		"ECABINET_HASH_CONCURRENCY": "0",
		"ECABINET_MFA_KEY":          "c2hvcnQ=",
		"ECABINET_METRICS_ADDR":     "9464",
	} {
		_, err := config.Load(env(map[string]string{name: val}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: error %v does not name the variable", name, val, err)
		}
	}
	if _, err := config.Load(env(map[string]string{"ECABINET_SESSION_IDLE": "13h"})); err == nil {
		t.Error("an idle timeout longer than the lifetime was accepted")
	}
	// A refused password or key is not repeated into the logs.
	for name, val := range map[string]string{"ECABINET_MFA_KEY": "not-base64-secret!", "DATABASE_URL": "mysql://root:hunter22@db/x",
		"ECABINET_DEMO_PASSWORD": "hunter22"} {
		_, err := config.Load(env(map[string]string{name: val}))
		if err == nil || strings.Contains(err.Error(), val) {
			t.Errorf("%s: error %v repeats the value", name, err)
		}
	}
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	if c, err := config.Load(env(map[string]string{"ECABINET_MFA_KEY": key})); err != nil || string(c.MFAKey) != "0123456789abcdef0123456789abcdef" {
		t.Errorf("MFA key: %v", err)
	}
}

func TestEveryVariableIsDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range config.Vars {
		if v.Description == "" || seen[v.Name] {
			t.Errorf("%s: missing description or listed twice", v.Name)
		}
		seen[v.Name] = true
	}
}

// The README's configuration table lists every variable with its default.
func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(readme), "| `"+v.Name+"` |") {
			t.Errorf("README lacks %s", v.Name)
		}
	}
}

// Behind a transaction pool the server does not migrate: the migrations'
// advisory lock belongs to a session.
func TestPoolModeAndMigrations(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || !c.Migrate || c.DBPoolMode != config.DBPoolSession {
		t.Fatalf("defaults: migrate %v, pool mode %q, %v", c.Migrate, c.DBPoolMode, err)
	}
	pg := "postgres://u@pgbouncer:6432/ecabinet"
	for _, vars := range []map[string]string{
		{"ECABINET_DB_POOL_MODE": "statement"},
		{"ECABINET_MIGRATE": "sometimes"},
		{"ECABINET_DB_POOL_MODE": "transaction", "DATABASE_URL": pg},
		{"ECABINET_DB_POOL_MODE": "transaction", "ECABINET_MIGRATE": "false"},
	} {
		if _, err := config.Load(env(vars)); err == nil {
			t.Errorf("%v accepted", vars)
		}
	}
	c, err = config.Load(env(map[string]string{"ECABINET_DB_POOL_MODE": "transaction", "DATABASE_URL": pg, "ECABINET_MIGRATE": "false"}))
	if err != nil || c.Migrate || c.DBPoolMode != config.DBPoolTransaction {
		t.Fatalf("transaction pool: %+v %v", c, err)
	}
}
