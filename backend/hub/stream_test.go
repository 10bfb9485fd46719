package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// FuzzStreamIsContiguous drives a hub over random queue sizes, socket
// buffers, reader speeds, visibility filters, event counts and starting
// positions, with events committed while the client replays and reads. It
// holds the stream guarantee: on every connection each event follows the
// frame of its scope sent before it (no hole), none is invisible to the
// member, and over every reconnect (after CloseResume) the client receives
// each event it may see after its start exactly once.
func FuzzStreamIsContiguous(f *testing.F) {
	for seed := range uint64(24) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		log := newMemLog()
		h := testHub(t, log, Options{QueueSize: 1 + rnd.IntN(24), ReplayLimit: 100000})
		scope := ecabinet.MeetingScope(1)
		actor := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
		if rnd.IntN(3) == 0 {
			actor.Clearance = ecabinet.ClassSecret
		}
		visibilities := []ecabinet.Visibility{ecabinet.Public, {MinClearance: ecabinet.ClassSecret},
			{MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceSecretariat}, {MinClearance: ecabinet.ClassNone, Audience: ecabinet.AudienceMember(7)}}
		total, before := 1+rnd.IntN(300), 0
		before = rnd.IntN(total + 1)
		for range before {
			log.append(scope, visibilities[rnd.IntN(len(visibilities))])
		}
		c := &fakeClient{h: h, actor: actor, scope: scope, buffer: 1 + rnd.IntN(8),
			delay: []time.Duration{0, 0, 20 * time.Microsecond, 200 * time.Microsecond}[rnd.IntN(4)]}
		if before > 0 && rnd.IntN(2) == 0 {
			c.pos = ecabinet.Position{Epoch: log.epoch, Seq: int64(rnd.IntN(before)) + 1} // resume from a position held
		}
		produced := make(chan struct{})
		go func() {
			defer close(produced)
			for range total - before {
				log.append(scope, visibilities[rnd.IntN(len(visibilities))])
				if rnd.IntN(4) == 0 {
					time.Sleep(time.Duration(rnd.IntN(200)) * time.Microsecond)
				}
			}
		}()
		lastVisible := int64(-1)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err := c.follow(ctx, func(p ecabinet.Position) bool {
			select {
			case <-produced:
			default:
				return false
			}
			if lastVisible < 0 {
				lastVisible = 0
				for _, e := range log.events[scope] {
					if e.VisibleTo(actor) {
						lastVisible = e.Seq
					}
				}
			}
			return p.Seq >= lastVisible
		})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		// From the start (the position first held, or the last snapshot:
		// a client resuming without a position gets one), every event the
		// member may see, exactly once; none twice before it either.
		var want []int64
		for _, e := range log.events[scope] {
			if e.Seq > c.start && e.VisibleTo(actor) {
				want = append(want, e.Seq)
			}
		}
		for _, s := range want {
			if c.received[s] != 1 {
				t.Fatalf("seed %d: event #%d received %d times (start %d, position %+v, connections %d, closes %v)", seed, s, c.received[s], c.start, c.pos, c.conns, c.closes)
			}
		}
		for s := range c.received {
			if !log.events[scope][s-1].VisibleTo(actor) {
				t.Fatalf("seed %d: event #%d is not for this member", seed, s)
			}
		}
		for s, n := range c.received {
			if n > 1 {
				t.Fatalf("seed %d: event #%d received %d times", seed, s, n)
			}
		}
		t.Logf("seed %d: %d events, %d connections, closes %v", seed, len(want), c.conns, c.closes)
	})
}

// The dispatcher never waits on the database: while the log read that
// repairs one scope's gap hangs (a vacuum, a lock, a failover), events of
// other scopes are delivered; once the read returns, the stuck scope
// catches up, in order.
func TestDispatcherNeverWaitsOnTheLog(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{PollInterval: time.Hour})
	member := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
	stuck, free := ecabinet.MeetingScope(1), ecabinet.MeetingScope(2)
	log.append(stuck, ecabinet.Public)
	log.append(free, ecabinet.Public)
	follow := func(scope ecabinet.Scope, upTo int64) chan error {
		c := &fakeClient{h: h, actor: member, scope: scope, buffer: 64}
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done <- c.follow(ctx, func(p ecabinet.Position) bool { return p.Seq >= upTo })
		}()
		return done
	}
	// Both subscribed and live, at seq 1.
	if err := <-follow(stuck, 1); err != nil {
		t.Fatal(err)
	}
	stuckDone, freeDone := follow(stuck, 4), follow(free, 6)
	time.Sleep(50 * time.Millisecond) // both connections subscribe and go live

	release := make(chan struct{})
	log.mu.Lock()
	log.block[stuck] = release
	log.skip = func(e *ecabinet.Event) bool { return e.Scope == stuck && e.Seq == 2 } // the bus loses #2
	log.mu.Unlock()
	log.append(stuck, ecabinet.Public) // #2, lost
	log.append(stuck, ecabinet.Public) // #3: a gap, whose repair now hangs
	for range 5 {
		log.append(free, ecabinet.Public)
	}
	select {
	case err := <-freeDone:
		if err != nil {
			t.Fatalf("the other scope while the repair hangs: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a hanging log read of one scope held every other scope")
	}
	select {
	case err := <-stuckDone:
		t.Fatalf("the stuck scope went on without its repair: %v", err)
	default:
	}
	log.append(stuck, ecabinet.Public) // #4
	close(release)
	if err := <-stuckDone; err != nil {
		t.Fatalf("the stuck scope after the read returned: %v", err)
	}
}

