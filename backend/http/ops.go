package http

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

type statusBody struct {
	Status string `json:"status"`
}

type readyBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func (s *Server) healthz(c *fiber.Ctx) error { return ok(c, statusBody{Status: "ok"}) }

// readyz answers 200 when every dependency answers within two seconds, and
// 503 otherwise or while the instance drains before shutdown.
func (s *Server) readyz(c *fiber.Ctx) error {
	body := readyBody{Status: "ok", Checks: map[string]string{}}
	if s.draining.Load() {
		body.Status = "draining"
	}
	names := make([]string, 0, len(s.opts.Ready))
	for n := range s.opts.Ready {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		err := s.opts.Ready[n].Ping(ctx)
		cancel()
		if err != nil {
			body.Checks[n] = "unavailable"
			body.Status = "unavailable"
			continue
		}
		body.Checks[n] = "ok"
	}
	if body.Status != "ok" {
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).JSON(body)
	}
	return ok(c, body)
}

// httpMetrics are the request metrics.
type httpMetrics struct {
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ecabinet_http_request_duration_seconds",
			Help:    "Latency of HTTP requests by method, route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(m.duration)
	return m
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	m.duration.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}
