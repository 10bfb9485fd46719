package auth

import (
	"context"
	"sync"
	"time"
)

// An address over its limit of failed logins (a ministry behind one
// address, or someone guessing from it) is slowed down, not locked out:
// its attempts are still checked, so a member there with the right
// password and an account not itself limited signs in, but they are
// checked one at a time (an address cannot take every password hash
// slot), and a failure is answered only after throttleDelay, so that
// guessing from it goes no faster than that per connection.
const throttleDelay = 2 * time.Second

// gates lets one verification at a time through per throttled address.
type gates struct {
	mu    sync.Mutex
	gates map[string]*gate
}

type gate struct {
	slot  chan struct{}
	users int // waiting or inside
}

// enter waits for the address's turn and returns the function that ends
// it. Errors: ctx's.
func (g *gates) enter(ctx context.Context, addr string) (func(), error) {
	g.mu.Lock()
	if g.gates == nil {
		g.gates = map[string]*gate{}
	}
	gt := g.gates[addr]
	if gt == nil {
		gt = &gate{slot: make(chan struct{}, 1)}
		g.gates[addr] = gt
	}
	gt.users++
	g.mu.Unlock()
	leave := func() {
		g.mu.Lock()
		if gt.users--; gt.users == 0 {
			delete(g.gates, addr)
		}
		g.mu.Unlock()
	}
	select {
	case gt.slot <- struct{}{}:
		return func() { <-gt.slot; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
