package faults

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// demoMeeting returns the demo body's upcoming session, read as c.
func demoMeeting(t *testing.T, c *client.Client) ecabinet.Meeting {
	t.Helper()
	var meetings []ecabinet.Meeting
	if err := c.Do(context.Background(), "GET", "/api/v1/meetings", nil, &meetings); err != nil || len(meetings) == 0 {
		t.Fatalf("demo session: %v", err)
	}
	return meetings[0]
}

// follow opens c's stream on scope, as a member's tablet does. It returns
// the position of the first snapshot and the sequence numbers of the
// events that follow, as they arrive.
func follow(t *testing.T, c *client.Client, scope ecabinet.Scope) (int64, <-chan int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := c.Connect(ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = stream.Close() })
	if err := stream.Subscribe(scope); err != nil {
		t.Fatal(err)
	}
	snapshot := make(chan int64, 1)
	received := make(chan int64, 1000)
	go func() {
		started := false
		_ = stream.Run(ctx, func(f *client.Frame) error {
			switch {
			case f.Type == "snapshot" && !started:
				started = true
				snapshot <- f.Seq
			case f.Type == "event":
				received <- f.Seq
			}
			return nil
		})
	}()
	select {
	case first := <-snapshot:
		return first, received
	case <-time.After(10 * time.Second):
		t.Fatal("no snapshot within 10 s")
		return 0, nil
	}
}

// inOrder waits until the events after from up to want have arrived, each
// once and in order.
func inOrder(t *testing.T, who string, received <-chan int64, from, want int64, within time.Duration) {
	t.Helper()
	seen := from
	deadline := time.After(within)
	for seen < want {
		select {
		case s := <-received:
			if s != seen+1 {
				t.Fatalf("%s: event #%d after #%d", who, s, seen)
			}
			seen = s
		case <-deadline:
			t.Fatalf("%s stopped at #%d of #%d", who, seen, want)
		}
	}
}

// markAttendance records n changes of attendance in m as the secretariat
// (one event each), and calls disrupt before change number at.
func markAttendance(t *testing.T, sec *client.Client, m ecabinet.Meeting, n, at int, disrupt func()) {
	t.Helper()
	for i := 0; i < n; i++ {
		if i == at {
			disrupt()
		}
		status := "present"
		if i%2 == 1 {
			status = "expected"
		}
		path := fmt.Sprintf("/api/v1/meetings/%d/attendance/%d", m.ID, m.Invitees[i%len(m.Invitees)])
		if err := sec.Do(context.Background(), "PUT", path, map[string]string{"status": status}, nil); err != nil {
			t.Fatal(err)
		}
	}
}
