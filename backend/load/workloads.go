package load

import (
	"context"
	"fmt"
	"math"
	"sort"
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

// step is one rate of W2.
type step struct {
	Rate      float64 // updates per second
	B         *broadcast
	Delivered float64 // deliveries per second while publishing
	OK        bool
}

func runStep(ctx context.Context, o *Options, s *setup, rate float64, dur time.Duration) (*step, error) {
	b, err := measure(ctx, s.t, s.p, s.meetings, o.PerMeeting, rate, 0, dur, 15*time.Second)
	if err != nil {
		return nil, err
	}
	st := &step{Rate: rate, B: b, Delivered: float64(b.Events) / dur.Seconds()}
	st.OK = b.Latency.Quantile(0.99) <= o.P99Limit && b.Gaps == 0 && b.Behind == 0 && b.Events >= b.Expected && b.Published.Failed == 0 && b.Expected > 0
	o.logf("%s %.0f updates/s: %.0f deliveries/s, p99 %.1f ms (from event time %.1f ms), gaps %d, behind %d, failed %d → ok=%v",
		s.t.name(), rate, st.Delivered, ms(b.Latency.Quantile(0.99)), ms(b.FromEvent.Quantile(0.99)), b.Gaps, b.Behind, b.Published.Failed, st.OK)
	return st, nil
}

// sustained ramps the rate up until a step fails, then holds the best one.
func sustained(ctx context.Context, o *Options, s *setup, profile string) (best, hold *step, steps []*step, err error) {
	for rate := o.StartRate; rate <= o.MaxRate; rate *= 1.5 {
		st, err := runStep(ctx, o, s, rate, o.Step)
		if err != nil {
			return nil, nil, steps, err
		}
		steps = append(steps, st)
		if !st.OK {
			break
		}
		best = st
	}
	if best == nil {
		return nil, nil, steps, nil
	}
	// The best step's rate must hold for o.Hold; if it does not, each lower
	// step's rate in turn (at most four tries, not below the first rate).
	for rate, tries := best.Rate, 0; tries < 4 && rate >= o.StartRate*0.99; rate, tries = rate/1.5, tries+1 {
		var prof <-chan error
		if profile != "" && tries == 0 {
			prof = s.t.profile(profile, o.Hold)
		}
		hold, err = runStep(ctx, o, s, rate, o.Hold)
		if prof != nil {
			<-prof
		}
		if err != nil || hold.OK {
			return best, hold, steps, err
		}
	}
	return best, hold, steps, nil
}

// W2: sustained rate over many sessions.
func w2(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W2", Title: fmt.Sprintf("sustained: %d sessions × %d members, %d instances, ramp ×1.5 every %v from %g updates/s, hold %v",
		o.Meetings, o.PerMeeting, o.Instances, o.Step, o.StartRate, o.Hold)}
	s, err := cabinet(ctx, o, o.Instances, o.Meetings, o.PerMeeting, connectParallel, false, false)
	if err != nil {
		return r, err
	}
	if s.connect.Failed > 0 {
		s.close()
		return r, fmt.Errorf("%d connections failed: %v", s.connect.Failed, s.connect.Errors)
	}
	_, cab, cabSteps, err := sustained(ctx, o, s, "W2-ecabinet")
	s.close()
	if err != nil {
		return r, err
	}
	f, err := floors(ctx, o, o.Instances, o.Meetings, o.PerMeeting, connectParallel)
	if err != nil {
		return r, err
	}
	_, fl, flSteps, err := sustained(ctx, o, f, "")
	f.close()
	if err != nil {
		return r, err
	}
	describe := func(name string, steps []*step) {
		var line string
		for _, st := range steps {
			line += fmt.Sprintf(" %.0f/s→p99 %.0f ms%s;", st.Rate, ms(st.B.Latency.Quantile(0.99)), map[bool]string{true: "", false: " ✗"}[st.OK])
		}
		r.note("%s ramp (updates/s → p99):%s", name, line)
	}
	describe("e-Cabinet", cabSteps)
	describe("floor", flSteps)
	if cab == nil || fl == nil || !cab.OK || !fl.OK {
		r.note("no rate held (e-Cabinet held: %v, floor held: %v); a rate that did not hold counts as 0", cab != nil && cab.OK, fl != nil && fl.OK)
	}
	// Only a rate that held for the hold time is reported as held.
	for _, st := range []**step{&cab, &fl} {
		if *st != nil && !(*st).OK {
			r.note("last hold tried: %.0f updates/s, p99 %.0f ms", (*st).Rate, ms((*st).B.Latency.Quantile(0.99)))
			*st = nil
		}
	}
	val := func(st *step, f func(*step) float64) float64 {
		if st == nil {
			return 0
		}
		return f(st)
	}
	rate := r.add("deliveries/s held", "/s", val(cab, func(s *step) float64 { return s.Delivered })).floor(val(fl, func(s *step) float64 { return s.Delivered }))
	rate.target("≥ 0.7× W0", rate.Ratio != nil && *rate.Ratio >= 0.7 && cab != nil)
	r.add("updates/s held", "/s", val(cab, func(s *step) float64 { return s.Rate })).floor(val(fl, func(s *step) float64 { return s.Rate }))
	r.add("latency p99", "ms", val(cab, func(s *step) float64 { return ms(s.B.Latency.Quantile(0.99)) })).floor(val(fl, func(s *step) float64 { return ms(s.B.Latency.Quantile(0.99)) }))
	r.add("gaps", "", val(cab, func(s *step) float64 { return float64(s.B.Gaps) })).floor(val(fl, func(s *step) float64 { return float64(s.B.Gaps) }))
	r.add("server CPU per delivery", "µs", val(cab, func(s *step) float64 { return s.B.cpuPerDelivery() })).floor(val(fl, func(s *step) float64 { return s.B.cpuPerDelivery() }))
	if rate.Ratio != nil {
		r.Key = *rate.Ratio
	}
	return r, nil
}

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

