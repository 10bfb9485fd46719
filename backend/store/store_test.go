package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// hasher is shared: argon2id is deliberately slow.
var hasher = auth.NewHasher(4)

// forEachStore runs fn against a fresh, migrated database of every dialect:
// the embedded SQLite file and PostgreSQL. This is the contract suite: both
// must behave the same.
func forEachStore(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, name := range []string{store.SQLite, store.Postgres} {
		t.Run(name, func(t *testing.T) { fn(t, openStore(t, name)) })
	}
}

// forEachStoreB is forEachStore for benchmarks.
func forEachStoreB(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	for _, name := range []string{store.SQLite, store.Postgres} {
		b.Run(name, func(b *testing.B) { fn(b, openStore(b, name)) })
	}
}

// openStore opens a fresh, migrated database of the dialect.
func openStore(t testing.TB, dialect string) *store.DB { return openLogged(t, dialect, quiet) }

// openLogged is openStore with the store's log going to log.
func openLogged(t testing.TB, dialect string, log *slog.Logger) *store.DB {
	cfg := store.Config{DataDir: t.TempDir(), Logger: log}
	if dialect == store.Postgres {
		cfg = store.Config{URL: testenv.Postgres(t), Logger: log}
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// fixture is a body with one member of each role.
type fixture struct {
	body    *ecabinet.Body
	members map[ecabinet.Role]*ecabinet.Member
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	b, err := db.CreateBody(ctx, testenv.RandomName("body"), "Ủy ban nhân dân tỉnh", ecabinet.DefaultBodySettings())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{body: b, members: map[ecabinet.Role]*ecabinet.Member{}}
	for _, r := range ecabinet.Roles {
		in := ecabinet.MemberInput{Username: testenv.RandomName(string(r)), Password: "correct horse battery", FullName: "Người " + string(r),
			Role: r, Clearance: ecabinet.ClassNone, Voting: r == ecabinet.RoleChair || r == ecabinet.RoleMember, Active: true}
		m, err := db.CreateMember(ctx, hasher, b.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		f.members[r] = m
	}
	return f
}

// as returns a context acting as the fixture's member of role r.
func (f *fixture) as(r ecabinet.Role) context.Context {
	m := f.members[r]
	return ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{
		MemberID: m.ID, BodyID: m.BodyID, Username: m.Username, FullName: m.FullName, Role: m.Role, Clearance: m.Clearance, Voting: m.Voting,
	})
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ecabinet.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrations(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, err := db.MigrationVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v < 1 {
			t.Fatalf("migration version = %d, want at least 1", v)
		}
		// Applying again is a no-op and keeps the version.
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if v2, _ := db.MigrationVersion(ctx); v2 != v {
			t.Fatalf("version changed from %d to %d on a second migrate", v, v2)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBodies(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		a, b := newFixture(t, db), newFixture(t, db)
		svc := store.NewBodyService(db)

		got, err := svc.FindBody(a.as(ecabinet.RoleMember), a.body.ID)
		if err != nil || got.Name != a.body.Name || got.Settings.QuorumNumerator != 2 || got.Settings.QuorumDenominator != 3 {
			t.Fatalf("FindBody = %+v, %v", got, err)
		}
		_, err = svc.FindBody(b.as(ecabinet.RoleAdmin), a.body.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)

		s := got.Settings
		s.DeputyMayVote = true
		s.QuorumNumerator, s.QuorumDenominator = 1, 2
		_, err = svc.UpdateBodySettings(a.as(ecabinet.RoleSecretary), a.body.ID, s)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = svc.UpdateBodySettings(b.as(ecabinet.RoleAdmin), a.body.ID, s)
		wantCode(t, err, ecabinet.ENOTFOUND)
		upd, err := svc.UpdateBodySettings(a.as(ecabinet.RoleAdmin), a.body.ID, s)
		if err != nil || !upd.Settings.DeputyMayVote || upd.Settings.QuorumDenominator != 2 {
			t.Fatalf("UpdateBodySettings = %+v, %v", upd, err)
		}

		bad := s
		bad.QuorumNumerator = 5 // more than the denominator
		_, err = svc.UpdateBodySettings(a.as(ecabinet.RoleAdmin), a.body.ID, bad)
		wantCode(t, err, ecabinet.EINVALID)
		again, _ := svc.FindBody(a.as(ecabinet.RoleAdmin), a.body.ID)
		if again.Settings.QuorumNumerator != 1 {
			t.Fatalf("an invalid update changed the settings: %+v", again.Settings)
		}

		_, err = db.CreateBody(context.Background(), a.body.Slug, "dup", ecabinet.DefaultBodySettings())
		wantCode(t, err, ecabinet.ECONFLICT)
	})
}

func TestMembers(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		a, b := newFixture(t, db), newFixture(t, db)
		svc := store.NewMemberService(db)
		admin := a.as(ecabinet.RoleAdmin)

		list, err := svc.ListMembers(a.as(ecabinet.RoleGuest))
		if err != nil || len(list) != len(ecabinet.Roles) {
			t.Fatalf("ListMembers = %d members, %v", len(list), err)
		}
		if list[0].Role != ecabinet.RoleChair {
			t.Fatalf("the chair is listed first, got %s", list[0].Role)
		}
		for _, m := range list {
			if m.BodyID != a.body.ID {
				t.Fatalf("member %d of body %d listed in body %d", m.ID, m.BodyID, a.body.ID)
			}
		}

		in := ecabinet.MemberInput{Username: "  Bo.Truong-TC ", FullName: "Trịnh Thị Thu Trang",
			Title: "Bộ trưởng Bộ Tài chính", Organization: "Bộ  tài chính", Role: ecabinet.RoleMember, Clearance: ecabinet.ClassSecret, Voting: true, Active: true}
		_, err = svc.CreateMember(a.as(ecabinet.RoleSecretary), in)
		wantCode(t, err, ecabinet.EFORBIDDEN)
		// The organisation must be in the body's list; it is named as the list spells it.
		if _, err = svc.CreateMember(admin, in); ecabinet.AsError(err).Key != "organization.unknown" {
			t.Fatalf("an organisation not in the list: %v", err)
		}
		for _, f := range []*fixture{a, b} {
			if _, err := store.NewOrganizationService(db).CreateOrganization(f.as(ecabinet.RoleAdmin), ecabinet.OrganizationInput{Name: "Bộ Tài chính"}); err != nil {
				t.Fatal(err)
			}
		}
		m, err := svc.CreateMember(admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if m.Username != "bo.truong-tc" || m.Clearance != ecabinet.ClassSecret || !m.Voting || m.BodyID != a.body.ID || m.Organization != "Bộ Tài chính" {
			t.Fatalf("created %+v", m)
		}
		_, err = svc.CreateMember(b.as(ecabinet.RoleAdmin), in)
		if e := ecabinet.AsError(err); e.Code != ecabinet.ECONFLICT || e.Field != "username" {
			t.Fatalf("duplicate username: %v", err)
		}

		for field, mutate := range map[string]func(*ecabinet.MemberInput){
			"username":  func(in *ecabinet.MemberInput) { in.Username = "có dấu" },
			"full_name": func(in *ecabinet.MemberInput) { in.FullName = " " },
			"role":      func(in *ecabinet.MemberInput) { in.Role = "king" },
			"clearance": func(in *ecabinet.MemberInput) { in.Clearance = "cosmic" },
			"password":  func(in *ecabinet.MemberInput) { in.Password = "an admin never sets it" },
			"voting":    func(in *ecabinet.MemberInput) { in.Role, in.Voting = ecabinet.RoleGuest, true },
		} {
			bad := in
			bad.Username = testenv.RandomName("u")
			mutate(&bad)
			_, err := svc.CreateMember(admin, bad)
			if e := ecabinet.AsError(err); e.Code != ecabinet.EINVALID || e.Field != field {
				t.Fatalf("invalid %s: got %v (field %q)", field, err, e.Field)
			}
		}

		// Another body's member does not exist for this body.
		_, err = svc.FindMember(admin, b.members[ecabinet.RoleMember].ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		upd := in
		upd.Username = testenv.RandomName("x")
		_, err = svc.UpdateMember(admin, b.members[ecabinet.RoleMember].ID, upd)
		wantCode(t, err, ecabinet.ENOTFOUND)

		upd = in
		upd.Password = ""
		upd.Clearance = ecabinet.ClassTopSecret
		upd.Title = "Bộ trưởng"
		got, err := svc.UpdateMember(admin, m.ID, upd)
		if err != nil || got.Clearance != ecabinet.ClassTopSecret || got.Title != "Bộ trưởng" {
			t.Fatalf("UpdateMember = %+v, %v", got, err)
		}

		self := a.members[ecabinet.RoleAdmin]
		selfIn := ecabinet.MemberInput{Username: self.Username, FullName: self.FullName, Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Active: true}
		_, err = svc.UpdateMember(admin, self.ID, selfIn)
		wantCode(t, err, ecabinet.EINVALID)
	})
}

func TestSignIns(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newFixture(t, db)
		s := store.NewSignInStore(db)
		m := a.members[ecabinet.RoleMember]

		cred, err := s.Credentials(ctx, m.Username)
		if err != nil || cred.MemberID != m.ID || !cred.Active {
			t.Fatalf("Credentials = %+v, %v", cred, err)
		}
		if ok, _ := hasher.Verify(ctx, "correct horse battery", cred.PasswordHash); !ok {
			t.Fatal("stored hash does not verify the password")
		}
		_, err = s.Credentials(ctx, "nobody")
		wantCode(t, err, ecabinet.ENOTFOUND)

		now := db.Now()
		si := &ecabinet.SignIn{MemberID: m.ID, CSRFToken: "csrf", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if _, err := s.CreateSignIn(ctx, "hash1", si, ecabinet.Client{IP: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateSignIn(ctx, "hash2", si, ecabinet.Client{}); err != nil {
			t.Fatal(err)
		}
		actor, got, active, err := s.SignIn(ctx, "hash1")
		if err != nil || !active || actor.MemberID != m.ID || actor.BodyID != a.body.ID || actor.Role != ecabinet.RoleMember || got.CSRFToken != "csrf" {
			t.Fatalf("SignIn = %+v %+v %v %v", actor, got, active, err)
		}
		if got.ExpiresAt.Sub(si.ExpiresAt).Abs() > time.Microsecond {
			t.Fatalf("expires_at round trip: %v != %v", got.ExpiresAt, si.ExpiresAt)
		}
		later := now.Add(2 * time.Minute)
		if err := s.TouchSignIn(ctx, "hash1", later); err != nil {
			t.Fatal(err)
		}
		if _, got, _, _ = s.SignIn(ctx, "hash1"); got.LastSeenAt.Sub(later).Abs() > time.Microsecond {
			t.Fatalf("last_seen_at = %v, want %v", got.LastSeenAt, later)
		}

		// Another body's admin cannot end this member's sign-ins.
		b := newFixture(t, db)
		_, err = s.DeleteMemberSignIns(ctx, b.body.ID, m.ID)
		wantCode(t, err, ecabinet.ENOTFOUND)
		n, err := s.DeleteMemberSignIns(ctx, a.body.ID, m.ID)
		if err != nil || n != 2 {
			t.Fatalf("DeleteMemberSignIns = %d, %v", n, err)
		}
		_, _, _, err = s.SignIn(ctx, "hash1")
		wantCode(t, err, ecabinet.EUNAUTHENTICATED)

		// What a client sends as its user agent is its own: a long one cut
		// in the middle of a character, or bytes that are not UTF-8, still
		// sign in (PostgreSQL refuses text that is not UTF-8).
		for i, ua := range []string{strings.Repeat("a", 299) + "ệ", "Mozilla/5.0 \xff\xfe"} {
			if _, err := s.CreateSignIn(ctx, fmt.Sprintf("ua%d", i), si, ecabinet.Client{IP: "127.0.0.1", UserAgent: ua}); err != nil {
				t.Fatalf("sign-in with user agent %q: %v", ua, err)
			}
		}

		// Expiry: one past its lifetime, one idle, one fresh.
		old := &ecabinet.SignIn{MemberID: m.ID, CSRFToken: "c", CreatedAt: now.Add(-48 * time.Hour), LastSeenAt: now, ExpiresAt: now.Add(-time.Second)}
		idle := &ecabinet.SignIn{MemberID: m.ID, CSRFToken: "c", CreatedAt: now, LastSeenAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}
		fresh := &ecabinet.SignIn{MemberID: m.ID, CSRFToken: "c", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		for h, x := range map[string]*ecabinet.SignIn{"old": old, "idle": idle, "fresh": fresh} {
			if _, err := s.CreateSignIn(ctx, h, x, ecabinet.Client{}); err != nil {
				t.Fatal(err)
			}
		}
		n64, err := s.DeleteExpiredSignIns(ctx, now, now.Add(-30*time.Minute))
		if err != nil || n64 != 2 {
			t.Fatalf("DeleteExpiredSignIns = %d, %v", n64, err)
		}
		if _, _, _, err := s.SignIn(ctx, "fresh"); err != nil {
			t.Fatalf("fresh sign-in removed: %v", err)
		}
	})
}
