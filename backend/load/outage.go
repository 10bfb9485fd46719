package load

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// W6: an instance lost under load.

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
