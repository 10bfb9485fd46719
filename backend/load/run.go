package load

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Options describe a load run. Everything talks to 127.0.0.1 only.
type Options struct {
	ServerBin string // the e-Cabinet server (bin/ecabinet)
	FloorBin  string // the floor server (ecabinet-floor)
	// WorkerBin is the binary run as "WorkerBin worker" for each worker
	// process (normally ecabinet-load itself); empty runs workers in process.
	WorkerBin string
	Workers   int // worker processes (default 2)

	PostgresAdmin string // admin URL; each run creates and drops a database of its own
	RedisURL      string

	Clients   int // connections of W1, W3, W4 and members of W5 (default 10,000)
	Instances int // e-Cabinet instances of W1, W2, W4, W5, W6 (default 2)
	Ticket    bool

	Updates int     // W1: agenda updates (default 100)
	Rate    float64 // W1: updates per second (default 2)

	Meetings       int           // W2/W6: sessions (default 200)
	PerMeeting     int           // W2/W6: members per session (default 50)
	StartRate      float64       // W2: first rate, updates per second (default 20)
	MaxRate        float64       // W2: highest rate tried (default 2000)
	Step           time.Duration // W2: length of a ramp step (default 10 s)
	Hold           time.Duration // W2: how long the best rate must hold (default 60 s)
	P99Limit       time.Duration // W2: p99 above this ends the ramp (default 250 ms)
	OutageRate     float64       // W6: updates per second (default 100)
	OutageDuration time.Duration // W6: length of the run; the kill comes at a third (default 30 s)

	// PprofDir, when set, receives a CPU profile of the first instance
	// during W1 and W2's hold (the instances get ECABINET_PPROF_ADDR).
	PprofDir string

	Log io.Writer // progress lines
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Workers, 2)
	def(&o.Clients, 10000)
	def(&o.Instances, 2)
	def(&o.Updates, 100)
	deff(&o.Rate, 2)
	def(&o.Meetings, 200)
	def(&o.PerMeeting, 50)
	deff(&o.StartRate, 20)
	deff(&o.MaxRate, 2000)
	defd(&o.Step, 10*time.Second)
	defd(&o.Hold, 60*time.Second)
	defd(&o.P99Limit, 250*time.Millisecond)
	deff(&o.OutageRate, 100)
	defd(&o.OutageDuration, 30*time.Second)
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.RedisURL == "" {
		o.RedisURL = "redis://127.0.0.1:6379/0"
	}
	if o.PostgresAdmin == "" {
		o.PostgresAdmin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
}

func (o *Options) logf(format string, args ...any) {
	fmt.Fprintf(o.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// workerHandle is the generator's end of one worker.
type workerHandle struct {
	mu   sync.Mutex
	enc  *json.Encoder
	dec  *json.Decoder
	cmd  *exec.Cmd
	done chan error
}

func startWorker(bin string) (*workerHandle, error) {
	h := &workerHandle{done: make(chan error, 1)}
	if bin == "" {
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		go func() {
			err := ServeWorker(inR, outW)
			_ = outW.CloseWithError(err)
			h.done <- err
		}()
		h.enc, h.dec = json.NewEncoder(inW), json.NewDecoder(bufio.NewReaderSize(outR, 1<<20))
		return h, nil
	}
	h.cmd = exec.Command(bin, "worker")
	h.cmd.Stderr = os.Stderr
	h.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	in, err := h.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := h.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { h.done <- h.cmd.Wait() }()
	h.enc, h.dec = json.NewEncoder(in), json.NewDecoder(bufio.NewReaderSize(out, 1<<20))
	return h, nil
}

func (h *workerHandle) call(c *Command) (*Reply, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.enc.Encode(c); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	var r Reply
	if err := h.dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("worker %s: %w", c.Cmd, err)
	}
	if r.Err != "" {
		return nil, errors.New(r.Err)
	}
	return &r, nil
}

func (h *workerHandle) close() {
	_, _ = h.call(&Command{Cmd: "close"})
	select {
	case <-h.done:
	case <-time.After(10 * time.Second):
		if h.cmd != nil {
			_ = h.cmd.Process.Kill()
		}
	}
}

// pool is the workers of one phase.
type pool struct{ ws []*workerHandle }

func newPool(o *Options) (*pool, error) {
	p := &pool{}
	for i := 0; i < o.Workers; i++ {
		w, err := startWorker(o.WorkerBin)
		if err != nil {
			p.close()
			return nil, err
		}
		p.ws = append(p.ws, w)
	}
	return p, nil
}

func (p *pool) close() {
	var wg sync.WaitGroup
	for _, w := range p.ws {
		wg.Add(1)
		go func() { defer wg.Done(); w.close() }()
	}
	wg.Wait()
}

// all sends each worker its command (cmds[i], or the same one) at once
// and gathers the replies.
func (p *pool) all(cmds func(i int) *Command) ([]*Reply, error) {
	replies := make([]*Reply, len(p.ws))
	errs := make([]error, len(p.ws))
	var wg sync.WaitGroup
	for i, w := range p.ws {
		wg.Add(1)
		go func() { defer wg.Done(); replies[i], errs[i] = w.call(cmds(i)) }()
	}
	wg.Wait()
	return replies, errors.Join(errs...)
}

// connect spreads clients over the workers (round robin) and connects them.
func (p *pool) connect(urls []string, clients []ClientSpec, parallel int, ticket, fallback, track bool) (*Reply, error) {
	parts := make([][]ClientSpec, len(p.ws))
	for i, c := range clients {
		parts[i%len(p.ws)] = append(parts[i%len(p.ws)], c)
	}
	replies, err := p.all(func(i int) *Command {
		return &Command{Cmd: "connect", Connect: &ConnectJob{URLs: urls, Clients: parts[i], Parallel: parallel, Ticket: ticket, Fallback: fallback, TrackSeqs: track}}
	})
	if err != nil {
		return nil, err
	}
	sum := &Reply{}
	var h Histogram
	for _, r := range replies {
		sum.Connected += r.Connected
		sum.Failed += r.Failed
		sum.Errors = append(sum.Errors, r.Errors...)
		sum.LastUp = max(sum.LastUp, r.LastUp)
		h.AddSparse(r.ConnectTime)
	}
	sum.ConnectTime = h.Sparse()
	return sum, nil
}

// stats gathers (and resets) the receive statistics of every worker.
func (p *pool) stats() (*Reply, *Histogram, error) {
	r, h, _, err := p.stats2()
	return r, h, err
}

// stats2 is stats with the latency from the events' own times as well.
func (p *pool) stats2() (*Reply, *Histogram, *Histogram, error) {
	replies, err := p.all(func(int) *Command { return &Command{Cmd: "stats"} })
	if err != nil {
		return nil, nil, nil, err
	}
	sum, h, fe := &Reply{}, &Histogram{}, &Histogram{}
	for _, r := range replies {
		sum.Events += r.Events
		sum.Gaps += r.Gaps
		sum.Reconnects += r.Reconnects
		h.AddSparse(r.Latency)
		fe.AddSparse(r.FromEvent)
	}
	return sum, h, fe, nil
}

// drain waits until every client reached heads.
func (p *pool) drain(heads map[ecabinet.Scope]int64, timeout time.Duration) (converged, behind int, err error) {
	cmd := &Command{Cmd: "drain", TimeoutMS: timeout.Milliseconds(), Heads: heads}
	replies, err := p.all(func(int) *Command { return cmd })
	if err != nil {
		return 0, 0, err
	}
	for _, r := range replies {
		converged += r.Converged
		behind += r.Behind
	}
	return converged, behind, nil
}
