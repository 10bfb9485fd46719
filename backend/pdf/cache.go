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
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache keeps stamped copies of documents on local disk, one file per key
// (a version and a viewer), made once even when many requests ask for a
// missing one at the same time. It is disposable: deleting it costs only
// the work of stamping again.
type Cache struct {
	dir   string
	tmp   string
	group singleflight.Group
	sem   chan struct{}
}

// makeTimeout bounds the making of one stamped copy.
const makeTimeout = 5 * time.Minute

// NewCache returns a cache in dir (created, private to the server's user)
// that stamps at most concurrency documents at once.
func NewCache(dir string, concurrency int) (*Cache, error) {
	if concurrency < 1 {
		concurrency = 1
	}
	c := &Cache{dir: dir, tmp: filepath.Join(dir, "tmp"), sem: make(chan struct{}, concurrency)}
	if err := os.MkdirAll(c.tmp, 0o700); err != nil {
		return nil, fmt.Errorf("pdf: cache directory: %w", err)
	}
	return c, nil
}

// TempDir is the cache's directory for files being written (uploads being
// received, copies being made). It is on the cache's file system.
func (c *Cache) TempDir() string { return c.tmp }

var cacheKey = regexp.MustCompile(`^[a-z0-9]+(/[a-z0-9]+)*$`)

// Stamped returns the path of key's stamped copy, making it first if it
// does not exist: fill writes the original document, which is stamped with
// text. Concurrent calls for one key make it once. The file must not be
// changed by the caller. Errors: fill's, the stamp's, or ctx's.
func (c *Cache) Stamped(ctx context.Context, key, text string, fill func(ctx context.Context, w io.Writer) error) (string, error) {
	if !cacheKey.MatchString(key) || strings.HasPrefix(key, "tmp") {
		return "", fmt.Errorf("pdf: cache key %q", key)
	}
	path := filepath.Join(c.dir, filepath.FromSlash(key)+".pdf")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	ch := c.group.DoChan(key, func() (any, error) {
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
		// The copy outlives the request that asked first: others wait for it.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), makeTimeout)
		defer cancel()
		select {
		case c.sem <- struct{}{}:
		case <-mctx.Done():
			return nil, mctx.Err()
		}
		defer func() { <-c.sem }()
		return path, c.make(mctx, path, text, fill)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *Cache) make(ctx context.Context, path, text string, fill func(ctx context.Context, w io.Writer) error) (err error) {
	src, err := os.CreateTemp(c.tmp, "src-*.pdf")
	if err != nil {
		return err
	}
	defer func() {
		_ = src.Close()
		_ = os.Remove(src.Name())
	}()
	if err := fill(ctx, src); err != nil {
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
	if err := Stamp(ctx, src, info.Size(), out, text); err != nil {
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
