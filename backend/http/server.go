// Package http serves the e-Cabinet JSON API, the WebSocket hub endpoint, the
// operational endpoints and the tablet app over Fiber. All routes are in one
// table (routes.go); each declares who may call it and is documented in the
// OpenAPI document generated from the same table.
package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Pinger is something readiness depends on (the store, the bus).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options wires the server to its services.
type Options struct {
	Auth    ecabinet.AuthService
	Members ecabinet.MemberService
	Bodies  ecabinet.BodyService

	Meetings   ecabinet.MeetingService
	Agenda     ecabinet.AgendaService
	Attendance ecabinet.AttendanceService
	Speakers   ecabinet.SpeakerService
	Realtime   Realtime

	Votes         Voter
	Ballots       ecabinet.BallotService
	Devices       ecabinet.DeviceService
	Notifications ecabinet.NotificationService
	Reports       Reporter
	Auditor       Auditor
	AuditLog      ecabinet.AuditService
	Documents     ecabinet.DocumentService
	Ledger        ecabinet.LedgerService
	Conclusions   ecabinet.ConclusionService
	Positions     ecabinet.PositionService
	Minutes       ecabinet.MinutesService
	Push          ecabinet.PushService
	Tasks         ecabinet.TaskService
	Organizations ecabinet.OrganizationService
	Importer      ecabinet.MemberImporter
	PasswordLinks ecabinet.PasswordLinkService
	Signing       ecabinet.SigningService
	// PublicURL is the app's address for one-time links ("": the
	// address of the admin's request).
	PublicURL string

	// UploadLimit is the largest document upload, in bytes; TempDir holds
	// uploads while they are received.
	UploadLimit int64
	TempDir     string

	// Ready lists the dependencies /readyz checks, by name.
	Ready map[string]Pinger
	// Registry receives the server's metrics (served apart from the API:
	// ECABINET_METRICS_ADDR).
	Registry *prometheus.Registry

	AllowedOrigins  []string
	TrustedProxies  []string
	SessionLifetime time.Duration
	Logger          *slog.Logger
}

// Server is the HTTP side of one instance.
type Server struct {
	opts     Options
	log      *slog.Logger
	app      *fiber.App
	routes   []route
	draining atomic.Bool
	conns    atomic.Pointer[connTracker] // set by Listen
	metrics  *httpMetrics
	// openapiJSON is the OpenAPI document, made from the route table at start.
	openapiJSON []byte
}

const cookieName = "ecabinet_session"

// New builds the Fiber app with every route.
func New(opts Options) *Server {
	s := &Server{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.metrics = newHTTPMetrics(opts.Registry)
	cfg := fiber.Config{
		AppName:                      "e-Cabinet",
		ErrorHandler:                 s.errorHandler,
		DisableStartupMessage:        true,
		StreamRequestBody:            true, // JSON is read with its own limit, uploads stream
		DisablePreParseMultipartForm: true,
		BodyLimit:                    jsonBodyLimit,
		ReadTimeout:                  60 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  120 * time.Second,
		ReadBufferSize:               headerLimit,
	}
	// X-Forwarded-For and X-Forwarded-Proto are believed only from the
	// configured proxies (none by default).
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = opts.TrustedProxies
	if len(opts.TrustedProxies) > 0 {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
	}
	s.app = fiber.New(cfg)
	s.app.Server().HeaderReceived = s.headerReceived
	s.app.Use(s.recoverer, s.observe, s.refuseOversize)
	s.routes = s.routeTable()
	for _, r := range s.routes {
		s.app.Add(r.method, r.path, s.authorize(r), r.handler)
	}
	doc, err := json.Marshal(s.openapiDocument())
	if err != nil {
		panic("http: OpenAPI document: " + err.Error()) // a programming error in the route table
	}
	s.openapiJSON = doc
	return s
}

// App returns the Fiber app (tests use app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on ln until Shutdown.
func (s *Server) Listen(ln net.Listener) error {
	t := trackConns(ln)
	s.conns.Store(t)
	return s.app.Listener(lingerListener{t})
}

// Drain turns readiness to 503 so load balancers stop sending traffic.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown stops accepting connections and waits for in-flight requests up
// to timeout.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.Drain()
	stop := func() error { return s.app.ShutdownWithTimeout(timeout) }
	if t := s.conns.Load(); t != nil {
		return t.shutdown(stop)
	}
	return stop()
}

// requestID returns the id of the request, set by observe.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals("request_id").(string)
	return id
}

func newRequestID(given string) string {
	if given != "" && len(given) <= 64 && strings.IndexFunc(given, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0 {
		return given
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives every request an id, security headers, a log line and a
// latency observation labelled by route template.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	rid := newRequestID(c.Get(fiber.HeaderXRequestID))
	c.Locals("request_id", rid)
	c.Set(fiber.HeaderXRequestID, rid)
	setSecurityHeaders(c)
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	if cl := c.Request().Header.ContentLength(); cl > jsonBodyLimit || cl == -1 {
		// A streamed body may be left partly unread (refused, too large):
		// the connection cannot carry another request after it.
		closeAfter(c)
	}
	status := c.Response().StatusCode()
	route, _ := c.Locals("route").(string)
	if route == "" {
		route = "unmatched"
	}
	elapsed := time.Since(start)
	method := strings.Clone(c.Method()) // Fiber's string points into a reused buffer; metrics keep it
	s.metrics.observe(method, route, status, elapsed)
	level := slog.LevelInfo
	if route == "/healthz" || route == "/readyz" {
		level = slog.LevelDebug
	}
	attrs := []any{"request_id", rid, "method", method, "route", route, "status", status, "ms", float64(elapsed.Microseconds()) / 1000, "ip", c.IP()}
	if a, ok := ecabinet.ActorFromContext(c.UserContext()); ok {
		attrs = append(attrs, "member_id", a.MemberID)
	}
	s.log.Log(c.UserContext(), level, "request", attrs...)
	return nil
}

// recoverer turns a panic in a handler into an internal error with the
// stack in the log, never in the response.
func (s *Server) recoverer(c *fiber.Ctx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "request_id", requestID(c), "panic", p, "stack", string(debug.Stack()))
			err = ecabinet.Errorf(ecabinet.EINTERNAL, "internal")
		}
	}()
	return c.Next()
}

// contentSecurityPolicy is the policy of every response. scriptHashes adds
// the hashes of the app shell's own inline bootstrap script (see static.go);
// nothing else inline ever runs.
func contentSecurityPolicy(scriptHashes string) string {
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" + scriptHashes + "; style-src 'self'; " +
		"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// setSecurityHeaders sets the headers every response carries. The policy
// allows only the app's own scripts and styles; pdf.js needs workers from the
// same origin and WebAssembly.
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Content-Security-Policy", contentSecurityPolicy(""))
	if c.Protocol() == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}
