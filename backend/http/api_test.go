package http_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

func apiError(t *testing.T, err error) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("want an API error, got %v", err)
	}
	return e
}

func wantError(t *testing.T, err error, status int, code string) *client.Error {
	t.Helper()
	e := apiError(t, err)
	if e.Status != status || e.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, status, code)
	}
	if e.Message == "" {
		t.Fatal("error without a human message")
	}
	return e
}

func TestLoginAndMe(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		c := e.Client()
		wantError(t, c.Do(ctx, "GET", "/api/v1/me", nil, nil), 401, "unauthenticated")

		me, err := c.Login(ctx, "chair", apptest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if me.Member.Role != ecabinet.RoleChair || me.Member.Title != "Thủ tướng Chính phủ" || me.Body.Slug != "chinh-phu" || me.CSRFToken == "" {
			t.Fatalf("login answer %+v", me)
		}
		me2, err := c.Me(ctx)
		if err != nil || me2.Member.ID != me.Member.ID || me2.CSRFToken != me.CSRFToken {
			t.Fatalf("/me = %+v, %v", me2, err)
		}
		// The demo Government: 27 voting members, two secretaries, one admin.
		var ms []ecabinet.Member
		if err := c.Do(ctx, "GET", "/api/v1/members", nil, &ms); err != nil {
			t.Fatal(err)
		}
		voting := 0
		for _, m := range ms {
			if m.Voting {
				voting++
			}
		}
		if len(ms) != 30 || voting != 27 || ms[0].Username != "chair" || ms[1].Username != "member01" {
			t.Fatalf("%d members, %d voting, first %s %s", len(ms), voting, ms[0].Username, ms[1].Username)
		}

		if err := c.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		wantError(t, c.Do(ctx, "GET", "/api/v1/me", nil, nil), 401, "unauthenticated")

		// A wrong password: 401, in Vietnamese by default and English on request.
		err = c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "chair", "password": "sai mật khẩu"}, nil)
		if e := wantError(t, err, 401, "unauthenticated"); !strings.Contains(e.Message, "mật khẩu") {
			t.Fatalf("message %q is not Vietnamese", e.Message)
		}
		c.Lang = "en-GB,en;q=0.9"
		err = c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "whatever"}, nil)
		if e := wantError(t, err, 401, "unauthenticated"); e.Message != "Wrong username or password." {
			t.Fatalf("English message = %q", e.Message)
		}
	})
}

// Six wrong passwords in a row for one account get a 429 with Retry-After;
// with Redis the count is shared by every instance.
func TestLoginRateLimit(t *testing.T) {
	for _, b := range apptest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			e := apptest.Start(t, b, nil)
			instances := []*apptest.Env{e}
			if b.Postgres {
				// A second instance on the same PostgreSQL and Redis.
				vars := map[string]string{"DATABASE_URL": e.Cfg.DatabaseURL, "REDIS_URL": e.Cfg.RedisURL, "ECABINET_REDIS_PREFIX": e.Cfg.RedisPrefix,
					"ECABINET_DEMO": "false", "ECABINET_LOG_LEVEL": "warn", "ECABINET_DATA_DIR": t.TempDir()}
				instances = append(instances, apptest.StartWith(t, vars))
			}
			ctx := context.Background()
			wrong := map[string]string{"username": "member07", "password": "not the password"}
			for i := 0; i < 5; i++ {
				c := instances[i%len(instances)].Client()
				wantError(t, c.Do(ctx, "POST", "/api/v1/auth/login", wrong, nil), 401, "unauthenticated")
			}
			c := instances[len(instances)-1].Client()
			err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "member07", "password": apptest.Password}, nil)
			if e := wantError(t, err, 429, "rate_limited"); e.RetryAfter <= 0 {
				t.Fatalf("429 without Retry-After: %+v", e)
			}
			// Other accounts still sign in.
			if _, err := instances[0].Client().Login(ctx, "member08", apptest.Password); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// raw sends a request with a raw body and returns status and error body.
