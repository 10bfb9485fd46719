package http

import (
	"net"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// oversizeHeader marks a request whose announced body is over its route's
// limit; only the server sets it (a client's is removed).
const oversizeHeader = "X-Ecabinet-Oversize"

// uploadRoute is the one route whose body may be larger than a JSON body.
var uploadRoute = regexp.MustCompile(`^/api/v1/documents/[0-9]+/versions(\?.*)?$`)

// bodyLimit is the largest body the request's route reads.
func (s *Server) bodyLimit(method, uri []byte) int64 {
	if string(method) == fiber.MethodPost && uploadRoute.Match(uri) {
		return s.opts.UploadLimit + uploadEnvelope
	}
	return jsonBodyLimit
}

// headerReceived runs as soon as a request's header is read, before its
// body: a body announced over its route's limit is not read at all (the
// request is passed on with no body and marked, and refuseOversize answers
// it), and a client that asked "Expect: 100-continue" is not told to
// continue but gets the answer.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(oversizeHeader)
	if n := h.ContentLength(); n > 0 && int64(n) > s.bodyLimit(h.Method(), h.RequestURI()) {
		h.Set(oversizeHeader, strconv.Itoa(n))
		h.Del(fiber.HeaderExpect)
		h.SetContentLength(0)
	}
	return fasthttp.RequestConfig{}
}

// refuseOversize answers a request marked by headerReceived with 413
// too_large and closes its connection (after the client has read it).
func (s *Server) refuseOversize(c *fiber.Ctx) error {
	if c.Request().Header.Peek(oversizeHeader) == nil {
		return c.Next()
	}
	closeAfter(c)
	if c.Method() == fiber.MethodPost && uploadRoute.MatchString(c.Path()) {
		return tooLarge(s.opts.UploadLimit)
	}
	return jsonTooLarge()
}

func jsonTooLarge() *ecabinet.Error {
	return &ecabinet.Error{Code: ecabinet.ETOOLARGE, Key: "json.too_large", Field: "body", Args: []any{jsonBodyLimit}}
}

// closeAfter closes the connection once the response is written, which
// a body left partly unread requires, lingering so that the client reads
// the response before its unread bytes make the system reset the
// connection.
func closeAfter(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	if l, ok := c.Context().Conn().(*lingerConn); ok {
		l.linger.Store(true)
	}
}

// How long a closing connection may still take and drop what its client
// sends.
const lingerTime = 5 * time.Second

// lingerListener hands out connections that can close gracefully.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

// lingerConn is a connection that, when marked, closes the way a server
// must with unread data coming in (RFC 9112, section 9.6): it stops
// writing, then reads and drops what the client still sends, until the
// client closes or lingerTime has passed, and only then closes.
type lingerConn struct {
	net.Conn
	linger atomic.Bool
}

// NetConn returns the connection it wraps.
func (c *lingerConn) NetConn() net.Conn { return c.Conn }

func (c *lingerConn) Close() error {
	hc, ok := halfCloser(c.Conn)
	if !c.linger.Load() || !ok || hc.CloseWrite() != nil {
		return c.Conn.Close()
	}
	go func() {
		_ = c.Conn.SetReadDeadline(time.Now().Add(lingerTime))
		buf := make([]byte, 32<<10)
		for {
			if _, err := c.Conn.Read(buf); err != nil {
				break
			}
		}
		_ = c.Conn.Close()
	}()
	return nil
}

// halfCloser finds, through the connections conn wraps (NetConn), the one
// that can stop writing while it reads on (a TCP connection).
func halfCloser(conn net.Conn) (interface{ CloseWrite() error }, bool) {
	for {
		if h, ok := conn.(interface{ CloseWrite() error }); ok {
			return h, true
		}
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			return nil, false
		}
		conn = u.NetConn()
	}
}
