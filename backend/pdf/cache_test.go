package pdf_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/pdf"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Fatalf("%s holds %d files, first %s", dir, len(entries), entries[0].Name())
	}
}

// A missing copy is made once, even when many ask for it at once, and then reused.
func TestCacheMakesEachCopyOnce(t *testing.T) {
	c, err := pdf.NewCache(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	var fills atomic.Int32
	fill := func(ctx context.Context, w io.Writer) error {
		fills.Add(1)
		time.Sleep(50 * time.Millisecond) // let the others pile up
		_, err := w.Write(pdftest.Valid(2))
		return err
	}
	const callers = 16
	paths := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			paths[i], errs[i] = c.Stamped(context.Background(), "v7/m3", "Lê Thu Hà — 01/12/2026 08:00", fill)
		}(i)
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("caller %d: %s, %v (first %s)", i, paths[i], errs[i], paths[0])
		}
	}
	if n := fills.Load(); n != 1 {
		t.Fatalf("the copy was made %d times", n)
	}
	stamped, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftest.Text(stamped)
	if err != nil || len(text) != 2 || !strings.Contains(text[1], "Lê Thu Hà — 01/12/2026 08:00") {
		t.Fatalf("stamped copy reads %q, %v", text, err)
	}
	again, err := c.Stamped(context.Background(), "v7/m3", "another text", fill)
	if err != nil || again != paths[0] || fills.Load() != 1 {
		t.Fatalf("second request: %s, %v, %d fills", again, err, fills.Load())
	}
	other, err := c.Stamped(context.Background(), "v7/m4", "Người khác", fill)
	if err != nil || other == paths[0] || fills.Load() != 2 {
		t.Fatalf("another viewer: %s, %v, %d fills", other, err, fills.Load())
	}
	emptyDir(t, c.TempDir())

	// Pruning removes copies written before the cut-off only.
	if n, err := c.Prune(time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("prune of fresh copies: %d, %v", n, err)
	}
	if n, err := c.Prune(time.Now().Add(time.Minute), time.Now()); err != nil || n != 2 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if _, err := os.Stat(paths[0]); !os.IsNotExist(err) {
		t.Fatalf("pruned copy still there: %v", err)
	}
}

// A failed fill or stamp leaves nothing behind, and the next request tries again.
func TestCacheFailureLeavesNothing(t *testing.T) {
	c, err := pdf.NewCache(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("database gone")
	_, err = c.Stamped(context.Background(), "v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, _ = w.Write([]byte("%PDF-1.7 partial"))
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("fill error: %v", err)
	}
	_, err = c.Stamped(context.Background(), "v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, err := w.Write(pdftest.PNG())
		return err
	})
	if err == nil {
		t.Fatal("stamping a PNG succeeded")
	}
	emptyDir(t, c.TempDir())
	path, err := c.Stamped(context.Background(), "v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, err := w.Write(pdftest.Valid(1))
		return err
	})
	if err != nil {
		t.Fatalf("retry after failures: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../etc/passwd", "tmp/x", "V1/M1", "", "a//b"} {
		if _, err := c.Stamped(context.Background(), bad, "x", nil); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}
