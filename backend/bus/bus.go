// Package bus carries committed events between server instances: Redis
// pub/sub when several instances share a Redis, or an in-process bus for a
// single instance. Both are at most once: a subscriber that may have missed
// messages is told to resynchronise (OnResync) and repairs the gap from the
// event log.
package bus

import "context"

// Bus publishes messages on channels and delivers those of subscribed
// channels to the handlers given at construction.
type Bus interface {
	// Publish sends data to every instance subscribed to channel.
	Publish(ctx context.Context, channel string, data []byte) error
	// PublishAll publishes msgs as Publish would, one after the other, in
	// one round trip to the server where there is one.
	PublishAll(ctx context.Context, msgs []Message) error
	// Subscribe starts delivery of channels' messages; subscribing twice is harmless.
	Subscribe(ctx context.Context, channels ...string) error
	// Unsubscribe stops delivery of channels' messages.
	Unsubscribe(ctx context.Context, channels ...string) error
	// Ping checks that the bus answers.
	Ping(ctx context.Context) error
	// Close stops the bus; no handler runs after Close returns.
	Close() error
}

// Message is data to publish on a channel.
type Message struct {
	Channel string
	Data    []byte
}

// Handlers receive what a bus delivers. They run on the bus's delivery
// goroutine, one message at a time, in the order of publication per channel.
type Handlers struct {
	// OnMessage is called for each message of a subscribed channel.
	OnMessage func(channel string, data []byte)
	// OnResync is called after the connection was lost and restored: messages
	// published in between are lost and must be repaired from the log.
	OnResync func()
}
