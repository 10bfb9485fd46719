package auth_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/ratelimit"
	"github.com/ecabinet/ecabinet/backend/store"
)

var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

func TestHasher(t *testing.T) {
	ctx := context.Background()
	h := auth.NewHasher(2)
	a, err := h.Hash(ctx, "mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := h.Hash(ctx, "mật khẩu đủ dài")
	if a == b {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"mật khẩu đủ dài": true, "mat khau du dai": false, "": false} {
		if ok, err := h.Verify(ctx, pw, a); err != nil || ok != want {
			t.Fatalf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1$x$y", "$bcrypt$...", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!", "$argon2id$v=19$m=99999999,t=2,p=1$YQ$YQ"} {
		if _, err := h.Verify(ctx, "x", bad); err == nil {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

// env is an auth service over a real SQLite store with a controllable clock.
type env struct {
	db      *store.DB
	svc     *auth.Service
	signIns *store.SignInStore
	hasher  *auth.Hasher
	cfg     auth.Config
	now     time.Time
	member  *ecabinet.Member
	admin   *ecabinet.Member
}

func newEnv(t *testing.T, options ...func(*auth.Config)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h := auth.NewHasher(2)
	b, err := db.CreateBody(ctx, "b", "Body", ecabinet.DefaultBodySettings())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	mk := func(u string, r ecabinet.Role) *ecabinet.Member {
		m, err := db.CreateMember(ctx, h, b.ID, ecabinet.MemberInput{Username: u, Password: "password-" + u, FullName: u, Role: r, Clearance: ecabinet.ClassNone, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	e.member, e.admin = mk("minh", ecabinet.RoleMember), mk("root", ecabinet.RoleAdmin)
	e.signIns, e.hasher = store.NewSignInStore(db), h
	e.cfg = auth.Config{IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour, MaxFailuresPerUser: 5, MaxFailuresPerIP: 8}
	for _, o := range options {
		o(&e.cfg)
	}
	e.svc = e.service(t, e.cfg)
	return e
}

// service returns another instance's service over the same store.
func (e *env) service(t *testing.T, cfg auth.Config) *auth.Service {
	t.Helper()
	svc, err := auth.New(e.signIns, e.hasher, ratelimit.NewLocal(15*time.Minute), cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return e.now }
	return svc
}

func code(err error) string { return ecabinet.ErrorCode(err) }

func TestLoginAndLifetimes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := ecabinet.Client{IP: "10.0.0.1"}

	m, si, tok1, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: " MINH ", Password: "password-minh"}, c)
	if err != nil || m.ID != e.member.ID || si.CSRFToken == "" || len(tok1) < 40 {
		t.Fatalf("Login = %+v %+v %q %v", m, si, tok1, err)
	}
	_, _, tok2, _ := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, c)
	if tok1 == tok2 {
		t.Fatal("two logins got the same session token")
	}
	a, _, err := e.svc.Authenticate(ctx, tok1)
	if err != nil || a.MemberID != e.member.ID || a.Role != ecabinet.RoleMember {
		t.Fatalf("Authenticate = %+v, %v", a, err)
	}

	// Activity keeps a sign-in alive past the idle timeout...
	for i := 0; i < 4; i++ {
		e.now = e.now.Add(20 * time.Minute)
		if _, _, err := e.svc.Authenticate(ctx, tok1); err != nil {
			t.Fatalf("active sign-in ended after %d×20 min: %v", i+1, err)
		}
	}
	// ...but 30 idle minutes end it (tok2 was not used since login).
	if _, _, err := e.svc.Authenticate(ctx, tok2); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("idle sign-in: %v", err)
	}
	// The absolute lifetime ends even a busy sign-in.
	for e.now.Before(si.ExpiresAt) {
		if _, _, err := e.svc.Authenticate(ctx, tok1); err != nil {
			t.Fatalf("sign-in ended before its lifetime at %v: %v", e.now, err)
		}
		e.now = e.now.Add(25 * time.Minute)
	}
	if _, _, err := e.svc.Authenticate(ctx, tok1); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("sign-in past its lifetime: %v", err)
	}

	_, _, tok3, _ := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, c)
	if err := e.svc.Logout(ctx, tok3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(ctx, tok3); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("after logout: %v", err)
	}
	if _, _, err := e.svc.Authenticate(ctx, ""); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("empty token: %v", err)
	}
}

func TestLoginRateLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := ecabinet.Client{IP: "10.0.0.2"}
	for i := 1; i <= 5; i++ {
		if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "wrong"}, c); code(err) != ecabinet.EUNAUTHENTICATED {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, c)
	if ae := ecabinet.AsError(err); ae.Code != ecabinet.ERATELIMITED || ae.RetryAfter <= 0 || ae.RetryAfter > 15*60 {
		t.Fatalf("sixth attempt (even with the right password) = %v, retry after %d", err, ae.RetryAfter)
	}
	// Another account from another address is not affected.
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "root", Password: "password-root"}, ecabinet.Client{IP: "10.0.0.3"}); err != nil {
		t.Fatal(err)
	}
	// A success resets the username's count.
	_, _, _, _ = e.svc.Login(ctx, ecabinet.LoginInput{Username: "root", Password: "wrong"}, ecabinet.Client{IP: "10.0.0.4"})
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "root", Password: "password-root"}, ecabinet.Client{IP: "10.0.0.4"}); err != nil {
		t.Fatal(err)
	}
}

// 8 failures across usernames from one address (a ministry behind one
// address) do not lock the address out: a member there with the right
// password signs in, and so does the next, while a failure from it is
// answered only after a delay and the address's attempts are checked one
// at a time. An account that is itself limited stays limited.
func TestAddressLimitSlowsFailuresWithoutLockingOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var mu sync.Mutex
	var slept []time.Duration
	inside, most := 0, 0 // verifications under way from the address, and the most at once
	release := make(chan struct{})
	delay := e.svc.Throttle(func(next func(ctx context.Context, password, hash string) (bool, error)) func(ctx context.Context, password, hash string) (bool, error) {
		return func(ctx context.Context, password, hash string) (bool, error) {
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			if password == "slow-wrong" {
				<-release
			}
			ok, err := next(ctx, password, hash)
			mu.Lock()
			inside--
			mu.Unlock()
			return ok, err
		}
	}, func(_ context.Context, d time.Duration) {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
	})
	ministry := ecabinet.Client{IP: "10.9.9.9"}
	for i := 0; i < 8; i++ {
		if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "nobody" + string(rune('a'+i)), Password: "wrong"}, ministry); code(err) != ecabinet.EUNAUTHENTICATED {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if len(slept) != 0 {
		t.Fatalf("failures under the limit were slowed: %v", slept)
	}
	for _, who := range []string{"root", "minh"} {
		if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: who, Password: "password-" + who}, ministry); err != nil {
			t.Fatalf("%s, right password, from the address over its limit: %v", who, err)
		}
	}
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "root", Password: "wrong"}, ministry); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("a wrong password from the address: %v", err)
	}
	if len(slept) != 1 || slept[0] != delay || delay < time.Second {
		t.Fatalf("the failure waited %v, want %v", slept, delay)
	}
	// Four failures at once from the address are checked one at a time.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, _ = e.svc.Login(ctx, ecabinet.LoginInput{Username: "nobody", Password: "slow-wrong"}, ministry)
		}()
	}
	time.Sleep(100 * time.Millisecond) // let them queue
	close(release)
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d verifications from the address ran at once", most)
	}
	// An account limited itself is refused, right password or not.
	for i := 0; i < 5; i++ {
		_, _, _, _ = e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "wrong"}, ecabinet.Client{IP: "10.0.0.9"})
	}
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, ministry); code(err) != ecabinet.ERATELIMITED {
		t.Fatalf("a limited account from the address: %v", err)
	}
}

func TestEndMemberSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, _, tok, _ := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, ecabinet.Client{})
	asMember := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.member.ID, BodyID: e.member.BodyID, Role: ecabinet.RoleMember})
	if _, err := e.svc.EndMemberSessions(asMember, e.member.ID); code(err) != ecabinet.EFORBIDDEN {
		t.Fatalf("member ending sessions: %v", err)
	}
	asAdmin := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.admin.ID, BodyID: e.admin.BodyID, Role: ecabinet.RoleAdmin})
	if n, err := e.svc.EndMemberSessions(asAdmin, e.member.ID); err != nil || n != 1 {
		t.Fatalf("EndMemberSessions = %d, %v", n, err)
	}
	if _, _, err := e.svc.Authenticate(ctx, tok); code(err) != ecabinet.EUNAUTHENTICATED {
		t.Fatalf("ended sign-in still works: %v", err)
	}
}

