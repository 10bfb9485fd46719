package load

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// target is what a broadcast workload runs against: e-Cabinet instances
// sharing PostgreSQL and Redis, or floors.
type target struct {
	o       *Options
	floor   bool
	servers []*Server
	seed    *Seed            // e-Cabinet only
	sec     []*client.Client // the publishing secretary, per server (e-Cabinet)
	hc      *http.Client     // publishing to floors
	pprof   string           // the first instance's pprof address, when profiling
	dataDir string

	mu        sync.Mutex
	published map[ecabinet.Scope]int64 // floor: events per scope
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newCluster starts n e-Cabinet instances on seed's database, sharing Redis.
func newCluster(ctx context.Context, o *Options, seed *Seed, n int, env ...string) (*target, error) {
	t := &target{o: o, seed: seed}
	var err error
	if t.dataDir, err = os.MkdirTemp("", "ecabinet-load-"); err != nil {
		return nil, err
	}
	prefix := "ecabload" + randomHex(4)
	secs, err := seed.Members(ctx, "sec"+randomHex(3)+"-", ecabinet.RoleSecretary, 1)
	if err != nil {
		return nil, err
	}
	tr := newTransport()
	for i := 0; i < n; i++ {
		vars := append([]string{"DATABASE_URL=" + seed.URL, "REDIS_URL=" + o.RedisURL, "ECABINET_REDIS_PREFIX=" + prefix,
			"ECABINET_LOG_LEVEL=warn", "ECABINET_DEMO=false", "ECABINET_INSTANCE_ID=load-" + strconv.Itoa(i),
			"ECABINET_DATA_DIR=" + filepath.Join(t.dataDir, strconv.Itoa(i)), "ECABINET_HASH_CONCURRENCY=2"}, env...)
		if o.PprofDir != "" && i == 0 {
			if t.pprof, err = freeAddr(); err != nil {
				t.close()
				return nil, err
			}
			vars = append(vars, "ECABINET_PPROF_ADDR="+t.pprof)
			o.logf("instance 0 profiles at http://%s/debug/pprof/", t.pprof)
		}
		s, err := StartServer(ctx, "ecabinet-"+strconv.Itoa(i), o.ServerBin, false, vars)
		if err != nil {
			t.close()
			return nil, err
		}
		t.servers = append(t.servers, s)
		c, err := secs[0].Client(s.URL)
		if err != nil {
			t.close()
			return nil, err
		}
		c.HTTP.Transport = tr
		t.sec = append(t.sec, c)
	}
	return t, nil
}

// newFloors starts n floor servers.
func newFloors(ctx context.Context, o *Options, n int) (*target, error) {
	t := &target{o: o, floor: true, published: map[ecabinet.Scope]int64{}, hc: &http.Client{Transport: newTransport(), Timeout: 60 * time.Second}}
	for i := 0; i < n; i++ {
		s, err := StartServer(ctx, "floor-"+strconv.Itoa(i), o.FloorBin, true, nil)
		if err != nil {
			t.close()
			return nil, err
		}
		t.servers = append(t.servers, s)
	}
	return t, nil
}

func (t *target) close() {
	var wg sync.WaitGroup
	for _, s := range t.servers {
		wg.Add(1)
		go func() { defer wg.Done(); s.Kill() }()
	}
	wg.Wait()
	if t.dataDir != "" {
		_ = os.RemoveAll(t.dataDir)
	}
}

// stop ends the servers gracefully.
func (t *target) stop() {
	var wg sync.WaitGroup
	for _, s := range t.servers {
		wg.Add(1)
		go func() { defer wg.Done(); s.Stop() }()
	}
	wg.Wait()
	t.servers = nil
}

func (t *target) urls() []string {
	out := make([]string, len(t.servers))
	for i, s := range t.servers {
		out[i] = s.URL
	}
	return out
}

func (t *target) name() string {
	if t.floor {
		return "floor"
	}
	return "e-Cabinet"
}

// meetings makes n sessions whose invitees are groups[i] (nil: every
// voting member) and returns them with their positions.
func (t *target) meetings(ctx context.Context, groups [][]int64) ([]Meeting, error) {
	out := make([]Meeting, len(groups))
	if t.floor {
		for i := range out {
			out[i] = Meeting{ID: int64(i + 1), ItemID: 1, Scope: ecabinet.MeetingScope(int64(i + 1))}
		}
		return out, nil
	}
	errs := make([]error, len(groups))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			m, err := CreateMeeting(ctx, t.sec[i%len(t.sec)], fmt.Sprintf("Load session %d", i+1), groups[i])
			if err == nil {
				out[i] = *m
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	scopes := make([]ecabinet.Scope, len(out))
	for i := range out {
		scopes[i] = out[i].Scope
	}
	heads, err := t.seed.Heads(ctx, scopes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Pos = heads[out[i].Scope]
	}
	return out, nil
}

// publish makes one agenda update of m stamped with at, through server i
// (the next ones when it fails).
func (t *target) publish(ctx context.Context, m Meeting, at time.Time, i int) error {
	if t.floor {
		data, _ := json.Marshal(map[string]any{"agenda": []map[string]any{{"id": m.ItemID, "title": "Item", "summary": Stamp(at), "planned_minutes": 30}}})
		// To every floor at once (each is one instance's share of the clients).
		errs := make([]error, len(t.servers))
		var wg sync.WaitGroup
		for k, s := range t.servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := t.hc.Post(s.URL+"/publish?scope="+string(m.Scope), "application/json", bytes.NewReader(data))
				if err != nil {
					errs[k] = err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs[k] = fmt.Errorf("floor publish: %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		t.mu.Lock()
		t.published[m.Scope]++
		t.mu.Unlock()
		return nil
	}
	in := ecabinet.AgendaItemInput{Title: "Item", Summary: Stamp(at), PlannedMinutes: 30}
	path := fmt.Sprintf("/api/v1/meetings/%d/agenda/%d", m.ID, m.ItemID)
	var err error
	for k := 0; k < len(t.sec); k++ {
		s := (i + k) % len(t.sec)
		if !t.servers[s].Alive() {
			continue
		}
		if err = t.sec[s].Do(ctx, "PUT", path, in, nil); err == nil {
			return nil
		}
	}
	return err
}

// heads returns the seq each scope reached.
func (t *target) heads(ctx context.Context, meetings []Meeting) (map[ecabinet.Scope]int64, error) {
	out := map[ecabinet.Scope]int64{}
	if t.floor {
		t.mu.Lock()
		defer t.mu.Unlock()
		for _, m := range meetings {
			out[m.Scope] = t.published[m.Scope]
		}
		return out, nil
	}
	scopes := make([]ecabinet.Scope, len(meetings))
	for i, m := range meetings {
		scopes[i] = m.Scope
	}
	h, err := t.seed.Heads(ctx, scopes)
	if err != nil {
		return nil, err
	}
	for sc, p := range h {
		out[sc] = p.Seq
	}
	return out, nil
}

// pubStats is what a publishing run did.
type pubStats struct {
	OK, Failed uint64
	Err        string
	Elapsed    time.Duration // from the first scheduled update to the last answer
	Start      time.Time     // when the first update was due
	// Late is, for each second of the run, the longest an update due in
	// it waited for its answer: the write path's stalls, by time.
	Late []time.Duration
}

// stalls lists the seconds of the run whose slowest answer took over limit.
func (p *pubStats) stalls(limit time.Duration) string {
	var b strings.Builder
	for sec, d := range p.Late {
		if d > limit {
			fmt.Fprintf(&b, " %s+%ds:%.0fms", p.Start.UTC().Format("15:04:05"), sec, ms(d))
		}
	}
	return b.String()
}

// run publishes updates at rate (per second, round robin over meetings),
// count of them (or for dur), each meeting's in order; the stamp of each
// is the time it was due, so a publisher falling behind shows as latency.
func (t *target) run(ctx context.Context, meetings []Meeting, rate float64, count int, dur time.Duration) pubStats {
	var st pubStats
	var ok, failed atomic.Uint64
	var mu sync.Mutex // st.Err, st.Late
	chans := make([]chan time.Time, len(meetings))
	// Each meeting's queue holds every update the run can send it, so the
	// schedule never waits for a publisher.
	total := count
	if count <= 0 {
		total = int(rate*dur.Seconds()) + 1
	}
	var wg sync.WaitGroup
	for i := range meetings {
		chans[i] = make(chan time.Time, total/len(meetings)+1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for at := range chans[i] {
				err := t.publish(ctx, meetings[i], at, i)
				late := time.Since(at)
				mu.Lock()
				sec := int(at.Sub(st.Start) / time.Second)
				for len(st.Late) <= sec {
					st.Late = append(st.Late, 0)
				}
				st.Late[sec] = max(st.Late[sec], late)
				if err != nil {
					st.Err = err.Error()
				}
				mu.Unlock()
				if err != nil {
					failed.Add(1)
					continue
				}
				ok.Add(1)
			}
		}()
	}
	// The run's clock starts once its publishers are ready (a send on a
	// channel orders this before every publisher's read of st.Start).
	st.Start = time.Now()
	t0 := st.Start
	interval := time.Duration(float64(time.Second) / rate)
	for k := 0; ; k++ {
		due := t0.Add(time.Duration(k) * interval)
		if (count > 0 && k >= count) || (count <= 0 && !due.Before(t0.Add(dur))) || ctx.Err() != nil {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		chans[k%len(chans)] <- due
	}
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	st.OK, st.Failed, st.Elapsed = ok.Load(), failed.Load(), time.Since(t0)
	return st
}

// profile takes a CPU profile of the first instance for d into the
// options' pprof directory (in the background; wait on the result).
func (t *target) profile(name string, d time.Duration) <-chan error {
	done := make(chan error, 1)
	if t.pprof == "" || t.o.PprofDir == "" {
		done <- nil
		return done
	}
	go func() {
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", t.pprof, int(d.Seconds())))
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		if err := os.MkdirAll(t.o.PprofDir, 0o755); err != nil {
			done <- err
			return
		}
		f, err := os.Create(filepath.Join(t.o.PprofDir, name+".pprof"))
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(f, resp.Body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		done <- err
	}()
	return done
}

// snapshotProfile saves the first instance's profile kind (heap, goroutine)
// as it is now, when profiling.
func (t *target) snapshotProfile(kind, name string) error {
	if t.pprof == "" || t.o.PprofDir == "" {
		return nil
	}
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/%s", t.pprof, kind))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := os.MkdirAll(t.o.PprofDir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(t.o.PprofDir, name+".pprof"))
	if err != nil {
		return err
	}
	_, err = io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// connGoroutines counts, in the first instance's goroutine profile, the
// goroutines whose stack runs in a hub connection (its reader and writer):
// the goroutines a connection costs, apart from the instance's own.
func (t *target) connGoroutines() (int, error) {
	if t.pprof == "" {
		return 0, fmt.Errorf("no pprof listener")
	}
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/goroutine?debug=1", t.pprof))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	total := 0
	// Blocks of "N @ addresses" followed by "#\taddr\tfunction" lines.
	text := string(body)
	if first, rest, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(first, "goroutine profile:") {
		text = rest
	}
	for _, block := range strings.Split(text, "\n\n") {
		head, _, _ := strings.Cut(block, " @ ")
		n, err := strconv.Atoi(strings.TrimSpace(head))
		if err != nil {
			continue
		}
		if strings.Contains(block, "backend/hub.(*Conn).") {
			total += n
		}
	}
	return total, nil
}
