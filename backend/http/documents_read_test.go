package http_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/pdf/pdftest"
)

// get fetches path with extra headers, whatever the status, and returns
// the response and its body.
func get(t *testing.T, c *client.Client, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", c.BaseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// stampTime finds the time of a stamp, "<name> — <date> <time> (UTC+07:00)",
// in Asia/Ho_Chi_Minh.
var stampTime = regexp.MustCompile(` — (\d{2}/\d{2}/\d{4} \d{2}:\d{2}) \(UTC\+07:00\)`)

// Reading: the stamped copy streams with safe headers and range support,
// carries the reader's name and the time on every page, is made once per
// reader and version, and its first opening is a read receipt.
func TestReadDocument(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		s := newSession(t, e)
		const name = "Báo cáo tình hình kinh tế - xã hội tháng 11.pdf"
		d := s.create(t, "Báo cáo kinh tế - xã hội", ecabinet.ClassConfidential, 0)
		original := pdftest.Valid(3)
		d, err := s.upload(t, s.sec, d, name, original)
		if err != nil {
			t.Fatal(err)
		}
		s.publish(t)
		content := docPath(d.ID, "/versions/"+itoa(d.Current.ID)+"/content")
		member := e.Login(t, "member07") // cleared for confidential

		var unread []ecabinet.Unread
		if err := s.sec.Do(context.Background(), "GET", s.path("/unread"), nil, &unread); err != nil {
			t.Fatal(err)
		}
		pending := func(username string) bool {
			for _, u := range unread {
				if u.MemberID == s.members[username].ID {
					return slices.Contains(u.Versions, d.Current.ID)
				}
			}
			t.Fatalf("%s not in the unread report", username)
			return false
		}
		if !pending("member07") || !pending("chair") {
			t.Fatal("an unopened version is not reported unread")
		}

		resp, full := get(t, member, content, nil)
		for h, want := range map[string]string{
			"Content-Type":           "application/pdf",
			"Cache-Control":          "no-store",
			"X-Content-Type-Options": "nosniff",
			"Accept-Ranges":          "bytes",
			"Content-Disposition": `inline; filename="Bao cao tinh hinh kinh te - xa hoi thang 11.pdf"; ` +
				`filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%C3%ACnh%20h%C3%ACnh%20kinh%20t%E1%BA%BF%20-%20x%C3%A3%20h%E1%BB%99i%20th%C3%A1ng%2011.pdf`,
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err != nil || params["filename"] != name {
			t.Errorf("a browser reads the file name as %q (%v)", params["filename"], err)
		}

		// The stamp: the reader's name and the time, on every page, over the original.
		if bytes.Equal(full, original) {
			t.Fatal("served the original, unstamped")
		}
		pages, err := pdftest.Text(full)
		if err != nil || len(pages) != 3 {
			t.Fatalf("stamped copy: %d pages, %v", len(pages), err)
		}
		reader := s.members["member07"].FullName
		for i, text := range pages {
			m := stampTime.FindStringSubmatch(text)
			if m == nil || !strings.Contains(text, reader+" — ") || !strings.Contains(text, pdftest.PageText(i+1)) {
				t.Fatalf("page %d reads %q", i+1, text)
			}
			stamped, err := time.ParseInLocation("02/01/2006 15:04", m[1], time.FixedZone("ICT", 7*3600))
			if err != nil || time.Since(stamped) > 5*time.Minute || time.Since(stamped) < -time.Minute {
				t.Fatalf("page %d stamped at %q (%v)", i+1, m[1], err)
			}
		}

		// Ranges: one range is served alone; several, or an If-Range of
		// another file, get the whole file; a range past the end, 416.
		etag := resp.Header.Get("ETag")
		size := strconv.Itoa(len(full))
		for _, tc := range []struct {
			header map[string]string
			status int
			body   []byte
			crange string
		}{
			{map[string]string{"Range": "bytes=0-99"}, 206, full[:100], "bytes 0-99/" + size},
			{map[string]string{"Range": "bytes=100-199"}, 206, full[100:200], "bytes 100-199/" + size},
			{map[string]string{"Range": "bytes=-50"}, 206, full[len(full)-50:], "bytes " + strconv.Itoa(len(full)-50) + "-" + strconv.Itoa(len(full)-1) + "/" + size},
			{map[string]string{"Range": "bytes=200-", "If-Range": etag}, 206, full[200:], "bytes 200-" + strconv.Itoa(len(full)-1) + "/" + size},
			{map[string]string{"Range": "bytes=200-", "If-Range": `"another"`}, 200, full, ""},
			{map[string]string{"Range": "bytes=0-1,5-6"}, 200, full, ""},
			{map[string]string{"Range": "bytes=" + size + "-"}, 416, nil, "bytes */" + size},
		} {
			resp, body := get(t, member, content, tc.header)
			if resp.StatusCode != tc.status || tc.body != nil && !bytes.Equal(body, tc.body) || resp.Header.Get("Content-Range") != tc.crange {
				t.Errorf("%v: %d, %d bytes, Content-Range %q", tc.header, resp.StatusCode, len(body), resp.Header.Get("Content-Range"))
			}
			if tc.status != 416 && (resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "application/pdf") {
				t.Errorf("%v: headers %v", tc.header, resp.Header)
			}
		}

		// The copy is made once per reader and version: the same bytes again.
		time.Sleep(1100 * time.Millisecond)                                       // so that a rewrite of the cached copy would show in its modification time
		versionDir := filepath.Join(e.Cfg.CacheDir, "s2", "v"+itoa(d.Current.ID)) // s2: the stamp's layout
		before, err := os.Stat(filepath.Join(versionDir, "m"+itoa(s.members["member07"].ID)+".pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if _, again := get(t, member, content, nil); !bytes.Equal(again, full) {
			t.Fatal("a second reading was stamped again")
		}
		if after, _ := os.Stat(filepath.Join(versionDir, "m"+itoa(s.members["member07"].ID)+".pdf")); !after.ModTime().Equal(before.ModTime()) {
			t.Fatal("the cached copy was rewritten")
		}

		// Many first readings at once by another reader make one copy.
		chair := e.Login(t, "chair")
		bodies := make([][]byte, 8)
		var wg sync.WaitGroup
		for i := range bodies {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				resp, err := chair.Send(context.Background(), "GET", content, nil, "", nil)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				bodies[i], _ = io.ReadAll(resp.Body)
			}(i)
		}
		wg.Wait()
		for i := range bodies {
			if !bytes.Equal(bodies[i], bodies[0]) {
				t.Fatalf("concurrent readings %d and 0 differ", i)
			}
		}
		if text := strings.Join(mustText(t, bodies[0]), ""); !strings.Contains(text, s.members["chair"].FullName+" — ") {
			t.Fatalf("chair's copy reads %q", text)
		}
		files, _ := os.ReadDir(versionDir)
		if len(files) != 2 {
			t.Fatalf("%d cached copies for two readers", len(files))
		}

		// Read receipts: once each, whatever the number of requests.
		if err := s.sec.Do(context.Background(), "GET", s.path("/unread"), nil, &unread); err != nil {
			t.Fatal(err)
		}
		if pending("member07") || pending("chair") || !pending("member01") {
			t.Fatalf("unread after readings: %+v", unread)
		}
		if n := rows(t, e, "SELECT COUNT(*) FROM read_receipts WHERE version_id = ?", d.Current.ID); n != 2 {
			t.Fatalf("%d read receipts for two readers", n)
		}
	})
}

