package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// clockTicks is the kernel's USER_HZ (getconf CLK_TCK), the unit of the
// CPU times in /proc/<pid>/stat; 100 on every Linux architecture Go runs on.
const clockTicks = 100

// Server is a server process the generator started: an e-Cabinet instance
// or a floor.
type Server struct {
	Name  string
	URL   string
	Floor bool
	// MetricsURL is where an instance serves /metrics (its own listener).
	MetricsURL string
	cmd        *exec.Cmd
	out        *tailBuffer
	done       chan struct{}
}

// tailBuffer keeps the last bytes written (a server's log, for errors).
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 64<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-32<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// StartServer runs binary with env (plus ECABINET_ADDR on a free loopback
// port) and waits until /readyz answers 200.
func StartServer(ctx context.Context, name, binary string, floor bool, env []string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{Name: name, URL: "http://" + addr, Floor: floor, out: &tailBuffer{}, done: make(chan struct{})}
	var args []string
	env = append(env, "ECABINET_ADDR="+addr)
	if !floor {
		args = []string{"serve"}
		metrics, err := freeAddr()
		if err != nil {
			return nil, err
		}
		s.MetricsURL = "http://" + metrics
		env = append(env, "ECABINET_METRICS_ADDR="+metrics)
	}
	s.cmd = exec.Command(binary, args...)
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the generator
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited while starting:\n%s", name, lastLines(s.out.String(), 20))
		case <-ctx.Done():
			s.Kill()
			return nil, ctx.Err()
		default:
		}
		if resp, err := http.Get(s.URL + "/readyz"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Kill()
			return nil, fmt.Errorf("%s not ready within 90 s:\n%s", name, lastLines(s.out.String(), 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Alive reports whether the process still runs.
func (s *Server) Alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Kill ends the process at once (SIGKILL) and waits for it.
func (s *Server) Kill() {
	if s.Alive() {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-s.done
}

// Stop ends the process gracefully (SIGTERM), then kills it after 10 s.
func (s *Server) Stop() {
	if s.Alive() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.Kill()
	}
}

// Log returns the end of the server's output.
func (s *Server) Log() string { return s.out.String() }

// CPU is the user and system CPU time the process used so far.
func (s *Server) CPU() (time.Duration, error) { return processCPU(s.Pid()) }

// processCPU reads utime + stime of pid from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after its ')' are fixed.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// machineCPU reads the machine's busy and total CPU time (all cores, in
// clock ticks) from the first line of /proc/stat.
func machineCPU() (busy, total int64, err error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("unexpected /proc/stat")
	}
	// user nice system idle iowait irq softirq steal (guest time is in
	// user and nice already).
	for i, v := range f[1:9] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("unexpected /proc/stat")
		}
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total, nil
}

// RSS is the process's resident memory in bytes (VmRSS).
func (s *Server) RSS() (int64, error) { return processMemory(s.Pid(), "VmRSS:") }

// PeakRSS is the most resident memory the process has had, in bytes (VmHWM).
func (s *Server) PeakRSS() (int64, error) { return processMemory(s.Pid(), "VmHWM:") }

// processMemory reads a memory field ("VmRSS:") of /proc/<pid>/status.
func processMemory(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// Goroutines returns the server's goroutine count: go_goroutines of its
// /metrics for an instance, /stats for a floor.
func (s *Server) Goroutines() (int64, error) {
	if s.Floor {
		resp, err := http.Get(s.URL + "/stats")
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var st struct {
			Goroutines int64 `json:"goroutines"`
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		return st.Goroutines, err
	}
	m, err := s.Metrics()
	if err != nil {
		return 0, err
	}
	v, ok := m["go_goroutines"]
	if !ok {
		return 0, fmt.Errorf("no go_goroutines in %s/metrics", s.MetricsURL)
	}
	return int64(v), nil
}

// Metrics returns the unlabelled samples of the instance's /metrics.
func (s *Server) Metrics() (map[string]float64, error) {
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

// cpuOf sums the CPU time of servers.
func cpuOf(servers []*Server) time.Duration {
	var total time.Duration
	for _, s := range servers {
		if c, err := s.CPU(); err == nil {
			total += c
		}
	}
	return total
}
