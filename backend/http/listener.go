package http

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// connTracker wraps the listener to know which connections never sent a
// byte. fasthttp counts a connection as active from its accept and waits
// for its first request under ReadTimeout (a minute), so a connection that a
// client opened and left unused (Go's transport and load balancers dial
// ahead) would hold a graceful shutdown until its timeout; Shutdown closes
// those at once, as net/http does with connections in StateNew.
type connTracker struct {
	net.Listener
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

type trackedConn struct {
	net.Conn
	t      *connTracker
	used   atomic.Bool
	closed sync.Once
}

func trackConns(ln net.Listener) *connTracker {
	return &connTracker{Listener: ln, conns: map[*trackedConn]struct{}{}}
}

func (t *connTracker) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, t: t}
	t.mu.Lock()
	t.conns[tc] = struct{}{}
	t.mu.Unlock()
	return tc, nil
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.used.Load() {
		c.used.Store(true)
	}
	return n, err
}

// NetConn returns the connection it wraps (a lingering close and the
// closed-client check reach the TCP connection through it).
func (c *trackedConn) NetConn() net.Conn { return c.Conn }

func (c *trackedConn) Close() error {
	c.closed.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}

// closeUnused closes the connections that have not sent a byte.
func (t *connTracker) closeUnused() {
	t.mu.Lock()
	var unused []*trackedConn
	for c := range t.conns {
		if !c.used.Load() {
			unused = append(unused, c)
		}
	}
	t.mu.Unlock()
	for _, c := range unused {
		_ = c.Close()
	}
}

// shutdown runs stop (which closes the listener and waits for requests in
// flight) while closing, every 100 ms, the connections that never sent a
// request, until stop returns.
func (t *connTracker) shutdown(stop func() error) error {
	done := make(chan error, 1)
	go func() { done <- stop() }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		t.closeUnused()
		select {
		case err := <-done:
			return err
		case <-tick.C:
		}
	}
}
