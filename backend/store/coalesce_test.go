package store

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Lookups that arrive while a query runs share the next one; a lookup
// alone is one query; each gets its own key's value, or not found.
func TestCoalescerSharesQueries(t *testing.T) {
	var queries, held atomic.Int32
	release := make(chan struct{})
	first := true
	var mu sync.Mutex
	c := newCoalescer(1, 100, func(_ context.Context, keys []int) (map[int]string, error) {
		queries.Add(1)
		mu.Lock()
		if first { // hold the first query so that the others pile up
			first = false
			held.Store(int32(len(keys)))
			mu.Unlock()
			<-release
		} else {
			mu.Unlock()
		}
		out := map[int]string{}
		for _, k := range keys {
			if k%10 != 0 {
				out[k] = fmt.Sprint("v", k)
			}
		}
		return out, nil
	})
	ctx := context.Background()
	if v, ok, err := func() (string, bool, error) {
		go func() { release <- struct{}{} }()
		return c.get(ctx, 1)
	}(); v != "v1" || !ok || err != nil {
		t.Fatalf("alone: %q %v %v", v, ok, err)
	}
	if n := queries.Load(); n != 1 {
		t.Fatalf("a lookup alone made %d queries", n)
	}
	first = true
	queries.Store(0)
	var wg sync.WaitGroup
	for k := 1; k <= 200; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, ok, err := c.get(ctx, k)
			if err != nil || ok != (k%10 != 0) || (ok && v != fmt.Sprint("v", k)) {
				t.Errorf("key %d: %q %v %v", k, v, ok, err)
			}
		}()
	}
	for { // every lookup is in: one in the held query, the rest waiting
		c.mu.Lock()
		n := len(c.order)
		c.mu.Unlock()
		if queries.Load() == 1 && int(held.Load())+n == 200 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n, want := queries.Load(), 1+(200-held.Load()+99)/100; n != want { // the held one, then the rest by 100
		t.Fatalf("200 lookups arriving together made %d queries", n)
	}
}