func raw(t *testing.T, c *client.Client, method, path, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	resp, err := c.Send(context.Background(), method, path, strings.NewReader(body), "application/json", h)
	if err != nil {
		var e *client.Error
		if errors.As(err, &e) {
			return e.Status, map[string]any{"code": e.Code, "field": e.Field, "message": e.Message}
		}
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestBadInputChangesNothing(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		admin := e.Login(t, "admin")
		count := func() int {
			var ms []ecabinet.Member
			if err := admin.Do(ctx, "GET", "/api/v1/members", nil, &ms); err != nil {
				t.Fatal(err)
			}
			return len(ms)
		}
		before := count()
		valid := `{"username":"khach01","full_name":"Khách mời","title":"","organization":"","precedence":0,"role":"guest","clearance":"none","voting":false,"active":true}`
		cases := []struct {
			name, body, field string
			status            int
			code              string
		}{
			{"malformed", `{"username":`, "body", 400, "invalid"},
			{"empty", ``, "body", 400, "invalid"},
			{"unknown field", strings.Replace(valid, `"active":true`, `"active":true,"admin":true`, 1), "admin", 400, "invalid"},
			{"wrong type", strings.Replace(valid, `"voting":false`, `"voting":"no"`, 1), "voting", 400, "invalid"},
			{"trailing data", valid + `{}`, "body", 400, "invalid"},
			{"oversized", `{"username":"` + strings.Repeat("a", 2<<20) + `"}`, "body", 413, "too_large"},
			{"rule broken", strings.Replace(valid, `"role":"guest"`, `"role":"emperor"`, 1), "role", 400, "invalid"},
			{"a password (set by the member through a link)", strings.Replace(valid, `"full_name"`, `"password":"mat-khau-du-dai","full_name"`, 1), "password", 400, "invalid"},
		}
		for _, tc := range cases {
			status, body := raw(t, admin, "POST", "/api/v1/members", tc.body, nil)
			if status != tc.status || body["code"] != tc.code || body["field"] != tc.field || body["message"] == "" {
				t.Fatalf("%s: %d %v, want %d %s field %s", tc.name, status, body, tc.status, tc.code, tc.field)
			}
		}
		if got := count(); got != before {
			t.Fatalf("bad input changed the member count from %d to %d", before, got)
		}
		status, body := raw(t, admin, "GET", "/api/v1/members/abc", "", nil)
		if status != 400 || body["field"] != "id" {
			t.Fatalf("bad id: %d %v", status, body)
		}
		status, body = raw(t, admin, "GET", "/api/v1/nothing-here", "", nil)
		if status != 404 || body["code"] != "not_found" {
			t.Fatalf("unknown route: %d %v", status, body)
		}
		// The valid request then works: the cases above failed for their own reason.
		status, body = raw(t, admin, "POST", "/api/v1/members", valid, nil)
		if status != 201 || body["username"] != "khach01" {
			t.Fatalf("valid create: %d %v", status, body)
		}
	})
}

func TestCSRFAndOrigin(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		admin := e.Login(t, "admin")
		body := `{"username":"khach02","full_name":"Khách","title":"","organization":"","precedence":0,"role":"guest","clearance":"none","voting":false,"active":true}`
		// Without the CSRF token: a bare cookie client (what a forged form would be).
		bare := client.New(e.URL)
		bare.HTTP.Jar = admin.HTTP.Jar
		status, b := raw(t, bare, "POST", "/api/v1/members", body, nil)
		if status != 403 || b["code"] != "forbidden" {
			t.Fatalf("write without CSRF token: %d %v", status, b)
		}
		status, b = raw(t, admin, "POST", "/api/v1/members", body, map[string]string{"Origin": "https://evil.example"})
		if status != 403 || b["code"] != "forbidden" {
			t.Fatalf("write from a foreign origin: %d %v", status, b)
		}
		status, _ = raw(t, admin, "POST", "/api/v1/members", body, map[string]string{"Origin": e.URL})
		if status != 201 {
			t.Fatalf("write from the server's own origin: %d", status)
		}
	})
}

func TestRolesAndBodies(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		member := e.Login(t, "member05")
		wantError(t, member.Do(ctx, "POST", "/api/v1/members", map[string]any{}, nil), 403, "forbidden")
		wantError(t, member.Do(ctx, "PUT", "/api/v1/body/settings", ecabinet.DefaultBodySettings(), nil), 403, "forbidden")

		// A second body with its own admin sees nothing of the first.
		db := e.App.DB
		other, err := db.CreateBody(ctx, "ubnd-tinh", "Ủy ban nhân dân tỉnh", ecabinet.DefaultBodySettings())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateMember(ctx, hasher, other.ID, ecabinet.MemberInput{Username: "tinh.admin", Password: apptest.Password, FullName: "Admin tỉnh", Role: ecabinet.RoleAdmin, Clearance: ecabinet.ClassNone, Active: true}); err != nil {
			t.Fatal(err)
		}
		oa := e.Login(t, "tinh.admin")
		var ms []ecabinet.Member
		if err := oa.Do(ctx, "GET", "/api/v1/members", nil, &ms); err != nil || len(ms) != 1 {
			t.Fatalf("other body lists %d members, %v", len(ms), err)
		}
		var me client.Me
		if err := member.Do(ctx, "GET", "/api/v1/me", nil, &me); err != nil {
			t.Fatal(err)
		}
		wantError(t, oa.Do(ctx, "GET", "/api/v1/members/"+itoa(me.Member.ID), nil, nil), 404, "not_found")
		wantError(t, oa.Do(ctx, "DELETE", "/api/v1/members/"+itoa(me.Member.ID)+"/sessions", nil, nil), 404, "not_found")

		// The body's own admin ends the member's sign-ins.
		admin := e.Login(t, "admin")
		var ended struct{ Ended int }
		if err := admin.Do(ctx, "DELETE", "/api/v1/members/"+itoa(me.Member.ID)+"/sessions", nil, &ended); err != nil || ended.Ended != 1 {
			t.Fatalf("end sessions = %+v, %v", ended, err)
		}
		wantError(t, member.Do(ctx, "GET", "/api/v1/me", nil, nil), 401, "unauthenticated")
	})
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	resp, err := http.Get(e.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range e.App.Server.App().GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "CONNECT" || r.Method == "TRACE" || r.Method == "OPTIONS" {
			continue
		}
		p := strings.Replace(r.Path, "*", "{path}", 1)
		for _, param := range r.Params {
			p = strings.Replace(p, ":"+param, "{"+param+"}", 1)
		}
		registered[r.Method+" "+p] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not documented: %v\ndocumented but not registered: %v", missing, extra)
	}
	if len(registered) < 10 {
		t.Fatalf("only %d routes registered", len(registered))
	}
}