// W4: connect storm.
func w4(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W4", Title: fmt.Sprintf("connect storm: %d members with sign-ins connect, authenticate and subscribe at once, %d instances", o.Clients, o.Instances)}
	s, err := cabinet(ctx, o, o.Instances, 1, o.Clients, -1, false, false)
	if err != nil {
		return r, err
	}
	defer s.close()
	prof := s.t.profile("W4-ecabinet", 10*time.Second)
	if err := s.connectAll(o, s.specs, 0, false, false); err != nil {
		return r, err
	}
	if err := <-prof; err != nil {
		r.note("profile not taken: %v", err)
	}
	all := time.Duration(s.connect.LastUp - s.started.UnixNano())
	var h Histogram
	h.AddSparse(s.connect.ConnectTime)
	s.close()
	// The same storm against floors: what the machine, the kernel and the
	// client take by themselves.
	f, err := floors(ctx, o, o.Instances, 1, o.Clients, 0)
	if err != nil {
		return r, err
	}
	fAll := time.Duration(f.connect.LastUp - f.started.UnixNano())
	var fh Histogram
	fh.AddSparse(f.connect.ConnectTime)
	fFailed := f.connect.Failed
	f.close()
	r.add("time until all subscribed", "s", all.Seconds()).floor(fAll.Seconds()).target("≤ 3 s", all <= 3*time.Second && s.connect.Failed == 0)
	r.add("failures", "", float64(s.connect.Failed)).floor(float64(fFailed)).target("0", s.connect.Failed == 0)
	r.add("connect p50", "ms", ms(h.Quantile(0.5))).floor(ms(fh.Quantile(0.5)))
	r.add("connect p99", "ms", ms(h.Quantile(0.99))).floor(ms(fh.Quantile(0.99)))
	if len(s.connect.Errors) > 0 {
		r.note("first errors: %v", s.connect.Errors)
	}
	r.Key = all.Seconds()
	return r, nil
}

// ballotRun is one burst of answers.
type ballotRun struct {
	Counted, Distinct int
	Requests, Retries uint64
	Failed            int
	Latency           *Histogram
	Elapsed           time.Duration
	Errors            []string
}

func (b *ballotRun) throughput() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(b.Counted) / b.Elapsed.Seconds()
}

func burst(ctx context.Context, o *Options, t *target, p *pool, members []Member) (*ballotRun, error) {
	var ballot ecabinet.Ballot
	if err := t.sec[0].Do(ctx, "POST", "/api/v1/ballots", ecabinet.BallotInput{Title: "Load ballot", Deadline: time.Now().Add(2 * time.Hour),
		Questions: []string{"Agree?"}}, &ballot); err != nil {
		return nil, fmt.Errorf("create ballot: %w", err)
	}
	if err := t.sec[0].Do(ctx, "POST", fmt.Sprintf("/api/v1/ballots/%d/open", ballot.ID), nil, &ballot); err != nil {
		return nil, fmt.Errorf("open ballot: %w", err)
	}
	b, err := answerAll(t, p, members, ballot.ID, ballot.Questions[0].ID)
	if err != nil {
		return nil, err
	}
	err = t.seed.SQL.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT member_id) FROM ballot_answers WHERE ballot_id = $1", ballot.ID).Scan(&b.Counted, &b.Distinct)
	o.logf("ballot %d: %d answers counted (%d members), %d requests, %d retries, %d failed, p99 %.0f ms, %.0f answers/s",
		ballot.ID, b.Counted, b.Distinct, b.Requests, b.Retries, b.Failed, ms(b.Latency.Quantile(0.99)), b.throughput())
	return b, err
}

