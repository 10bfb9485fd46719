package hub

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func benchEvent() *ecabinet.Event {
	agenda := make([]map[string]any, 8)
	for i := range agenda {
		agenda[i] = map[string]any{"id": i + 1, "position": i + 1, "title": "Tờ trình dự án Luật sửa đổi, bổ sung một số điều", "summary": "Bộ Tư pháp trình",
			"status": "pending", "planned_minutes": 30}
	}
	data, _ := json.Marshal(map[string]any{"agenda": agenda})
	return &ecabinet.Event{Scope: ecabinet.MeetingScope(12), Epoch: "k3v9abcdefgh", Seq: 41, Type: "agenda.updated",
		At: time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC), Data: data, Visibility: ecabinet.Public}
}

// BenchmarkEncodeEvent is the frame made once per event for every
// connection of an instance.
func BenchmarkEncodeEvent(b *testing.B) {
	e := benchEvent()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := encodeEvent(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBusEvent is the dispatcher's decoding of an event from
// the bus, once per event and instance.
func BenchmarkDecodeBusEvent(b *testing.B) {
	raw, _ := json.Marshal(benchEvent())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var e ecabinet.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeliver is the dispatcher's fan-out of one event to the 50
// subscribers of a session: the per-member filter and the hand-off of the
// shared frame to each connection's queue (drained here as a writer would).
func BenchmarkDeliver(b *testing.B) {
	h := New(Options{QueueSize: 256})
	scope := ecabinet.MeetingScope(12)
	st := &scopeState{scope: scope, subs: map[*sub]struct{}{}, ready: true}
	var conns []*Conn
	for i := 0; i < 50; i++ {
		c := &Conn{hub: h, actor: ecabinet.Actor{MemberID: int64(i + 1), BodyID: 1, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone},
			ended: true} // no writer starts: the loop below takes the queue as a writer would
		conns = append(conns, c)
		st.subs[&sub{conn: c, scope: scope, live: true}] = struct{}{}
	}
	e := benchEvent()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.Seq = int64(i + 1)
		h.deliver(st, e)
		for _, c := range conns { // what the writer does
			c.qmu.Lock()
			c.queue = c.queue[:0]
			c.qmu.Unlock()
			c.pending.Store(0)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(conns)), "ns/delivery")
}
