package bus

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a bus over Redis pub/sub, shared by every instance that uses the
// same Redis and prefix: one server, a primary that Sentinels fail over
// (the client reconnects to the one they elect) or a Cluster (PUBLISH
// reaches every node). go-redis reconnects and resubscribes by itself;
// Redis tells the subscriber nothing of what was published meanwhile, so
// after a reconnect OnResync runs and the caller repairs from the log.
type Redis struct {
	client redis.UniversalClient
	prefix string
	h      Handlers
	log    *slog.Logger
	ps     *redis.PubSub

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	closed atomic.Bool
}

// receiveTimeout is how long the receiver waits before it pings the
// connection, so a silently dead connection is noticed.
const receiveTimeout = 10 * time.Second

// NewRedis subscribes to a control channel (so a reconnect is always seen)
// and starts delivering to h. Channel names are prefixed with prefix + ":".
func NewRedis(ctx context.Context, client redis.UniversalClient, prefix string, h Handlers, log *slog.Logger) (*Redis, error) {
	r := &Redis{client: client, prefix: prefix + ":", h: h, log: log.With("component", "bus")}
	r.ps = client.Subscribe(ctx, r.prefix+"ctl")
	// Wait for the confirmation so Publish after NewRedis is seen.
	if _, err := r.ps.ReceiveTimeout(ctx, 5*time.Second); err != nil {
		_ = r.ps.Close()
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.done = make(chan struct{})
	go r.run(rctx)
	return r, nil
}

func (r *Redis) run(ctx context.Context) {
	defer close(r.done)
	lost := false
	backoff := 50 * time.Millisecond
	for {
		msg, err := r.ps.ReceiveTimeout(ctx, receiveTimeout)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Quiet line: ping it; a dead connection fails the next receive.
				if perr := r.ps.Ping(ctx); perr != nil {
					lost = true
				}
				continue
			}
			if !lost {
				r.log.Warn("redis subscription lost; reconnecting", "err", err)
			}
			lost = true
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		switch m := msg.(type) {
		case *redis.Subscription:
			if lost && m.Kind == "subscribe" {
				lost = false
				r.log.Info("redis subscription restored; resynchronising")
				if r.h.OnResync != nil {
					r.h.OnResync()
				}
			}
		case *redis.Message:
			if lost {
				// Messages flow again, so the connection is back even if the
				// confirmation was not seen.
				lost = false
				if r.h.OnResync != nil {
					r.h.OnResync()
				}
			}
			ch := strings.TrimPrefix(m.Channel, r.prefix)
			if ch != "ctl" && r.h.OnMessage != nil {
				r.h.OnMessage(ch, []byte(m.Payload))
			}
		}
	}
}

func (r *Redis) names(channels []string) []string {
	out := make([]string, len(channels))
	for i, c := range channels {
		out[i] = r.prefix + c
	}
	return out
}

// Publish sends data on channel.
func (r *Redis) Publish(ctx context.Context, channel string, data []byte) error {
	if r.closed.Load() {
		return ErrClosed
	}
	cmd := r.publish(ctx, channel, data)
	_ = r.client.Process(ctx, cmd)
	return cmd.Err()
}

// PublishAll sends msgs in one pipeline: per node, in order, in one round
// trip.
func (r *Redis) PublishAll(ctx context.Context, msgs []Message) error {
	if r.closed.Load() {
		return ErrClosed
	}
	if len(msgs) == 0 {
		return nil
	}
	pipe := r.client.Pipeline()
	for _, m := range msgs {
		_ = pipe.Process(ctx, r.publish(ctx, m.Channel, m.Data))
	}
	_, err := pipe.Exec(ctx)
	return err
}

// publish is the PUBLISH of data on channel. PUBLISH names no key, so a
// Redis Cluster client sends it to any node, and messages of one channel
// published on two nodes reach a subscriber on a third in either order.
// Routing by the channel's slot publishes every message of a channel from
// the same node, so they arrive in the order they were published (one
// server ignores this).
func (r *Redis) publish(ctx context.Context, channel string, data []byte) *redis.IntCmd {
	cmd := redis.NewIntCmd(ctx, "publish", r.prefix+channel, data)
	cmd.SetFirstKeyPos(1)
	return cmd
}

// Subscribe starts delivery of channels.
func (r *Redis) Subscribe(ctx context.Context, channels ...string) error {
	if len(channels) == 0 {
		return nil
	}
	return r.ps.Subscribe(ctx, r.names(channels)...)
}

// Unsubscribe stops delivery of channels.
func (r *Redis) Unsubscribe(ctx context.Context, channels ...string) error {
	if len(channels) == 0 {
		return nil
	}
	return r.ps.Unsubscribe(ctx, r.names(channels)...)
}

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if r.closed.Load() {
		return ErrClosed
	}
	return r.client.Ping(ctx).Err()
}

// Close stops the subscription; no handler runs after it returns.
func (r *Redis) Close() error {
	var err error
	r.once.Do(func() {
		r.closed.Store(true)
		r.cancel()
		err = r.ps.Close()
		<-r.done
	})
	return err
}
