package deploytest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// root is the repository root (tests run in backend/deploytest).
var root = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}()

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// serverBinary builds the server once for the tests that run it as the
// scripts do: as a separate process.
func serverBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "ecabinet-deploytest-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "ecabinet")
		cmd := exec.Command("go", "build", "-o", binPath, "./backend/cmd/ecabinet")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// script runs scripts/<name> with the environment plus env, and returns
// its standard output; a failure ends the test with everything it printed.
func script(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", name), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// pairs lists m as environment entries (KEY=value).
func pairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

// do calls the API and fails the test on an error.
func do(t *testing.T, c *client.Client, method, path string, in, out any) {
	t.Helper()
	if err := c.Do(context.Background(), method, path, in, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// login signs username in at url.
func login(t *testing.T, url, username, password string) *client.Client {
	t.Helper()
	c := client.New(url)
	if _, err := c.Login(context.Background(), username, password); err != nil {
		t.Fatalf("login %s at %s: %v", username, url, err)
	}
	return c
}

// session drafts and publishes a meeting with one agenda item through the
// API, as the secretariat; every voting member is invited.
func session(t *testing.T, sec *client.Client, title, item string) *ecabinet.Meeting {
	t.Helper()
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Minute)
	var m ecabinet.Meeting
	do(t, sec, "POST", "/api/v1/meetings", ecabinet.MeetingInput{Kind: ecabinet.KindRegular, Title: title,
		ScheduledStart: start, ScheduledEnd: start.Add(3 * time.Hour), Place: "Trụ sở Chính phủ"}, &m)
	do(t, sec, "POST", meetingPath(m.ID, "/agenda"), ecabinet.AgendaItemInput{Title: item, PlannedMinutes: 30}, nil)
	do(t, sec, "POST", meetingPath(m.ID, "/transitions"), map[string]string{"action": "publish"}, &m)
	return &m
}

func meetingPath(id int64, rest string) string { return fmt.Sprintf("/api/v1/meetings/%d%s", id, rest) }

// mark records one invitee present or expected: one attendance.updated event.
func mark(c *client.Client, m *ecabinet.Meeting, i int) error {
	status := "present"
	if i%2 == 1 {
		status = "expected"
	}
	return c.Do(context.Background(), "PUT", meetingPath(m.ID, fmt.Sprintf("/attendance/%d", m.Invitees[i%len(m.Invitees)])), map[string]string{"status": status}, nil)
}

// state reads a meeting's state and its event position through the API.
func state(t *testing.T, c *client.Client, id int64) *ecabinet.MeetingState {
	t.Helper()
	var st ecabinet.MeetingState
	do(t, c, "GET", meetingPath(id, "/state"), nil, &st)
	return &st
}
