package testenv

import (
	"fmt"
	"net/http"
	"strconv"
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
	port, data := FreePort(t), t.TempDir()
	vars := []string{"ECABINET_ADDR=127.0.0.1:" + strconv.Itoa(port), "ECABINET_INSTANCE_ID=" + name,
		"ECABINET_DATA_DIR=" + data, "ECABINET_LOG_LEVEL=warn", "ECABINET_HASH_CONCURRENCY=4"}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	in := &Instance{Proc: StartProc(t, vars, binary), URL: fmt.Sprintf("http://127.0.0.1:%d", port), DataDir: data}
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
