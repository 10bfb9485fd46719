package http

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A handler's whileConnected context lasts while its client is there, even
// silent, and ends once the client closes the connection.
func TestWhileConnectedEndsWhenTheClientLeaves(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	started, ended := make(chan struct{}), make(chan struct{})
	app.Get("/wait", func(c *fiber.Ctx) error {
		ctx, cancel := whileConnected(c)
		defer cancel()
		close(started)
		select {
		case <-ctx.Done():
			close(ended)
		case <-time.After(30 * time.Second):
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.Shutdown() }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("GET /wait HTTP/1.1\r\nHost: ecabinet\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the handler did not start")
	}
	time.Sleep(5 * goneEvery) // several checks while the client is there
	select {
	case <-ended:
		t.Fatal("the context ended while the client was connected")
	default:
	}
	_ = conn.Close()
	select {
	case <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("the context went on after the client left")
	}
}
