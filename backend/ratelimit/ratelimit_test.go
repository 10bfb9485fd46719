package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ratelimit"
	"github.com/ecabinet/ecabinet/backend/testenv"
	"github.com/redis/go-redis/v9"
)

type limiter interface {
	Count(ctx context.Context, key string) (int, time.Duration, error)
	Add(ctx context.Context, key string) (int, time.Duration, error)
	Reset(ctx context.Context, key string) error
}

// TestContract runs the same behaviour against both limiters; for Redis, two
// limiters (two instances) share the counts.
func TestContract(t *testing.T) {
	const window = 2 * time.Second
	makers := map[string]func(t *testing.T) (limiter, limiter){
		"local": func(t *testing.T) (limiter, limiter) { l := ratelimit.NewLocal(window); return l, l },
		"redis": func(t *testing.T) (limiter, limiter) {
			c, prefix := testenv.Redis(t)
			return ratelimit.NewRedis(c, prefix, window), ratelimit.NewRedis(c, prefix, window)
		},
		"redis-cluster": func(t *testing.T) (limiter, limiter) {
			nodes := testenv.StartCluster(t).Addrs()
			a, b := redis.NewClusterClient(&redis.ClusterOptions{Addrs: nodes}), redis.NewClusterClient(&redis.ClusterOptions{Addrs: nodes})
			t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
			return ratelimit.NewRedis(a, "ecabinet", window), ratelimit.NewRedis(b, "ecabinet", window)
		},
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, b := mk(t)
			if n, _, err := a.Count(ctx, "k"); err != nil || n != 0 {
				t.Fatalf("fresh count = %d, %v", n, err)
			}
			for i := 1; i <= 3; i++ {
				l := a
				if i%2 == 0 {
					l = b
				}
				n, ttl, err := l.Add(ctx, "k")
				if err != nil || n != i || ttl <= 0 || ttl > window {
					t.Fatalf("add %d = %d, %v, %v", i, n, ttl, err)
				}
			}
			if n, ttl, _ := b.Count(ctx, "k"); n != 3 || ttl <= 0 {
				t.Fatalf("count = %d, ttl %v; want 3 seen by every instance", n, ttl)
			}
			if n, _, _ := a.Count(ctx, "other"); n != 0 {
				t.Fatalf("keys are not independent: %d", n)
			}
			if err := b.Reset(ctx, "k"); err != nil {
				t.Fatal(err)
			}
			if n, _, _ := a.Count(ctx, "k"); n != 0 {
				t.Fatalf("after reset count = %d", n)
			}
			if _, _, err := a.Add(ctx, "w"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(window + 100*time.Millisecond)
			if n, _, _ := a.Count(ctx, "w"); n != 0 {
				t.Fatalf("count after the window = %d, want 0", n)
			}
		})
	}
}