// floorBurst sends the same requests to floors, which decode each answer
// as e-Cabinet does and store nothing: what the machine, HTTP and JSON
// take by themselves. Every member whose requests all succeeded counts.
func floorBurst(ctx context.Context, o *Options, p *pool, members []Member) (*ballotRun, error) {
	t, err := newFloors(ctx, o, o.Instances)
	if err != nil {
		return nil, err
	}
	defer t.close()
	b, err := answerAll(t, p, members, 1, 1)
	if err != nil {
		return nil, err
	}
	b.Counted = max(len(members)-b.Failed, 0)
	b.Distinct = b.Counted
	o.logf("floor: %d requests, %d retries, %d failed, p99 %.0f ms, %.0f answers/s",
		b.Requests, b.Retries, b.Failed, ms(b.Latency.Quantile(0.99)), b.throughput())
	return b, nil
}

// answerAll has the pool's workers send every member's answers at once
// (each member twice; a tenth from a second connection to another
// instance) and gathers their replies.
func answerAll(t *target, p *pool, members []Member, ballotID, questionID int64) (*ballotRun, error) {
	parts := make([][]BallotMember, len(p.ws))
	for i, m := range members {
		bm := BallotMember{ID: m.ID, Token: m.Token, CSRF: m.CSRF, Server: i % len(t.servers), Second: i%10 == 0}
		parts[i%len(parts)] = append(parts[i%len(parts)], bm)
	}
	time.Sleep(time.Second)
	replies, err := p.all(func(i int) *Command {
		return &Command{Cmd: "ballot", Ballot: &BallotJob{URLs: t.urls(), BallotID: ballotID, QuestionID: questionID, Members: parts[i]}}
	})
	if err != nil {
		return nil, err
	}
	b := &ballotRun{Latency: &Histogram{}}
	first, last := int64(math.MaxInt64), int64(0)
	for _, rep := range replies {
		b.Requests += rep.Requests
		b.Retries += rep.Retries
		b.Failed += rep.Failed
		b.Errors = append(b.Errors, rep.Errors...)
		b.Latency.AddSparse(rep.Latency)
		first, last = min(first, rep.First), max(last, rep.Last)
	}
	b.Elapsed = time.Duration(last - first)
	return b, nil
}

// W5: ballot burst, batched and naive.
func w5(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W5", Title: fmt.Sprintf("ballot burst: %d members answer at once, each twice (a tenth from a second connection to the other instance), %d instances", o.Clients, o.Instances)}
	seed, err := NewSeed(ctx, o.PostgresAdmin)
	if err != nil {
		return r, err
	}
	defer seed.Close()
	members, err := seed.Members(ctx, "m"+randomHex(3)+"-", ecabinet.RoleMember, o.Clients)
	if err != nil {
		return r, err
	}
	p, err := newPool(o)
	if err != nil {
		return r, err
	}
	defer p.close()
	one := func(batch string) (*ballotRun, error) {
		t, err := newCluster(ctx, o, seed, o.Instances, "ECABINET_BALLOT_BATCH="+batch)
		if err != nil {
			return nil, err
		}
		defer t.close()
		t.seed = seed
		return burst(ctx, o, t, p, members)
	}
	batched, err := one("true")
	if err != nil {
		return r, err
	}
	naive, err := one("false")
	if err != nil {
		return r, err
	}
	floor, err := floorBurst(ctx, o, p, members)
	if err != nil {
		return r, err
	}
	n := float64(o.Clients)
	r.add("answers counted", "", float64(batched.Counted)).target(fmt.Sprintf("exactly %d", o.Clients), float64(batched.Counted) == n && float64(batched.Distinct) == n)
	r.add("failed requests", "", float64(batched.Failed)).floor(float64(floor.Failed)).target("0", batched.Failed == 0)
	r.add("time until every answer acknowledged", "s", batched.Elapsed.Seconds()).floor(floor.Elapsed.Seconds()).
		target("≤ 2× W0", floor.Failed == 0 && batched.Elapsed <= 2*floor.Elapsed)
	r.add("request p99", "ms", ms(batched.Latency.Quantile(0.99))).floor(ms(floor.Latency.Quantile(0.99)))
	r.add("request p50", "ms", ms(batched.Latency.Quantile(0.5))).floor(ms(floor.Latency.Quantile(0.5)))
	tp := r.add("answers/s", "/s", batched.throughput()).floor(floor.throughput())
	ratio := 0.0
	if naive.throughput() > 0 {
		ratio = batched.throughput() / naive.throughput()
	}
	tp.target("≥ 3× naive", ratio >= 3)
	r.add("naive: answers counted", "", float64(naive.Counted)).target(fmt.Sprintf("exactly %d", o.Clients), float64(naive.Counted) == n && float64(naive.Distinct) == n)
	r.add("naive: request p99", "ms", ms(naive.Latency.Quantile(0.99)))
	r.add("naive: answers/s", "/s", naive.throughput())
	r.add("batched / naive throughput", "×", ratio)
	r.note("batched: %d requests, %d retries; naive: %d requests, %d retries; floor: %d requests, %d retries",
		batched.Requests, batched.Retries, naive.Requests, naive.Retries, floor.Requests, floor.Retries)
	if len(batched.Errors)+len(naive.Errors)+len(floor.Errors) > 0 {
		r.note("errors: %v %v %v", batched.Errors, naive.Errors, floor.Errors)
	}
	r.Key = ratio
	return r, nil
}

