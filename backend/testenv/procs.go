package testenv

import (
	"bytes"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
)

// Proc is a child process of a test: killed when the test ends, its output
// kept and shown when the test fails.
type Proc struct {
	Cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// StartProc runs name with args and the environment plus env.
func StartProc(t testing.TB, env []string, name string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(name, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.Cmd.Env = append(os.Environ(), env...)
	p.Cmd.Stdout, p.Cmd.Stderr = p.out, p.out
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("output of %s %v:\n%s", name, args, Tail(p.out.String(), 4000))
		}
	})
	return p
}

// Tail returns the last n bytes of s.
func Tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Output returns what the process printed so far.
func (p *Proc) Output() string { return p.out.String() }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) { _ = p.Cmd.Process.Signal(sig) }

// Kill ends the process with SIGKILL, unless it has exited, and waits.
func (p *Proc) Kill() {
	select {
	case <-p.done:
	default:
		p.Signal(syscall.SIGKILL)
		<-p.done
	}
}

// FreePort returns a loopback port nobody listens on.
//
// The port is drawn at random below Linux's ephemeral range (32768–60999),
// from which the kernel gives the local ports of outgoing connections and
// of listeners on port 0: a port from there, free when this returns, may be
// taken by some test's client connection before the server binds it, and
// the test would then talk to another server.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(12000)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		_ = ln.Close()
		return port
	}
	t.Fatal("no free port between 20000 and 32000 in 100 tries")
	return 0
}

// RequireProgram fails in CI, and skips elsewhere, when a program is not
// installed (.ci/run installs what the tests need).
func RequireProgram(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err == nil {
			continue
		}
		if _, err := os.Stat("/usr/sbin/" + name); err == nil {
			continue
		}
		if InCI() {
			t.Fatalf("%s is required in CI (.ci/run installs it) but is not installed", name)
		}
		t.Skipf("%s is not installed (apt-get install it); skipped outside CI", name)
	}
}
