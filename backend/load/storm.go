package load

import (
	"context"
	"fmt"
	"time"
)

// W4: a connect storm.

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
