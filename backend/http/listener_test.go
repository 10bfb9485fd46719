package http_test

import (
	"net"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/apptest"
)

// A connection that a client opened and never used (Go's transport and load
// balancers dial ahead) does not hold a graceful shutdown until it times out:
// the instance stops within its shutdown timeout, and the request in flight
// on another connection is unaffected. (fasthttp alone waits a minute for
// such a connection's first request; the instance then reported
// "context deadline exceeded".)
func TestShutdownClosesUnusedConnections(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], map[string]string{"ECABINET_SHUTDOWN_TIMEOUT": "2s"})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := e.Client().Me(t.Context()); err == nil {
		t.Fatal("me without a sign-in answered")
	}
	e.Stop() // fails the test if the shutdown did not finish in time
	buf := make([]byte, 1)
	if n, err := conn.Read(buf); err == nil {
		t.Fatalf("the unused connection is still open (read %d bytes)", n)
	}
}