func mustText(t *testing.T, doc []byte) []string {
	t.Helper()
	pages, err := pdftest.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// A document uploaded through one instance is served by another: content
// lives in the shared database, not on an instance's disk.
func TestDocumentServedByAnotherInstance(t *testing.T) {
	b := apptest.Backends[1]
	if !b.Postgres {
		t.Fatal("the second backend is expected to be PostgreSQL")
	}
	first := apptest.Start(t, b, nil)
	second := apptest.StartWith(t, map[string]string{"DATABASE_URL": first.Cfg.DatabaseURL, "REDIS_URL": first.Cfg.RedisURL,
		"ECABINET_REDIS_PREFIX": first.Cfg.RedisPrefix, "ECABINET_DEMO": "false", "ECABINET_DEMO_PASSWORD": apptest.Password,
		"ECABINET_LOG_LEVEL": "warn", "ECABINET_DATA_DIR": t.TempDir()})
	if first.Cfg.CacheDir == second.Cfg.CacheDir {
		t.Fatal("the instances share a cache directory")
	}
	s := newSession(t, first)
	d := s.create(t, "Tờ trình", ecabinet.ClassNone, 0)
	d, err := s.upload(t, s.sec, d, "to-trinh.pdf", pdftest.Valid(5))
	if err != nil {
		t.Fatal(err)
	}
	s.publish(t)
	resp, body := get(t, second.Login(t, "member01"), docPath(d.ID, "/versions/"+itoa(d.Current.ID)+"/content"), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("second instance: %d", resp.StatusCode)
	}
	pages := mustText(t, body)
	if len(pages) != 5 || !strings.Contains(pages[4], pdftest.PageText(5)) || !strings.Contains(pages[4], s.members["member01"].FullName+" — ") {
		t.Fatalf("second instance served %q", pages)
	}
	if _, err := os.Stat(filepath.Join(first.Cfg.CacheDir, "v"+itoa(d.Current.ID))); !os.IsNotExist(err) {
		t.Fatalf("the first instance stamped the copy: %v", err)
	}
}
