package hub_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// toggleAttendance commits n attendance.updated events in scope's session.
func toggleAttendance(t *testing.T, e *apptest.Env, m *ecabinet.Meeting, n int) {
	t.Helper()
	svc := store.NewMeetingService(e.App.DB)
	sec := e.As(t, "secretary1")
	for i := range n {
		status := ecabinet.AttendancePresent
		if i%2 == 1 {
			status = ecabinet.AttendanceExpected
		}
		if _, _, err := svc.SetAttendance(sec, m.ID, m.Invitees[i%len(m.Invitees)], ecabinet.AttendanceInput{Status: status}); err != nil {
			t.Fatal(err)
		}
	}
}

// frameLog records every frame a stream receives, as it arrives.
type frameLog struct {
	mu     sync.Mutex
	frames []client.Frame
}

func (l *frameLog) add(f *client.Frame) {
	l.mu.Lock()
	l.frames = append(l.frames, *f)
	l.mu.Unlock()
}

// eventSeqs returns the seqs of scope's events received, in order, over
// every connection (duplicates included).
func (l *frameLog) eventSeqs(scope ecabinet.Scope) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []int64
	for _, f := range l.frames {
		if f.Type == "event" && f.Scope == scope {
			out = append(out, f.Seq)
		}
	}
	return out
}

func (l *frameLog) count(match func(client.Frame) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, f := range l.frames {
		if match(f) {
			n++
		}
	}
	return n
}

// exactlyFrom checks that seqs are from+1 … to, each once, in order.
func exactlyFrom(t *testing.T, seqs []int64, from, to int64) {
	t.Helper()
	if int64(len(seqs)) != to-from {
		t.Fatalf("%d events received, want %d (#%d to #%d)", len(seqs), to-from, from+1, to)
	}
	for i, s := range seqs {
		if s != from+1+int64(i) {
			t.Fatalf("event %d of the replay is #%d, want #%d", i, s, from+1+int64(i))
		}
	}
}

// A member 1,000 events behind, reading at full speed, gets all 1,000 on
// one connection, in order, with no close: the replay waits for the writer
// instead of overflowing the queue. (Before, the replay was pushed into a
// queue of 256 at once: the client got about 256 events, then a later one,
// then close 4000, and resuming from the later one lost the rest.)
func TestFarBehindFastReaderGetsEverything(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	m, _ := meeting(t, e)
	scope := ecabinet.MeetingScope(m.ID)
	_, first := connect(t, e, "member05")
	subscribe(t, first, scope)
	pos := first.Position(scope)
	_ = first.Close()

	toggleAttendance(t, e, m, 1000)
	head, err := e.App.DB.Events().Head(context.Background(), scope)
	if err != nil || head.Seq != pos.Seq+1000 {
		t.Fatalf("head %+v (%v), want #%d", head, err, pos.Seq+1000)
	}

	var got frameLog
	c := e.Login(t, "member05")
	s, err := c.Connect(context.Background(), client.StreamOptions{OnFrame: got.add})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SubscribeFrom(scope, pos); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for s.Position(scope).Seq < head.Seq {
		if _, err := s.Next(ctx); err != nil {
			t.Fatalf("at #%d of #%d: %v", s.Position(scope).Seq, head.Seq, err)
		}
	}
	exactlyFrom(t, got.eventSeqs(scope), pos.Seq, head.Seq)
	if s.Gaps() != 0 {
		t.Fatalf("%d gaps", s.Gaps())
	}
}

// smallBuffers dials with a 32 KiB receive buffer, so that a client that
// reads slowly soon leaves the server's queue, not the kernel, holding what
// it has not read.
func smallBuffers(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 32<<10) })
		return errors.Join(err, serr)
	}}
	return d.DialContext(ctx, network, addr)
}

// A member reading slowly while 1,000 events are committed is closed with
// 4000 each time its queue (8 frames here) overflows; resuming after each,
// it receives every event exactly once, in order, in a bounded number of
// connections. (Before, an overflowing connection went on sending later
// frames after dropping one, so events were lost for good.)
func TestSlowReaderResumesWithoutLoss(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], map[string]string{"ECABINET_WS_QUEUE": "8"})
	m, _ := meeting(t, e)
	scope := ecabinet.MeetingScope(m.ID)
	// Large frames: the absence reason carries 500 characters.
	reason := strings.Repeat("Công tác nước ngoài ", 25)

	var got frameLog
	c := e.Login(t, "member05")
	s, err := c.Connect(context.Background(), client.StreamOptions{OnFrame: got.add, NetDial: smallBuffers})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	subscribe(t, s, scope)
	start := s.Position(scope).Seq

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	produced, behind := make(chan int64, 1), make(chan struct{})
	go func() {
		svc := store.NewMeetingService(e.App.DB)
		sec := e.As(t, "secretary1")
		for i := range 1000 {
			in := ecabinet.AttendanceInput{Status: ecabinet.AttendanceAbsent, Reason: fmt.Sprintf("%s%d", reason[:len(reason)-8], i)}
			if _, _, err := svc.SetAttendance(sec, m.ID, m.Invitees[i%len(m.Invitees)], in); err != nil {
				t.Error(err)
				break
			}
			if i == 300 {
				close(behind)
			}
		}
		head, _ := e.App.DB.Events().Head(context.Background(), scope)
		produced <- head.Seq
	}()
	last := int64(-1)
	err = s.Run(ctx, func(f *client.Frame) error {
		<-behind                         // the tablet looks away while 300 events are committed,
		time.Sleep(2 * time.Millisecond) // then reads slowly
		if last < 0 {
			select {
			case last = <-produced:
			default:
			}
		}
		if last >= 0 && s.Position(scope).Seq >= last {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("stream ended with %v at #%d", err, s.Position(scope).Seq)
	}
	exactlyFrom(t, got.eventSeqs(scope), start, last)
	resumes := got.count(func(f client.Frame) bool { return f.Type == "subscribed" && f.Mode == "replay" })
	if resumes == 0 {
		t.Fatal("the slow reader was never closed and resumed: the test does not exercise the overflow")
	}
	if resumes > 100 {
		t.Fatalf("%d resumes for 1,000 events", resumes)
	}
	t.Logf("1,000 events over %d connections", resumes+1)
}
