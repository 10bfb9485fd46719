package bus

import (
	"context"
	"errors"
	"sync"
)

// Local is an in-process bus for a single instance.
type Local struct {
	h     Handlers
	queue chan localMsg
	done  chan struct{}
	once  sync.Once

	mu   sync.RWMutex // guards subs
	subs map[string]bool

	// closeMu guards closed: Publish never sends on queue after Close. It is
	// apart from mu so that a Publish waiting on a full queue never blocks
	// the delivery goroutine.
	closeMu sync.RWMutex
	closed  bool
}

type localMsg struct {
	channel string
	data    []byte
}

// ErrClosed is returned by a closed bus.
var ErrClosed = errors.New("bus: closed")

// NewLocal returns a running in-process bus. Messages are delivered on one
// goroutine in publication order; a full queue makes Publish wait.
func NewLocal(h Handlers) *Local {
	l := &Local{h: h, queue: make(chan localMsg, 4096), done: make(chan struct{}), subs: make(map[string]bool)}
	go l.run()
	return l
}

func (l *Local) run() {
	defer close(l.done)
	for m := range l.queue {
		l.mu.RLock()
		ok := l.subs[m.channel]
		l.mu.RUnlock()
		if ok && l.h.OnMessage != nil {
			l.h.OnMessage(m.channel, m.data)
		}
	}
}

// PublishAll publishes msgs one after the other.
func (l *Local) PublishAll(ctx context.Context, msgs []Message) error {
	for _, m := range msgs {
		if err := l.Publish(ctx, m.Channel, m.Data); err != nil {
			return err
		}
	}
	return nil
}

// Publish queues data for delivery.
func (l *Local) Publish(ctx context.Context, channel string, data []byte) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	select {
	case l.queue <- localMsg{channel: channel, data: data}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Subscribe starts delivery of channels.
func (l *Local) Subscribe(ctx context.Context, channels ...string) error {
	if err := l.Ping(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range channels {
		l.subs[c] = true
	}
	return nil
}

// Unsubscribe stops delivery of channels.
func (l *Local) Unsubscribe(_ context.Context, channels ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range channels {
		delete(l.subs, c)
	}
	return nil
}

// Ping always succeeds on an open bus.
func (l *Local) Ping(context.Context) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	return nil
}

// Close stops delivery after the queued messages.
func (l *Local) Close() error {
	l.once.Do(func() {
		l.closeMu.Lock()
		l.closed = true
		close(l.queue)
		l.closeMu.Unlock()
		<-l.done
	})
	return nil
}