// W6: kill one of two instances during a sustained run.
func w6(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W6", Title: fmt.Sprintf("instance loss: %d sessions × %d members on 2 instances, %g updates/s for %v, one instance SIGKILLed at a third",
		o.Meetings, o.PerMeeting, o.OutageRate, o.OutageDuration)}
	s, err := cabinet(ctx, o, 2, o.Meetings, o.PerMeeting, connectParallel, true, true)
	if err != nil {
		return r, err
	}
	defer s.close()
	if s.connect.Failed > 0 {
		return r, fmt.Errorf("%d connections failed: %v", s.connect.Failed, s.connect.Errors)
	}
	killAt := o.OutageDuration / 3
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		select {
		case <-time.After(killAt):
			o.logf("killing instance 1 (pid %d)", s.t.servers[1].Pid())
			s.t.servers[1].Kill()
		case <-ctx.Done():
		}
	}()
	b, err := measure(ctx, s.t, s.p, s.meetings, o.PerMeeting, o.OutageRate, 0, o.OutageDuration, 60*time.Second)
	<-killed
	if err != nil {
		return r, err
	}
	heads, err := s.t.heads(ctx, s.meetings)
	if err != nil {
		return r, err
	}
	conv, behind, err := s.p.drain(heads, time.Second)
	if err != nil {
		return r, err
	}
	replies, err := s.p.all(func(int) *Command { return &Command{Cmd: "outages"} })
	if err != nil {
		return r, err
	}
	scopes := make([]ecabinet.Scope, len(s.meetings))
	for i, m := range s.meetings {
		scopes[i] = m.Scope
	}
	times, err := s.t.seed.EventTimes(ctx, scopes)
	if err != nil {
		return r, err
	}
	var outages, missed, recovered int
	for _, rep := range replies {
		for _, out := range rep.Outages {
			outages++
			got := map[int64]bool{}
			for _, q := range out.After {
				got[q] = true
			}
			var seqs []int64
			for q, at := range times[out.Scope] {
				if q > out.Last && at.UnixNano() <= out.UpAt {
					seqs = append(seqs, q)
				}
			}
			sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
			for _, q := range seqs {
				missed++
				if got[q] {
					recovered++
				}
			}
		}
	}
	total := conv + behind
	r.add("clients converged to the last seq", "%", 100*float64(conv)/float64(max(total, 1))).target("100%", behind == 0 && conv > 0)
	share := 100.0
	if missed > 0 {
		share = 100 * float64(recovered) / float64(missed)
	}
	r.add("missed events recovered", "%", share).target("100%", recovered == missed)
	r.add("events missed during outages", "", float64(missed))
	r.add("clients that reconnected", "", float64(outages))
	r.add("gaps", "", float64(b.Gaps)).target("0", b.Gaps == 0)
	r.add("latency p99 (whole run)", "ms", ms(b.Latency.Quantile(0.99)))
	r.note("%d updates published (%d failed), %d/%d events delivered", b.Published.OK, b.Published.Failed, b.Events, b.Expected)
	r.Key = share
	return r, nil
}
