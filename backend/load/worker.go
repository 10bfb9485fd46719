package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// A worker holds a share of the clients of a run, in a process of its own
// (ecabinet-load worker) so that connections spread over processes: one
// process may hold at most ~20,000 open files. The generator sends it one
// JSON command per line on stdin; it answers each with one JSON line.

// Command is one instruction to a worker.
type Command struct {
	Cmd string `json:"cmd"` // connect, stats, drain, outages, ballot, close
	// connect
	Connect *ConnectJob `json:"connect,omitempty"`
	// drain: the seq each scope must reach, and how long to wait for it
	Heads     map[ecabinet.Scope]int64 `json:"heads,omitempty"`
	TimeoutMS int64                    `json:"timeout_ms,omitempty"`
	// ballot
	Ballot *BallotJob `json:"ballot,omitempty"`
}

// ConnectJob opens real-time clients.
type ConnectJob struct {
	URLs    []string     `json:"urls"`
	Clients []ClientSpec `json:"clients"`
	// Ticket connects with single-use tickets instead of the cookie.
	Ticket bool `json:"ticket,omitempty"`
	// Parallel bounds the connections being opened at once (0: all at once).
	Parallel int `json:"parallel,omitempty"`
	// Fallback lets a client reconnect to the other URLs.
	Fallback bool `json:"fallback,omitempty"`
	// TrackSeqs keeps the seqs received after an outage (W6).
	TrackSeqs bool `json:"track_seqs,omitempty"`
}

// ClientSpec is one real-time client: its sign-in, server and scope.
type ClientSpec struct {
	Token  string         `json:"t,omitempty"`
	CSRF   string         `json:"c,omitempty"`
	Server int            `json:"s"`
	Scope  ecabinet.Scope `json:"sc"`
	Epoch  string         `json:"e,omitempty"`
	Seq    int64          `json:"q,omitempty"`
}

// BallotJob answers a ballot: each member twice with the same idempotency
// key, the second time from a second connection (to the next server) when
// Second is set, else again from the first once it answered.
type BallotJob struct {
	URLs       []string       `json:"urls"`
	BallotID   int64          `json:"ballot_id"`
	QuestionID int64          `json:"question_id"`
	Members    []BallotMember `json:"members"`
}

// BallotMember is one member answering.
type BallotMember struct {
	ID     int64  `json:"id"`
	Token  string `json:"t"`
	CSRF   string `json:"c"`
	Server int    `json:"s"`
	Second bool   `json:"second,omitempty"`
}

// Outage is one client's disconnection and what it received after it.
type Outage struct {
	Scope  ecabinet.Scope `json:"scope"`
	Last   int64          `json:"last"`    // seq reached before the disconnection
	DownAt int64          `json:"down_at"` // unix ns
	UpAt   int64          `json:"up_at"`   // unix ns: resubscribed
	After  []int64        `json:"after"`   // seqs received after Last (first 5,000)
}

// Reply answers a command.
type Reply struct {
	Err string `json:"err,omitempty"`
	// connect
	Connected   int      `json:"connected,omitempty"`
	Failed      int      `json:"failed,omitempty"`
	Errors      []string `json:"errors,omitempty"`
	ConnectTime Sparse   `json:"connect_time,omitempty"`
	LastUp      int64    `json:"last_up,omitempty"` // unix ns of the last client subscribed
	// stats (since the previous stats)
	Latency    Sparse `json:"latency,omitempty"`
	FromEvent  Sparse `json:"from_event,omitempty"`
	Events     uint64 `json:"events,omitempty"`
	Gaps       uint64 `json:"gaps,omitempty"`
	Reconnects uint64 `json:"reconnects,omitempty"`
	// drain
	Converged int `json:"converged,omitempty"`
	Behind    int `json:"behind,omitempty"`
	// outages
	Outages []Outage `json:"outages,omitempty"`
	// ballot
	Requests uint64 `json:"requests,omitempty"`
	Retries  uint64 `json:"retries,omitempty"`
	First    int64  `json:"first,omitempty"` // unix ns of the first request sent
	Last     int64  `json:"last,omitempty"`  // unix ns of the last answer received
}

