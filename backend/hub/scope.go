package hub

import (
	"context"
	"sync"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// scopeState is a scope with local subscribers, owned by the dispatcher.
type scopeState struct {
	scope ecabinet.Scope
	subs  map[*sub]struct{}
	// ready: the bus delivers the scope and its head was read; until then
	// attaches wait in waiting and events from the bus only raise maxSeen.
	ready   bool
	waiting []chan reply
	epoch   string
	last    int64 // highest seq delivered to this instance's subscribers, in order
	maxSeen int64 // highest seq heard of (bus or poll); above last means a gap
	// repairing: a log read for the gap after last is under way.
	repairing bool
}

// sub is one connection's subscription. Until handoff its syncer (the
// connection's reader) owns pos and last; after it, the dispatcher does.
type sub struct {
	conn  *Conn
	scope ecabinet.Scope
	live  bool  // handed off: the dispatcher delivers to it
	pos   int64 // highest seq of the scope examined for this subscription
	last  int64 // highest seq sent to the connection: the prev of the next event frame
}

// event is a decoded event with its frame, encoded once for everyone.
type event struct {
	*ecabinet.Event
	frame []byte
}

// attach adds a subscription; the first of a scope has the bus subscribe
// to it and its head read (beside the dispatcher), and the reply waits
// until then.
func (h *Hub) attach(s *sub, rc chan reply) {
	st := h.scopes[s.scope]
	if st == nil {
		st = &scopeState{scope: s.scope, subs: map[*sub]struct{}{}}
		h.scopes[s.scope] = st
		h.opts.Metrics.Scopes.Inc()
		h.ops.push(busOp{st: st, subscribe: true})
	}
	st.subs[s] = struct{}{}
	if st.ready {
		rc <- reply{head: ecabinet.Position{Epoch: st.epoch, Seq: st.last}}
		return
	}
	st.waiting = append(st.waiting, rc)
}

// onReady ends a scope's start: the bus now delivers every event after
// head. Events heard of meanwhile are repaired from the log.
func (h *Hub) onReady(st *scopeState, head ecabinet.Position, err error) {
	if h.scopes[st.scope] != st {
		return // every subscriber left meanwhile
	}
	if err != nil {
		for _, rc := range st.waiting {
			rc <- reply{err: err}
		}
		h.dropScope(st)
		return
	}
	st.ready, st.epoch, st.last = true, head.Epoch, head.Seq
	for _, rc := range st.waiting {
		rc <- reply{head: head}
	}
	st.waiting = nil
	if len(st.subs) == 0 {
		h.dropScope(st) // its subscribers left while it started
		return
	}
	h.repairIfBehind(st)
}

func (h *Hub) detach(s *sub) {
	st := h.scopes[s.scope]
	if st == nil {
		return
	}
	if _, ok := st.subs[s]; !ok {
		return
	}
	delete(st.subs, s)
	if len(st.subs) == 0 && st.ready {
		h.dropScope(st)
	}
}

// dropScope forgets a scope and has the bus stop delivering it.
func (h *Hub) dropScope(st *scopeState) {
	delete(h.scopes, st.scope)
	h.opts.Metrics.Scopes.Dec()
	h.ops.push(busOp{st: st})
}

// handoff ends a subscription's sync when the syncer has examined every
// event this instance delivered; otherwise it says how far to read on.
func (h *Hub) handoff(s *sub) reply {
	st := h.scopes[s.scope]
	if st == nil {
		return reply{err: ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")}
	}
	if _, ok := st.subs[s]; !ok {
		return reply{err: ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")}
	}
	if st.last > s.pos {
		return reply{behind: st.last}
	}
	s.live = true
	return reply{}
}

// onEvent delivers an event from the bus in order: a duplicate is dropped,
// and an event after a gap waits for the gap's repair from the log.
func (h *Hub) onEvent(e *ecabinet.Event) {
	st := h.scopes[e.Scope]
	if st == nil {
		return // no local subscriber (any more)
	}
	if !st.ready {
		st.maxSeen = max(st.maxSeen, e.Seq)
		return
	}
	if e.Epoch != st.epoch && st.epoch != "" {
		h.resetScope(st)
		return
	}
	switch {
	case e.Seq <= st.last:
		h.opts.Metrics.Duplicates.Inc()
	case e.Seq == st.last+1:
		h.deliver(st, e)
	default:
		st.maxSeen = max(st.maxSeen, e.Seq)
		h.repairIfBehind(st)
	}
}

// deliver encodes e once and hands it to every live subscriber allowed to
// see it, each frame carrying the subscriber's previous seq.
func (h *Hub) deliver(st *scopeState, raw *ecabinet.Event) {
	frame, err := encodeEvent(raw)
	if err != nil {
		h.log.Error("event not encodable", "event", raw.String(), "err", err)
		return
	}
	st.last, st.epoch = raw.Seq, raw.Epoch
	e := &event{Event: raw, frame: frame}
	h.opts.Metrics.Events.Inc()
	filtered := 0
	// Live subscribers mostly share their prev (the seq before this one):
	// the frame is put together and framed once per prev, not per
	// connection; the last one made is at hand without a lookup.
	var shared map[int64]*sharedFrame
	var lastPrev int64
	var last *sharedFrame
	for s := range st.subs {
		if !s.live || e.Seq <= s.pos {
			continue // syncing: the syncer reads it from the log before handoff
		}
		s.pos = e.Seq
		if !e.VisibleTo(s.conn.actor) {
			filtered++
			continue
		}
		f := last
		if f == nil || s.last != lastPrev {
			if f = shared[s.last]; f == nil {
				if shared == nil {
					shared = map[int64]*sharedFrame{}
				}
				f = newSharedFrame(appendWithPrev(nil, e.frame, s.last))
				shared[s.last] = f
			}
			last, lastPrev = f, s.last
		}
		if s.conn.enqueue(entry{frame: e.frame, shared: f, kind: eventFrame, scope: st.scope, seq: e.Seq, prev: s.last}) {
			s.last = e.Seq
		}
	}
	if filtered > 0 {
		h.opts.Metrics.Filtered.Add(float64(filtered))
	}
}

// repairIfBehind starts a log read of the scope's gap unless one runs. The
// read runs beside the dispatcher and posts its events back.
func (h *Hub) repairIfBehind(st *scopeState) {
	if !st.ready || st.repairing || st.maxSeen <= st.last {
		return
	}
	st.repairing = true
	from := st.last
	go func() {
		select {
		case h.reads <- struct{}{}:
		case <-h.stop:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), logTimeout)
		events, err := h.opts.Log.After(ctx, st.scope, from, 1000)
		cancel()
		<-h.reads
		h.post(command{repaired: st, events: events, err: err})
	}()
}

// onRepaired delivers a gap repair's events in order and goes on while the
// scope is still behind; a failed read is retried by the next poll.
func (h *Hub) onRepaired(st *scopeState, events []*ecabinet.Event, err error) {
	st.repairing = false
	if h.scopes[st.scope] != st {
		return
	}
	if err != nil {
		h.log.Warn("gap repair failed; the poll retries", "scope", st.scope, "err", err)
		return
	}
	for _, e := range events {
		if e.Epoch != st.epoch && st.epoch != "" {
			h.resetScope(st)
			return
		}
		if e.Seq <= st.last {
			continue // delivered from the bus meanwhile
		}
		if e.Seq != st.last+1 {
			// The log itself has a hole (it should not): the log is the
			// truth, so go on from it rather than wait for what is not there.
			h.log.Error("event log has a gap", "scope", st.scope, "after", st.last, "next", e.Seq)
		}
		h.opts.Metrics.Repaired.Inc()
		h.deliver(st, e)
	}
	if len(events) == 1000 {
		st.maxSeen = max(st.maxSeen, st.last+1)
	}
	h.repairIfBehind(st)
}

// pollHeads compares every ready scope with the log's head, beside the
// dispatcher, to catch what the bus lost; it runs on a timer and after a bus
// reconnect.
func (h *Hub) pollHeads() {
	if h.polling || len(h.scopes) == 0 {
		return
	}
	states := make(map[ecabinet.Scope]*scopeState, len(h.scopes))
	names := make([]ecabinet.Scope, 0, len(h.scopes))
	for name, st := range h.scopes {
		if st.ready {
			states[name] = st
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	h.polling = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), logTimeout)
		heads, err := h.opts.Log.Heads(ctx, names)
		cancel()
		h.post(command{heads: states, polled: heads, err: err})
	}()
}

func (h *Hub) onHeads(states map[ecabinet.Scope]*scopeState, heads map[ecabinet.Scope]ecabinet.Position, err error) {
	h.polling = false
	if err != nil {
		h.log.Warn("poll of stream heads failed", "err", err)
		return
	}
	for name, st := range states {
		head := heads[name]
		if h.scopes[name] != st {
			continue
		}
		if head.Epoch != "" && st.epoch != "" && head.Epoch != st.epoch {
			h.resetScope(st)
			continue
		}
		st.maxSeen = max(st.maxSeen, head.Seq)
		h.repairIfBehind(st)
	}
}

// resetScope handles a new epoch (the log was reset): positions of the old
// one mean nothing, so every subscriber reconnects and gets a snapshot, and
// the scope starts afresh with the next subscriber.
func (h *Hub) resetScope(st *scopeState) {
	h.log.Warn("event stream epoch changed; subscribers resume", "scope", st.scope)
	for s := range st.subs {
		s.conn.closeWith(CloseResume, "epoch")
	}
	h.dropScope(st)
}

// busOp subscribes the bus to a scope (then reads its head) or unsubscribes it.
type busOp struct {
	st        *scopeState
	subscribe bool
}

// busOps runs bus subscriptions one at a time, in the order the dispatcher
// asked for them, so that an unsubscribe and a later subscribe of one scope
// cannot be reordered; the dispatcher only appends to the queue.
type busOps struct {
	mu    sync.Mutex
	queue []busOp
	wake  chan struct{}
}

func (o *busOps) push(op busOp) {
	o.mu.Lock()
	o.queue = append(o.queue, op)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *busOps) pop() (busOp, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.queue) == 0 {
		return busOp{}, false
	}
	op := o.queue[0]
	o.queue[0] = busOp{}
	o.queue = o.queue[1:]
	return op, true
}

func (h *Hub) runOps() {
	for {
		op, ok := h.ops.pop()
		if !ok {
			select {
			case <-h.ops.wake:
				continue
			case <-h.stop:
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), logTimeout)
		if !op.subscribe {
			if err := h.bus.Unsubscribe(ctx, string(op.st.scope)); err != nil {
				h.log.Warn("bus unsubscribe failed", "scope", op.st.scope, "err", err)
			}
			cancel()
			continue
		}
		err := h.bus.Subscribe(ctx, string(op.st.scope))
		cancel()
		if err != nil {
			h.post(command{ready: op.st, err: err})
			continue
		}
		// The bus delivers the scope from now on, so every event after the
		// head read next reaches the dispatcher. The read runs apart, so a
		// slow one does not hold other scopes' subscriptions.
		go func(st *scopeState) {
			ctx, cancel := context.WithTimeout(context.Background(), logTimeout)
			head, err := h.opts.Log.Head(ctx, st.scope)
			cancel()
			h.post(command{ready: st, head: head, err: err})
		}(op.st)
	}
}
