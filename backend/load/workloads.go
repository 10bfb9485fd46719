package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Row is one figure of a workload: the e-Cabinet value, the floor's (W0)
// where there is one, and the target.
type Row struct {
	Metric string   `json:"metric"`
	Unit   string   `json:"unit,omitempty"`
	Value  float64  `json:"value"`
	Floor  *float64 `json:"floor,omitempty"`
	Ratio  *float64 `json:"ratio,omitempty"` // Value / Floor
	Target string   `json:"target,omitempty"`
	Pass   *bool    `json:"pass,omitempty"`
}

// Result is one run of one workload.
type Result struct {
	Workload string   `json:"workload"`
	Title    string   `json:"title"`
	Rows     []Row    `json:"rows"`
	Notes    []string `json:"notes,omitempty"`
	Err      string   `json:"error,omitempty"`
	// Key is the figure that picks the median of several runs.
	Key     float64       `json:"key"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

func (r *Result) add(metric, unit string, v float64) *Row {
	r.Rows = append(r.Rows, Row{Metric: metric, Unit: unit, Value: v})
	return &r.Rows[len(r.Rows)-1]
}

func (row *Row) floor(f float64) *Row {
	row.Floor = &f
	if f != 0 {
		ratio := row.Value / f
		row.Ratio = &ratio
	}
	return row
}

// target sets the goal and whether it is met.
func (row *Row) target(goal string, pass bool) *Row {
	row.Target, row.Pass = goal, &pass
	return row
}

func (r *Result) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Workloads lists the workloads by name.
var Workloads = []string{"W1", "W2", "W3", "W4", "W5", "W6"}

// Run runs one workload.
func Run(ctx context.Context, o Options, name string) *Result {
	o.defaults()
	start := time.Now()
	var r *Result
	var err error
	switch name {
	case "W1":
		r, err = w1(ctx, &o)
	case "W2":
		r, err = w2(ctx, &o)
	case "W3":
		r, err = w3(ctx, &o)
	case "W4":
		r, err = w4(ctx, &o)
	case "W5":
		r, err = w5(ctx, &o)
	case "W6":
		r, err = w6(ctx, &o)
	default:
		err = fmt.Errorf("unknown workload %q", name)
	}
	if r == nil {
		r = &Result{Workload: name}
	}
	if err != nil {
		r.Err = err.Error()
	}
	r.Elapsed = time.Since(start)
	return r
}

// broadcast is the outcome of publishing to connected clients.
type broadcast struct {
	Clients    int
	Published  pubStats
	Expected   uint64 // events the clients should have received
	Events     uint64 // events received
	Gaps       uint64
	Reconnects uint64
	Behind     int
	Latency    *Histogram    // from the time each update was due
	FromEvent  *Histogram    // from the event's time (set in the writing transaction)
	CPU        time.Duration // of the server processes
	Window     time.Duration // publishing and draining
	// MachineBusy is the share of the machine's CPU time (every process,
	// clients and database included) that was busy over the window.
	MachineBusy float64
}

func (b *broadcast) share() float64 {
	if b.Expected == 0 {
		return 0
	}
	return float64(b.Events) / float64(b.Expected)
}

func (b *broadcast) cpuPerDelivery() float64 {
	if b.Events == 0 {
		return 0
	}
	return float64(b.CPU.Microseconds()) / float64(b.Events)
}

// clientsFor returns the specs of the members of each meeting: members
// groups[i] subscribe meetings[i], spread round robin over the servers.
func clientsFor(t *target, meetings []Meeting, groups [][]Member) []ClientSpec {
	var out []ClientSpec
	k := 0
	for i, g := range groups {
		for _, m := range g {
			out = append(out, ClientSpec{Token: m.Token, CSRF: m.CSRF, Server: k % len(t.servers), Scope: meetings[i].Scope,
				Epoch: meetings[i].Pos.Epoch, Seq: meetings[i].Pos.Seq})
			k++
		}
	}
	return out
}

// floorClients are n anonymous clients per meeting for floors.
func floorClients(t *target, meetings []Meeting, n int) []ClientSpec {
	var out []ClientSpec
	k := 0
	for _, m := range meetings {
		for j := 0; j < n; j++ {
			out = append(out, ClientSpec{Server: k % len(t.servers), Scope: m.Scope})
			k++
		}
	}
	return out
}

// measure publishes (rate, count or dur) to connected clients and
// gathers what they received.
func measure(ctx context.Context, t *target, p *pool, meetings []Meeting, perMeeting int, rate float64, count int, dur time.Duration, drain time.Duration) (*broadcast, error) {
	before, err := t.heads(ctx, meetings)
	if err != nil {
		return nil, err
	}
	if _, _, err := p.stats(); err != nil { // reset
		return nil, err
	}
	cpu0 := cpuOf(t.servers)
	busy0, total0, _ := machineCPU()
	t0 := time.Now()
	b := &broadcast{Clients: len(meetings) * perMeeting}
	b.Published = t.run(ctx, meetings, rate, count, dur)
	after, err := t.heads(ctx, meetings)
	if err != nil {
		return nil, err
	}
	for sc, h := range after {
		b.Expected += uint64(h-before[sc]) * uint64(perMeeting)
	}
	if _, b.Behind, err = p.drain(after, drain); err != nil {
		return nil, err
	}
	b.Window = time.Since(t0)
	b.CPU = cpuOf(t.servers) - cpu0
	if busy1, total1, err := machineCPU(); err == nil && total1 > total0 {
		b.MachineBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	st, h, fe, err := p.stats2()
	if err != nil {
		return nil, err
	}
	b.Events, b.Gaps, b.Reconnects, b.Latency, b.FromEvent = st.Events, st.Gaps, st.Reconnects, h, fe
	return b, nil
}

// setup is a target with connected clients.
type setup struct {
	t        *target
	p        *pool
	meetings []Meeting
	connect  *Reply
	started  time.Time    // when the connect command went out
	specs    []ClientSpec // the clients of a cabinet
}

func (s *setup) close() {
	if s.p != nil {
		s.p.close()
		s.p = nil
	}
	if s.t != nil {
		s.t.close()
		if s.t.seed != nil {
			s.t.seed.Close()
		}
		s.t = nil
	}
}

// cabinet seeds meetings×per members (meetings == 1: one session of
// every member), starts instances and connects every member.
func cabinet(ctx context.Context, o *Options, instances, meetings, per, parallel int, fallback, track bool, env ...string) (*setup, error) {
	s := &setup{}
	seed, err := NewSeed(ctx, o.PostgresAdmin)
	if err != nil {
		return nil, err
	}
	o.logf("seeding %d members with sign-ins", meetings*per)
	members, err := seed.Members(ctx, "m"+randomHex(3)+"-", ecabinet.RoleMember, meetings*per)
	if err != nil {
		seed.Close()
		return nil, err
	}
	if s.t, err = newCluster(ctx, o, seed, instances, env...); err != nil {
		seed.Close()
		return nil, err
	}
	s.t.seed = seed
	groups := make([][]Member, meetings)
	ids := make([][]int64, meetings)
	for i := range groups {
		groups[i] = members[i*per : (i+1)*per]
		if meetings > 1 {
			for _, m := range groups[i] {
				ids[i] = append(ids[i], m.ID)
			}
		}
	}
	o.logf("creating %d sessions on %d instances", meetings, instances)
	if s.meetings, err = s.t.meetings(ctx, ids); err != nil {
		s.close()
		return nil, err
	}
	s.specs = clientsFor(s.t, s.meetings, groups)
	if parallel < 0 {
		return s, nil // the caller connects
	}
	return s, s.connectAll(o, s.specs, parallel, fallback, track)
}

func (s *setup) connectAll(o *Options, specs []ClientSpec, parallel int, fallback, track bool) error {
	var err error
	if s.p, err = newPool(o); err != nil {
		s.close()
		return err
	}
	o.logf("connecting %d clients to %s (%d servers, %d workers)", len(specs), s.t.name(), len(s.t.servers), len(s.p.ws))
	s.started = time.Now()
	if s.connect, err = s.p.connect(s.t.urls(), specs, parallel, o.Ticket, fallback, track); err != nil {
		s.close()
		return err
	}
	if s.connect.Failed > 0 {
		o.logf("%d connections failed: %v", s.connect.Failed, s.connect.Errors)
	}
	return nil
}

// floors starts floor servers with meetings×per connected clients.
func floors(ctx context.Context, o *Options, n, meetings, per, parallel int) (*setup, error) {
	s := &setup{}
	var err error
	if s.t, err = newFloors(ctx, o, n); err != nil {
		return nil, err
	}
	s.meetings, _ = s.t.meetings(ctx, make([][]int64, meetings))
	return s, s.connectAll(o, floorClients(s.t, s.meetings, per), parallel, false, false)
}

const connectParallel = 256

// W1: broadcast to 10,000 connections over the instances.
func w1(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W1", Title: fmt.Sprintf("broadcast: %d connections, %d instances, %d agenda updates at %g/s", o.Clients, o.Instances, o.Updates, o.Rate)}
	run := func(s *setup, profile bool) (*broadcast, error) {
		if s.connect.Failed > 0 {
			return nil, fmt.Errorf("%d of %d connections failed: %v", s.connect.Failed, o.Clients, s.connect.Errors)
		}
		time.Sleep(2 * time.Second) // let the connection burst settle
		var prof <-chan error
		if profile {
			prof = s.t.profile("W1-ecabinet", time.Duration(float64(o.Updates)/o.Rate*float64(time.Second)))
		}
		b, err := measure(ctx, s.t, s.p, s.meetings, o.Clients, o.Rate, o.Updates, 0, 30*time.Second)
		if prof != nil {
			if perr := <-prof; perr != nil {
				r.note("profile not taken: %v", perr)
			}
		}
		return b, err
	}
	s, err := cabinet(ctx, o, o.Instances, 1, o.Clients, connectParallel, false, false)
	if err != nil {
		return r, err
	}
	cab, err := run(s, true)
	s.close()
	if err != nil {
		return r, err
	}
	f, err := floors(ctx, o, o.Instances, 1, o.Clients, connectParallel)
	if err != nil {
		return r, err
	}
	fl, err := run(f, false)
	f.close()
	if err != nil {
		return r, err
	}
	r.add("delivered", "%", 100*cab.share()).floor(100*fl.share()).target("100%", cab.Events == cab.Expected && cab.Expected > 0)
	p50 := r.add("latency p50", "ms", ms(cab.Latency.Quantile(0.5))).floor(ms(fl.Latency.Quantile(0.5)))
	_ = p50
	p99 := r.add("latency p99", "ms", ms(cab.Latency.Quantile(0.99))).floor(ms(fl.Latency.Quantile(0.99)))
	p99.target("≤ 1.2× W0", p99.Ratio != nil && *p99.Ratio <= 1.2)
	r.add("latency max", "ms", ms(cab.Latency.Max())).floor(ms(fl.Latency.Max()))
	cpu := r.add("server CPU per delivery", "µs", cab.cpuPerDelivery()).floor(fl.cpuPerDelivery())
	cpu.target("≤ 1.2× W0", cpu.Ratio != nil && *cpu.Ratio <= 1.2)
	r.add("gaps", "", float64(cab.Gaps)).floor(float64(fl.Gaps)).target("0", cab.Gaps == 0)
	r.note("e-Cabinet: %d/%d events delivered, %d updates published (%d failed), server CPU %.1f s; floor: %d/%d, CPU %.1f s",
		cab.Events, cab.Expected, cab.Published.OK, cab.Published.Failed, cab.CPU.Seconds(), fl.Events, fl.Expected, fl.CPU.Seconds())
	r.note("e-Cabinet latency from the event's time (its transaction) instead of the update's due time: p50 %.1f ms, p99 %.1f ms",
		ms(cab.FromEvent.Quantile(0.5)), ms(cab.FromEvent.Quantile(0.99)))
	if p99.Ratio != nil {
		r.Key = *p99.Ratio
	}
	return r, nil
}
