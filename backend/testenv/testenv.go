// Package testenv gives tests real PostgreSQL databases and Redis prefixes.
//
// ECABINET_TEST_POSTGRES is an admin URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) used to create
// and drop one fresh database per call; ECABINET_TEST_REDIS is a Redis URL
// (default redis://127.0.0.1:6379/0). When a service does not answer, the
// test is skipped on a developer machine and fails when CI=true: in CI the
// PostgreSQL and Redis suites must run.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for creating test databases
	"github.com/redis/go-redis/v9"
)

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

func unreachable(t testing.TB, what string, err error) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is required in CI but does not answer: %v", what, err)
	}
	t.Skipf("%s does not answer (%v); skipped outside CI", what, err)
}

// RandomName returns a short random lower-case name with prefix.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresAdminURL returns the URL tests use to create databases.
func PostgresAdminURL() string {
	if u := os.Getenv("ECABINET_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Postgres creates a fresh, empty database and returns its URL. The database
// is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		unreachable(t, "PostgreSQL", err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		unreachable(t, "PostgreSQL", err)
	}
	name := RandomName("ecabinet_test_")
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
		_ = db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", admin, err)
	}
	u.Path = "/" + name
	return u.String()
}

// RedisURL returns the URL of the test Redis.
func RedisURL() string {
	if u := os.Getenv("ECABINET_TEST_REDIS"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Redis returns a client of the test Redis and a prefix of its own for keys
// and channels; keys under the prefix are deleted when the test ends.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("parse redis url: %v", err)
	}
	client := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		unreachable(t, "Redis", err)
	}
	prefix := RandomName("ecabtest")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			client.Del(ctx, keys...)
		}
		_ = client.Close()
	})
	return client, prefix
}
