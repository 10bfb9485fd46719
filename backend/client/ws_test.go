package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/fasthttp/websocket"
)

// A client holds the server to its order: an event whose prev is not the
// position held means events were skipped, so the client drops it and
// resubscribes from the last contiguous position, and the server's replay
// fills the hole. Every frame stays visible to OnFrame.
func TestStreamResumesAfterAJump(t *testing.T) {
	subscribes := make(chan map[string]any, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		send := func(frame string) { _ = conn.WriteMessage(websocket.TextMessage, []byte(frame)) }
		send(`{"type":"hello","v":1,"member_id":5,"instance":"test","heartbeat_ms":25000}`)
		for n := 0; ; n++ {
			var f map[string]any
			if err := conn.ReadJSON(&f); err != nil {
				return
			}
			subscribes <- f
			if n == 0 {
				send(`{"type":"subscribed","ref":"` + f["ref"].(string) + `","scope":"meeting:1","epoch":"e","seq":5,"mode":"snapshot"}`)
				send(`{"type":"snapshot","scope":"meeting:1","epoch":"e","seq":5,"data":{}}`)
				send(`{"prev":5,"type":"event","scope":"meeting:1","epoch":"e","seq":6,"event":"x","data":{}}`)
				send(`{"prev":7,"type":"event","scope":"meeting:1","epoch":"e","seq":8,"event":"x","data":{}}`) // #7 is missing
				continue
			}
			send(`{"prev":7,"type":"event","scope":"meeting:1","epoch":"e","seq":8,"event":"x","data":{}}`) // still the old stream
			send(`{"type":"subscribed","ref":"` + f["ref"].(string) + `","scope":"meeting:1","epoch":"e","seq":6,"mode":"replay"}`)
			send(`{"prev":6,"type":"event","scope":"meeting:1","epoch":"e","seq":7,"event":"x","data":{}}`)
			send(`{"prev":7,"type":"event","scope":"meeting:1","epoch":"e","seq":8,"event":"x","data":{}}`)
		}
	}))
	defer srv.Close()

	seen := 0
	c := client.New(srv.URL)
	s, err := c.Connect(context.Background(), client.StreamOptions{OnFrame: func(*client.Frame) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	scope := ecabinet.MeetingScope(1)
	if err := s.Subscribe(scope); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var events []int64
	for len(events) < 3 {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("after events %v: %v", events, err)
		}
		if f.Type == "event" {
			events = append(events, f.Seq)
		}
	}
	if want := []int64{6, 7, 8}; !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	<-subscribes
	again := <-subscribes
	if again["last_seq"] != json.Number("6") && again["last_seq"] != float64(6) {
		t.Fatalf("resubscribed with %v, want last_seq 6", again)
	}
	if s.Gaps() != 1 || seen != 8 {
		t.Fatalf("%d gaps, %d frames seen; want 1 and 8", s.Gaps(), seen)
	}
}
