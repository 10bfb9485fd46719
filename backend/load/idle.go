package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// W3: what an idle connection costs.

// idle measures a server's memory and goroutines before and after n idle
// connections.
func idle(o *Options, s *setup, specs []ClientSpec) (kib, gor, perConn float64, err error) {
	srv := s.t.servers[0]
	time.Sleep(3 * time.Second)
	rss0, err := srv.RSS()
	if err != nil {
		return 0, 0, 0, err
	}
	g0, err := srv.Goroutines()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := s.connectAll(o, specs, connectParallel, false, false); err != nil {
		return 0, 0, 0, err
	}
	if s.connect.Failed > 0 {
		return 0, 0, 0, fmt.Errorf("%d connections failed: %v", s.connect.Failed, s.connect.Errors)
	}
	// Idle HTTP workers of fasthttp (kept 10 s) and the burst's garbage go first.
	time.Sleep(15 * time.Second)
	rss1, err := srv.RSS()
	if err != nil {
		return 0, 0, 0, err
	}
	g1, err := srv.Goroutines()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := s.t.snapshotProfile("heap", "W3-ecabinet-heap"); err != nil {
		o.logf("heap profile not taken: %v", err)
	}
	if err := s.t.snapshotProfile("goroutine", "W3-ecabinet-goroutines"); err != nil {
		o.logf("goroutine profile not taken: %v", err)
	}
	n := float64(s.connect.Connected)
	perConn = -1
	if !s.t.floor {
		if c, err := s.t.connGoroutines(); err == nil {
			perConn = float64(c) / n
		}
	}
	return float64(rss1-rss0) / 1024 / n, float64(g1-g0) / n, perConn, nil
}

// W3: idle memory per connection, one instance.
func w3(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W3", Title: fmt.Sprintf("idle: %d subscribed idle connections to one instance", o.Clients)}
	seed, err := NewSeed(ctx, o.PostgresAdmin)
	if err != nil {
		return r, err
	}
	members, err := seed.Members(ctx, "m"+randomHex(3)+"-", ecabinet.RoleMember, o.Clients)
	if err != nil {
		seed.Close()
		return r, err
	}
	s := &setup{}
	if s.t, err = newCluster(ctx, o, seed, 1); err != nil {
		seed.Close()
		return r, err
	}
	s.t.seed = seed
	if s.meetings, err = s.t.meetings(ctx, [][]int64{nil}); err != nil {
		s.close()
		return r, err
	}
	cabKiB, cabG, cabStacks, err := idle(o, s, clientsFor(s.t, s.meetings, [][]Member{members}))
	s.close()
	if err != nil {
		return r, err
	}
	f := &setup{}
	if f.t, err = newFloors(ctx, o, 1); err != nil {
		return r, err
	}
	f.meetings, _ = f.t.meetings(ctx, make([][]int64, 1))
	flKiB, flG, _, err := idle(o, f, floorClients(f.t, f.meetings, o.Clients))
	f.close()
	if err != nil {
		return r, err
	}
	mem := r.add("memory per idle connection (RSS)", "KiB", cabKiB).floor(flKiB)
	mem.target("≤ 1.0× W0", mem.Ratio != nil && *mem.Ratio <= 1.0)
	if cabStacks >= 0 {
		// The goroutine delta also counts the instance's own goroutines
		// that grew with the burst (database pool, idle HTTP workers); the
		// profile tells those apart.
		r.add("goroutines per connection (delta)", "", cabG).floor(flG)
		r.add("goroutines per connection (profile: in hub.Conn)", "", cabStacks).target("≤ 2", cabStacks <= 2)
	} else {
		r.add("goroutines per connection (delta)", "", cabG).floor(flG).target("≤ 2", cabG <= 2)
	}
	if mem.Ratio != nil {
		r.Key = *mem.Ratio
	}
	return r, nil
}