// wireFrame is what the tests read of a server frame.
type wireFrame struct {
	Type, Code, Mode string
	Seq              int64
}

// drain returns what the server wrote on sock until it closed it (or the
// time is up), in order.
func drain(t *testing.T, sock *fakeSocket, within time.Duration) []wireMsg {
	t.Helper()
	var out []wireMsg
	deadline := time.After(within)
	for {
		select {
		case m := <-sock.wire:
			out = append(out, m)
			if m.code != 0 {
				return out
			}
		case <-deadline:
			return out
		}
	}
}

// Once a connection's queue overflows, nothing more is written to it but
// the close, whose reason gives the last seq written per scope: exactly
// the last event the client received.
func TestOverflowWritesOnlyTheClose(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{QueueSize: 4})
	scope := ecabinet.MeetingScope(3)
	log.append(scope, ecabinet.Public)
	c := &fakeClient{h: h, actor: ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}, scope: scope, buffer: 2}
	sock := c.connect()
	defer sock.Close()
	// The client reads nothing while 50 events are committed.
	time.Sleep(50 * time.Millisecond)
	for range 50 {
		log.append(scope, ecabinet.Public)
	}
	msgs := drain(t, sock, 5*time.Second)
	last := msgs[len(msgs)-1]
	if last.code != CloseResume {
		t.Fatalf("the connection was not closed with %d: last message %+v", CloseResume, last)
	}
	var lastSeq int64
	for _, m := range msgs[:len(msgs)-1] {
		var f wireFrame
		if err := json.Unmarshal(m.data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "event" || f.Type == "snapshot" {
			lastSeq = f.Seq
		}
	}
	if want := fmt.Sprintf("behind %s=%d", scope, lastSeq); last.reason != want {
		t.Fatalf("close reason %q, want %q", last.reason, want)
	}
	if lastSeq >= 51 {
		t.Fatalf("the client got everything (#%d): the queue never overflowed", lastSeq)
	}
	select {
	case m := <-sock.wire:
		t.Fatalf("written after the close: %+v", m)
	case <-time.After(100 * time.Millisecond):
	}
}

// A connection that subscribes again and again gets a snapshot (a read of
// the database) for the first subscribeBurst only; the others are refused
// with rate_limited at no cost. (Before, 2,000 subscribes gave 2,000
// snapshots.)
func TestRepeatedSubscribesAreBounded(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{QueueSize: 1024})
	scope := ecabinet.MeetingScope(4)
	log.append(scope, ecabinet.Public)
	sock := newFakeSocket(4096)
	defer sock.Close()
	go h.serve(sock, ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}, "")
	frame, _ := json.Marshal(ClientFrame{Type: "subscribe", Scope: scope})
	const n = 200
	for range n {
		sock.in <- frame
	}
	snapshots, refused := 0, 0
	deadline := time.After(10 * time.Second)
	for snapshots+refused < n {
		select {
		case m := <-sock.wire:
			var f wireFrame
			_ = json.Unmarshal(m.data, &f)
			switch {
			case f.Type == "snapshot":
				snapshots++
			case f.Type == "error" && f.Code == ecabinet.ERATELIMITED:
				refused++
			}
		case <-deadline:
			t.Fatalf("%d snapshots and %d refusals of %d subscribes", snapshots, refused, n)
		}
	}
	if snapshots > subscribeBurst+2 {
		t.Fatalf("%d snapshots for %d subscribes sent at once", snapshots, n)
	}
}

// expiredSignIns says the sign-in "gone" has ended.
type expiredSignIns struct{}

func (expiredSignIns) Check(_ context.Context, tokenHash string) error {
	if tokenHash == "gone" {
		return ecabinet.Errorf(ecabinet.EUNAUTHENTICATED, "session_expired")
	}
	return nil
}

