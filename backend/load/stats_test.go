package load

import (
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, 1000 * time.Millisecond}} {
		got := h.Quantile(c.q)
		if d := got - c.want; d < -c.want/50 || d > c.want/50 {
			t.Errorf("q%v = %v, want %v ± 2%%", c.q, got, c.want)
		}
	}
	if h.Total() != 1000 {
		t.Fatalf("total %d", h.Total())
	}
	var m Histogram
	m.AddSparse(h.Sparse())
	if m.Quantile(0.99) != h.Quantile(0.99) || m.Max() != h.Max() {
		t.Fatal("sparse round trip changed the histogram")
	}
	if h.Reset().Total() != 1000 || h.Total() != 0 {
		t.Fatal("reset")
	}
	var small Histogram
	small.Record(30 * time.Microsecond)
	if small.Quantile(0.5) != 30*time.Microsecond {
		t.Fatalf("small: %v", small.Quantile(0.5))
	}
}