func TestSecondFactor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := ecabinet.Client{IP: "10.1.1.1"}
	asMember := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.member.ID, BodyID: e.member.BodyID, Username: "minh", Role: ecabinet.RoleMember})
	setup, err := e.svc.SetupMFA(asMember)
	if err != nil || !strings.HasPrefix(setup.OTPAuthURI, "otpauth://totp/e-Cabinet:minh?") {
		t.Fatalf("setup %+v %v", setup, err)
	}
	code := func(at time.Time) string {
		c, err := auth.TOTPCode(setup.Secret, auth.TOTPStep(at))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := e.svc.EnableMFA(asMember, "000000"); code(e.now) != "000000" && ecabinet.ErrorCode(err) != ecabinet.EINVALID {
		t.Fatalf("enable with a wrong code: %v", err)
	}
	recovery, err := e.svc.EnableMFA(asMember, code(e.now))
	if err != nil || len(recovery) != 10 {
		t.Fatalf("enable: %v %v", recovery, err)
	}
	pw := ecabinet.LoginInput{Username: "minh", Password: "password-minh"}
	if _, _, _, err := e.svc.Login(ctx, pw, c); ecabinet.ErrorCode(err) != ecabinet.EMFAREQUIRED {
		t.Fatalf("login without the code: %v", err)
	}
	// The code used to enable cannot sign in: each step works once.
	e.now = e.now.Add(30 * time.Second)
	withCode := pw
	withCode.TOTP = code(e.now)
	if _, _, _, err := e.svc.Login(ctx, withCode, c); err != nil {
		t.Fatalf("login with the code: %v", err)
	}
	if _, _, _, err := e.svc.Login(ctx, withCode, c); ecabinet.AsError(err).Key != "mfa_invalid" {
		t.Fatalf("the same code twice: %v", err)
	}
	withRecovery := pw
	withRecovery.RecoveryCode = strings.ToLower(recovery[3])
	if _, _, _, err := e.svc.Login(ctx, withRecovery, c); err != nil {
		t.Fatalf("login with a recovery code: %v", err)
	}
	if _, _, _, err := e.svc.Login(ctx, withRecovery, c); ecabinet.AsError(err).Key != "mfa_invalid" {
		t.Fatalf("a recovery code twice: %v", err)
	}
	// Disabling needs a fresh code.
	e.now = e.now.Add(30 * time.Second)
	if err := e.svc.DisableMFA(asMember, "123"); ecabinet.ErrorCode(err) != ecabinet.EINVALID {
		t.Fatalf("disable with a bad code: %v", err)
	}
	if err := e.svc.DisableMFA(asMember, code(e.now)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.svc.Login(ctx, pw, c); err != nil {
		t.Fatalf("login after disabling: %v", err)
	}
}

// With ECABINET_MFA_KEY the TOTP secret is stored encrypted, bound to its
// member: the stored value does not reveal it, an instance without the key
// cannot use it, and the value copied into another member's row does not
// open there.
func TestSecondFactorSecretIsSealedAtRest(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	e := newEnv(t, func(c *auth.Config) { c.MFAKey = key })
	ctx := context.Background()
	c := ecabinet.Client{IP: "10.2.2.2"}
	asMember := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.member.ID, BodyID: e.member.BodyID, Username: "minh", Role: ecabinet.RoleMember})
	setup, err := e.svc.SetupMFA(asMember)
	if err != nil {
		t.Fatal(err)
	}
	code := func() string {
		c, err := auth.TOTPCode(setup.Secret, auth.TOTPStep(e.now))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := e.svc.EnableMFA(asMember, code()); err != nil {
		t.Fatal(err)
	}
	stored, _, _, err := e.signIns.MFAState(ctx, e.member.ID)
	if err != nil || stored == setup.Secret || strings.Contains(stored, setup.Secret) || !strings.HasPrefix(stored, "aesgcm1:") {
		t.Fatalf("stored secret %q (%v): not sealed", stored, err)
	}
	e.now = e.now.Add(30 * time.Second)
	in := ecabinet.LoginInput{Username: "minh", Password: "password-minh", TOTP: code()}
	if _, _, _, err := e.service(t, auth.Config{IdleTimeout: time.Hour, Lifetime: 12 * time.Hour, MaxFailuresPerUser: 5, MaxFailuresPerIP: 8}).
		Login(ctx, in, c); ecabinet.ErrorCode(err) != ecabinet.EINTERNAL {
		t.Fatalf("an instance without the key: %v, want an internal error", err)
	}
	if _, _, _, err := e.svc.Login(ctx, in, c); err != nil {
		t.Fatalf("login with the code: %v", err)
	}
	// The admin's row gets the member's sealed secret: it does not open.
	if err := e.signIns.SetMFASecret(ctx, e.admin.ID, stored); err != nil {
		t.Fatal(err)
	}
	asAdmin := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.admin.ID, BodyID: e.admin.BodyID, Username: "root", Role: ecabinet.RoleAdmin})
	e.now = e.now.Add(30 * time.Second)
	if _, err := e.svc.EnableMFA(asAdmin, code()); ecabinet.ErrorCode(err) != ecabinet.EINTERNAL {
		t.Fatalf("a secret moved to another member: %v, want an internal error", err)
	}
}