// wsClient is one real-time client of a worker.
type wsClient struct {
	spec   ClientSpec
	stream *client.Stream
	last   atomic.Int64 // highest event seq received

	mu      sync.Mutex
	outages []Outage
}

type worker struct {
	ctx     context.Context
	cancel  context.CancelFunc
	clients []*wsClient
	wg      sync.WaitGroup
	track   bool

	latency    Histogram // from the time the update was due
	fromEvent  Histogram // from the event's own time (the server's, in its transaction)
	events     atomic.Uint64
	gaps       atomic.Uint64
	reconnects atomic.Uint64
}

// ServeWorker runs a worker reading commands from in and answering on out
// until "close" or the end of in.
func ServeWorker(in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(context.Background())
	w := &worker{ctx: ctx, cancel: cancel}
	defer w.close()
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	enc := json.NewEncoder(out)
	for {
		var cmd Command
		if err := dec.Decode(&cmd); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		r := w.handle(&cmd)
		if err := enc.Encode(r); err != nil {
			return err
		}
		if cmd.Cmd == "close" {
			return nil
		}
	}
}

func (w *worker) handle(cmd *Command) *Reply {
	switch cmd.Cmd {
	case "connect":
		return w.connect(cmd.Connect)
	case "stats":
		return w.stats()
	case "drain":
		return w.drain(cmd.Heads, time.Duration(cmd.TimeoutMS)*time.Millisecond)
	case "outages":
		return w.collectOutages()
	case "ballot":
		return answerBallot(w.ctx, cmd.Ballot)
	case "close":
		w.close()
		return &Reply{}
	}
	return &Reply{Err: "unknown command " + cmd.Cmd}
}

func (w *worker) close() {
	w.cancel()
	for _, c := range w.clients {
		if c.stream != nil {
			_ = c.stream.Close()
		}
	}
	w.wg.Wait()
	w.clients = nil
}

// newTransport is an HTTP transport for many concurrent requests to a few hosts.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: 20000,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// connect opens every client of job, subscribes it from its position and
// starts receiving.
func (w *worker) connect(job *ConnectJob) *Reply {
	w.track = job.TrackSeqs
	tr := newTransport()
	parallel := job.Parallel
	if parallel <= 0 {
		parallel = len(job.Clients)
	}
	sem := make(chan struct{}, max(parallel, 1))
	var (
		mu     sync.Mutex
		reply  = &Reply{}
		times  Histogram
		lastUp int64
		wg     sync.WaitGroup
	)
	started := time.Now()
	for _, spec := range job.Clients {
		wg.Add(1)
		sem <- struct{}{}
		go func(spec ClientSpec) {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			c, err := w.open(job, spec, tr)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				reply.Failed++
				if len(reply.Errors) < 5 {
					reply.Errors = append(reply.Errors, err.Error())
				}
				return
			}
			now := time.Now()
			times.Record(now.Sub(t0))
			lastUp = max(lastUp, now.UnixNano())
			reply.Connected++
			w.clients = append(w.clients, c)
			w.wg.Add(1)
			go func() { defer w.wg.Done(); w.receive(c, job) }()
		}(spec)
	}
	wg.Wait()
	_ = started
	reply.ConnectTime = times.Sparse()
	reply.LastUp = lastUp
	return reply
}

func (w *worker) open(job *ConnectJob, spec ClientSpec, tr *http.Transport) (*wsClient, error) {
	ctx, cancel := context.WithTimeout(w.ctx, 60*time.Second)
	defer cancel()
	cl := client.New(job.URLs[spec.Server])
	cl.HTTP.Transport = tr
	if spec.Token != "" {
		if err := cl.UseSignIn(spec.Token, spec.CSRF); err != nil {
			return nil, err
		}
	}
	opts := client.StreamOptions{Ticket: job.Ticket}
	if job.Fallback {
		for k := 1; k < len(job.URLs); k++ {
			opts.Fallback = append(opts.Fallback, job.URLs[(spec.Server+k)%len(job.URLs)])
		}
	}
	st, err := cl.Connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := st.SubscribeFrom(spec.Scope, ecabinet.Position{Epoch: spec.Epoch, Seq: spec.Seq}); err != nil {
		_ = st.Close()
		return nil, err
	}
	for {
		f, err := st.Next(ctx)
		if err != nil {
			_ = st.Close()
			return nil, err
		}
		switch f.Type {
		case "subscribed":
			c := &wsClient{spec: spec, stream: st}
			c.last.Store(f.Seq)
			return c, nil
		case "error":
			_ = st.Close()
			return nil, fmt.Errorf("subscribe %s: %s %s", spec.Scope, f.Code, f.Message)
		}
	}
}

