package http_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
	"github.com/ecabinet/ecabinet/backend/store"
)

// rows counts rows of the instance's database (? placeholders).
func rows(t *testing.T, e *apptest.Env, query string, args ...any) int {
	t.Helper()
	if e.App.DB.Dialect() == store.Postgres {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	var n int
	if err := e.App.DB.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// uploadDir is where an instance receives uploads.
func uploadDir(e *apptest.Env) string { return filepath.Join(e.Cfg.CacheDir, "tmp") }

func wantNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range entries {
		t.Errorf("left behind in %s: %s", dir, f.Name())
	}
}

// Every broken upload gets its own error (status, code and message) and
// leaves no version, no chunk and no temporary file; a valid one then works.
func TestUploadFixtures(t *testing.T) {
	const limit = 1 << 20
	apptest.ForEach(t, map[string]string{"ECABINET_UPLOAD_LIMIT": "1MiB"}, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		s.sec.Lang = "en"
		d := s.create(t, "Tờ trình dự án Luật", ecabinet.ClassNone, 0)
		documents := rows(t, e, "SELECT COUNT(*) FROM documents")
		stored := rows(t, e, "SELECT COUNT(*) FROM document_versions") + rows(t, e, "SELECT COUNT(*) FROM document_chunks") // the demo's

		var over bytes.Buffer
		if _, err := pdftest.WriteLarge(&over, 2, limit+300<<10); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			doc    []byte
			status int
			code   string
			key    string
		}{
			{"truncated.pdf", pdftest.Truncated(), 422, "unprocessable", "document.corrupt"},
			{"encrypted.pdf", pdftest.Encrypted(), 422, "unprocessable", "document.encrypted"},
			{"photo.pdf", pdftest.PNG(), 422, "unprocessable", "document.not_pdf"},
			{"empty.pdf", nil, 422, "unprocessable", "document.empty"},
			{"too-large.pdf", over.Bytes(), 413, "too_large", "document.too_large"},
		}
		seen := map[string]string{}
		for _, tc := range cases {
			_, err := s.upload(t, s.sec, d, tc.name, tc.doc)
			ae := wantError(t, err, tc.status, tc.code)
			want := ecabinet.Translate("en", tc.key)
			if tc.key == "document.too_large" {
				want = ecabinet.Translate("en", tc.key, "1 MiB")
			}
			if ae.Message != want || ae.Field != "file" {
				t.Errorf("%s: message %q (field %q), want %q", tc.name, ae.Message, ae.Field, want)
			}
			if other, dup := seen[ae.Message]; dup {
				t.Errorf("%s and %s get the same error", tc.name, other)
			}
			seen[ae.Message] = tc.name
			if n := rows(t, e, "SELECT COUNT(*) FROM document_versions") + rows(t, e, "SELECT COUNT(*) FROM document_chunks"); n != stored {
				t.Fatalf("%s left %d version or chunk rows", tc.name, n-stored)
			}
			if n := rows(t, e, "SELECT COUNT(*) FROM documents"); n != documents {
				t.Fatalf("%s changed the document count to %d", tc.name, n)
			}
			wantNoFiles(t, uploadDir(e))
		}

		// Requests that are not uploads at all.
		wantError(t, s.sec.Do(context.Background(), "POST", docPath(d.ID, "/versions"), map[string]string{"file": "x"}, nil), 400, "invalid")
		var form bytes.Buffer
		form.WriteString("--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nkhông có tệp\r\n--b--\r\n")
		err := s.sec.DoRequest(context.Background(), "POST", docPath(d.ID, "/versions"), &form, "multipart/form-data; boundary=b", nil, nil)
		if ae := wantError(t, err, 400, "invalid"); ae.Field != "file" {
			t.Fatalf("no file part: %+v", ae)
		}
		_, err = s.upload(t, e.Login(t, "member01"), d, "a.pdf", pdftest.Valid(1))
		wantError(t, err, 403, "forbidden")

		// A body announced far over the limit is refused before it is read.
		u, _ := url.Parse(e.URL)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var cookies []string
		for _, ck := range s.sec.HTTP.Jar.Cookies(u) {
			cookies = append(cookies, ck.Name+"="+ck.Value)
		}
		// The server reads the first few KiB of a body before it answers.
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n%s",
			docPath(d.ID, "/versions"), u.Host, strings.Join(cookies, "; "), s.sec.CSRFToken(), 50*limit, bytes.Repeat([]byte("x"), 16<<10))
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 || !resp.Close {
			t.Fatalf("announced oversize body: %d, close %v", resp.StatusCode, resp.Close)
		}

		// The valid document, under a Vietnamese name with a path.
		got, err := s.upload(t, s.sec, d, `C:\Hồ sơ\Tờ trình số 12.pdf`, pdftest.Valid(4))
		if err != nil {
			t.Fatal(err)
		}
		if got.Current == nil || got.Current.Pages != 4 || got.Current.Version != 1 || got.Current.Filename != "Tờ trình số 12.pdf" {
			t.Fatalf("valid upload: %+v", got.Current)
		}
		if n := rows(t, e, "SELECT COUNT(*) FROM document_chunks WHERE version_id = ?", got.Current.ID); n != 1 {
			t.Fatalf("%d chunks for a small document", n)
		}
		wantNoFiles(t, uploadDir(e))
	})
}

