package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Cache keeps stamped copies of documents on local disk, one file per key
// (a version and a viewer), made once even when many requests ask for a
// missing one at the same time. It is disposable: deleting it costs only
// the work of stamping again. Stampings share a few slots fairly (see
// scheduler), and one stops once no request waits for it any more.
type Cache struct {
	dir     string
	tmp     string
	sched   *scheduler
	mu      sync.Mutex
	flights map[string]*flight
}

// flight is a copy being made, and the requests waiting for it.
type flight struct {
	done    chan struct{}
	err     error
	waiters int
	cancel  context.CancelFunc
}

// makeTimeout bounds the making of one stamped copy.
const makeTimeout = 5 * time.Minute

// NewCache returns a cache in dir (created, private to the server's user)
// that stamps at most concurrency documents at once.
func NewCache(dir string, concurrency int) (*Cache, error) {
	c := &Cache{dir: dir, tmp: filepath.Join(dir, "tmp"), sched: newScheduler(concurrency), flights: map[string]*flight{}}
	if err := os.MkdirAll(c.tmp, 0o700); err != nil {
		return nil, fmt.Errorf("pdf: cache directory: %w", err)
	}
	return c, nil
}

// TempDir is the cache's directory for files being written (uploads being
// received, copies being made). It is on the cache's file system.
func (c *Cache) TempDir() string { return c.tmp }

var cacheKey = regexp.MustCompile(`^[a-z0-9]+(/[a-z0-9]+)*$`)

// Job is a stamped copy to make: its key, who reads it, the text stamped,
// the size and pages of the original (what stamping it costs), and Fill,
// which writes the original.
type Job struct {
	Key    string
	Reader int64
	Text   string
	Size   int64
	Pages  int
	Fill   func(ctx context.Context, w io.Writer) error
}

// Stamped returns the path of the job's stamped copy, making it first if
// it does not exist. Concurrent calls for one key make it once; the making
// stops when every caller has gone (their ctx ended). The file must not be
// changed by the caller. Errors: Fill's, the stamp's, or ctx's.
func (c *Cache) Stamped(ctx context.Context, job Job) (string, error) {
	if !cacheKey.MatchString(job.Key) || strings.HasPrefix(job.Key, "tmp") {
		return "", fmt.Errorf("pdf: cache key %q", job.Key)
	}
	path := filepath.Join(c.dir, filepath.FromSlash(job.Key)+".pdf")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	c.mu.Lock()
	fl := c.flights[job.Key]
	if fl == nil {
		fctx, cancel := context.WithTimeout(context.Background(), makeTimeout)
		fl = &flight{done: make(chan struct{}), cancel: cancel}
		c.flights[job.Key] = fl
		go c.fly(fctx, fl, job, path)
	}
	fl.waiters++
	c.mu.Unlock()
	select {
	case <-fl.done:
		if fl.err != nil {
			return "", fl.err
		}
		return path, nil
	case <-ctx.Done():
		c.mu.Lock()
		if fl.waiters--; fl.waiters == 0 {
			fl.cancel()
			c.forget(job.Key, fl)
		}
		c.mu.Unlock()
		return "", ctx.Err()
	}
}

// fly makes a copy when its turn comes, unless it exists meanwhile.
func (c *Cache) fly(ctx context.Context, fl *flight, job Job, path string) {
	defer close(fl.done)
	defer fl.cancel()
	if _, err := os.Stat(path); err != nil {
		release, err := c.sched.acquire(ctx, job.Reader, job.Size, job.Pages)
		if err == nil {
			err = c.make(ctx, path, job)
			release()
		}
		fl.err = err
	}
	c.mu.Lock()
	c.forget(job.Key, fl)
	c.mu.Unlock()
}

// forget removes fl from the flights (c.mu held) unless another replaced it.
func (c *Cache) forget(key string, fl *flight) {
	if c.flights[key] == fl {
		delete(c.flights, key)
	}
}

func (c *Cache) make(ctx context.Context, path string, job Job) (err error) {
	src, err := os.CreateTemp(c.tmp, "src-*.pdf")
	if err != nil {
		return err
	}
	defer func() {
		_ = src.Close()
		_ = os.Remove(src.Name())
	}()
	if err := job.Fill(ctx, src); err != nil {
		return err
	}
	info, err := src.Stat()
	if err != nil {
		return err
	}
	out, err := os.CreateTemp(c.tmp, "out-*.pdf")
	if err != nil {
		return err
	}
	defer func() {
		_ = out.Close()
		if err != nil {
			_ = os.Remove(out.Name())
		}
	}()
	if err := Stamp(ctx, src, info.Size(), out, job.Text); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.Rename(out.Name(), path)
}

// Prune removes stamped copies last written before stampedBefore and
// temporary files older than tempBefore (left by a crash), and returns how
// many files it removed.
func (c *Cache) Prune(stampedBefore, tempBefore time.Time) (int, error) {
	removed := 0
	err := filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed meanwhile
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		before := stampedBefore
		if filepath.Dir(path) == c.tmp {
			before = tempBefore
		}
		if info.ModTime().Before(before) && os.Remove(path) == nil {
			removed++
		}
		return nil
	})
	return removed, err
}
