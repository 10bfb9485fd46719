package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/bus"
	"github.com/ecabinet/ecabinet/backend/testenv"
	"github.com/redis/go-redis/v9"
)

// recorder collects what a bus delivers.
type recorder struct {
	mu      sync.Mutex
	msgs    []string
	resyncs int
	signal  chan struct{}
}

func newRecorder() *recorder { return &recorder{signal: make(chan struct{}, 1024)} }

func (r *recorder) handlers() bus.Handlers {
	return bus.Handlers{
		OnMessage: func(ch string, data []byte) {
			r.mu.Lock()
			r.msgs = append(r.msgs, ch+"="+string(data))
			r.mu.Unlock()
			r.signal <- struct{}{}
		},
		OnResync: func() {
			r.mu.Lock()
			r.resyncs++
			r.mu.Unlock()
			r.signal <- struct{}{}
		},
	}
}

func (r *recorder) waitMessages(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		r.mu.Lock()
		got := append([]string(nil), r.msgs...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.signal:
		case <-deadline:
			t.Fatalf("got %d messages, want %d: %v", len(got), n, got)
		}
	}
}

// pair is a publishing bus and a subscribing bus. For the in-process bus
// they are the same instance; for Redis they are two instances.
type pair struct {
	pub, sub bus.Bus
	rec      *recorder
	// kill drops the subscriber's connection (Redis only).
	kill func(t *testing.T)
}

type factory func(t *testing.T) pair

func factories() map[string]factory {
	return map[string]factory{
		"local": func(t *testing.T) pair {
			rec := newRecorder()
			b := bus.NewLocal(rec.handlers())
			t.Cleanup(func() { _ = b.Close() })
			return pair{pub: b, sub: b, rec: rec}
		},
		"redis": func(t *testing.T) pair {
			client, prefix := testenv.Redis(t)
			ctx := context.Background()
			rec := newRecorder()
			// The subscriber has a client of its own, named, so the test can
			// kill exactly its connection.
			opt := *client.Options()
			opt.ClientName = prefix + "-sub"
			subClient := redis.NewClient(&opt)
			t.Cleanup(func() { _ = subClient.Close() })
			sub, err := bus.NewRedis(ctx, subClient, prefix, rec.handlers(), slog.Default())
			if err != nil {
				t.Fatal(err)
			}
			pub, err := bus.NewRedis(ctx, client, prefix, bus.Handlers{}, slog.Default())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sub.Close(); _ = pub.Close() })
			kill := func(t *testing.T) {
				// Kill the subscriber's connection, as a Redis restart would.
				list, err := client.ClientList(ctx).Result()
				if err != nil {
					t.Fatal(err)
				}
				killed := 0
				for _, line := range strings.Split(list, "\n") {
					if !strings.Contains(line, " name="+opt.ClientName+" ") {
						continue
					}
					id := strings.TrimPrefix(strings.Fields(line)[0], "id=")
					if err := client.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
						t.Fatal(err)
					}
					killed++
				}
				if killed == 0 {
					t.Fatal("no subscriber connection found to kill")
				}
			}
			return pair{pub: pub, sub: sub, rec: rec, kill: kill}
		},
	}
}

// TestContract runs the same behaviour against every bus.
func TestContract(t *testing.T) {
	for name, f := range factories() {
		t.Run(name, func(t *testing.T) {
			t.Run("delivers subscribed channels in order", func(t *testing.T) {
				p := f(t)
				ctx := context.Background()
				if err := p.sub.Subscribe(ctx, "meeting.1", "body.1"); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 100; i++ {
					if err := p.pub.Publish(ctx, "meeting.1", []byte(fmt.Sprint(i))); err != nil {
						t.Fatal(err)
					}
				}
				if err := p.pub.Publish(ctx, "meeting.2", []byte("not subscribed")); err != nil {
					t.Fatal(err)
				}
				if err := p.pub.Publish(ctx, "body.1", []byte("last")); err != nil {
					t.Fatal(err)
				}
				got := p.rec.waitMessages(t, 101)
				for i := 0; i < 100; i++ {
					if want := fmt.Sprintf("meeting.1=%d", i); got[i] != want {
						t.Fatalf("message %d = %q, want %q", i, got[i], want)
					}
				}
				if got[100] != "body.1=last" {
					t.Fatalf("last message = %q; a message of an unsubscribed channel arrived or order broke", got[100])
				}
			})
			t.Run("unsubscribe stops delivery", func(t *testing.T) {
				p := f(t)
				ctx := context.Background()
				if err := p.sub.Subscribe(ctx, "a", "b"); err != nil {
					t.Fatal(err)
				}
				if err := p.sub.Unsubscribe(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				_ = p.pub.Publish(ctx, "a", []byte("1"))
				_ = p.pub.Publish(ctx, "b", []byte("2"))
				_ = p.pub.Publish(ctx, "b", []byte("3"))
				// Delivery is in order, so once b=3 is in, a=1 would have been too.
				got := p.rec.waitMessages(t, 2)
				if len(got) != 2 || got[0] != "b=2" || got[1] != "b=3" {
					t.Fatalf("got %v, want only b=2 and b=3", got)
				}
			})
			t.Run("ping", func(t *testing.T) {
				p := f(t)
				if err := p.sub.Ping(context.Background()); err != nil {
					t.Fatal(err)
				}
			})
			t.Run("closed bus refuses", func(t *testing.T) {
				p := f(t)
				_ = p.pub.Close()
				if err := p.pub.Publish(context.Background(), "x", []byte("y")); err == nil {
					t.Fatal("publish on a closed bus succeeded")
				}
			})
			t.Run("reconnect resubscribes and asks for a resync", func(t *testing.T) {
				p := f(t)
				if p.kill == nil {
					t.Skip("the in-process bus has no connection to lose")
				}
				ctx := context.Background()
				if err := p.sub.Subscribe(ctx, "meeting.9"); err != nil {
					t.Fatal(err)
				}
				_ = p.pub.Publish(ctx, "meeting.9", []byte("before"))
				p.rec.waitMessages(t, 1)
				p.kill(t)
				// Publish until the resubscribed connection delivers again.
				deadline := time.Now().Add(10 * time.Second)
				for {
					_ = p.pub.Publish(ctx, "meeting.9", []byte("after"))
					p.rec.mu.Lock()
					n, resyncs := len(p.rec.msgs), p.rec.resyncs
					p.rec.mu.Unlock()
					if n >= 2 && resyncs >= 1 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("after the connection was killed: %d messages, %d resyncs", n, resyncs)
					}
					time.Sleep(50 * time.Millisecond)
				}
			})
		})
	}
}
