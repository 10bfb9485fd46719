package testenv

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Instance is an e-Cabinet server process of a test.
type Instance struct {
	*Proc
	URL     string
	DataDir string // ECABINET_DATA_DIR
}

// StartInstance runs binary (the server) named name on a free port with
// the variables env, and waits until it is ready.
func StartInstance(t testing.TB, binary, name string, env map[string]string) *Instance {
	t.Helper()
	return startInstanceAt(t, binary, name, "127.0.0.1:"+strconv.Itoa(FreePort(t)), t.TempDir(), env)
}

// Restart starts a new process of binary in place of in (killed or
// stopped): same address, same data directory, the variables env.
func (in *Instance) Restart(t testing.TB, binary, name string, env map[string]string) *Instance {
	t.Helper()
	return startInstanceAt(t, binary, name, strings.TrimPrefix(in.URL, "http://"), in.DataDir, env)
}

func startInstanceAt(t testing.TB, binary, name, addr, data string, env map[string]string) *Instance {
	t.Helper()
	vars := []string{"ECABINET_ADDR=" + addr, "ECABINET_INSTANCE_ID=" + name,
		"ECABINET_DATA_DIR=" + data, "ECABINET_LOG_LEVEL=warn", "ECABINET_HASH_CONCURRENCY=4", "ECABINET_METRICS_ADDR=off"}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	in := &Instance{Proc: StartProc(t, vars, binary), URL: "http://" + addr, DataDir: data}
	in.WaitReady(t, 60*time.Second)
	return in
}

// WaitReady waits until /readyz answers 200; the instance dying fails the test.
func (in *Instance) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-in.Done():
			t.Fatalf("%s died:\n%s", in.URL, Tail(in.Output(), 4000))
		default:
		}
		if resp, err := http.Get(in.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready within %v", in.URL, within)
}