// marker is how a publisher stamps the time it meant to send an update in
// the update's data, so latency counts from there (queueing included).
const marker = "lt="

// Stamp returns the marker text of t.
func Stamp(t time.Time) string { return marker + strconv.FormatInt(t.UnixNano(), 10) }

func stampOf(data []byte) (time.Time, bool) {
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		return time.Time{}, false
	}
	j := i + len(marker)
	k := j
	for k < len(data) && data[k] >= '0' && data[k] <= '9' {
		k++
	}
	ns, err := strconv.ParseInt(string(data[j:k]), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, ns), true
}

// receive reads a client's frames until the worker closes, reconnecting
// (and resuming) after a disconnection as a tablet does.
func (w *worker) receive(c *wsClient, job *ConnectJob) {
	after := -1 // index in c.outages of the last outage
	for {
		f, err := c.stream.Next(w.ctx)
		if err != nil {
			if w.ctx.Err() != nil {
				return
			}
			o := Outage{Scope: c.spec.Scope, Last: c.last.Load(), DownAt: time.Now().UnixNano()}
			if !w.reconnect(c, err) {
				return
			}
			w.reconnects.Add(1)
			o.UpAt = time.Now().UnixNano()
			c.mu.Lock()
			c.outages = append(c.outages, o)
			after = len(c.outages) - 1
			c.mu.Unlock()
			continue
		}
		if f.Type != "event" || f.Scope != c.spec.Scope {
			continue
		}
		if last := c.last.Load(); f.Seq != last+1 {
			w.gaps.Add(1)
		}
		c.last.Store(f.Seq)
		w.events.Add(1)
		if at, ok := stampOf(f.Data); ok {
			w.latency.Record(f.Received.Sub(at))
		} else {
			w.latency.Record(f.Received.Sub(f.At))
		}
		w.fromEvent.Record(f.Received.Sub(f.At))
		if w.track && after >= 0 {
			c.mu.Lock()
			if o := &c.outages[after]; len(o.After) < 5000 {
				o.After = append(o.After, f.Seq)
			}
			c.mu.Unlock()
		}
	}
}

// reconnect retries until the stream is back (true) or the worker closes.
func (w *worker) reconnect(c *wsClient, cause error) bool {
	wait := 100 * time.Millisecond
	var ce *client.CloseError
	if errors.As(cause, &ce) {
		switch ce.Code {
		case 4000:
			wait = 0
		case 1001:
			wait = ce.RetryAfter()
		case 4401:
			return false
		}
	}
	backoff := 200 * time.Millisecond
	for {
		select {
		case <-time.After(wait + time.Duration(rand.Int64N(int64(wait/4+1)))):
		case <-w.ctx.Done():
			return false
		}
		ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
		err := c.stream.Reconnect(ctx)
		cancel()
		if err == nil {
			return true
		}
		wait, backoff = backoff, min(backoff*2, 2*time.Second)
	}
}

func (w *worker) stats() *Reply {
	return &Reply{Latency: w.latency.Reset().Sparse(), FromEvent: w.fromEvent.Reset().Sparse(), Events: w.events.Swap(0), Gaps: w.gaps.Swap(0), Reconnects: w.reconnects.Swap(0)}
}

// drain waits until every client reached its scope's head or timeout.
func (w *worker) drain(heads map[ecabinet.Scope]int64, timeout time.Duration) *Reply {
	deadline := time.Now().Add(timeout)
	for {
		behind := 0
		for _, c := range w.clients {
			if c.last.Load() < heads[c.spec.Scope] {
				behind++
			}
		}
		if behind == 0 || time.Now().After(deadline) {
			return &Reply{Converged: len(w.clients) - behind, Behind: behind}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *worker) collectOutages() *Reply {
	r := &Reply{}
	for _, c := range w.clients {
		c.mu.Lock()
		r.Outages = append(r.Outages, c.outages...)
		c.mu.Unlock()
	}
	return r
}
