package pdf_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
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

// job is a small document's job for key, read by the member the key names.
func job(key, text string, fill func(ctx context.Context, w io.Writer) error) pdf.Job {
	var reader int64
	if i := strings.LastIndex(key, "/m"); i >= 0 {
		reader, _ = strconv.ParseInt(key[i+2:], 10, 64)
	}
	return pdf.Job{Key: key, Reader: reader, Text: text, Size: 10 << 10, Pages: 2, Fill: fill}
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
			paths[i], errs[i] = c.Stamped(context.Background(), job("v7/m3", "Lê Thu Hà — 01/12/2026 08:00", fill))
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
	again, err := c.Stamped(context.Background(), job("v7/m3", "another text", fill))
	if err != nil || again != paths[0] || fills.Load() != 1 {
		t.Fatalf("second request: %s, %v, %d fills", again, err, fills.Load())
	}
	other, err := c.Stamped(context.Background(), job("v7/m4", "Người khác", fill))
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
	_, err = c.Stamped(context.Background(), job("v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, _ = w.Write([]byte("%PDF-1.7 partial"))
		return broken
	}))
	if !errors.Is(err, broken) {
		t.Fatalf("fill error: %v", err)
	}
	_, err = c.Stamped(context.Background(), job("v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, err := w.Write(pdftest.PNG())
		return err
	}))
	if err == nil {
		t.Fatal("stamping a PNG succeeded")
	}
	emptyDir(t, c.TempDir())
	path, err := c.Stamped(context.Background(), job("v1/m1", "x", func(ctx context.Context, w io.Writer) error {
		_, err := w.Write(pdftest.Valid(1))
		return err
	}))
	if err != nil {
		t.Fatalf("retry after failures: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../etc/passwd", "tmp/x", "V1/M1", "", "a//b"} {
		if _, err := c.Stamped(context.Background(), job(bad, "x", nil)); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}

// large is the job of a reader for a long document whose original is
// written only once release is closed; started receives a value when it is.
func large(key string, reader int64, started chan<- string, release <-chan struct{}) pdf.Job {
	return pdf.Job{Key: key, Reader: reader, Text: "x", Size: 80 << 20, Pages: 5000, Fill: func(ctx context.Context, w io.Writer) error {
		started <- key
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		_, err := w.Write(pdftest.Valid(2))
		return err
	}}
}

// wait returns what ch gives, failing after a long while (the test's
// order, not its speed, is what is checked: this only ends a hung test).
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("still waiting for %s", what)
		panic("unreachable")
	}
}

// While two readers' long documents are being stamped, a third reader's
// short document is stamped at once: it never waits behind them.
func TestCacheSmallDocumentOpensWhileLargeOnesStamp(t *testing.T) {
	c, err := pdf.NewCache(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan string, 2), make(chan struct{})
	results := make(chan error, 2)
	for i, key := range []string{"v1/m1", "v1/m2"} {
		go func() {
			_, err := c.Stamped(context.Background(), large(key, int64(i+1), started, release))
			results <- err
		}()
	}
	wait(t, started, "a long document to start")
	small := make(chan error, 1)
	go func() {
		_, err := c.Stamped(context.Background(), job("v2/m3", "Lê Thu Hà", func(ctx context.Context, w io.Writer) error {
			_, err := w.Write(pdftest.Valid(2))
			return err
		}))
		small <- err
	}()
	if err := wait(t, small, "the short document"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-results:
		t.Fatalf("a long document finished before it was released: %v", err)
	default:
	}
	close(release)
	for range 2 {
		if err := wait(t, results, "the long documents"); err != nil {
			t.Fatal(err)
		}
	}
}

// One reader has one stamping running at a time: their second document
// waits for the first, while another reader's goes on.
func TestCacheOneStampingPerReader(t *testing.T) {
	c, err := pdf.NewCache(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan string, 3), make(chan struct{})
	done := make(chan error, 3)
	for _, j := range []pdf.Job{large("v1/m1", 1, started, release), large("v2/m1", 1, started, release), large("v3/m2", 2, started, release)} {
		go func() { _, err := c.Stamped(context.Background(), j); done <- err }()
	}
	first, second := wait(t, started, "a first stamping"), wait(t, started, "a second stamping")
	if first[len(first)-2:] == second[len(second)-2:] {
		t.Fatalf("one reader has two stampings running: %s and %s", first, second)
	}
	close(release)
	for range 3 {
		if err := wait(t, done, "the stampings"); err != nil {
			t.Fatal(err)
		}
	}
}

// A stamping stops when the last request waiting for it goes away, and
// leaves nothing behind; while one request still waits it goes on.
func TestCacheStopsWhenTheReaderGoesAway(t *testing.T) {
	c, err := pdf.NewCache(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan string, 1), make(chan struct{})
	stopped := make(chan error, 1)
	j := large("v1/m1", 1, started, release)
	fill := j.Fill
	j.Fill = func(ctx context.Context, w io.Writer) error {
		err := fill(ctx, w)
		stopped <- err
		return err
	}
	first, cancelFirst := context.WithCancel(context.Background())
	second, cancelSecond := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := c.Stamped(first, j); errs <- err }()
	wait(t, started, "the stamping")
	go func() { _, err := c.Stamped(second, j); errs <- err }()
	for deadline := time.Now().Add(20 * time.Second); c.Waiters(j.Key) != 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second request does not wait for the copy")
		}
	}
	cancelFirst()
	if err := wait(t, errs, "the first request"); !errors.Is(err, context.Canceled) {
		t.Fatalf("first request: %v", err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("the stamping stopped while a request waited for it: %v", err)
	default:
	}
	cancelSecond()
	if err := wait(t, stopped, "the stamping to stop"); !errors.Is(err, context.Canceled) {
		t.Fatalf("the stamping ended with %v", err)
	}
	wait(t, errs, "the second request")
	close(release)
	// The flight ends after its fill; then nothing is left.
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(c.TempDir())
		if len(entries) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind: %s", entries[0].Name())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