// An idle connection holds no writer: the hub pings every connection at
// once, a writer starts for the ping and leaves; and the hub's recheck of
// sign-ins closes the connection of one that ended with 4401, the others
// staying open.
func TestHubWideHeartbeatAndSignInCheck(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{Heartbeat: 20 * time.Millisecond, SignInCheck: 50 * time.Millisecond, SignIns: expiredSignIns{}})
	member := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
	kept, gone := newFakeSocket(16), newFakeSocket(16)
	defer kept.Close()
	go h.serve(kept, member, "kept")
	go h.serve(gone, member, "gone")
	msgs := drain(t, gone, 5*time.Second)
	if last := msgs[len(msgs)-1]; last.code != CloseSignedOut {
		t.Fatalf("the connection of an ended sign-in: last message %+v", last)
	}
	<-kept.wire // hello
	deadline := time.Now().Add(5 * time.Second)
	for kept.pings.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d pings in 5 s at a heartbeat of 20 ms", kept.pings.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var c *Conn
	for _, x := range h.connections() {
		if x.tokenHash == "kept" {
			c = x
		}
	}
	if c == nil {
		t.Fatal("the connection of a valid sign-in was closed")
	}
	for time.Now().Before(deadline) {
		c.qmu.Lock()
		idle := !c.writing
		c.qmu.Unlock()
		if idle {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("an idle connection kept its writer")
}

// A client resuming at or behind where this instance stands in the scope
// (a tablet reconnecting, thousands at once after a restart) costs no read
// of the log's head: only the first subscriber of a scope reads it.
func TestResumeAtTheHeadReadsNoHead(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{PollInterval: time.Hour})
	scope := ecabinet.MeetingScope(5)
	for range 3 {
		log.append(scope, ecabinet.Public)
	}
	member := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
	first := &fakeClient{h: h, actor: member, scope: scope, buffer: 16}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() { _ = first.follow(ctx, func(ecabinet.Position) bool { return false }) }() // stays subscribed
	deadline := time.Now().Add(5 * time.Second)
	for log.heads.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // its own sync's head read, if any
	before := log.heads.Load()
	for _, from := range []int64{3, 2} {
		c := &fakeClient{h: h, actor: member, scope: scope, buffer: 16, pos: ecabinet.Position{Epoch: log.epoch, Seq: from}}
		if err := c.follow(ctx, func(p ecabinet.Position) bool { return p.Seq >= 3 }); err != nil {
			t.Fatal(err)
		}
	}
	if n := log.heads.Load() - before; n != 0 {
		t.Fatalf("%d reads of the head for two clients resuming behind the instance", n)
	}
}

// A client that stops reading while its socket buffers are full holds a
// write; the hub's watchdog closes its connection once the write has taken
// WriteTimeout, and its handler returns, while a client that reads the
// same frames as they come, for five times as long, stays connected. The
// socket here stands for the kernel's: it never times a write out by
// itself before 5 s.
func TestStuckWriteIsClosed(t *testing.T) {
	log := newMemLog()
	h := testHub(t, log, Options{QueueSize: 1024, WriteTimeout: 80 * time.Millisecond})
	scope := ecabinet.MeetingScope(5)
	log.append(scope, ecabinet.Public)
	member := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
	stuck := (&fakeClient{h: h, actor: member, scope: scope, buffer: 1}).connect()
	defer stuck.Close()
	reading := &fakeClient{h: h, actor: member, scope: scope, buffer: 1}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- reading.follow(ctx, func(p ecabinet.Position) bool { return p.Seq == 21 })
	}()
	for len(h.connections()) < 2 {
		time.Sleep(time.Millisecond)
	}
	for range 20 {
		log.append(scope, ecabinet.Public)
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-stuck.closed:
	case <-time.After(3 * time.Second):
		t.Fatal("a connection whose write is stuck was not closed within 3 s")
	}
	if err := <-done; err != nil {
		t.Fatalf("the reading client: %v", err)
	}
	if reading.conns != 1 {
		t.Fatalf("the reading client (a frame each 20 ms, 400 ms in all) needed %d connections", reading.conns)
	}
	if reading.received[21] != 1 {
		t.Fatalf("the reading client received #21 %d times", reading.received[21])
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(h.connections()) > 1 {
		if time.Now().After(deadline) {
			t.Fatal("the handler of the closed connection did not return")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The hub pings its connections a slice at a time, each once per heartbeat
// period: pinging thousands of sockets in one moment held up every
// delivery and request that came then, once a period.
func TestHeartbeatIsSpreadOverItsPeriod(t *testing.T) {
	h := testHub(t, newMemLog(), Options{Heartbeat: time.Hour}) // the test beats
	member := ecabinet.Actor{MemberID: 7, BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone}
	const n = 2 * heartbeatSlices
	socks := make([]*fakeSocket, n)
	for i := range socks {
		socks[i] = newFakeSocket(16)
		defer socks[i].Close()
		go h.serve(socks[i], member, "token")
		<-socks[i].wire // hello: registered
	}
	pings := func() (total int32, most int32) {
		for _, s := range socks {
			p := s.pings.Load()
			total += p
			most = max(most, p)
		}
		return total, most
	}
	// settled waits until want pings were written (writers are goroutines).
	settled := func(want int32) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			total, most := pings()
			if total == want && most <= 1 {
				time.Sleep(20 * time.Millisecond) // and no more come
				if again, _ := pings(); again == want {
					return
				}
			}
			if total > want || most > 1 || time.Now().After(deadline) {
				t.Fatalf("%d pings (at most %d to one connection), want %d, one each at most", total, most, want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	h.heartbeat()
	settled(n / heartbeatSlices)
	for range heartbeatSlices - 1 {
		h.heartbeat()
	}
	settled(n) // a whole period: every connection once
}
