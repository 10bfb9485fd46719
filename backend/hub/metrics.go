package hub

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the hub's Prometheus metrics.
type Metrics struct {
	Connections prometheus.Gauge
	Scopes      prometheus.Gauge
	Events      prometheus.Counter
	Frames      prometheus.Counter
	Filtered    prometheus.Counter
	Duplicates  prometheus.Counter
	Repaired    prometheus.Counter
	Overflows   prometheus.Counter
}

// NewMetrics makes the metrics and registers them in reg (when not nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ecabinet_ws_connections", Help: "Open WebSocket connections."}),
		Scopes:      prometheus.NewGauge(prometheus.GaugeOpts{Name: "ecabinet_ws_scopes", Help: "Scopes with at least one local subscriber."}),
		Events:      prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_events_total", Help: "Events delivered to this instance's subscribers (once per event)."}),
		Frames:      prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_frames_total", Help: "Frames written to clients."}),
		Filtered:    prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_filtered_total", Help: "Events withheld from a member (clearance, audience)."}),
		Duplicates:  prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_duplicates_total", Help: "Duplicate events dropped."}),
		Repaired:    prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_repaired_total", Help: "Events read from the log to fill a gap the bus left."}),
		Overflows:   prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_ws_resume_closes_total", Help: "Connections closed because they fell behind."}),
	}
	if reg != nil {
		reg.MustRegister(m.Connections, m.Scopes, m.Events, m.Frames, m.Filtered, m.Duplicates, m.Repaired, m.Overflows)
	}
	return m
}
