package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
	"github.com/ecabinet/ecabinet/backend/testenv"
)

// "Bộ Tài chính" is one organisation: another spelling of it is refused, a
// rename reaches every member and task that names it, and one in use is not
// deleted. Another body's list is its own.
func TestOrganizations(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		e := newTaskEnv(t, db)
		f := newFixture(t, db)
		orgs := store.NewOrganizationService(db)
		admin := f.as(ecabinet.RoleAdmin)
		_, err := orgs.CreateOrganization(f.as(ecabinet.RoleSecretary), ecabinet.OrganizationInput{Name: "Bộ Y tế"})
		wantCode(t, err, ecabinet.EFORBIDDEN)
		moh, err := orgs.CreateOrganization(admin, ecabinet.OrganizationInput{Name: "  Bộ   Y tế "})
		if err != nil || moh.Name != "Bộ Y tế" {
			t.Fatalf("created %+v %v", moh, err)
		}
		// The decomposed form a Mac may paste, and another case: the same organisation.
		for _, spelling := range []string{"bộ y tế", "Bô\u0323 Y tê\u0301"} {
			_, err := orgs.CreateOrganization(admin, ecabinet.OrganizationInput{Name: spelling})
			if ae := ecabinet.AsError(err); ae.Code != ecabinet.ECONFLICT || ae.Key != "organization.exists" {
				t.Fatalf("%q: %v", spelling, err)
			}
		}

		// In the task body: the ministry of finance leads a task, with the
		// ministry of justice co-operating; rename both.
		sec := e.as("sec")
		task := e.assign(t, ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, Title: "Sửa đổi Luật Quản lý thuế", LeadOrg: "bộ tài chính",
			CoUnits: []string{"Bộ Tư pháp"}, DueDate: "2026-06-30"})
		if task.LeadOrg != "Bộ Tài chính" {
			t.Fatalf("the lead is named %q, not as the list spells it", task.LeadOrg)
		}
		_, err = e.tasks.CreateTask(sec, ecabinet.TaskInput{ConclusionID: &e.conclusion.ID, Title: "X", LeadOrg: "Bộ Tài Chánh", DueDate: "2026-06-30"})
		if ae := ecabinet.AsError(err); ae.Key != "organization.unknown" || ae.Field != "lead_org" {
			t.Fatalf("a spelling not in the list: %v", err)
		}
		admins := e.adminOf(t)
		list, err := orgs.ListOrganizations(admins)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]*ecabinet.Organization{}
		for _, o := range list {
			ids[o.Name] = o
		}
		mof := ids["Bộ Tài chính"]
		if mof == nil || mof.Members != 2 || mof.Tasks != 1 || ids["Bộ Tư pháp"].Tasks != 1 || ids["Bộ Y tế"] == nil {
			t.Fatalf("list %+v", list)
		}
		if _, err := orgs.RenameOrganization(admins, mof.ID, ecabinet.OrganizationInput{Name: "Bộ Y tế"}); ecabinet.ErrorCode(err) != ecabinet.ECONFLICT {
			t.Fatalf("renamed onto another: %v", err)
		}
		if _, err := orgs.RenameOrganization(admins, mof.ID, ecabinet.OrganizationInput{Name: "Bộ Tài chính (mới)"}); err != nil {
			t.Fatal(err)
		}
		if _, err := orgs.RenameOrganization(admins, ids["Bộ Tư pháp"].ID, ecabinet.OrganizationInput{Name: "Bộ Tư pháp (mới)"}); err != nil {
			t.Fatal(err)
		}
		got, err := e.tasks.FindTask(sec, task.ID)
		if err != nil || got.LeadOrg != "Bộ Tài chính (mới)" || got.Organization != "Bộ Tài chính (mới)" || got.CoUnits[0] != "Bộ Tư pháp (mới)" {
			t.Fatalf("after the renames: %+v %v", got, err)
		}
		m, _ := store.NewMemberService(db).FindMember(sec, e.people["mof"].ID)
		if m.Organization != "Bộ Tài chính (mới)" {
			t.Fatalf("the member's organisation is %q", m.Organization)
		}
		stats, err := e.tasks.TaskStats(sec, ecabinet.TaskStatsFilter{Group: ecabinet.GroupOrganization})
		if err != nil || len(stats.Groups) == 0 || stats.Groups[0].Key != "Bộ Tài chính (mới)" {
			t.Fatalf("statistics: %+v %v", stats, err)
		}
		err = orgs.DeleteOrganization(admins, mof.ID)
		if ae := ecabinet.AsError(err); ae.Code != ecabinet.ECONFLICT || ae.Key != "organization.in_use" {
			t.Fatalf("deleted in use: %v", err)
		}
		// Another body sees its own list and cannot touch this one.
		if _, err := orgs.RenameOrganization(admin, mof.ID, ecabinet.OrganizationInput{Name: "X"}); ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
			t.Fatalf("another body renamed it: %v", err)
		}
		if theirs, _ := orgs.ListOrganizations(admin); len(theirs) != 1 || theirs[0].Name != "Bộ Y tế" {
			t.Fatalf("another body's list: %+v", theirs)
		}
		if err := orgs.DeleteOrganization(admin, moh.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// adminOf adds an admin to the task body and acts as them.
func (e *taskEnv) adminOf(t *testing.T) context.Context {
	t.Helper()
	m, err := e.db.CreateMember(context.Background(), hasher, e.body.ID, ecabinet.MemberInput{Username: testenv.RandomName("admin"),
		FullName: "Quản trị", Role: ecabinet.RoleAdmin, Clearance: ecabinet.ClassNone, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return ecabinet.NewContextWithActor(context.Background(), ecabinet.Actor{MemberID: m.ID, BodyID: m.BodyID, Role: m.Role})
}

// A password link is for one member, once, for a while: an admin makes it
// (no admin sees the password), the member uses it, and opening it again,
// late or after a newer one, says so and changes nothing.
func TestPasswordLinks(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, other := newFixture(t, db), newFixture(t, db)
		links := store.NewPasswordLinkService(db, hasher, time.Hour)
		m := f.members[ecabinet.RoleMember]
		_, err := links.IssuePasswordLink(f.as(ecabinet.RoleSecretary), m.ID, "https://cabinet.gov.vn")
		wantCode(t, err, ecabinet.EFORBIDDEN)
		_, err = links.IssuePasswordLink(other.as(ecabinet.RoleAdmin), m.ID, "https://cabinet.gov.vn")
		wantCode(t, err, ecabinet.ENOTFOUND)
		first, err := links.IssuePasswordLink(f.as(ecabinet.RoleAdmin), m.ID, "https://cabinet.gov.vn/")
		if err != nil || !strings.HasPrefix(first.URL, "https://cabinet.gov.vn/password#") || first.Token == "" {
			t.Fatalf("link %+v %v", first, err)
		}
		l, err := links.IssuePasswordLink(f.as(ecabinet.RoleAdmin), m.ID, "https://cabinet.gov.vn")
		if err != nil {
			t.Fatal(err)
		}
		wantKey := func(err error, code, key string) {
			t.Helper()
			if ae := ecabinet.AsError(err); ae.Code != code || ae.Key != key {
				t.Fatalf("got %v, want %s %s", err, code, key)
			}
		}
		// A newer link replaces the first.
		_, err = links.InspectPasswordLink(ctx, first.Token)
		wantKey(err, ecabinet.EGONE, "link.expired")
		_, err = links.InspectPasswordLink(ctx, "not-a-token")
		wantKey(err, ecabinet.ENOTFOUND, "link.unknown")
		info, err := links.InspectPasswordLink(ctx, l.Token)
		if err != nil || info.Username != m.Username || info.Body != f.body.Name {
			t.Fatalf("inspect: %+v %v", info, err)
		}
		s := store.NewSignInStore(db)
		now := db.Now()
		if _, err := s.CreateSignIn(ctx, "old-sign-in", &ecabinet.SignIn{MemberID: m.ID, CSRFToken: "c", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, ecabinet.Client{}); err != nil {
			t.Fatal(err)
		}
		_, err = links.UsePasswordLink(ctx, l.Token, "short", ecabinet.Client{})
		wantKey(err, ecabinet.EINVALID, "password.weak")
		got, err := links.UsePasswordLink(ctx, l.Token, "mật khẩu mới của tôi", ecabinet.Client{IP: "10.1.2.3"})
		if err != nil || got.ID != m.ID {
			t.Fatalf("use: %+v %v", got, err)
		}
		cred, _ := s.Credentials(ctx, m.Username)
		if ok, _ := hasher.Verify(ctx, "mật khẩu mới của tôi", cred.PasswordHash); !ok {
			t.Fatal("the new password does not verify")
		}
		if _, _, _, err := s.SignIn(ctx, "old-sign-in"); ecabinet.ErrorCode(err) != ecabinet.EUNAUTHENTICATED {
			t.Fatalf("a sign-in made before the new password still works: %v", err)
		}
		// Used: opening or using it again says so, and changes nothing.
		_, err = links.UsePasswordLink(ctx, l.Token, "another password entirely", ecabinet.Client{})
		wantKey(err, ecabinet.EGONE, "link.used")
		_, err = links.InspectPasswordLink(ctx, l.Token)
		wantKey(err, ecabinet.EGONE, "link.used")
		if again, _ := s.Credentials(ctx, m.Username); again.PasswordHash != cred.PasswordHash {
			t.Fatal("a used link changed the password")
		}
		// Expired: the clock moves past it.
		late, _ := links.IssuePasswordLink(f.as(ecabinet.RoleAdmin), m.ID, "")
		setClock(db, now.Add(2*time.Hour))
		_, err = links.UsePasswordLink(ctx, late.Token, "yet another password", ecabinet.Client{})
		wantKey(err, ecabinet.EGONE, "link.expired")
		entries, _ := store.NewAuditService(db).AuditLog(f.as(ecabinet.RoleAdmin), 0, 100)
		var actions []string
		for _, x := range entries {
			actions = append(actions, x.Action)
		}
		if strings.Count(strings.Join(actions, " "), ecabinet.AuditPasswordLink) != 3 || !strings.Contains(strings.Join(actions, " "), ecabinet.AuditPasswordSet) {
			t.Fatalf("audit: %v", actions)
		}
	})
}

// The operator creates a body with its first admin in one step, or
// nothing: an existing slug or username changes nothing. A deactivated
// body's members cannot sign in.
func TestCreateBodyWithAdmin(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		slug := testenv.RandomName("ubnd-")
		in := ecabinet.BodyInput{Slug: slug, Name: "Ủy ban nhân dân tỉnh Lào Cai", Settings: ecabinet.DefaultBodySettings()}
		admin := ecabinet.MemberInput{Username: testenv.RandomName("admin.laocai"), FullName: "Nguyễn Văn An", Organization: "Văn phòng UBND tỉnh",
			Clearance: ecabinet.ClassNone}
		nb, err := db.CreateBodyWithAdmin(ctx, hasher, in, admin, time.Hour, "https://laocai.gov.vn")
		if err != nil {
			t.Fatal(err)
		}
		if !nb.Body.Active || nb.Admin.Role != ecabinet.RoleAdmin || nb.Link == nil || nb.Admin.Organization != "Văn phòng UBND tỉnh" {
			t.Fatalf("created %+v %+v %+v", nb.Body, nb.Admin, nb.Link)
		}
		info, err := store.NewPasswordLinkService(db, hasher, time.Hour).InspectPasswordLink(ctx, nb.Link.Token)
		if err != nil || info.Username != admin.Username {
			t.Fatalf("the first admin's link: %+v %v", info, err)
		}
		before, _ := db.ListBodies(ctx)
		// The same slug, or a taken username: a clear error, nothing written.
		again := admin
		again.Username = testenv.RandomName("x")
		_, err = db.CreateBodyWithAdmin(ctx, hasher, in, again, time.Hour, "")
		if ae := ecabinet.AsError(err); ae.Code != ecabinet.ECONFLICT || ae.Key != "body.exists" {
			t.Fatalf("an existing slug: %v", err)
		}
		in.Slug = testenv.RandomName("other-")
		_, err = db.CreateBodyWithAdmin(ctx, hasher, in, admin, time.Hour, "")
		if ae := ecabinet.AsError(err); ae.Code != ecabinet.ECONFLICT || ae.Field != "username" {
			t.Fatalf("a taken username: %v", err)
		}
		for _, bad := range []string{"Có Dấu", "-x", "a"} {
			in.Slug = bad
			if _, err := db.CreateBodyWithAdmin(ctx, hasher, in, again, time.Hour, ""); ecabinet.AsError(err).Key != "body.slug" {
				t.Fatalf("slug %q: %v", bad, err)
			}
		}
		if _, err := db.FindBodyBySlug(ctx, in.Slug); ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
			t.Fatal("a refused body was stored")
		}
		if after, _ := db.ListBodies(ctx); len(after) != len(before) {
			t.Fatalf("%d bodies before, %d after refused creations", len(before), len(after))
		}
		if _, err := store.NewSignInStore(db).Credentials(ctx, again.Username); ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
			t.Fatal("the admin of a refused body was stored")
		}

		// With a password instead of a link, the admin signs in; deactivated, nobody does.
		in.Slug, admin.Username, admin.Password = testenv.RandomName("hn-"), testenv.RandomName("admin.hn"), "mật khẩu quản trị"
		nb, err = db.CreateBodyWithAdmin(ctx, hasher, in, admin, time.Hour, "")
		if err != nil || nb.Link != nil {
			t.Fatalf("with a password: %+v %v", nb, err)
		}
		s := store.NewSignInStore(db)
		now := db.Now()
		if _, err := s.CreateSignIn(ctx, "sign-in", &ecabinet.SignIn{MemberID: nb.Admin.ID, CSRFToken: "c", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, ecabinet.Client{}); err != nil {
			t.Fatal(err)
		}
		b, ended, err := db.SetBodyActive(ctx, in.Slug, false)
		if err != nil || b.Active || ended != 1 {
			t.Fatalf("deactivate: %+v %d %v", b, ended, err)
		}
		if cred, err := s.Credentials(ctx, admin.Username); err != nil || cred.Active {
			t.Fatalf("a deactivated body's admin may sign in: %+v %v", cred, err)
		}
		if _, _, err := db.SetBodyActive(ctx, in.Slug, true); err != nil {
			t.Fatal(err)
		}
		if cred, _ := s.Credentials(ctx, admin.Username); !cred.Active {
			t.Fatal("activated again, the admin still may not sign in")
		}
		if _, _, err := db.SetBodyActive(ctx, "no-such-body", false); ecabinet.ErrorCode(err) != ecabinet.ENOTFOUND {
			t.Fatalf("unknown slug: %v", err)
		}
	})
}