func TestOperations(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		get := func(path string) (int, string) {
			return fetch(t, e.URL+path)
		}
		if s, b := get("/healthz"); s != 200 || !strings.Contains(b, "ok") {
			t.Fatalf("healthz %d %s", s, b)
		}
		if s, b := get("/readyz"); s != 200 || !strings.Contains(b, `"database":"ok"`) || !strings.Contains(b, `"bus":"ok"`) {
			t.Fatalf("readyz %d %s", s, b)
		}
		get("/api/v1/me")
		// The metrics are served on their own address only, not to whoever reaches the API.
		if s, b := get("/metrics"); s != 404 || strings.Contains(b, "go_goroutines") {
			t.Fatalf("/metrics on the API's address: %d %.100s", s, b)
		}
		s, b := fetch(t, e.MetricsURL+"/metrics")
		for _, want := range []string{`ecabinet_http_request_duration_seconds_bucket{method="GET",route="/api/v1/me",status="401"`, "go_goroutines", `go_sql_max_open_connections{db_name="ecabinet"}`} {
			if s != 200 || !strings.Contains(b, want) {
				t.Fatalf("metrics lack %s", want)
			}
		}
		// With the bus gone, the instance is not ready.
		_ = e.App.Bus.Close()
		if s, b := get("/readyz"); s != 503 || !strings.Contains(b, `"bus":"unavailable"`) {
			t.Fatalf("readyz without a bus: %d %s", s, b)
		}
		// With the database gone, the API answers 503 unavailable with Retry-After and no internals.
		_ = e.App.DB.Close()
		c := e.Client()
		err := c.Do(context.Background(), "POST", "/api/v1/auth/login", map[string]string{"username": "chair", "password": apptest.Password}, nil)
		ae := wantError(t, err, 503, "unavailable")
		if ae.RetryAfter <= 0 || strings.Contains(strings.ToLower(ae.Message), "sql") {
			t.Fatalf("unavailable answer: %+v", ae)
		}
	})
}

// fetch GETs url and returns the status and body.
func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// With the body requiring it, a secretary must enrol a second factor before
// doing anything else, then signs in with a code.
func TestRequiredSecondFactor(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	ctx := context.Background()
	admin := e.Login(t, "admin")
	var body ecabinet.Body
	_ = admin.Do(ctx, "GET", "/api/v1/body", nil, &body)
	s := body.Settings
	s.MFARequired = true
	if err := admin.Do(ctx, "PUT", "/api/v1/body/settings", s, nil); err != nil {
		t.Fatal(err)
	}
	sec := e.Login(t, "secretary2")
	wantError(t, sec.Do(ctx, "GET", "/api/v1/meetings", nil, nil), 403, "forbidden")
	if _, err := sec.Me(ctx); err != nil {
		t.Fatalf("/me during enrolment: %v", err)
	}
	var setup ecabinet.MFASetup
	if err := sec.Do(ctx, "POST", "/api/v1/me/mfa", nil, &setup); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	code, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(now))
	var rec struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	if err := sec.Do(ctx, "POST", "/api/v1/me/mfa/enable", map[string]string{"code": code}, &rec); err != nil || len(rec.RecoveryCodes) != 10 {
		t.Fatalf("enable: %v %v", rec, err)
	}
	if err := sec.Do(ctx, "GET", "/api/v1/meetings", nil, nil); err != nil {
		t.Fatalf("after enrolment: %v", err)
	}
	// Disabling is refused: the body requires it.
	next, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(now)+1)
	wantError(t, sec.Do(ctx, "POST", "/api/v1/me/mfa/disable", map[string]string{"code": next}, nil), 403, "forbidden")

	c := e.Client()
	err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "secretary2", "password": apptest.Password}, nil)
	wantError(t, err, 401, "mfa_required")
	if err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "secretary2", "password": apptest.Password, "totp": next}, nil); err != nil {
		t.Fatalf("login with a code: %v", err)
	}
	var entries []ecabinet.AuditEntry
	if err := admin.Do(ctx, "GET", "/api/v1/audit?limit=1000", nil, &entries); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		found = found || en.Action == ecabinet.AuditMFAEnabled
	}
	if !found {
		t.Fatal("enabling the second factor was not audited")
	}
}
