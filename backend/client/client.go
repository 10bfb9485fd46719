// Package client is the Go client of the e-Cabinet API: sign-in, JSON calls
// with the CSRF token, and (see ws.go) the real-time connection with resume.
// The tests, the load generator and scripts use it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// Client talks to one server (or a load balancer in front of several).
type Client struct {
	BaseURL string
	HTTP    *http.Client
	// Lang is sent as Accept-Language ("vi" or "en"); empty sends nothing.
	Lang string
	csrf string
}

// New returns a client of baseURL (such as http://127.0.0.1:8080) with its
// own cookie jar.
func New(baseURL string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		BaseURL: strings.TrimRight(baseURL, "/"),
		HTTP:    &http.Client{Jar: jar, Timeout: 60 * time.Second},
	}
}

// Error is an error answer of the API.
type Error struct {
	Status     int
	Code       string `json:"code"`
	Message    string `json:"message"`
	Field      string `json:"field"`
	RequestID  string `json:"request_id"`
	RetryAfter int
}

func (e *Error) Error() string {
	return fmt.Sprintf("e-Cabinet API: %d %s: %s", e.Status, e.Code, e.Message)
}

// Me is the signed-in member, as /api/v1/me and the login answer.
type Me struct {
	Member    *ecabinet.Member `json:"member"`
	Body      *ecabinet.Body   `json:"body"`
	CSRFToken string           `json:"csrf_token"`
	ExpiresAt time.Time        `json:"expires_at"`
}

// Login signs in and keeps the session cookie and CSRF token.
func (c *Client) Login(ctx context.Context, username, password string) (*Me, error) {
	var me Me
	if err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, &me); err != nil {
		return nil, err
	}
	c.csrf = me.CSRFToken
	return &me, nil
}

// Me returns the signed-in member and refreshes the CSRF token.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var me Me
	if err := c.Do(ctx, "GET", "/api/v1/me", nil, &me); err != nil {
		return nil, err
	}
	c.csrf = me.CSRFToken
	return &me, nil
}

// Logout signs out.
func (c *Client) Logout(ctx context.Context) error {
	return c.Do(ctx, "POST", "/api/v1/auth/logout", nil, nil)
}

// Do sends in as JSON (when not nil) and decodes the answer into out (when
// not nil). An error answer is returned as *Error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	return c.DoRequest(ctx, method, path, body, "application/json", nil, out)
}

// DoRequest sends body with contentType and extra headers and decodes a JSON
// answer into out.
func (c *Client) DoRequest(ctx context.Context, method, path string, body io.Reader, contentType string, header http.Header, out any) error {
	resp, err := c.Send(ctx, method, path, body, contentType, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Send sends a request and returns the response of a success status; an
// error status becomes *Error. The caller closes the body.
func (c *Client) Send(ctx context.Context, method, path string, body io.Reader, contentType string, header http.Header) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, path, body, contentType, header)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

// newRequest prepares a request with the client's headers.
func (c *Client) newRequest(ctx context.Context, method, path string, body io.Reader, contentType string, header http.Header) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.csrf != "" && method != "GET" && method != "HEAD" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	return req, nil
}

// do sends req; an error status becomes *Error.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		e := &Error{Status: resp.StatusCode}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(raw, e) != nil {
			e.Code, e.Message = "internal", strings.TrimSpace(string(raw))
		}
		e.RetryAfter, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
		return nil, e
	}
	return resp, nil
}

// UseSignIn makes the client act for an existing sign-in: its session
// cookie token and CSRF token (load tests issue sign-ins in bulk instead of
// paying a password hash per member).
func (c *Client) UseSignIn(token, csrf string) error {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return err
	}
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: token, Path: "/"}})
	c.csrf = csrf
	return nil
}

// SessionCookie is the name of the server's sign-in cookie.
const SessionCookie = "ecabinet_session"

// CSRFToken returns the token sent with writes.
func (c *Client) CSRFToken() string { return c.csrf }
