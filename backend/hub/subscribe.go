package hub

import (
	"context"
	"errors"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// A connection may subscribe subscribeBurst times at once, then once per
// subscribeEvery: each subscribe costs a snapshot or a replay from the
// database, and a client has a few scopes, not thousands.
const (
	subscribeBurst = 20
	subscribeEvery = time.Second
)

// errClosing ends a sync whose connection is closing.
var errClosing = errors.New("hub: connection closing")

// subscribe authorises the scope, attaches the subscription (the dispatcher
// now knows it, but delivers nothing to it yet), sends the snapshot or
// replays the missed events from the log at the pace the writer writes
// them, and hands off to live delivery once it has caught up with what this
// instance delivered.
func (c *Conn) subscribe(f ClientFrame) {
	if !c.subscribes.take(time.Now()) {
		c.sendError(f.Ref, f.Scope, ecabinet.Errorf(ecabinet.ERATELIMITED, "ws.subscribe_rate"))
		return
	}
	if _, _, err := f.Scope.Parse(); err != nil {
		c.sendError(f.Ref, f.Scope, err)
		return
	}
	if old := c.subs[f.Scope]; old != nil {
		c.hub.post(command{detach: old})
		delete(c.subs, f.Scope)
	}
	ctx, cancel := context.WithTimeout(ecabinet.NewContextWithActor(context.Background(), c.actor), c.hub.opts.SyncTimeout)
	defer cancel()
	if err := c.hub.opts.Scopes.Authorize(ctx, f.Scope); err != nil {
		c.refuse(f, err)
		return
	}
	s := &sub{conn: c, scope: f.Scope}
	r := c.hub.call(command{attach: s})
	if r.err != nil {
		c.refuse(f, r.err)
		return
	}
	c.subs[f.Scope] = s
	err := c.sync(ctx, s, f, r.head)
	if err == nil {
		return
	}
	c.hub.post(command{detach: s})
	delete(c.subs, f.Scope)
	switch {
	case errors.Is(err, errClosing):
	case ctx.Err() != nil:
		// Too slow to catch up within SyncTimeout: resume from what arrived.
		c.closeWith(CloseResume, reasonBehind)
	default:
		c.refuse(f, err)
	}
}

// refuse answers a subscribe that cannot go on. A refusal of the scope
// (not found, forbidden) is an error frame: the client drops the scope.
// Anything else (the database or the bus not answering) closes the
// connection with a retry hint, so that the client resumes every scope
// rather than silently losing one.
func (c *Conn) refuse(f ClientFrame, err error) {
	switch ecabinet.ErrorCode(err) {
	case ecabinet.EINTERNAL, ecabinet.EUNAVAILABLE:
		c.hub.log.Warn("subscription failed; the client retries", "member_id", c.actor.MemberID, "scope", f.Scope, "err", err)
		c.closeWith(CloseGoingAway, retryReason())
	default:
		c.sendError(f.Ref, f.Scope, err)
	}
}

// sync sends the client what it missed, then hands the subscription off.
// known is where this instance stands in the scope: a client resuming at
// or behind it needs no read of the log's head (the common case: a tablet
// reconnecting, thousands at once after a restart).
func (c *Conn) sync(ctx context.Context, s *sub, f ClientFrame, known ecabinet.Position) error {
	head := known
	if f.Epoch == "" || f.Epoch != known.Epoch || f.LastSeq > known.Seq {
		var err error
		if head, err = c.hub.opts.Log.Head(ctx, f.Scope); err != nil {
			return err
		}
	}
	epoch := head.Epoch
	replay := f.Epoch != "" && f.Epoch == head.Epoch && f.LastSeq > 0 && f.LastSeq <= head.Seq && head.Seq-f.LastSeq <= c.hub.opts.ReplayLimit
	if replay {
		if err := c.send(ctx, Subscribed{Type: "subscribed", Ref: f.Ref, Scope: f.Scope, Epoch: head.Epoch, Seq: f.LastSeq, Mode: ModeReplay}, positionFrame, f.Scope, f.LastSeq); err != nil {
			return err
		}
		s.pos, s.last = f.LastSeq, f.LastSeq
		if err := c.replay(ctx, s, epoch, head.Seq); err != nil {
			return err
		}
	} else {
		data, pos, err := c.hub.opts.Scopes.Snapshot(ctx, f.Scope)
		if err != nil {
			return err
		}
		epoch = pos.Epoch
		if err := c.send(ctx, Subscribed{Type: "subscribed", Ref: f.Ref, Scope: f.Scope, Epoch: pos.Epoch, Seq: pos.Seq, Mode: ModeSnapshot}, plainFrame, "", 0); err != nil {
			return err
		}
		if err := c.send(ctx, SnapshotFrame{Type: "snapshot", Scope: f.Scope, Epoch: pos.Epoch, Seq: pos.Seq, Data: data}, positionFrame, f.Scope, pos.Seq); err != nil {
			return err
		}
		s.pos, s.last = pos.Seq, pos.Seq
	}
	for {
		r := c.hub.call(command{handoff: s})
		if r.err != nil || r.behind == 0 {
			return r.err
		}
		if err := c.replay(ctx, s, epoch, r.behind); err != nil {
			return err
		}
	}
}

// replay sends the events of the log after s.pos up to upTo (those the
// member may see), in order, waiting for room in the queue before each
// chunk: a client reading at full speed gets every event on this
// connection, and a slow one is only ever behind, never skipped.
func (c *Conn) replay(ctx context.Context, s *sub, epoch string, upTo int64) error {
	chunk := max(1, c.hub.opts.QueueSize/2)
	for s.pos < upTo {
		events, err := c.hub.opts.Log.After(ctx, s.scope, s.pos, 1000)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		for len(events) > 0 {
			n := min(chunk, len(events))
			if err := c.waitRoom(ctx, n); err != nil {
				return err
			}
			for _, e := range events[:n] {
				if epoch == "" {
					epoch = e.Epoch // the scope's first events, after a snapshot of nothing
				}
				if e.Epoch != epoch {
					c.closeWith(CloseResume, "epoch") // the log was reset during the replay
					return errClosing
				}
				s.pos = e.Seq
				if !e.VisibleTo(c.actor) {
					continue
				}
				frame, err := encodeEvent(e)
				if err != nil {
					return err
				}
				if !c.enqueue(entry{frame: frame, kind: eventFrame, scope: s.scope, seq: e.Seq, prev: s.last}) {
					return errClosing
				}
				s.last = e.Seq
			}
			events = events[n:]
		}
	}
	return nil
}

// send queues one frame once the queue has room for it.
func (c *Conn) send(ctx context.Context, v any, kind entryKind, scope ecabinet.Scope, seq int64) error {
	if err := c.waitRoom(ctx, 1); err != nil {
		return err
	}
	if !c.enqueueFrame(v, kind, scope, seq) {
		return errClosing
	}
	return nil
}

// waitRoom waits until n more entries fit in the queue.
func (c *Conn) waitRoom(ctx context.Context, n int) error {
	for {
		if c.closing.Load() {
			return errClosing
		}
		if int(c.pending.Load())+n <= c.hub.opts.QueueSize {
			return nil
		}
		select {
		case <-c.room:
		case <-c.done:
			return errClosing
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *Conn) unsubscribe(f ClientFrame) {
	if s := c.subs[f.Scope]; s != nil {
		c.hub.post(command{detach: s})
		delete(c.subs, f.Scope)
	}
	c.enqueueJSON(Reply{Type: "unsubscribed", Ref: f.Ref, Scope: f.Scope})
}

// tokens is a token bucket: up to burst at once, one more every interval.
type tokens struct {
	n     float64
	burst float64
	every time.Duration
	at    time.Time
}

func newTokens(burst int, every time.Duration) tokens {
	return tokens{n: float64(burst), burst: float64(burst), every: every}
}

func (t *tokens) take(now time.Time) bool {
	if !t.at.IsZero() {
		t.n = min(t.burst, t.n+float64(now.Sub(t.at))/float64(t.every))
	}
	t.at = now
	if t.n < 1 {
		return false
	}
	t.n--
	return true
}
