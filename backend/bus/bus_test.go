package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// factories returns the buses under test; the Redis Cluster (three nodes
// of the test's own) lives for the whole of t.
func factories(t *testing.T) map[string]factory {
	cluster := testenv.StartCluster(t)
	return map[string]factory{
		"local": func(t *testing.T) pair {
			rec := newRecorder()
			b := bus.NewLocal(rec.handlers())
			t.Cleanup(func() { _ = b.Close() })
			return pair{pub: b, sub: b, rec: rec}
		},
		"redis": func(t *testing.T) pair {
			client, prefix := testenv.Redis(t)
			opt := *client.Options()
			return redisPair(t, prefix, func(name string) redis.UniversalClient {
				o := opt
				o.ClientName = name
				return redis.NewClient(&o)
			}, func(ctx context.Context, each func(*redis.Client) error) error { return each(client) })
		},
		"redis-cluster": func(t *testing.T) pair {
			prefix := testenv.RandomName("ecabtest")
			admin := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs()})
			t.Cleanup(func() { _ = admin.Close() })
			return redisPair(t, prefix, func(name string) redis.UniversalClient {
				return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs(), ClientName: name})
			}, func(ctx context.Context, each func(*redis.Client) error) error {
				return admin.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return each(c) })
			})
		},
	}
}

// redisPair makes a publishing and a subscribing bus, each with a client of
// its own from newClient; the subscriber's is named, so that kill can end
// exactly its connections on every server forEach visits.
func redisPair(t *testing.T, prefix string, newClient func(name string) redis.UniversalClient,
	forEach func(context.Context, func(*redis.Client) error) error) pair {
	ctx := context.Background()
	rec := newRecorder()
	subName := prefix + "-sub"
	subClient, pubClient := newClient(subName), newClient(prefix+"-pub")
	t.Cleanup(func() { _ = subClient.Close(); _ = pubClient.Close() })
	sub, err := bus.NewRedis(ctx, subClient, prefix, rec.handlers(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := bus.NewRedis(ctx, pubClient, prefix, bus.Handlers{}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close(); _ = pub.Close() })
	kill := func(t *testing.T) {
		// Kill the subscriber's connection, as a Redis restart would.
		var killed atomic.Int32 // forEach may visit servers concurrently
		err := forEach(ctx, func(c *redis.Client) error {
			list, err := c.ClientList(ctx).Result()
			if err != nil {
				return err
			}
			for _, line := range strings.Split(list, "\n") {
				if !strings.Contains(line, " name="+subName+" ") {
					continue
				}
				id := strings.TrimPrefix(strings.Fields(line)[0], "id=")
				if err := c.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
					return err
				}
				killed.Add(1)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if killed.Load() == 0 {
			t.Fatal("no subscriber connection found to kill")
		}
	}
	return pair{pub: pub, sub: sub, rec: rec, kill: kill}
}

// TestContract runs the same behaviour against every bus.
func TestContract(t *testing.T) {
	for name, f := range factories(t) {
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
				// Order holds per channel: a Cluster delivers channels
				// published on different nodes in either order.
				p.rec.waitMessages(t, 101)
				time.Sleep(100 * time.Millisecond) // let a wrong message arrive
				got := p.rec.waitMessages(t, 101)
				var meeting1 []string
				last := false
				for _, m := range got {
					switch {
					case strings.HasPrefix(m, "meeting.1="):
						meeting1 = append(meeting1, m)
					case m == "body.1=last":
						last = true
					default:
						t.Fatalf("unexpected message %q", m)
					}
				}
				for i := 0; i < 100; i++ {
					if want := fmt.Sprintf("meeting.1=%d", i); meeting1[i] != want {
						t.Fatalf("message %d of meeting.1 = %q, want %q (all: %v)", i, meeting1[i], want, got)
					}
				}
				if len(meeting1) != 100 || !last {
					t.Fatalf("got %v", got)
				}
			})
			t.Run("publishes a batch in order per channel", func(t *testing.T) {
				p := f(t)
				ctx := context.Background()
				channels := []string{"meeting.1", "meeting.2", "body.1", "body.2"}
				if err := p.sub.Subscribe(ctx, channels...); err != nil {
					t.Fatal(err)
				}
				var msgs []bus.Message
				for i := 0; i < 200; i++ {
					c := channels[i%len(channels)]
					msgs = append(msgs, bus.Message{Channel: c, Data: []byte(fmt.Sprint(i))})
				}
				msgs = append(msgs, bus.Message{Channel: "meeting.3", Data: []byte("not subscribed")})
				if err := p.pub.PublishAll(ctx, msgs[:150]); err != nil {
					t.Fatal(err)
				}
				if err := p.pub.PublishAll(ctx, msgs[150:]); err != nil {
					t.Fatal(err)
				}
				p.rec.waitMessages(t, 200)
				time.Sleep(100 * time.Millisecond) // let a wrong message arrive
				got := p.rec.waitMessages(t, 200)
				if len(got) != 200 {
					t.Fatalf("%d messages, want 200: %v", len(got), got)
				}
				next := map[string]int{}
				for _, m := range got {
					c, v, _ := strings.Cut(m, "=")
					i := slices.Index(channels, c)
					if i < 0 {
						t.Fatalf("unexpected message %q", m)
					}
					if want := fmt.Sprint(next[c]*len(channels) + i); v != want {
						t.Fatalf("on %s, %s after %d messages, want %s (all: %v)", c, v, next[c], want, got)
					}
					next[c]++
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
				if err := p.pub.PublishAll(context.Background(), []bus.Message{{Channel: "x", Data: []byte("y")}}); err == nil {
					t.Fatal("a batch published on a closed bus")
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
