package auth_test

import (
	"context"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// An admin sees a member held by the login limit and lifts it; the member
// signs in at once. Nobody else may, and the per-address limit stays.
func TestUnlock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := ecabinet.Client{IP: "10.0.0.9"}
	for range 5 {
		if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "wrong password"}, c); code(err) != ecabinet.EUNAUTHENTICATED {
			t.Fatal(err)
		}
	}
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, c); code(err) != ecabinet.ERATELIMITED {
		t.Fatalf("the right password after five failures: %v", err)
	}
	admin := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.admin.ID, BodyID: e.admin.BodyID, Role: ecabinet.RoleAdmin})
	member := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.member.ID, BodyID: e.member.BodyID, Role: ecabinet.RoleMember})
	if err := e.svc.Unlock(member, e.member.ID); code(err) != ecabinet.EFORBIDDEN {
		t.Fatalf("a member unlocked: %v", err)
	}
	elsewhere := ecabinet.NewContextWithActor(ctx, ecabinet.Actor{MemberID: e.admin.ID, BodyID: e.admin.BodyID + 1, Role: ecabinet.RoleAdmin})
	if err := e.svc.Unlock(elsewhere, e.member.ID); code(err) != ecabinet.ENOTFOUND {
		t.Fatalf("another body's admin unlocked: %v", err)
	}
	l, err := e.svc.LoginLimit(admin, e.member.ID)
	if err != nil || !l.Locked || l.Failures != 5 || l.Max != 5 || l.RetryAfter <= 0 {
		t.Fatalf("limit %+v %v", l, err)
	}
	if err := e.svc.Unlock(admin, e.member.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.svc.LoginLimit(admin, e.member.ID); l.Locked || l.Failures != 0 {
		t.Fatalf("after unlocking: %+v", l)
	}
	if _, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: "minh", Password: "password-minh"}, c); err != nil {
		t.Fatalf("unlocked, the right password: %v", err)
	}
}

// A member created without a password (by an admin or an import) cannot
// sign in with any password, and the answer is the same as for a wrong one.
func TestNoPasswordYet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m, err := e.db.CreateMember(ctx, e.hasher, e.member.BodyID, ecabinet.MemberInput{Username: "moi", FullName: "Thành viên mới",
		Role: ecabinet.RoleMember, Clearance: ecabinet.ClassNone, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", "anything at all", "not a password of anyone"} {
		_, _, _, err := e.svc.Login(ctx, ecabinet.LoginInput{Username: m.Username, Password: pw}, ecabinet.Client{IP: "10.0.0.7"})
		if code(err) != ecabinet.EUNAUTHENTICATED && !(pw == "" && code(err) == ecabinet.EINVALID) {
			t.Fatalf("password %q: %v", pw, err)
		}
	}
}