// memory is what the process uses: Go's heap in use, what Go took from
// the system, and the resident set (which also counts memory allocated
// outside Go, such as SQLite's; 0 where /proc is missing).
type memory struct{ heap, sys, rss int64 }

func sample() memory {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	out := memory{heap: int64(m.HeapInuse), sys: int64(m.Sys)}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				out.rss = kb << 10
			}
		}
	}
	return out
}

// memPeak samples the process's memory until stop is closed.
func memPeak(stop <-chan struct{}) <-chan memory {
	out := make(chan memory, 1)
	go func() {
		var peak memory
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			m := sample()
			peak = memory{heap: max(peak.heap, m.heap), sys: max(peak.sys, m.sys), rss: max(peak.rss, m.rss)}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// Uploading 100 MiB grows the server's memory by a small, bounded amount:
// the body streams to disk, the PDF check reads its structure only, and the
// content goes to the database one chunk at a time. Client and server share
// this process, so the bound covers both.
func TestUploadMemoryIsBounded(t *testing.T) {
	const size = 100 << 20
	const bound = 40 << 20
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		d := s.create(t, "Hồ sơ quét 100 MiB", ecabinet.ClassNone, 0)
		path := filepath.Join(t.TempDir(), "scan.pdf")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		// As close to the 100 MiB limit as the fixture's image rows allow.
		n, err := pdftest.WriteLarge(f, 8, size-64<<10)
		if err != nil || n <= size-1<<20 || n > size {
			t.Fatalf("wrote %d bytes: %v", n, err)
		}
		if _, err := f.Seek(0, 0); err != nil {
			t.Fatal(err)
		}
		defer f.Close()

		runtime.GC()
		base := sample()
		stop := make(chan struct{})
		peak := memPeak(stop)
		start := time.Now()
		got, err := s.sec.UploadVersion(context.Background(), d.ID, "scan.pdf", f, n)
		close(stop)
		p := <-peak
		if err != nil {
			t.Fatal(err)
		}
		growth := memory{heap: p.heap - base.heap, sys: p.sys - base.sys, rss: p.rss - base.rss}
		mib := func(n int64) float64 { return float64(n) / (1 << 20) }
		t.Logf("%s: uploaded %.1f MiB in %v; peak growth: Go heap in use %.1f MiB, memory Go took from the OS %.1f MiB, resident set %.1f MiB",
			e.App.DB.Dialect(), mib(n), time.Since(start).Round(time.Millisecond), mib(growth.heap), mib(growth.sys), mib(growth.rss))
		if got.Current == nil || got.Current.Size != n || got.Current.Pages != 8 {
			t.Fatalf("uploaded %+v", got.Current)
		}
		if growth.heap > bound || growth.sys > bound || growth.rss > bound {
			t.Fatalf("memory grew by %+v bytes for a %d-byte upload; bound %d", growth, n, bound)
		}
		if c := rows(t, e, "SELECT COUNT(*) FROM document_chunks WHERE version_id = ?", got.Current.ID); c != int((n+store.ChunkSize-1)/store.ChunkSize) {
			t.Fatalf("%d chunks", c)
		}
		wantNoFiles(t, uploadDir(e))
	})
}
