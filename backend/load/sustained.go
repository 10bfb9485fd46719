package load

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// W2: the highest update rate held over many sessions.

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
	o.logf("%s %.0f updates/s: %.0f deliveries/s, p99 %.1f ms (from event time %.1f ms), gaps %d, behind %d, failed %d, machine %.0f%% busy → ok=%v; answers slower than the limit, by second:%s",
		s.t.name(), rate, st.Delivered, ms(b.Latency.Quantile(0.99)), ms(b.FromEvent.Quantile(0.99)), b.Gaps, b.Behind, b.Published.Failed,
		100*b.MachineBusy, st.OK, b.Published.stalls(o.P99Limit))
	return st, nil
}

// sustained ramps the rate up by ×1.5 until a step fails, tries the rate
// between the last step that passed and the one that failed (×1.22: a
// ×1.5 grid cannot tell 0.67× of another run's rate from 1×), then holds
// the best rate that passed.
func sustained(ctx context.Context, o *Options, s *setup, profile string) (hold *step, steps []*step, err error) {
	var last *step // the last step that passed
	for rate := o.StartRate; rate <= o.MaxRate; rate *= 1.5 {
		st, err := runStep(ctx, o, s, rate, o.Step)
		if err != nil {
			return nil, steps, err
		}
		steps = append(steps, st)
		if !st.OK {
			if last != nil {
				if st, err = runStep(ctx, o, s, last.Rate*math.Sqrt(1.5), o.Step); err != nil {
					return nil, steps, err
				}
				steps = append(steps, st)
			}
			break
		}
		last = st
	}
	var passed []float64
	for _, st := range steps {
		if st.OK {
			passed = append(passed, st.Rate)
		}
	}
	slices.Sort(passed)
	slices.Reverse(passed)
	// The best rate must hold for o.Hold; if it does not, each lower rate
	// that passed in turn (at most four tries).
	for tries, rate := range passed[:min(4, len(passed))] {
		var prof <-chan error
		if profile != "" && tries == 0 {
			prof = s.t.profile(profile, o.Hold)
		}
		hold, err = runStep(ctx, o, s, rate, o.Hold)
		if prof != nil {
			<-prof
		}
		if err != nil || hold.OK {
			return hold, steps, err
		}
	}
	return hold, steps, nil
}

// W2: sustained rate over many sessions.
func w2(ctx context.Context, o *Options) (*Result, error) {
	r := &Result{Workload: "W2", Title: fmt.Sprintf("sustained: %d sessions × %d members, %d instances, ramp ×1.5 every %v from %g updates/s (×1.22 after the first failure), hold %v",
		o.Meetings, o.PerMeeting, o.Instances, o.Step, o.StartRate, o.Hold)}
	s, err := cabinet(ctx, o, o.Instances, o.Meetings, o.PerMeeting, connectParallel, false, false)
	if err != nil {
		return r, err
	}
	if s.connect.Failed > 0 {
		s.close()
		return r, fmt.Errorf("%d connections failed: %v", s.connect.Failed, s.connect.Errors)
	}
	cab, cabSteps, err := sustained(ctx, o, s, "W2-ecabinet")
	s.close()
	if err != nil {
		return r, err
	}
	f, err := floors(ctx, o, o.Instances, o.Meetings, o.PerMeeting, connectParallel)
	if err != nil {
		return r, err
	}
	fl, flSteps, err := sustained(ctx, o, f, "")
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
