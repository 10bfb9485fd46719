package load

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram counts durations in buckets of about 1.6% width (64 linear
// sub-buckets per power of two of microseconds). It is safe for concurrent
// use and merges by adding counts.
type Histogram struct {
	Counts [histGroups * histSub]uint64 `json:"-"`
}

const (
	histSub    = 64
	histGroups = 40
)

func histIndex(us uint64) int {
	if us < histSub {
		return int(us)
	}
	g := bits.Len64(us) - 6 // us >= 64: group g >= 1 holds [64<<(g-1), 64<<g)
	if g >= histGroups {
		return len(Histogram{}.Counts) - 1
	}
	sub := (us >> (g - 1)) - histSub
	return g*histSub + int(sub)
}

// histValue is the middle of bucket i, in microseconds.
func histValue(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	g, sub := i/histSub, uint64(i%histSub)
	lo := (histSub + sub) << (g - 1)
	return lo + (uint64(1)<<(g-1))/2
}

// Record adds one duration (negative ones count as 0).
func (h *Histogram) Record(d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	atomic.AddUint64(&h.Counts[histIndex(uint64(us))], 1)
}

// Merge adds o's counts.
func (h *Histogram) Merge(o *Histogram) {
	for i := range o.Counts {
		if c := atomic.LoadUint64(&o.Counts[i]); c != 0 {
			atomic.AddUint64(&h.Counts[i], c)
		}
	}
}

// Reset empties h and returns a copy of what it held.
func (h *Histogram) Reset() *Histogram {
	out := &Histogram{}
	for i := range h.Counts {
		out.Counts[i] = atomic.SwapUint64(&h.Counts[i], 0)
	}
	return out
}

// Total is the number of durations recorded.
func (h *Histogram) Total() uint64 {
	var n uint64
	for i := range h.Counts {
		n += atomic.LoadUint64(&h.Counts[i])
	}
	return n
}

// Quantile returns the q-quantile (0..1); 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	total := h.Total()
	if total == 0 {
		return 0
	}
	rank := uint64(q*float64(total) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var n uint64
	for i := range h.Counts {
		n += atomic.LoadUint64(&h.Counts[i])
		if n >= rank {
			return time.Duration(histValue(i)) * time.Microsecond
		}
	}
	return h.Max()
}

// Max returns the largest bucket holding a duration.
func (h *Histogram) Max() time.Duration {
	for i := len(h.Counts) - 1; i >= 0; i-- {
		if atomic.LoadUint64(&h.Counts[i]) != 0 {
			return time.Duration(histValue(i)) * time.Microsecond
		}
	}
	return 0
}

// Sparse is a histogram as sent between processes: bucket index → count.
type Sparse map[int]uint64

// Sparse returns h's non-empty buckets.
func (h *Histogram) Sparse() Sparse {
	s := Sparse{}
	for i := range h.Counts {
		if c := atomic.LoadUint64(&h.Counts[i]); c != 0 {
			s[i] = c
		}
	}
	return s
}

// AddSparse adds the counts of s.
func (h *Histogram) AddSparse(s Sparse) {
	for i, c := range s {
		if i >= 0 && i < len(h.Counts) {
			atomic.AddUint64(&h.Counts[i], c)
		}
	}
}
