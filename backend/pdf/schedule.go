package pdf

import (
	"context"
	"slices"
	"sync"
)

// A job is small when a reader is waiting for a short document: it never
// waits for large ones, which can only take all slots but one.
const (
	smallPages = 200
	smallBytes = 16 << 20
)

// scheduler shares the stamping slots between readers: each reader has at
// most one stamping running (others wait their turn), the cheapest waiting
// job goes first, and one slot is kept for small jobs, so a short document
// opens at once while long ones are being stamped.
type scheduler struct {
	mu      sync.Mutex
	slots   int
	running int
	large   int           // large jobs running
	readers map[int64]int // jobs running per reader
	queue   []*ticket
	seq     uint64
}

type ticket struct {
	reader int64
	small  bool
	cost   int64
	seq    uint64
	ready  chan struct{} // closed when the job may run
}

func newScheduler(slots int) *scheduler {
	return &scheduler{slots: max(slots, 1), readers: map[int64]int{}}
}

// acquire waits for a slot for reader's job of size bytes and pages and
// returns the function that gives it back. Errors: ctx's.
func (s *scheduler) acquire(ctx context.Context, reader int64, size int64, pages int) (func(), error) {
	s.mu.Lock()
	s.seq++
	t := &ticket{reader: reader, small: pages <= smallPages && size <= smallBytes, cost: size + int64(pages)<<14, seq: s.seq,
		ready: make(chan struct{})}
	s.queue = append(s.queue, t)
	s.dispatch()
	s.mu.Unlock()
	select {
	case <-t.ready:
		return func() {
			s.mu.Lock()
			s.finish(t)
			s.mu.Unlock()
		}, nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-t.ready: // granted meanwhile: give it back
		s.finish(t)
	default:
		s.queue = slices.DeleteFunc(s.queue, func(q *ticket) bool { return q == t })
	}
	return nil, ctx.Err()
}

// finish gives t's slot back (s.mu held).
func (s *scheduler) finish(t *ticket) {
	s.running--
	if !t.small {
		s.large--
	}
	if s.readers[t.reader]--; s.readers[t.reader] == 0 {
		delete(s.readers, t.reader)
	}
	s.dispatch()
}

// dispatch starts the waiting jobs that may run, cheapest first.
func (s *scheduler) dispatch() {
	for s.running < s.slots {
		best := -1
		for i, t := range s.queue {
			if s.readers[t.reader] > 0 || (!t.small && s.slots > 1 && s.large >= s.slots-1) {
				continue
			}
			if best < 0 || t.cost < s.queue[best].cost || (t.cost == s.queue[best].cost && t.seq < s.queue[best].seq) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		t := s.queue[best]
		s.queue = slices.Delete(s.queue, best, best+1)
		s.running++
		if !t.small {
			s.large++
		}
		s.readers[t.reader]++
		close(t.ready)
	}
}
