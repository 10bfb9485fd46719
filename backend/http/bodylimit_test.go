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
