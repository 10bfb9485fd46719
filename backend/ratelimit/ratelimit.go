// Package ratelimit counts failures per key in fixed windows, in process or
// in Redis (shared by every instance). The login uses it per username and per
// client address.
package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Local counts in this process only.
type Local struct {
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]localEntry
}

type localEntry struct {
	n     int
	until time.Time
}

// NewLocal returns a Local limiter with windows of length window.
func NewLocal(window time.Duration) *Local {
	return &Local{window: window, now: time.Now, entries: make(map[string]localEntry)}
}

// Count returns the count of key and the time left in its window.
func (l *Local) Count(_ context.Context, key string) (int, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	now := l.now()
	if !ok || !now.Before(e.until) {
		return 0, 0, nil
	}
	return e.n, e.until.Sub(now), nil
}

// Add counts one more for key; the window starts with the first.
func (l *Local) Add(_ context.Context, key string) (int, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e, ok := l.entries[key]
	if !ok || !now.Before(e.until) {
		e = localEntry{until: now.Add(l.window)}
		if len(l.entries) > 10000 {
			l.sweep(now)
		}
	}
	e.n++
	l.entries[key] = e
	return e.n, e.until.Sub(now), nil
}

// Reset forgets key.
func (l *Local) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	delete(l.entries, key)
	l.mu.Unlock()
	return nil
}

func (l *Local) sweep(now time.Time) {
	for k, e := range l.entries {
		if !now.Before(e.until) {
			delete(l.entries, k)
		}
	}
}

// Redis counts in Redis, so every instance sees the same counts.
type Redis struct {
	client redis.UniversalClient
	prefix string
	window time.Duration
}

// NewRedis returns a limiter keeping its counters under prefix in client.
func NewRedis(client redis.UniversalClient, prefix string, window time.Duration) *Redis {
	return &Redis{client: client, prefix: prefix + ":rl:", window: window}
}

var addScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`)

// Count returns the count of key and the time left in its window.
func (r *Redis) Count(ctx context.Context, key string) (int, time.Duration, error) {
	pipe := r.client.Pipeline()
	get := pipe.Get(ctx, r.prefix+key)
	ttl := pipe.PTTL(ctx, r.prefix+key)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return 0, 0, err
	}
	n, err := get.Int()
	if err == redis.Nil {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	return n, max(ttl.Val(), 0), nil
}

// Add counts one more for key; the window starts with the first.
func (r *Redis) Add(ctx context.Context, key string) (int, time.Duration, error) {
	res, err := addScript.Run(ctx, r.client, []string{r.prefix + key}, r.window.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	return int(res[0]), time.Duration(max(res[1], 0)) * time.Millisecond, nil
}

// Reset forgets key.
func (r *Redis) Reset(ctx context.Context, key string) error {
	return r.client.Del(ctx, r.prefix+key).Err()
}
