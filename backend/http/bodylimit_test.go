package http_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
)

// post sends a login request announcing a body of length bytes (sending
// it only when expect is false) and reads the server's first answer.
func post(t *testing.T, base string, length int, expect bool) (*http.Response, []byte) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := fmt.Sprintf("POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", u.Host, length)
	if expect {
		head += "Expect: 100-continue\r\n"
	}
	if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
		t.Fatal(err)
	}
	if !expect { // the body follows at once, as a client without Expect sends it
		go func() {
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for sent := 0; sent < length; sent += len(chunk) {
				if _, err := conn.Write(chunk); err != nil {
					return // the server closed: it answered
				}
			}
		}()
	}
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer (expect %v): %v", expect, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the answer was cut (expect %v): %v", expect, err)
	}
	return resp, body
}

// A JSON body announced over the limit (here 10 MB) is answered 413
// too_large from its Content-Length, before it is read, and the
// connection closes cleanly: the client reads the whole answer every time
// (it used to get a reset one time in three), and one that asked
// "Expect: 100-continue" is not told to continue.
func TestOversizeBodyIsRefusedFromItsLength(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	for _, expect := range []bool{false, true} {
		for i := 0; i < 10; i++ {
			resp, body := post(t, e.URL, 10_000_000, expect)
			var got struct{ Code, Message string }
			if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 413 || got.Code != "too_large" || !resp.Close {
				t.Fatalf("expect %v, try %d: %d %s (close %v)", expect, i, resp.StatusCode, body, resp.Close)
			}
		}
	}
	// The same route still reads a body of a normal size (two spaces: no JSON).
	if resp, body := post(t, e.URL, 2, false); resp.StatusCode != 400 || !strings.Contains(string(body), `"invalid"`) {
		t.Fatalf("a small body: %d %s", resp.StatusCode, body)
	}
}

// A request's headers are read into a 4 KiB buffer: a tablet's request with
// a proxy's headers and other cookies of the domain (3.5 KiB in all) is
// served; past the limit the answer is 431 headers_too_large in the
// caller's language, naming the limit.
func TestHeadersFitTheReadBuffer(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	get := func(cookies int) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", e.URL+"/api/v1/me", nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
		req.Header.Set("Accept", "application/json, text/plain, */*")
		req.Header.Set("Accept-Language", "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7")
		req.Header.Set("X-Forwarded-For", "10.20.30.40, 10.0.0.1")
		req.Header.Set("X-Forwarded-Proto", "https")
		for i := 0; i < cookies; i++ {
			req.AddCookie(&http.Cookie{Name: fmt.Sprintf("portal_pref_%02d", i), Value: strings.Repeat("x", 90)})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	if resp, body := get(30); resp.StatusCode != 401 {
		t.Fatalf("a request with 3.5 KiB of headers: %d %s", resp.StatusCode, body)
	}
	resp, body := get(60)
	var got struct{ Code, Message string }
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 431 || got.Code != "headers_too_large" || !strings.Contains(got.Message, "4 KiB") {
		t.Fatalf("a request with 6.5 KiB of headers: %d %s", resp.StatusCode, body)
	}
}
