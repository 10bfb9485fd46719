package store

import (
	"context"
	"sync"
	"time"
)

// coalescer runs lookups by key so that those arriving while one is under
// way share the next query: alone, a lookup is one query with no wait; in a
// storm (thousands of tablets reconnecting at once) a few queries of up to
// max keys serve them all instead of one query each queueing on the pool.
type coalescer[K comparable, V any] struct {
	fetch   func(ctx context.Context, keys []K) (map[K]V, error)
	max     int
	workers int

	mu      sync.Mutex
	running int
	waiting map[K][]chan lookup[V]
	order   []K // keys in waiting, first asked first
}

type lookup[V any] struct {
	v     V
	found bool
	err   error
}

func newCoalescer[K comparable, V any](workers, max int, fetch func(ctx context.Context, keys []K) (map[K]V, error)) *coalescer[K, V] {
	return &coalescer[K, V]{fetch: fetch, max: max, workers: workers, waiting: map[K][]chan lookup[V]{}}
}

// get returns the value of key and whether it was found.
func (c *coalescer[K, V]) get(ctx context.Context, key K) (V, bool, error) {
	ch := make(chan lookup[V], 1)
	c.mu.Lock()
	if _, ok := c.waiting[key]; !ok {
		c.order = append(c.order, key)
	}
	c.waiting[key] = append(c.waiting[key], ch)
	if c.running < c.workers {
		c.running++
		go c.run()
	}
	c.mu.Unlock()
	select {
	case r := <-ch:
		return r.v, r.found, r.err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}

// run fetches waiting keys, max at a time, until none wait.
func (c *coalescer[K, V]) run() {
	for {
		c.mu.Lock()
		if len(c.order) == 0 {
			c.running--
			c.mu.Unlock()
			return
		}
		n := min(c.max, len(c.order))
		keys := append([]K(nil), c.order[:n]...)
		c.order = c.order[n:]
		waiters := make([][]chan lookup[V], n)
		for i, k := range keys {
			waiters[i] = c.waiting[k]
			delete(c.waiting, k)
		}
		c.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		found, err := c.fetch(ctx, keys)
		cancel()
		for i, k := range keys {
			v, ok := found[k]
			for _, ch := range waiters[i] {
				ch <- lookup[V]{v: v, found: ok, err: err}
			}
		}
	}
}
